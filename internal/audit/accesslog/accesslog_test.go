package accesslog

import (
	"bytes"
	"strings"
	"testing"

	"parcours/internal/audit"
)

func TestSafeCell_EscapesFormulaStarts(t *testing.T) {
	for in, want := range map[string]string{
		"=HYPERLINK(\"x\")": "'=HYPERLINK(\"x\")", "+33 6": "'+33 6", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)",
		"\tx": "'\tx", "\rx": "'\rx", "normal": "normal", "": "", "a=b": "a=b",
	} {
		if got := SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteCSV_EscapesEveryCell(t *testing.T) {
	var buf bytes.Buffer
	err := WriteCSV(&buf, []audit.Event{{Seq: 1, ActorID: "=cmd", Action: "person.read", Reason: "@urgence; appel du 115"}})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], ";'=cmd;") || !strings.Contains(lines[1], `"'@urgence; appel du 115"`) {
		t.Fatalf("csv:\n%s", buf.String())
	}
}
