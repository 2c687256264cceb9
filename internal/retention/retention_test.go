package retention_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/retention"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) {
	if os.Getenv("PARCOURS_KILL_DSN") != "" {
		// The child of TestRetention_KillDuringApply works on its
		// parent's database and is killed: a template database of its
		// own would never be dropped.
		os.Exit(m.Run())
	}
	storetest.Main(m)
}

func pngOf(n int) []byte {
	return append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), []byte(fmt.Sprintf("%064d", n))...)
}

func call(t *testing.T, e *apptest.Env, method, path, who string, body any, want int, out any) {
	t.Helper()
	r := e.Do(method, path, who, body)
	if r.Status != want {
		t.Fatalf("%s %s as %s: %d %s, want %d", method, path, who, r.Status, r.Body, want)
	}
	if out != nil {
		r.Decode(t, out)
	}
}

type world struct {
	e                *apptest.Env
	old, open, fresh *parcours.Person
	oldEntry         string
	sharedSHA        string
	uniqueSHA        string
	now              time.Time
}

// build makes three files of org A, recorded three years ago: old (an
// accompaniment closed 34 months ago, journal, task, two documents: one
// content shared with open's), open (an accompaniment still open) and
// fresh (a journal entry last month).
func build(t *testing.T, e *apptest.Env) *world {
	w := &world{e: e, now: time.Now().UTC()}
	past := w.now.AddDate(-3, 0, 0)
	e.App.DB.Now = func() time.Time { return past }
	e.App.Retention.SetClock(func() time.Time { return w.now })
	person := func(birth, first string) *parcours.Person {
		var p parcours.Person
		call(t, e, "POST", "/api/v1/persons", "worker", map[string]any{"birth_name": birth, "first_names": first, "birth_date": "1984-06-15",
			"sex": "F", "phone": "0601020304", "nir": "284067512345688", "force": true,
			"address": map[string]any{"line1": "3 rue des Lilas", "postal_code": "69100", "city": "Villeurbanne"}}, 201, &p)
		return &p
	}
	w.old, w.open, w.fresh = person("Zorglubienne", "Anastasia"), person("Ouvertin", "Berthe"), person("Recentin", "Carla")
	day := func(t time.Time) string { return t.Format(time.DateOnly) }
	var acc, acc2 parcours.Accompaniment
	call(t, e, "POST", "/api/v1/persons/"+w.old.ID+"/accompaniments", "worker", map[string]any{"kind": "asg", "start_date": day(past)}, 201, &acc)
	call(t, e, "POST", "/api/v1/persons/"+w.open.ID+"/accompaniments", "worker", map[string]any{"kind": "asg", "start_date": day(past)}, 201, &acc2)
	var entry parcours.JournalEntry
	call(t, e, "POST", "/api/v1/persons/"+w.old.ID+"/journal", "worker", map[string]any{"kind": "interview", "occurred_at": day(past),
		"summary": "Entretien avec Mme Zorglubienne au sujet de sa dette de loyer", "private_synthesis": "synthèse privée"}, 201, &entry)
	w.oldEntry = entry.ID
	call(t, e, "POST", "/api/v1/persons/"+w.old.ID+"/tasks", "worker", map[string]any{"title": "Appeler Mme Zorglubienne", "due_date": day(past.AddDate(0, 0, 7))}, 201, nil)
	var d1, d2, d3 parcours.Document
	call(t, e, "POST", "/api/v1/persons/"+w.old.ID+"/documents", "worker", map[string]any{"kind": "courrier", "content_base64": base64.StdEncoding.EncodeToString(pngOf(1))}, 201, &d1)
	call(t, e, "POST", "/api/v1/persons/"+w.old.ID+"/documents", "worker", map[string]any{"kind": "rib", "content_base64": base64.StdEncoding.EncodeToString(pngOf(2))}, 201, &d2)
	call(t, e, "POST", "/api/v1/persons/"+w.open.ID+"/documents", "worker", map[string]any{"kind": "rib", "content_base64": base64.StdEncoding.EncodeToString(pngOf(2))}, 201, &d3)
	w.uniqueSHA, w.sharedSHA = d1.SHA256, d2.SHA256
	// The old accompaniment ended two months after it started: 34 months
	// ago, past the 24 months of activity.
	e.App.DB.Now = func() time.Time { return past.AddDate(0, 2, 0) }
	call(t, e, "POST", "/api/v1/accompaniments/"+acc.ID+"/end", "worker", map[string]any{"end_date": day(past.AddDate(0, 2, 0)), "end_reason": "objectifs_atteints"}, 200, nil)
	e.App.DB.Now = func() time.Time { return w.now.AddDate(0, -1, 0) }
	call(t, e, "POST", "/api/v1/persons/"+w.fresh.ID+"/journal", "worker", map[string]any{"kind": "call", "summary": "Appel"}, 201, nil)
	e.App.DB.Now = func() time.Time { return time.Now().UTC() }
	return w
}

func (w *world) contentPath(sha string) string {
	return filepath.Join(w.e.App.Config.DataDir, "documents", sha[:2], sha)
}

type planOut struct {
	ID      string `json:"id"`
	Status  string `json:"status"`
	Batches []struct {
		ID     string `json:"id"`
		Action string `json:"action"`
		Status string `json:"status"`
		Files  int    `json:"files"`
	} `json:"batches"`
}

func (p planOut) batch(t *testing.T, action string) (string, int) {
	t.Helper()
	for _, b := range p.Batches {
		if b.Action == action {
			return b.ID, b.Files
		}
	}
	t.Fatalf("plan %s has no %s batch: %+v", p.ID, action, p)
	return "", 0
}

// TestRetention_PlanReviewApply_AnonymisesOnlyApprovedInactiveFiles is the
// issue's "done when": a plan lists the two-year-inactive file, nothing
// changes until a manager approves, apply anonymises it (statistics
// fields kept, the rest and its own documents' files deleted, the search
// no longer finds it), a second apply does nothing, and the audit chain
// still verifies.
func TestRetention_PlanReviewApply_AnonymisesOnlyApprovedInactiveFiles(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		w := build(t, e)
		ctx := context.Background()
		system := parcours.SystemActor()

		// The dry run: the old file only (the open one is accompanied, the
		// fresh one was contacted last month).
		var plan planOut
		call(t, e, "POST", "/api/v1/retention/plans", "manager", nil, http.StatusCreated, &plan)
		anonID, n := plan.batch(t, retention.ActionAnonymise)
		if _, a := plan.batch(t, retention.ActionArchive); n != 1 || a != 0 {
			t.Fatalf("plan = %+v, want 1 file to anonymise and none to archive", plan)
		}
		var batch struct {
			Items []struct {
				PersonID    string `json:"person_id"`
				Name        string `json:"name"`
				LastContact string `json:"last_contact"`
			} `json:"items"`
		}
		call(t, e, "GET", "/api/v1/retention/batches/"+anonID, "manager", nil, 200, &batch)
		if len(batch.Items) != 1 || batch.Items[0].PersonID != w.old.ID || !strings.Contains(batch.Items[0].Name, "ZORGLUBIENNE") {
			t.Fatalf("batch items = %+v, want the old file", batch.Items)
		}

		// Not approved yet: apply changes nothing.
		res, err := e.App.Retention.Apply(ctx, system)
		if err != nil || res.Anonymised != 0 || res.Batches != 0 {
			t.Fatalf("apply before approval = %+v, %v; want nothing done", res, err)
		}
		// A reason is required; then the manager approves.
		r := e.Do("POST", "/api/v1/retention/batches/"+anonID+"/decision", "manager", map[string]any{"decision": "approve", "reason": ""})
		if r.Status != http.StatusUnprocessableEntity && r.Status != http.StatusBadRequest {
			t.Fatalf("decision without reason: %d %s, want 4xx", r.Status, r.Body)
		}
		call(t, e, "POST", "/api/v1/retention/batches/"+anonID+"/decision", "manager", map[string]any{"decision": "approve", "reason": "Revu en réunion d'équipe"}, 200, nil)

		res, err = e.App.Retention.Apply(ctx, system)
		if err != nil || res.Anonymised != 1 || res.Batches != 1 || res.Removed != 1 {
			t.Fatalf("apply = %+v, %v; want one file anonymised and one content removed", res, err)
		}

		// Kept for statistics; blanked or deleted otherwise.
		db := e.App.DB.SQL()
		var birthName, first, birthDate, sex, phone, nir, postal, city string
		if err := db.QueryRow(rebind(e, "SELECT birth_name, first_names, birth_date, sex, phone, nir, postal_code, city FROM persons WHERE id = ?"), w.old.ID).
			Scan(&birthName, &first, &birthDate, &sex, &phone, &nir, &postal, &city); err != nil {
			t.Fatal(err)
		}
		if birthName != "" || first != "" || phone != "" || nir != "" || birthDate != "1984-01-01" || sex != "F" || city != "Villeurbanne" || postal != "69100" {
			t.Errorf("anonymised person = %q %q %q %q %q %q %q %q", birthName, first, birthDate, sex, phone, nir, postal, city)
		}
		var summary, private, kind, occurred string
		if err := db.QueryRow(rebind(e, "SELECT summary, private_synthesis, kind, occurred_at FROM journal_entries WHERE id = ?"), w.oldEntry).Scan(&summary, &private, &kind, &occurred); err != nil {
			t.Fatal(err)
		}
		if summary != "" || private != "" || kind != "interview" || occurred == "" {
			t.Errorf("journal entry after anonymisation = %q %q %q %q", summary, private, kind, occurred)
		}
		count := func(q string, args ...any) int {
			var n int
			if err := db.QueryRow(rebind(e, q), args...).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		if n := count("SELECT COUNT(*) FROM documents WHERE person_id = ?", w.old.ID); n != 0 {
			t.Errorf("%d documents left", n)
		}
		if n := count("SELECT COUNT(*) FROM tasks WHERE person_id = ? AND title <> ''", w.old.ID); n != 0 {
			t.Errorf("%d task titles left", n)
		}
		if n := count("SELECT COUNT(*) FROM accompaniments WHERE person_id = ? AND kind = 'asg' AND end_reason = 'objectifs_atteints'", w.old.ID); n != 1 {
			t.Errorf("accompaniment kept for statistics: %d, want 1", n)
		}
		if n := count("SELECT COUNT(*) FROM person_terms WHERE person_id = ?", w.old.ID); n != 0 {
			t.Errorf("%d search index entries left", n)
		}
		if n := count("SELECT COUNT(*) FROM search_terms WHERE term LIKE ?", "%zorglub%"); n != 0 {
			t.Errorf("the name is still in the search dictionary")
		}
		if _, err := os.Stat(w.contentPath(w.uniqueSHA)); !os.IsNotExist(err) {
			t.Errorf("own document content still in the data dir: %v", err)
		}
		if _, err := os.Stat(w.contentPath(w.sharedSHA)); err != nil {
			t.Errorf("content shared with another file removed: %v", err)
		}
		// The search no longer finds the person; the others still are.
		var found struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		call(t, e, "GET", "/api/v1/persons?q="+url.QueryEscape("Zorglubienne"), "manager", nil, 200, &found)
		if len(found.Items) != 0 {
			t.Errorf("search still finds the anonymised person: %+v", found.Items)
		}
		call(t, e, "GET", "/api/v1/persons?q=Ouvertin", "manager", nil, 200, &found)
		if len(found.Items) != 1 {
			t.Errorf("search for a kept person: %+v", found.Items)
		}
		call(t, e, "GET", "/api/v1/persons?limit=200", "manager", nil, 200, &found)
		for _, it := range found.Items {
			if it.ID == w.old.ID {
				t.Errorf("the persons list still shows the anonymised person")
			}
		}
		// The journal search does not find the blanked text either.
		r = e.Do("GET", "/api/v1/search/journal?q=loyer", "worker", nil)
		if strings.Contains(string(r.Body), w.oldEntry) {
			t.Errorf("journal search still finds the blanked entry")
		}

		// Deletions are audited with identifiers only.
		var events int
		rows, err := db.Query(rebind(e, "SELECT object_id, reason FROM audit_events WHERE action = ?"), "retention.anonymise")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var obj, reason string
			if err := rows.Scan(&obj, &reason); err != nil {
				t.Fatal(err)
			}
			events++
			if obj != w.old.ID || reason != "" {
				t.Errorf("anonymise event object %q reason %q", obj, reason)
			}
		}
		rows.Close()
		if events != 1 {
			t.Errorf("%d retention.anonymise events, want 1", events)
		}

		// Twice: nothing the second time.
		res, err = e.App.Retention.Apply(ctx, system)
		if err != nil || res != (retention.Result{}) {
			t.Fatalf("second apply = %+v, %v; want nothing", res, err)
		}
		// An applied batch takes no decision any more.
		call(t, e, "POST", "/api/v1/retention/batches/"+anonID+"/decision", "manager", map[string]any{"decision": "postpone", "reason": "trop tard"}, http.StatusConflict, nil)

		rep, err := e.App.DB.VerifyAudit(ctx, e.App.AuditKey)
		if err != nil || rep.Problem != nil {
			t.Fatalf("audit verify after apply: %+v, %v", rep, err)
		}
		// The next plan does not list the anonymised file again.
		call(t, e, "POST", "/api/v1/retention/plans", "manager", nil, http.StatusCreated, &plan)
		if _, n := plan.batch(t, retention.ActionAnonymise); n != 0 {
			t.Errorf("next plan lists %d files to anonymise, want 0", n)
		}
	})
}

// TestRetention_ArchiveRuleAndPostpone: an archive duration for a kind the
// file holds puts it in the archive batch instead; a postponed batch is
// never applied; a contact after the plan keeps the file.
func TestRetention_ArchiveRuleAndPostpone(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		w := build(t, e)
		ctx := context.Background()
		var st retention.Settings
		call(t, e, "PUT", "/api/v1/retention/settings", "manager", map[string]any{"active_months": 24, "archive_months": map[string]int{"documents": 12}}, 200, &st)
		if st.ArchiveMonths["documents"] != 12 || st.ArchiveMonths["journal"] != 0 {
			t.Fatalf("settings = %+v", st)
		}
		r := e.Do("PUT", "/api/v1/retention/settings", "manager", map[string]any{"active_months": 0, "archive_months": map[string]int{"nope": 3}})
		if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), "active_months") {
			t.Errorf("bad settings: %d %s", r.Status, r.Body)
		}
		var plan planOut
		call(t, e, "POST", "/api/v1/retention/plans", "manager", nil, http.StatusCreated, &plan)
		arch, n := plan.batch(t, retention.ActionArchive)
		anon, m := plan.batch(t, retention.ActionAnonymise)
		if n != 1 || m != 0 {
			t.Fatalf("plan with a 12-month document archive = %+v, want 1 to archive", plan)
		}
		call(t, e, "POST", "/api/v1/retention/batches/"+anon+"/decision", "manager", map[string]any{"decision": "postpone", "reason": "Vérifier la liste"}, 200, nil)
		call(t, e, "POST", "/api/v1/retention/batches/"+arch+"/decision", "manager", map[string]any{"decision": "approve", "reason": "Conforme"}, 200, nil)
		// The person comes back after the plan (a new accompaniment): the
		// file is no longer due.
		if _, err := e.App.CaseFile.CreateAccompaniment(ctx, parcours.SystemActor(), w.old.ID, casefile.AccompanimentInput{Kind: "asg",
			TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID, StartDate: time.Now().Format(time.DateOnly)}); err != nil {
			t.Fatal(err)
		}
		res, err := e.App.Retention.Apply(ctx, parcours.SystemActor())
		if err != nil || res.Archived != 0 || res.Skipped != 1 || res.Batches != 1 {
			t.Fatalf("apply = %+v, %v; want the file skipped", res, err)
		}
		var archived int64
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT archived_at FROM persons WHERE id = ?"), w.old.ID).Scan(&archived); err != nil || archived != 0 {
			t.Errorf("archived_at = %d, %v; want 0", archived, err)
		}
	})
}

// TestRetention_SweepRemovesOnlyUnreferencedOldContents: leftovers of an
// interrupted run go; a content a row names, or a fresh upload, stays.
func TestRetention_SweepRemovesOnlyUnreferencedOldContents(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		w := build(t, e)
		orphan := strings.Repeat("ab", 32)
		fresh := strings.Repeat("cd", 32)
		for _, sha := range []string{orphan, fresh} {
			if err := os.MkdirAll(filepath.Dir(w.contentPath(sha)), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(w.contentPath(sha), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
		old := time.Now().Add(-2 * time.Hour)
		for _, p := range []string{w.contentPath(orphan), w.contentPath(w.uniqueSHA)} {
			if err := os.Chtimes(p, old, old); err != nil {
				t.Fatal(err)
			}
		}
		n, err := e.App.Retention.Sweep(context.Background(), time.Hour)
		if err != nil || n != 1 {
			t.Fatalf("sweep = %d, %v; want 1", n, err)
		}
		for sha, want := range map[string]bool{orphan: false, fresh: true, w.uniqueSHA: true, w.sharedSHA: true} {
			_, err := os.Stat(w.contentPath(sha))
			if (err == nil) != want {
				t.Errorf("content %s present = %v, want %v", sha[:6], err == nil, want)
			}
		}
	})
}

// TestRetention_JournalStaysAppendOnlyOutsideTheAnonymisation: the
// trigger still refuses an update without the guard.
func TestRetention_JournalStaysAppendOnlyOutsideTheAnonymisation(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		w := build(t, e)
		_, err := e.App.DB.SQL().Exec(rebind(e, "UPDATE journal_entries SET summary = '' WHERE id = ?"), w.oldEntry)
		if err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Fatalf("update of a journal entry: %v, want refused", err)
		}
	})
}

func rebind(e *apptest.Env, q string) string {
	if e.Dialect != store.Postgres {
		return q
	}
	var b strings.Builder
	n := 0
	for _, c := range q {
		if c == '?' {
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteRune(c)
	}
	return b.String()
}

// TestRetention_ManagersAndTheDPOOnly: an administrator designated DPO
// reviews plans; without the designation, 403; another organisation's
// batch is 404.
func TestRetention_ManagersAndTheDPOOnly(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		call(t, e, "GET", "/api/v1/retention/settings", "admin", nil, http.StatusForbidden, nil)
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			return tx.DesignateDPO(ctx, e.Workers["admin"].ID, e.OrgA.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		var st retention.Settings
		call(t, e, "GET", "/api/v1/retention/settings", "admin", nil, 200, &st)
		if st.ActiveMonths != retention.DefaultActiveMonths {
			t.Errorf("default active months = %d", st.ActiveMonths)
		}
		var plan planOut
		call(t, e, "POST", "/api/v1/retention/plans", "admin", nil, http.StatusCreated, &plan)
		id, _ := plan.batch(t, retention.ActionAnonymise)
		call(t, e, "GET", "/api/v1/retention/batches/"+id, "admin", nil, 200, nil)
		// Org B's manager does not see org A's batch.
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			return tx.DesignateDPO(ctx, e.Workers["other"].ID, e.OrgB.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		call(t, e, "GET", "/api/v1/retention/batches/"+id, "other", nil, http.StatusNotFound, nil)
		call(t, e, "POST", "/api/v1/retention/batches/"+id+"/decision", "other", map[string]any{"decision": "approve", "reason": "pas à moi"}, http.StatusNotFound, nil)
	})
}
