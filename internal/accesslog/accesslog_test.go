package accesslog

import (
	"bytes"
	"strings"
	"testing"

	"parcours/internal/audit"
)

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
