package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// thirdOrg adds an association with a worker ("third") and a service
// taking referrals through Parcours.
func thirdOrg(t *testing.T, e *apptest.Env) *parcours.Service {
	t.Helper()
	ctx := context.Background()
	var sv *parcours.Service
	err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		o := &parcours.Organization{Name: "Association Habitat Test", Kind: parcours.OrgAssociation}
		if err := tx.InsertOrganization(ctx, o); err != nil {
			return err
		}
		tm := &parcours.Team{OrgID: o.ID, Name: "Accompagnement vers le logement"}
		if err := tx.InsertTeam(ctx, tm); err != nil {
			return err
		}
		w := &parcours.Worker{OrgID: o.ID, Email: "third@association.test", FirstName: "Prénom", LastName: "THIRD", Role: parcours.RoleWorker, TeamIDs: []string{tm.ID}}
		if err := tx.InsertWorker(ctx, w, ""); err != nil {
			return err
		}
		e.Workers["third"] = w
		st := &parcours.Structure{OrgID: o.ID, Nom: o.Name, CreatedBy: o.ID}
		if err := tx.InsertStructure(ctx, st); err != nil {
			return err
		}
		sv = &parcours.Service{StructureID: st.ID, OrgID: o.ID, TeamID: tm.ID, Nom: "Recherche de logement", Thematiques: []string{"logement-hebergement--mal-loges-sans-logis"},
			ModesAccueil: []string{"en-presentiel"}, OrientationParcours: true}
		return tx.InsertService(ctx, sv)
	})
	if err != nil {
		t.Fatal(err)
	}
	e.Tokens["third"] = e.TokenFor(e.Workers["third"])
	return sv
}

// TestReferral_ReferBack: B, which received A's file by referral and
// wrote in it, refers the person back to a service of A and on to a third
// organisation C, with only what B wrote. Re-sharing A's extract is
// refused (422, in French, nothing recorded); A's worker without any
// relation to the file reads exactly B's note through the referral and
// answers it; C sees B's note and never A's extract; the person's access
// log names C's reads; B's cancellation ends C's access at once.
func TestReferral_ReferBack(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		svC := thirdOrg(t, e)
		count := func() int {
			var n int
			if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM referrals").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		var ref parcours.Referral
		e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID)).Decode(t, &ref)
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/accept", "other", nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		var bNote parcours.JournalEntry
		r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/journal", "other",
			map[string]any{"kind": "interview", "summary": "Logement trouvé : bail signé, suivi budget à reprendre", "confidentiality": "organization"})
		if r.Status != http.StatusCreated {
			t.Fatalf("B writes: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &bNote)

		// The form offers B's note, never A's extract nor the situation.
		page := e.Page("GET", "/persons/"+s.Person.ID+"/referrals/new", "other", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), bNote.Summary) || strings.Contains(string(page.Body), s.Entries[0].Summary) ||
			strings.Contains(string(page.Body), s.Docs[0].Title) || strings.Contains(string(page.Body), `name="situation_parts"`) {
			t.Errorf("B's form: %d %s", page.Status, page.Body)
		}
		// The referral page links to it.
		if page := e.Page("GET", "/referrals/"+ref.ID, "other", nil); !strings.Contains(string(page.Body), "/persons/"+s.Person.ID+"/referrals/new") {
			t.Errorf("B's referral page has no link to refer back")
		}

		back := func(service string, entries, docs, parts []string) map[string]any {
			b := map[string]any{"service_id": service, "reason": "Reprise du suivi budget après relogement", "entry_ids": entries,
				"basis": "consent", "consent_on": time.Now().Format(time.DateOnly), "consent_how": "oral"}
			if docs != nil {
				b["document_ids"] = docs
			}
			if parts != nil {
				b["situation_parts"] = parts
			}
			return b
		}
		// Re-sharing what A sent is refused by name, in French; nothing
		// is recorded.
		for _, c := range []struct {
			name  string
			body  map[string]any
			field string
			named string
		}{
			{"an entry of A's extract", back(svC.ID, []string{bNote.ID, s.Entries[0].ID}, nil, nil), "entry_ids", s.Entries[0].ID},
			{"a document of A's extract", back(svC.ID, []string{bNote.ID}, []string{s.Docs[0].ID}, nil), "document_ids", s.Docs[0].ID},
			{"a situation part", back(s.ServiceA.ID, nil, nil, []string{"housing"}), "situation_parts", ""},
			{"an entry of A's outside the extract", back(svC.ID, []string{s.Entries[2].ID}, nil, nil), "entry_ids", s.Entries[2].ID},
		} {
			before := count()
			r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "other", c.body)
			if r.Status != http.StatusUnprocessableEntity || !strings.Contains(string(r.Body), c.field) || !strings.Contains(string(r.Body), c.named) {
				t.Errorf("%s: %d %s", c.name, r.Status, r.Body)
			}
			if c.name != "an entry of A's outside the extract" && !strings.Contains(string(r.Body), "ne peut pas être transmis") {
				t.Errorf("%s: no French message: %s", c.name, r.Body)
			}
			if count() != before {
				t.Errorf("%s: a referral was recorded", c.name)
			}
		}
		// Through the page, the same refusal is shown on the form.
		form := map[string][]string{"service_id": {svC.ID}, "reason": {"Relogement"}, "entry_ids": {s.Entries[0].ID},
			"basis": {"legal"}, "legal_ground": {"CASF L121-6-2"}}
		if p := e.Page("POST", "/persons/"+s.Person.ID+"/referrals", "other", form); p.Status != http.StatusUnprocessableEntity || !strings.Contains(string(p.Body), "extrait reçu") {
			t.Errorf("page re-share: %d", p.Status)
		}

		// Back to A's service, with B's note.
		var toA parcours.Referral
		r = e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "other", back(s.ServiceA.ID, []string{bNote.ID}, nil, nil))
		if r.Status != http.StatusCreated {
			t.Fatalf("refer back to A: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &toA)
		if toA.FromOrgID != e.OrgB.ID || toA.ToOrgID != e.OrgA.ID {
			t.Errorf("referral back: %+v", toA)
		}
		// A's worker2 has no relation to the file, yet reads the referral
		// addressed to A: the identity and B's note, nothing else of B.
		var got referralBody
		r = e.Do("GET", "/api/v1/referrals/"+toA.ID, "worker2", nil)
		if r.Status != 200 {
			t.Fatalf("A reads the referral back: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &got)
		if g := ids(got.Extract.Entries, func(e parcours.JournalEntry) string { return e.ID }); !slices.Equal(g, []string{bNote.ID}) || got.Status != parcours.ReferralReceived {
			t.Errorf("A's extract %v, status %s", g, got.Status)
		}
		if r := e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/journal", "worker2", nil); r.Status != http.StatusForbidden {
			t.Errorf("worker2 reads the whole journal: %d", r.Status)
		}
		// Outside the referral, B's note stays absent to A's referent,
		// and the file closed to worker2.
		for who, want := range map[string]int{"worker": http.StatusNotFound, "worker2": http.StatusForbidden} {
			if r := e.Do("GET", "/api/v1/journal/"+bNote.ID, who, nil); r.Status != want {
				t.Errorf("%s reads B's note outside the referral: %d, want %d", who, r.Status, want)
			}
		}
		if r := e.Do("POST", "/api/v1/referrals/"+toA.ID+"/accept", "other", nil); r.Status != http.StatusForbidden {
			t.Errorf("B accepts its own referral: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+toA.ID+"/accept", "worker2", nil); r.Status != 200 {
			t.Fatalf("A accepts: %d %s", r.Status, r.Body)
		}
		// B's copy of the file lists the referral it holds the file by
		// and the one it sent back; A's referent's file lists what A sent,
		// not B's referral to A.
		page = e.Page("GET", "/persons/"+s.Person.ID, "other", nil)
		if b := string(page.Body); page.Status != 200 || !strings.Contains(b, `href="/referrals/`+toA.ID+`"`) ||
			!strings.Contains(b, `<a href="/referrals/`+ref.ID+`">`+s.ServiceB.Nom+`</a> <span class="tag">reçue</span>`) {
			t.Errorf("B's file page does not list its referrals: %d", page.Status)
		}
		page = e.Page("GET", "/persons/"+s.Person.ID, "worker", nil)
		if b := string(page.Body); page.Status != 200 || !strings.Contains(b, `href="/referrals/`+ref.ID+`"`) || strings.Contains(b, `href="/referrals/`+toA.ID+`"`) {
			t.Errorf("A's file page: %d", page.Status)
		}
		var sent struct{ Items []parcours.Referral }
		e.Do("GET", "/api/v1/referrals?box=sent", "other", nil).Decode(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].ID != toA.ID || sent.Items[0].Status != parcours.ReferralAccepted {
			t.Errorf("B's sent box: %+v", sent.Items)
		}

		// On to the association C, with B's note only.
		var toC parcours.Referral
		r = e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "other", back(svC.ID, []string{bNote.ID}, nil, nil))
		if r.Status != http.StatusCreated {
			t.Fatalf("refer to C: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &toC)
		r = e.Do("GET", "/api/v1/referrals/"+toC.ID, "third", nil)
		if r.Status != 200 {
			t.Fatalf("C reads: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &got)
		if g := ids(got.Extract.Entries, func(e parcours.JournalEntry) string { return e.ID }); !slices.Equal(g, []string{bNote.ID}) ||
			len(got.Extract.Documents) != 0 || got.Extract.Person.BirthName != "DURAND" {
			t.Errorf("C's extract: %v %+v", g, got.Extract)
		}
		for path, want := range map[string]int{
			"/api/v1/journal/" + bNote.ID:                 200,
			"/api/v1/journal/" + s.Entries[0].ID:          404, // A's extract to B is not C's
			"/api/documents/" + s.Docs[0].ID + "/content": 404,
			"/api/v1/referrals/" + ref.ID:                 404,
			"/api/v1/referrals/" + toA.ID:                 404,
		} {
			if r := e.Do("GET", path, "third", nil); r.Status != want {
				t.Errorf("C GET %s: %d, want %d", path, r.Status, want)
			}
		}
		// The person's access log, read by A, names C's reads.
		var log struct {
			Items []struct {
				Action string `json:"action"`
				Org    string `json:"organization"`
			} `json:"items"`
		}
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/access-log", "worker", nil).Decode(t, &log)
		byC, byB := 0, 0
		for _, it := range log.Items {
			if it.Org == "Association Habitat Test" && it.Action == "referral.read" {
				byC++
			}
			if it.Org == e.OrgB.Name && it.Action == "referral.create" {
				byB++
			}
		}
		if byC == 0 || byB != 2 {
			t.Errorf("access log: %d reads by C, %d referrals by B: %+v", byC, byB, log.Items)
		}
		// B cancels its referral to C: C's access ends at once. B still
		// cannot cancel A's referral to B.
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/cancel", "other", nil); r.Status != http.StatusNotFound {
			t.Errorf("B cancels A's referral: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+toC.ID+"/cancel", "other", nil); r.Status != 200 {
			t.Fatalf("B cancels: %d %s", r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/referrals/" + toC.ID, "/api/v1/journal/" + bNote.ID, "/api/v1/persons/" + s.Person.ID} {
			if r := e.Do("GET", path, "third", nil); r.Status != http.StatusNotFound {
				t.Errorf("C GET %s after the cancellation: %d", path, r.Status)
			}
		}
	})
}

// TestDirectory_MoveService moves a service to another structure its
// organisation entered (administrators only): an unknown, foreign or
// deactivated structure is 422 naming the field and changes nothing; the
// move is audited and a move to the organisation's own structure makes
// the service take referrals through Parcours.
func TestDirectory_MoveService(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		structure := func(who string, body map[string]any) string {
			var st parcours.Structure
			r := e.Do("POST", "/api/v1/structures", who, body)
			if r.Status != http.StatusCreated {
				t.Fatalf("structure: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &st)
			return st.ID
		}
		from := structure("admin", map[string]any{"nom": "Secours solidaire"})
		to := structure("admin", map[string]any{"nom": "Maison des solidarités"})
		own := structure("admin", map[string]any{"nom": "CCAS de Villeurbanne-Test", "own": true})
		off := structure("admin", map[string]any{"nom": "Ancienne permanence"})
		if r := e.Do("PUT", "/api/v1/structures/"+off, "admin", map[string]any{"nom": "Ancienne permanence", "active": false}); r.Status != 200 {
			t.Fatalf("deactivate: %d", r.Status)
		}
		var sv parcours.Service
		in := map[string]any{"structure_id": from, "nom": "Épicerie solidaire", "thematiques": []string{"equipement-et-alimentation"}}
		e.Do("POST", "/api/v1/services", "admin", in).Decode(t, &sv)
		get := func() parcours.Service {
			var got *parcours.Service
			err := e.App.DB.View(context.Background(), func(tx *store.Tx) (err error) {
				got, err = tx.Service(context.Background(), sv.ID)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return *got
		}
		move := func(who, structureID string) *apptest.Response {
			return e.Do("PUT", "/api/v1/services/"+sv.ID, who, map[string]any{"structure_id": structureID, "nom": "Épicerie solidaire",
				"thematiques": []string{"equipement-et-alimentation"}})
		}
		for name, c := range map[string]struct {
			who, to string
			status  int
			message string
		}{
			"unknown":     {"admin", "nope", 422, "aucune structure"},
			"deactivated": {"admin", off, 422, "désactivée"},
			"a worker":    {"worker", to, 403, ""},
		} {
			r := move(c.who, c.to)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.message) || (c.status == 422 && !strings.Contains(string(r.Body), "structure_id")) {
				t.Errorf("%s: %d %s", name, r.Status, r.Body)
			}
			if got := get(); got.StructureID != from {
				t.Errorf("%s: moved to %s", name, got.StructureID)
			}
		}
		// Another organisation's structure: org B's administrator.
		var foreign string
		err := e.App.DB.Transact(context.Background(), func(tx *store.Tx) error {
			st := &parcours.Structure{Nom: "Structure du département", CreatedBy: e.OrgB.ID}
			err := tx.InsertStructure(context.Background(), st)
			foreign = st.ID
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if r := move("admin", foreign); r.Status != 422 || get().StructureID != from {
			t.Errorf("to a structure of another organisation: %d", r.Status)
		}
		before := lastSeq(t, e)
		if r := move("admin", to); r.Status != 200 {
			t.Fatalf("move: %d %s", r.Status, r.Body)
		}
		if got := get(); got.StructureID != to || got.StructureNom != "Maison des solidarités" || got.OrientationParcours {
			t.Errorf("moved: %+v", got)
		}
		moved := false
		for _, ev := range auditSince(t, e, before) {
			moved = moved || ev.Action == "directory.service.move"
		}
		if !moved {
			t.Errorf("the move is not audited")
		}
		if r := move("admin", own); r.Status != 200 {
			t.Fatalf("move to own: %d %s", r.Status, r.Body)
		}
		if got := get(); got.OrgID != e.OrgA.ID || !got.OrientationParcours {
			t.Errorf("moved to the organisation's own structure: %+v", got)
		}
	})
}
