package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"parcours/internal/app"
	"parcours/internal/noteflags"
	"parcours/internal/parcours"
)

// --review-lexicon adds an organisation's words; a file that does not
// parse stops serve with a line naming the problem.
func TestApplyReview_OrganisationLexicon(t *testing.T) {
	defer func(v string) { serveReview.lexicon = v }(serveReview.lexicon)
	dir := t.TempDir()
	good := filepath.Join(dir, "ours.tsv")
	if err := os.WriteFile(good, []byte("#version ccas-1\njudgement\tlabel\tgrincheux~\t-\tDécrire\tDescribe\tecrits-pro\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	a := &app.App{NoteFlags: noteflags.New(nil)}
	serveReview.lexicon = good
	if err := applyReview(a); err != nil {
		t.Fatal(err)
	}
	actor := parcours.Actor{WorkerID: "w", OrgID: "o", Role: parcours.RoleWorker}
	spans, err := a.NoteFlags.Check(t.Context(), actor, "Elle est grincheuse.", "")
	if err != nil || len(spans) != 1 {
		t.Errorf("organisation word not flagged: %v %v", spans, err)
	}
	bad := filepath.Join(dir, "bad.tsv")
	if err := os.WriteFile(bad, []byte("judgement\tlabel\tx\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	serveReview.lexicon = bad
	err = applyReview(&app.App{NoteFlags: noteflags.New(nil)})
	if err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad lexicon: %v", err)
	}
	serveReview.lexicon = filepath.Join(dir, "missing.tsv")
	if err := applyReview(&app.App{NoteFlags: noteflags.New(nil)}); err == nil {
		t.Error("missing file: no error")
	}
}
