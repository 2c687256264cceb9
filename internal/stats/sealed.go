package stats

import (
	"bufio"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"io"
)

// The files of background exports are encrypted at rest with the shared
// export key (package keyring), in chunks of sealChunk bytes each sealed
// by AES-256-GCM: the nonce is a random prefix of the file, the chunk's
// counter and a last-chunk flag (the STREAM construction), so a chunk
// cannot be reordered, dropped or the file truncated unnoticed, and the
// job's id is the additional data, so a file cannot pass for another's.
// Memory stays one chunk whatever the size of the export.

const (
	sealMagic  = "PXF1"
	sealChunk  = 64 << 10
	sealPrefix = 7
)

var errSealed = errors.New("stats: export file damaged or not ours")

type sealWriter struct {
	w      *bufio.Writer
	aead   cipher.AEAD
	ad     []byte
	prefix [sealPrefix]byte
	n      uint32
	buf    []byte
}

// newSealWriter encrypts what is written to w; Close writes the last
// chunk (it does not close w).
func newSealWriter(w io.Writer, key []byte, ad string) (io.WriteCloser, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	s := &sealWriter{w: bufio.NewWriter(w), aead: aead, ad: []byte(ad), buf: make([]byte, 0, sealChunk)}
	if _, err := rand.Read(s.prefix[:]); err != nil {
		return nil, err
	}
	if _, err := s.w.WriteString(sealMagic); err != nil {
		return nil, err
	}
	if _, err := s.w.Write(s.prefix[:]); err != nil {
		return nil, err
	}
	return s, nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

func nonce(prefix [sealPrefix]byte, n uint32, last bool) []byte {
	out := make([]byte, 12)
	copy(out, prefix[:])
	binary.BigEndian.PutUint32(out[sealPrefix:], n)
	if last {
		out[11] = 1
	}
	return out
}

func (s *sealWriter) Write(p []byte) (int, error) {
	written := 0
	for len(p) > 0 {
		k := min(len(p), sealChunk-len(s.buf))
		s.buf = append(s.buf, p[:k]...)
		p, written = p[k:], written+k
		if len(s.buf) == sealChunk {
			if err := s.flush(false); err != nil {
				return written, err
			}
		}
	}
	return written, nil
}

func (s *sealWriter) flush(last bool) error {
	if s.n == ^uint32(0) {
		return errors.New("stats: export file too large")
	}
	ct := s.aead.Seal(nil, nonce(s.prefix, s.n, last), s.buf, s.ad)
	s.n++
	s.buf = s.buf[:0]
	var size [4]byte
	binary.BigEndian.PutUint32(size[:], uint32(len(ct)))
	if _, err := s.w.Write(size[:]); err != nil {
		return err
	}
	_, err := s.w.Write(ct)
	return err
}

func (s *sealWriter) Close() error {
	if err := s.flush(true); err != nil {
		return err
	}
	return s.w.Flush()
}

type sealReader struct {
	r      *bufio.Reader
	aead   cipher.AEAD
	ad     []byte
	prefix [sealPrefix]byte
	n      uint32
	plain  []byte
	done   bool
}

// newSealReader decrypts a file written by newSealWriter with the same
// key and ad; a damaged, truncated or foreign file is an error.
func newSealReader(r io.Reader, key []byte, ad string) (io.Reader, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	s := &sealReader{r: bufio.NewReader(r), aead: aead, ad: []byte(ad)}
	head := make([]byte, len(sealMagic)+sealPrefix)
	if _, err := io.ReadFull(s.r, head); err != nil || string(head[:len(sealMagic)]) != sealMagic {
		return nil, errSealed
	}
	copy(s.prefix[:], head[len(sealMagic):])
	return s, nil
}

func (s *sealReader) Read(p []byte) (int, error) {
	for len(s.plain) == 0 {
		if s.done {
			return 0, io.EOF
		}
		var size [4]byte
		if _, err := io.ReadFull(s.r, size[:]); err != nil {
			return 0, errSealed // truncated before the last chunk
		}
		n := binary.BigEndian.Uint32(size[:])
		if n > sealChunk+uint32(s.aead.Overhead()) {
			return 0, errSealed
		}
		ct := make([]byte, n)
		if _, err := io.ReadFull(s.r, ct); err != nil {
			return 0, errSealed
		}
		plain, err := s.aead.Open(nil, nonce(s.prefix, s.n, false), ct, s.ad)
		if err != nil {
			if plain, err = s.aead.Open(nil, nonce(s.prefix, s.n, true), ct, s.ad); err != nil {
				return 0, errSealed
			}
			s.done = true
			if _, err := s.r.ReadByte(); err != io.EOF {
				return 0, errSealed // bytes after the last chunk
			}
		}
		s.n++
		s.plain = plain
	}
	k := copy(p, s.plain)
	s.plain = s.plain[k:]
	return k, nil
}
