package stats

import (
	"bytes"
	"io"
	"testing"
)

// TestSealed_RoundTripAndTamperingRefused: a file of several chunks comes
// back as written; a flipped byte, a truncation (even at a chunk
// boundary), another job's id or another key are refused.
func TestSealed_RoundTripAndTamperingRefused(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{7}, 32)
	plain := bytes.Repeat([]byte("id;person_id;kind\n"), 10000) // ~180 KB: 3 chunks
	var buf bytes.Buffer
	w, err := newSealWriter(&buf, key, "job-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(plain); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	sealed := buf.Bytes()
	read := func(b []byte, k []byte, ad string) ([]byte, error) {
		r, err := newSealReader(bytes.NewReader(b), k, ad)
		if err != nil {
			return nil, err
		}
		return io.ReadAll(r)
	}
	if got, err := read(sealed, key, "job-1"); err != nil || !bytes.Equal(got, plain) {
		t.Fatalf("round trip: %d bytes, %v", len(got), err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)/2] ^= 1
	firstChunk := len(sealMagic) + sealPrefix + 4 + sealChunk + 16
	for name, tc := range map[string]struct {
		b  []byte
		k  []byte
		ad string
	}{
		"flipped byte":         {flipped, key, "job-1"},
		"truncated":            {sealed[:len(sealed)-10], key, "job-1"},
		"cut at a chunk's end": {sealed[:firstChunk], key, "job-1"},
		"another job's file":   {sealed, key, "job-2"},
		"another key":          {sealed, bytes.Repeat([]byte{8}, 32), "job-1"},
		"bytes after the last": {append(bytes.Clone(sealed), 0), key, "job-1"},
	} {
		if _, err := read(tc.b, tc.k, tc.ad); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}
