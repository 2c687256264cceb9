package web

import (
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// compressMin is the smallest body worth compressing: below it gzip's
// header and the CPU cost more than the bytes saved.
const compressMin = 1024

// gzipWriters hold gzip writers of klauspost/compress (already built in,
// for the metrics' zstd) in its stateless mode. Compressing a 200-entry
// journal (115 KB) was ~20 % of serve's CPU on SQLite and ~30 % on
// PostgreSQL with the standard library even at BestSpeed (issue 17).
// Measured on that answer, CPU and bytes: compress/gzip BestSpeed 0.24 ms
// and 12.1 KB, holding 1.2 MB per writer; klauspost BestSpeed 0.11 ms,
// 11.5 KB, 0.8 MB per writer; stateless 0.16 ms, 12.5 KB, 28 KB per
// writer. Sixteen answers in flight held 13–19 MB of writers, a quarter
// of serve's live heap under its memory limit (the collector's work and
// the process's peak): stateless keeps that under 0.5 MB for 0.05 ms
// more per answer. Each Write is compressed on its own; answers are
// written whole (WriteJSON, rendered pages), so that costs nothing.
//
// A bounded free list rather than a sync.Pool: a pool is emptied by the
// garbage collector, which under serve's memory limit runs many times a
// second. The list keeps a few for good.
var gzipWriters = make(chan *gzip.Writer, 8)

func getGzip() *gzip.Writer {
	select {
	case z := <-gzipWriters:
		return z
	default:
		z, _ := gzip.NewWriterLevel(nil, gzip.StatelessCompression)
		return z
	}
}

func putGzip(z *gzip.Writer) {
	z.Reset(nil) // drop the answer's writer
	select {
	case gzipWriters <- z:
	default:
	}
}

// compress gzips HTML and JSON answers for clients that accept it (a
// person's file page is ~33 KB, ~7 KB gzipped: it matters on a phone at a
// home visit). Bodies are held until compressMin bytes decide; answers
// that set their own encoding (static files, precompressed) or are not
// HTML or JSON (documents, CSV exports streamed row by row) pass through
// untouched.
//
// A loopback peer is compressed for like any other: it is most often a
// reverse proxy relaying the answer to a remote browser, and guessing
// otherwise from forwarding headers would leave that browser with
// uncompressed pages whenever the proxy sends none.
func compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead || !acceptsGzip(r) {
			next.ServeHTTP(w, r)
			return
		}
		cw := &compressWriter{ResponseWriter: w}
		defer cw.close()
		next.ServeHTTP(cw, r)
	})
}

type compressWriter struct {
	http.ResponseWriter
	status  int
	buf     []byte
	z       *gzip.Writer
	decided bool // compressing (z != nil) or passing through
}

func (w *compressWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}

func (w *compressWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	if w.decided {
		if w.z != nil {
			return w.z.Write(b)
		}
		return w.ResponseWriter.Write(b)
	}
	if len(w.buf) == 0 && len(b) >= compressMin {
		// A whole answer written at once (WriteJSON, a rendered page):
		// decided on it without copying it first.
		w.buf = b
		err := w.decide()
		if err != nil {
			return 0, err
		}
		return len(b), nil
	}
	w.buf = append(w.buf, b...)
	if len(w.buf) >= compressMin {
		if err := w.decide(); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

// decide starts compressing or passing through, and sends what was held.
func (w *compressWriter) decide() error {
	w.decided = true
	h := w.Header()
	if len(w.buf) >= compressMin && h.Get("Content-Encoding") == "" && compressibleAnswer(h.Get("Content-Type")) &&
		w.status != http.StatusNoContent && w.status != http.StatusNotModified {
		h.Del("Content-Length")
		h.Set("Content-Encoding", "gzip")
		h.Add("Vary", "Accept-Encoding")
		w.z = getGzip()
		w.z.Reset(w.ResponseWriter)
	}
	w.ResponseWriter.WriteHeader(w.status)
	var err error
	if w.z != nil {
		_, err = w.z.Write(w.buf)
	} else if len(w.buf) > 0 {
		_, err = w.ResponseWriter.Write(w.buf)
	}
	w.buf = nil
	return err
}

// Flush sends what is held: a streamed answer (an export) goes out as
// it is written.
func (w *compressWriter) Flush() {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		_ = w.decide()
	}
	if w.z != nil {
		_ = w.z.Flush()
	}
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (w *compressWriter) close() {
	if !w.decided {
		if w.status == 0 {
			// The handler wrote nothing: nothing to send.
			return
		}
		_ = w.decide()
	}
	if w.z != nil {
		_ = w.z.Close()
		putGzip(w.z)
		w.z = nil
	}
}

// Unwrap lets http.ResponseController reach the connection.
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func compressibleAnswer(ctype string) bool {
	return strings.HasPrefix(ctype, "text/html") || strings.HasPrefix(ctype, "application/json")
}
