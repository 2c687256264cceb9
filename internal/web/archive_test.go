package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/store"
)

const archiveReason = "Contrôle de la Chambre régionale des comptes sur les aides 2024"

// TestArchivedFile_ReadOnlyForManagersAndTheDPOEachReadWithItsReason
// goes through the HTTP handlers: once the retention archived a file,
// its former referent and the front desk get 404, a manager gets 403 and
// the form asking why, and once the reason given reads the file (every
// event stamped with the reason) but writes nothing; the DPO, a worker by
// role, reads it the same way.
func TestArchivedFile_ReadOnlyForManagersAndTheDPOEachReadWithItsReason(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		p := recordPerson(t, e, "worker", "ARCHAMBAULT")
		if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/journal", "worker", map[string]any{"kind": "call", "summary": "Appel avant archivage."}); r.Status != 201 {
			t.Fatalf("journal before archive: %d %s", r.Status, r.Body)
		}
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error { return tx.ArchivePersons(ctx, []string{p.ID}) }); err != nil {
			t.Fatal(err)
		}
		file := "/api/v1/persons/" + p.ID
		for _, who := range []string{"worker", "reception", "admin", "worker2", "other"} {
			if r := e.Do("GET", file, who, nil); r.Status != 404 {
				t.Errorf("%s reads the archived file: %d, want 404", who, r.Status)
			}
		}
		if r := e.Do("GET", file+"/journal", "worker", nil); r.Status != 404 {
			t.Errorf("former referent reads the journal: %d, want 404", r.Status)
		}
		if r := e.Do("POST", file+"/break-glass", "worker", map[string]any{"reason": archiveReason}); r.Status != 404 {
			t.Errorf("former referent opens a consultation: %d, want 404", r.Status)
		}
		// A manager: no read without a reason, and the page asks it.
		if r := e.Do("GET", file, "manager", nil); r.Status != 403 || r.ErrorCode() != "forbidden" || !strings.Contains(string(r.Body), "archivé") {
			t.Errorf("manager without reason: %d %s, want 403 naming the archive", r.Status, r.Body)
		}
		page := e.Page("GET", "/persons/"+p.ID, "manager", nil)
		if body := string(page.Body); page.Status != 403 || !strings.Contains(body, `action="/persons/`+p.ID+`/break-glass"`) || !strings.Contains(body, "Consulter le dossier archivé") {
			t.Fatalf("archived page without reason: %d, want 403 with the reason form", page.Status)
		}
		if r := e.Do("POST", file+"/break-glass", "manager", map[string]any{"reason": "pour voir"}); r.Status != 422 {
			t.Errorf("short reason: %d, want 422", r.Status)
		}
		if ok := e.Page("POST", "/persons/"+p.ID+"/break-glass", "manager", map[string][]string{"reason": {archiveReason}}); ok.Status != 303 {
			t.Fatalf("consultation: %d %s", ok.Status, ok.Body)
		}
		if page := e.Page("GET", "/persons/"+p.ID, "manager", nil); page.Status != 200 || !strings.Contains(string(page.Body), `id="archive-banner"`) ||
			strings.Contains(string(page.Body), `id="break-glass-banner"`) || strings.Contains(string(page.Body), `name="summary"`) {
			t.Errorf("archived page with a consultation: %d, want 200 with the archive banner and no journal form", page.Status)
		}
		if r := e.Do("GET", file+"/journal", "manager", nil); r.Status != 200 || !strings.Contains(string(r.Body), "Appel avant archivage") {
			t.Errorf("manager reads the journal: %d", r.Status)
		}
		// Read-only, even with a consultation.
		if r := e.Do("POST", file+"/journal", "manager", map[string]any{"kind": "call", "summary": "Note après archivage."}); r.Status != 403 || !strings.Contains(string(r.Body), "lecture seule") {
			t.Errorf("manager writes in an archived journal: %d %s, want 403 read-only", r.Status, r.Body)
		}
		if r := e.Do("PATCH", file, "manager", map[string]any{"phone": "0601020304"}); r.Status != 403 {
			t.Errorf("manager changes an archived identity: %d, want 403", r.Status)
		}
		// Every event of the consultation carries its reason.
		var reads, unstamped int
		q := `SELECT COUNT(*), COALESCE(SUM(CASE WHEN reason = ? THEN 0 ELSE 1 END), 0)
			FROM (SELECT reason FROM audit_events WHERE person_id = ? AND actor_id = ? AND action <> 'access.denied'
			      UNION ALL SELECT reason FROM audit_pending WHERE person_id = ? AND actor_id = ? AND action <> 'access.denied') x`
		if e.Dialect == store.Postgres {
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
			}
		}
		if err := e.App.DB.SQL().QueryRow(q, archiveReason, p.ID, e.Workers["manager"].ID, p.ID, e.Workers["manager"].ID).Scan(&reads, &unstamped); err != nil {
			t.Fatal(err)
		}
		if reads < 3 || unstamped != 0 {
			t.Errorf("manager's events on the archived file: %d, %d without the reason", reads, unstamped)
		}
		// The DPO, a worker by role, reads it the same way.
		if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
			return tx.DesignateDPO(ctx, e.Workers["worker2"].ID, e.OrgA.ID, true)
		}); err != nil {
			t.Fatal(err)
		}
		if r := e.Do("GET", file, "worker2", nil); r.Status != 403 {
			t.Errorf("DPO without reason: %d, want 403", r.Status)
		}
		if r := e.Do("POST", file+"/break-glass", "worker2", map[string]any{"reason": "Demande d'accès de la personne (RGPD art. 15)"}); r.Status != 201 {
			t.Fatalf("DPO consultation: %d %s", r.Status, r.Body)
		}
		if r := e.Do("GET", file+"/journal", "worker2", nil); r.Status != 200 {
			t.Errorf("DPO reads the journal: %d", r.Status)
		}
		// The consultations are not break-glass accesses to review.
		var items struct {
			Items []map[string]any `json:"items"`
		}
		r := e.Do("GET", "/api/v1/break-glass/reviews", "manager", nil)
		r.Decode(t, &items)
		if len(items.Items) != 0 {
			t.Errorf("archive consultations in the break-glass review: %v", items.Items)
		}
	})
}
