package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// serve refuses a bound it cannot use with one readable line and a
// non-zero exit, before it opens anything.
func TestServe_AdmissionOptionsChecked(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--max-requests", "2"}, `max requests "2"`},
		{[]string{"--max-requests", "many"}, `max requests "many"`},
		{[]string{"--queue-wait", "10ms"}, `queue wait "10ms"`},
		{[]string{"--queue-wait", "2"}, `queue wait "2"`},
	} {
		dir := t.TempDir()
		var out, errb bytes.Buffer
		err := Run(context.Background(), append([]string{"serve", "--addr", "127.0.0.1:0", "--database", filepath.Join(dir, "p.db"),
			"--data-dir", dir}, c.args...), nil, &out, &errb)
		if err == nil || ExitCode(err) == 0 || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("%v: got %v (exit %d), want one line naming %s", c.args, err, ExitCode(err), c.want)
		}
		if matches, _ := filepath.Glob(filepath.Join(dir, "p.db*")); len(matches) != 0 {
			t.Errorf("%v: the database was created: %v", c.args, matches)
		}
	}
	serveAdmission.maxRequests, serveAdmission.queueWait = "128", "500ms"
	a, err := admission()
	if err != nil || a.MaxInFlight != 128 || a.MaxWait != 500*time.Millisecond {
		t.Errorf("128 and 500ms: got %+v, %v", a, err)
	}
	serveAdmission.maxRequests, serveAdmission.queueWait = "", ""
	if a, err = admission(); err != nil || a.MaxInFlight != 64 || a.MaxWait != 2*time.Second {
		t.Errorf("defaults: got %+v, %v", a, err)
	}
}
