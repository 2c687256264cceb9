package importer

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"parcours/internal/parcours"
)

// Encodings the import recognises. Spreadsheets in French offices save
// CSV as UTF-8 (with or without BOM) or as Windows-1252 ("CSV (séparateur:
// point-virgule)" in Excel).
const (
	UTF8        = "UTF-8"
	Windows1252 = "Windows-1252"
)

// decode turns the file into UTF-8 text and says which encoding it was.
// UTF-16 and binary files (NUL bytes) are refused: decoding them as
// Windows-1252 would import garbage without a word.
func decode(b []byte) (string, string, error) {
	if bytes.HasPrefix(b, []byte{0xFF, 0xFE}) || bytes.HasPrefix(b, []byte{0xFE, 0xFF}) || bytes.IndexByte(b, 0) >= 0 {
		return "", "", parcours.FieldError(parcours.EInvalid, "file", "error.import_encoding")
	}
	b = bytes.TrimPrefix(b, []byte{0xEF, 0xBB, 0xBF})
	if utf8.Valid(b) {
		return string(b), UTF8, nil
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return "", "", parcours.FieldError(parcours.EInvalid, "file", "error.import_encoding")
	}
	return string(s), Windows1252, nil
}

// separator picks ';' or ',' (or a tab) from the header line: the one
// that occurs most outside quotes.
func separator(text string) rune {
	line, _, _ := strings.Cut(text, "\n")
	counts := map[rune]int{}
	inQuotes := false
	for _, r := range line {
		switch {
		case r == '"':
			inQuotes = !inQuotes
		case !inQuotes && (r == ';' || r == ',' || r == '\t'):
			counts[r]++
		}
	}
	best := ';'
	for _, r := range []rune{',', '\t'} {
		if counts[r] > counts[best] {
			best = r
		}
	}
	return best
}

// record is one data row with its line number in the file.
type record struct {
	line  int
	cells []string
}

// readRecords parses the CSV. A row the CSV syntax cannot read (a stray
// quote) is reported with its line and the reading goes on, so that one
// pass lists every problem.
func readRecords(text string, comma rune) (header []string, rows []record, problems []Problem, err error) {
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = comma
	r.FieldsPerRecord = -1
	// Spreadsheets write quotes inside unquoted cells (=HYPERLINK("…")):
	// read them as text, so the row is reported for what it is.
	r.LazyQuotes = true
	first := true
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				if first {
					return nil, nil, nil, parcours.FieldError(parcours.EInvalid, "file", "error.import_unreadable_header")
				}
				problems = append(problems, Problem{Line: pe.StartLine, Key: "error.import_bad_csv_line"})
				continue
			}
			return nil, nil, nil, err
		}
		line, _ := r.FieldPos(0)
		if first {
			header, first = rec, false
			continue
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // blank line
		}
		rows = append(rows, record{line: line, cells: rec})
	}
	if first {
		return nil, nil, nil, parcours.FieldError(parcours.EInvalid, "file", "error.import_empty")
	}
	return header, rows, problems, nil
}
