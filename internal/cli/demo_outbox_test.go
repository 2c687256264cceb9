package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo records reminder choices on files, and its server points every
// organisation's e-mail at the in-process SMTP server (SMS at the
// « journal » provider), so that nothing leaves the machine.
func TestDemo_ReminderChoicesAndInProcessSMTP(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	if err := createDemo(ctx, e, path, filepath.Join(dir, "data"), false, 200, time.Now()); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if n := count(t, path, "SELECT count(*) FROM reminder_preferences WHERE consent AND channel IN ('email','sms')"); n < 20 {
		t.Errorf("%d reminder choices with consent", n)
	}
	if n := count(t, path, "SELECT count(*) FROM reminder_preferences WHERE channel = 'none'"); n == 0 {
		t.Error("no refusal among the demo's reminder choices")
	}
	a, err := openApp(ctx, e, &Common{Database: path, DataDir: filepath.Join(dir, "data")})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	stop, err := demoMail(ctx, e, a)
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if n := count(t, path, "SELECT count(*) FROM org_messaging WHERE smtp_host = '127.0.0.1' AND smtp_security = 'none' AND sms_provider = 'journal'"); n < 2 {
		t.Errorf("%d organisations pointed at the in-process SMTP server", n)
	}
}
