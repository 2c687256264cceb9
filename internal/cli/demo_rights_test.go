package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The demo shows access to rights: procedures at each help level, two
// mandates (one ending within the month), budgets, and a commission with
// five requests, all decided, one paid.
func TestDemo_RightsAndAid(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "demo.db")
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	now := time.Now()
	if err := createDemo(ctx, e, path, filepath.Join(dir, "data"), false, 200, now); err != nil {
		t.Fatalf("demo: %v", err)
	}
	if n := count(t, path, "SELECT count(DISTINCT help_level) FROM procedures"); n != 4 {
		t.Errorf("procedures at %d help levels, want 4", n)
	}
	if n := count(t, path, "SELECT count(*) FROM procedures WHERE help_level = 'for_person' AND mandate_id IS NULL"); n != 0 {
		t.Errorf("%d procedures for the person without a mandate", n)
	}
	if n := count(t, path, "SELECT count(*) FROM mandates"); n != 2 {
		t.Errorf("%d mandates, want 2", n)
	}
	if n := count(t, path, "SELECT count(*) FROM mandates WHERE end_date <= ?", now.AddDate(0, 0, 30).Format(time.DateOnly)); n != 1 {
		t.Errorf("%d mandates ending within 30 days, want 1", n)
	}
	if n := count(t, path, "SELECT count(*) FROM autonomy_checks"); n < 6 {
		t.Errorf("%d autonomy checks", n)
	}
	if n := count(t, path, "SELECT count(*) FROM budgets"); n < 3 {
		t.Errorf("%d budgets", n)
	}
	if n := count(t, path, "SELECT count(*) FROM aid_requests WHERE commission_id IS NOT NULL AND status IN ('granted','partial','refused','adjourned')"); n != 5 {
		t.Errorf("%d decided requests in commission, want 5", n)
	}
	if n := count(t, path, "SELECT count(*) FROM aid_requests WHERE payment_status = 'paid'"); n != 1 {
		t.Errorf("%d paid aids, want 1", n)
	}
	if n := count(t, path, "SELECT count(*) FROM domiciliations WHERE status = 'granted'"); n != 2 {
		t.Errorf("%d domiciliations, want 2", n)
	}
	if n := count(t, path, "SELECT count(*) FROM domiciliation_mail WHERE status = 'received'"); n != 2 {
		t.Errorf("%d letters waiting at the desk, want 2", n)
	}
	if n := count(t, path, "SELECT count(*) FROM audit_events WHERE action IN ('procedure.create', 'mandate.create', 'aid_request.decide')"); n < 15 {
		t.Errorf("%d audit events for the rights demo: it must go through the services", n)
	}
}
