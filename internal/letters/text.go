package letters

import (
	"bytes"
	"compress/zlib"
	"io"
	"regexp"
	"strings"

	"golang.org/x/text/encoding/charmap"
)

var (
	// fpdf writes "stream\n", the bytes, "\nendstream": a compressed
	// stream may end with a byte 0x0D, which an optional \r would eat
	// (one letter in 256 then read as empty).
	streamRE = regexp.MustCompile(`(?s)stream\n(.*?)\nendstream`)
	showRE   = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s*Tj`)
)

// Text returns the text a PDF printed by this package shows, one string
// per line drawn: what tests and checks read to know what a letter
// holds (another household's name must never be there).
func Text(pdf []byte) string {
	var out []string
	for _, m := range streamRE.FindAllSubmatch(pdf, -1) {
		content := m[1]
		if r, err := zlib.NewReader(bytes.NewReader(content)); err == nil {
			if b, err := io.ReadAll(r); err == nil {
				content = b
			}
		}
		for _, s := range showRE.FindAllSubmatch(content, -1) {
			raw := unescape(s[1])
			txt, err := charmap.Windows1252.NewDecoder().Bytes(raw)
			if err != nil {
				txt = raw
			}
			out = append(out, string(txt))
		}
	}
	return strings.Join(out, "\n")
}

func unescape(b []byte) []byte {
	var out []byte
	for i := 0; i < len(b); i++ {
		if b[i] == '\\' && i+1 < len(b) {
			i++
			switch b[i] {
			case 'n':
				out = append(out, '\n')
			case 'r':
				out = append(out, '\r')
			case 't':
				out = append(out, '\t')
			default:
				out = append(out, b[i])
			}
			continue
		}
		out = append(out, b[i])
	}
	return out
}
