// Package csvsafe writes CSV that spreadsheets open as data, never as
// formulas. A cell beginning with =, +, -, @, a tab or a carriage return
// is run as a formula by Excel and LibreOffice ("CSV injection":
// =HYPERLINK(…) sends the file's content elsewhere); such cells get a
// leading apostrophe, which spreadsheets show as text. Every CSV export of
// Parcours goes through this package.
package csvsafe

import (
	"encoding/csv"
	"io"
)

// Risky reports whether a spreadsheet would read s as a formula.
func Risky(s string) bool {
	if s == "" {
		return false
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return true
	}
	return false
}

// Cell returns s made safe for a spreadsheet: a leading apostrophe when
// Risky, s unchanged otherwise.
func Cell(s string) string {
	if Risky(s) {
		return "'" + s
	}
	return s
}

// Writer is a csv.Writer that escapes every cell with Cell.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer on w; comma is the separator (';' suits
// French spreadsheets, ',' the rest of the world).
func NewWriter(w io.Writer, comma rune) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = comma
	return &Writer{w: cw}
}

// Write writes one record, every cell escaped.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, c := range record {
		w.buf = append(w.buf, Cell(c))
	}
	return w.w.Write(w.buf)
}

// Flush writes buffered data and returns any error of the whole writing.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}
