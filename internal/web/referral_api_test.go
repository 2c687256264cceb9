package web_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/servicedir"
	"parcours/internal/store"
)

// referralSetup is a person of org A followed by "worker", with three
// journal entries and two documents, and the directory: a service of org
// B (received by "other"), a service of org A, and an external service.
type referralSetup struct {
	Person                     *parcours.Person
	Entries                    []*parcours.JournalEntry
	Docs                       []*parcours.Document
	Task                       *parcours.Task
	ServiceB, ServiceA, Extern *parcours.Service
}

const pdf = "%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

func newReferralSetup(t *testing.T, e *apptest.Env) *referralSetup {
	t.Helper()
	ctx := context.Background()
	s := &referralSetup{Person: recordPerson(t, e, "worker", "DURAND")}
	for i, sum := range []string{"Entretien : dette de loyer, expulsion en cours", "Démarche FSL déposée", "Note : violences conjugales évoquées"} {
		en, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), s.Person.ID, casefile.EntryInput{Kind: "note", Summary: sum,
			OccurredAt: time.Now().AddDate(0, 0, -3+i).Format(time.DateOnly)})
		if err != nil {
			t.Fatal(err)
		}
		s.Entries = append(s.Entries, en)
	}
	for _, title := range []string{"Avis d'échéance", "Bulletin de salaire"} {
		d, err := e.App.CaseFile.AddDocument(ctx, e.Actor("worker"), s.Person.ID, casefile.DocumentInput{Kind: "autre", Title: title}, strings.NewReader(pdf+title))
		if err != nil {
			t.Fatal(err)
		}
		s.Docs = append(s.Docs, d)
	}
	var err error
	s.Task, err = e.App.CaseFile.CreateTask(ctx, e.Actor("worker"), s.Person.ID, casefile.TaskInput{Title: "Relancer le bailleur",
		DueDate: time.Now().AddDate(0, 0, 7).Format(time.DateOnly), AssigneeID: e.Workers["worker"].ID})
	if err != nil {
		t.Fatal(err)
	}
	err = e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		for _, c := range []struct {
			org  *parcours.Organization
			team string
			into **parcours.Service
			nom  string
		}{{e.OrgB, e.TeamB.ID, &s.ServiceB, "Accompagnement logement"}, {e.OrgA, "", &s.ServiceA, "Aide alimentaire"}, {nil, "", &s.Extern, "Point conseil budget"}} {
			st := &parcours.Structure{Nom: "Structure " + c.nom, CreatedBy: e.OrgA.ID}
			if c.org != nil {
				st.OrgID, st.CreatedBy, st.Nom = c.org.ID, c.org.ID, c.org.Name
			}
			if err := tx.InsertStructure(ctx, st); err != nil {
				return err
			}
			sv := &parcours.Service{StructureID: st.ID, OrgID: st.OrgID, TeamID: c.team, Nom: c.nom, Thematiques: []string{"logement-hebergement--mal-loges-sans-logis"},
				CodeInsee: "69266", Commune: "Villeurbanne", ZoneDiffusionType: "departement", ZoneDiffusionCode: "69", ModesAccueil: []string{"en-presentiel"},
				OrientationParcours: c.org != nil}
			if err := tx.InsertService(ctx, sv); err != nil {
				return err
			}
			*c.into = sv
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (s *referralSetup) input(service string) map[string]any {
	return map[string]any{"service_id": service, "reason": "Dette de loyer : accompagnement logement renforcé",
		"entry_ids": []string{s.Entries[0].ID, s.Entries[1].ID}, "document_ids": []string{s.Docs[0].ID},
		"basis": "consent", "consent_on": time.Now().Format(time.DateOnly), "consent_how": "oral"}
}

type referralBody struct {
	parcours.Referral
	Extract struct {
		Person    parcours.Person         `json:"person"`
		Entries   []parcours.JournalEntry `json:"entries"`
		Documents []parcours.Document     `json:"documents"`
		Tasks     []parcours.Task         `json:"tasks"`
		Own       []parcours.JournalEntry `json:"own_entries"`
	} `json:"extract"`
}

func ids[T any](list []T, id func(T) string) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, id(x))
	}
	slices.Sort(out)
	return out
}

// TestReferral_DoneWhen is the scenario through the HTTP
// handlers: A refers a person to B's service with two journal entries
// and a document; B's worker sees exactly those, accepts and writes; A
// sees the status change and never B's note; the person's access log (A's)
// names B's reads; once B ends the follow-up B gets 404.
func TestReferral_DoneWhen(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		// Before any referral, B knows nothing of the person.
		if r := e.Do("GET", "/api/v1/persons/"+s.Person.ID, "other", nil); r.Status != http.StatusNotFound {
			t.Fatalf("B before referral: %d", r.Status)
		}
		r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var ref parcours.Referral
		r.Decode(t, &ref)
		if ref.Status != parcours.ReferralSent || ref.ToOrgID != e.OrgB.ID {
			t.Fatalf("created %+v", ref)
		}

		// B's inbox has it; B reads exactly the extract.
		var box struct{ Items []parcours.Referral }
		e.Do("GET", "/api/v1/referrals?box=received", "other", nil).Decode(t, &box)
		if len(box.Items) != 1 || box.Items[0].ID != ref.ID {
			t.Fatalf("B's inbox: %+v", box.Items)
		}
		var got referralBody
		if r := e.Do("GET", "/api/v1/referrals/"+ref.ID, "other", nil); r.Status != 200 {
			t.Fatalf("B reads: %d %s", r.Status, r.Body)
		} else {
			r.Decode(t, &got)
		}
		if got.Status != parcours.ReferralReceived {
			t.Errorf("status after B's first read: %s, want received", got.Status)
		}
		wantEntries := ids(s.Entries[:2], func(e *parcours.JournalEntry) string { return e.ID })
		if g := ids(got.Extract.Entries, func(e parcours.JournalEntry) string { return e.ID }); !slices.Equal(g, wantEntries) {
			t.Errorf("B sees entries %v, want %v", g, wantEntries)
		}
		if g := ids(got.Extract.Documents, func(d parcours.Document) string { return d.ID }); !slices.Equal(g, []string{s.Docs[0].ID}) {
			t.Errorf("B sees documents %v", g)
		}
		if len(got.Extract.Tasks) != 0 || got.Extract.Person.NIR != "" || got.Extract.Person.BirthName != "DURAND" {
			t.Errorf("B's extract: tasks %v, person %+v", got.Extract.Tasks, got.Extract.Person)
		}
		// Through the file's own routes, B sees exactly the extract too.
		var journal struct{ Items []parcours.JournalEntry }
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/journal", "other", nil).Decode(t, &journal)
		if g := ids(journal.Items, func(e parcours.JournalEntry) string { return e.ID }); !slices.Equal(g, wantEntries) {
			t.Errorf("B's journal: %v, want %v", g, wantEntries)
		}
		for path, want := range map[string]int{
			"/api/v1/journal/" + s.Entries[2].ID:             404, // the entry left out
			"/api/documents/" + s.Docs[1].ID + "/content":    404,
			"/api/documents/" + s.Docs[0].ID + "/content":    200,
			"/api/v1/persons/" + s.Person.ID + "/consent":    404,
			"/api/v1/persons/" + s.Person.ID + "/household":  404,
			"/api/v1/persons/" + s.Person.ID + "/access-log": 404,
		} {
			if r := e.Do("GET", path, "other", nil); r.Status != want {
				t.Errorf("B GET %s: %d, want %d", path, r.Status, want)
			}
		}
		// Not accepted yet: B may not write.
		note := map[string]any{"kind": "interview", "summary": "Premier rendez-vous au service logement", "confidentiality": "organization"}
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/journal", "other", note); r.Status != http.StatusForbidden {
			t.Errorf("B writes before accepting: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/accept", "other", nil); r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/accept", "other", nil); r.Status != http.StatusConflict {
			t.Errorf("accept twice: %d, want 409", r.Status)
		}
		r = e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/journal", "other", note)
		if r.Status != http.StatusCreated {
			t.Fatalf("B writes: %d %s", r.Status, r.Body)
		}
		var bNote parcours.JournalEntry
		r.Decode(t, &bNote)
		if bNote.OrgID != e.OrgB.ID {
			t.Errorf("B's note belongs to %s, want B", bNote.OrgID)
		}
		e.Do("GET", "/api/v1/referrals/"+ref.ID, "other", nil).Decode(t, &got)
		if len(got.Extract.Own) != 1 || got.Extract.Own[0].ID != bNote.ID {
			t.Errorf("B's own entries: %+v", got.Extract.Own)
		}

		// A sees the status change, and never B's note.
		var sent struct{ Items []parcours.Referral }
		e.Do("GET", "/api/v1/referrals?box=sent", "worker", nil).Decode(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].Status != parcours.ReferralAccepted {
			t.Errorf("A's referrals: %+v", sent.Items)
		}
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/journal", "worker", nil).Decode(t, &journal)
		for _, en := range journal.Items {
			if en.ID == bNote.ID {
				t.Errorf("A reads B's note")
			}
		}
		if r := e.Do("GET", "/api/v1/journal/"+bNote.ID, "worker", nil); r.Status != http.StatusNotFound {
			t.Errorf("A GET B's note: %d", r.Status)
		}

		// The person's access log (A's) names B's reads, by structure.
		var log struct {
			Items []struct {
				Action string `json:"action"`
				Org    string `json:"organization"`
			} `json:"items"`
		}
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/access-log", "worker", nil).Decode(t, &log)
		bReads := 0
		for _, it := range log.Items {
			if it.Org == e.OrgB.Name && (it.Action == "referral.read" || it.Action == "journal.read" || it.Action == "document.download") {
				bReads++
			}
		}
		if bReads < 2 {
			t.Errorf("access log holds %d reads by %s: %+v", bReads, e.OrgB.Name, log.Items)
		}

		// B ends the follow-up: everything is 404 at once.
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/end", "other", nil); r.Status != 200 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
		for _, path := range []string{"/api/v1/referrals/" + ref.ID, "/api/v1/persons/" + s.Person.ID, "/api/v1/persons/" + s.Person.ID + "/journal",
			"/api/v1/journal/" + bNote.ID, "/api/documents/" + s.Docs[0].ID + "/content"} {
			if r := e.Do("GET", path, "other", nil); r.Status != http.StatusNotFound {
				t.Errorf("B GET %s after the end: %d, want 404", path, r.Status)
			}
		}
	})
}

// TestReferral_BadInput covers the refusals: each changes
// nothing.
func TestReferral_BadInput(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		count := func() int {
			var n int
			if err := e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM referrals").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		post := func(who string, body map[string]any) *apptest.Response {
			return e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", who, body)
		}
		// A referent-only entry of someone else: worker2 cannot read it.
		private, err := e.App.CaseFile.AddEntry(context.Background(), e.Actor("worker"), s.Person.ID, casefile.EntryInput{Kind: "note", Summary: "Confidentiel", Confidentiality: "referent"})
		if err != nil {
			t.Fatal(err)
		}
		teammate := s.input(s.ServiceB.ID)
		teammate["entry_ids"] = []string{s.Entries[0].ID, private.ID}
		// manager is in the referent's team: reads team entries, not the
		// referent-only one.
		cases := []struct {
			name, who string
			body      map[string]any
			status    int
			field     string
		}{
			{"unreadable person", "other", s.input(s.ServiceA.ID), 404, ""},
			{"no relation", "worker2", s.input(s.ServiceB.ID), 403, ""},
			{"entry the actor may not read", "manager", teammate, 422, "entry_ids"},
			{"unknown document", "worker", func() map[string]any { b := s.input(s.ServiceB.ID); b["document_ids"] = []string{"nope"}; return b }(), 422, "document_ids"},
			{"own service", "worker", s.input(s.ServiceA.ID), 422, "service_id"},
			{"no basis", "worker", func() map[string]any { b := s.input(s.ServiceB.ID); delete(b, "basis"); return b }(), 422, "basis"},
			{"no reason", "worker", func() map[string]any { b := s.input(s.ServiceB.ID); b["reason"] = " "; return b }(), 422, "reason"},
		}
		for _, c := range cases {
			before := count()
			r := post(c.who, c.body)
			if r.Status != c.status {
				t.Errorf("%s: %d %s, want %d", c.name, r.Status, r.Body, c.status)
			}
			if c.field != "" && !strings.Contains(string(r.Body), `"field":"`+c.field+`"`) && !strings.Contains(string(r.Body), c.field) {
				t.Errorf("%s: error does not name %s: %s", c.name, c.field, r.Body)
			}
			if c.name == "entry the actor may not read" && !strings.Contains(string(r.Body), private.ID) {
				t.Errorf("%s: error does not name the entry: %s", c.name, r.Body)
			}
			if count() != before {
				t.Errorf("%s: a referral was recorded", c.name)
			}
		}
		// A break-glass actor cannot refer.
		if _, err := e.App.BreakGlass.Open(context.Background(), e.Actor("worker2"), s.Person.ID, urgentReason); err != nil {
			t.Fatal(err)
		}
		if r := post("worker2", s.input(s.ServiceB.ID)); r.Status != http.StatusForbidden || !strings.Contains(string(r.Body), "orientation") {
			t.Errorf("break-glass refers: %d %s", r.Status, r.Body)
		}
		// An external service takes a referral (a letter), with no share.
		r := post("worker", s.input(s.Extern.ID))
		if r.Status != http.StatusCreated {
			t.Fatalf("external: %d %s", r.Status, r.Body)
		}
		var ext parcours.Referral
		r.Decode(t, &ext)
		if page := e.Page("GET", "/referrals/"+ext.ID+"/letter", "worker", nil); page.Status != 200 || !strings.Contains(string(page.Body), s.Entries[0].Summary) ||
			strings.Contains(string(page.Body), s.Entries[2].Summary) {
			t.Errorf("letter: %d", page.Status)
		}
		if pdf := e.Do("GET", "/api/v1/referrals/"+ext.ID+"/letter", "worker", nil); pdf.Status != 200 || pdf.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(string(pdf.Body), "%PDF-") {
			t.Errorf("PDF letter: %d %s", pdf.Status, pdf.Header.Get("Content-Type"))
		}
	})
}

// TestReferral_ShareEnds checks that a refused, cancelled or expired
// referral grants nothing: B's reads are 404 at once.
func TestReferral_ShareEnds(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		create := func() string {
			var ref parcours.Referral
			r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
			if r.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &ref)
			if r := e.Do("GET", "/api/v1/referrals/"+ref.ID, "other", nil); r.Status != 200 {
				t.Fatalf("B reads: %d", r.Status)
			}
			return ref.ID
		}
		gone := func(what, id string) {
			t.Helper()
			for _, path := range []string{"/api/v1/referrals/" + id, "/api/v1/persons/" + s.Person.ID + "/journal"} {
				if r := e.Do("GET", path, "other", nil); r.Status != http.StatusNotFound {
					t.Errorf("after %s, B GET %s: %d, want 404", what, path, r.Status)
				}
			}
		}
		id := create()
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/refuse", "other", map[string]any{"refusal_reason": ""}); r.Status != 422 {
			t.Errorf("refuse without reason: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/refuse", "other", map[string]any{"refusal_reason": "Hors de notre zone"}); r.Status != 200 {
			t.Fatalf("refuse: %d %s", r.Status, r.Body)
		}
		gone("refusal", id)
		var stats struct {
			Items []struct {
				Count          int
				Refused        int
				RefusalReasons []struct{ Reason string } `json:"refusal_reasons"`
			}
		}
		e.Do("GET", "/api/v1/referrals/stats", "other", nil).Decode(t, &stats)
		if len(stats.Items) != 1 || stats.Items[0].Refused != 1 || stats.Items[0].RefusalReasons[0].Reason != "Hors de notre zone" {
			t.Errorf("stats: %+v", stats.Items)
		}

		id = create()
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/cancel", "other", nil); r.Status != http.StatusNotFound {
			t.Errorf("B cancels: %d, want 404", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/accept", "worker", nil); r.Status != http.StatusForbidden {
			t.Errorf("A accepts its own referral: %d, want 403", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/cancel", "worker", nil); r.Status != 200 {
			t.Fatalf("cancel: %d %s", r.Status, r.Body)
		}
		gone("cancellation", id)

		id = create()
		now := e.App.DB.Now
		e.App.DB.Now = func() time.Time { return now().Add(31 * 24 * time.Hour) }
		gone("expiry", id)
		n, err := e.App.Referrals.SendReminders(context.Background(), parcours.SystemActor())
		e.App.DB.Now = now
		if err != nil || n != 1 {
			t.Fatalf("job: %d %v", n, err)
		}
		var sent struct{ Items []parcours.Referral }
		e.Do("GET", "/api/v1/referrals?box=sent&status=expired", "worker", nil).Decode(t, &sent)
		if len(sent.Items) != 1 || sent.Items[0].ID != id {
			t.Errorf("expired: %+v", sent.Items)
		}
	})
}

// TestReferral_Reminder reminds an unanswered referral once, after the
// sending organisation's delay.
func TestReferral_Reminder(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID)); r.Status != http.StatusCreated {
			t.Fatalf("create: %d", r.Status)
		}
		job := func(days int) int {
			now := e.App.DB.Now
			e.App.DB.Now = func() time.Time { return now().Add(time.Duration(days) * 24 * time.Hour) }
			defer func() { e.App.DB.Now = now }()
			n, err := e.App.Referrals.SendReminders(context.Background(), parcours.SystemActor())
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		// The sending organisation's administrator sets the delay.
		if r := e.Do("PUT", "/api/v1/referral-settings", "admin", map[string]any{"reminder_days": 0}); r.Status != 422 || !strings.Contains(string(r.Body), "reminder_days") {
			t.Errorf("delay 0: %d %s", r.Status, r.Body)
		}
		if r := e.Do("PUT", "/api/v1/referral-settings", "manager", map[string]any{"reminder_days": 3}); r.Status != http.StatusForbidden {
			t.Errorf("a manager sets the delay: %d", r.Status)
		}
		if n := job(4); n != 0 {
			t.Errorf("after 4 days with the default delay: %d reminders", n)
		}
		if r := e.Do("PUT", "/api/v1/referral-settings", "admin", map[string]any{"reminder_days": 5}); r.Status != 200 {
			t.Fatalf("delay 5: %d %s", r.Status, r.Body)
		}
		if n := job(4); n != 0 {
			t.Errorf("after 4 days with a delay of 5: %d reminders", n)
		}
		if n := job(6); n != 1 {
			t.Errorf("after 6 days with a delay of 5: %d reminders, want 1", n)
		}
		if r := e.Do("PUT", "/api/v1/referral-settings", "admin", map[string]any{"reminder_days": 8}); r.Status != 200 {
			t.Fatalf("delay 8: %d", r.Status)
		}
		if n := job(7); n != 0 {
			t.Errorf("after 7 days: %d reminders", n)
		}
		if n := job(9); n != 0 {
			t.Errorf("after 9 days: %d reminders, want none (reminded once already)", n)
		}
		if n := job(10); n != 0 {
			t.Errorf("reminded twice: %d", n)
		}
		var notes struct{ Items []parcours.Notification }
		for _, who := range []string{"worker", "other"} {
			e.Do("GET", "/api/v1/notifications", who, nil).Decode(t, &notes)
			if !slices.ContainsFunc(notes.Items, func(n parcours.Notification) bool { return n.Kind == "referral_reminder" }) {
				t.Errorf("%s has no reminder: %+v", who, notes.Items)
			}
		}
		// The notifications page links to the referral.
		if page := e.Page("GET", "/notifications", "other", nil); page.Status != 200 || !strings.Contains(string(page.Body), `href="/referrals/`) {
			t.Errorf("notifications page: %d, no link to the referral", page.Status)
		}
		if _, err := e.App.Referrals.SendReminders(context.Background(), e.Actor("manager")); err == nil {
			t.Errorf("a worker ran the job")
		}
	})
}

// TestDirectory_Search searches the directory by theme, commune and words.
func TestDirectory_Search(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		newReferralSetup(t, e)
		for q, want := range map[string]int{
			"":                                3,
			"?theme=logement-hebergement":     3,
			"?theme=sante":                    0,
			"?commune=69123":                  3, // Lyon: same département
			"?commune=75056":                  0,
			"?q=budget":                       1,
			"?q=BUDGET+conseil&commune=69266": 1,
		} {
			var got struct{ Items []parcours.Service }
			r := e.Do("GET", "/api/v1/services"+q, "reception", nil)
			r.Decode(t, &got)
			if r.Status != 200 || len(got.Items) != want {
				t.Errorf("services%s: %d, %d items, want %d", q, r.Status, len(got.Items), want)
			}
		}
		for _, q := range []string{"?theme=cuisine", "?commune=abc"} {
			if r := e.Do("GET", "/api/v1/services"+q, "worker", nil); r.Status != 422 {
				t.Errorf("services%s: %d, want 422", q, r.Status)
			}
		}
		// An administrator enters an external structure and its service.
		var st parcours.Structure
		r := e.Do("POST", "/api/v1/structures", "admin", map[string]any{"nom": "Secours solidaire", "code_insee": "69266", "commune": "Villeurbanne"})
		if r.Status != http.StatusCreated {
			t.Fatalf("structure: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &st)
		bad := map[string]any{"structure_id": st.ID, "nom": "Épicerie", "thematiques": []string{"cuisine"}}
		if r := e.Do("POST", "/api/v1/services", "admin", bad); r.Status != 422 || !strings.Contains(string(r.Body), "thematiques") {
			t.Errorf("bad theme: %d %s", r.Status, r.Body)
		}
		good := map[string]any{"structure_id": st.ID, "nom": "Épicerie solidaire", "thematiques": []string{"equipement-et-alimentation--alimentation"},
			"code_insee": "69266", "zone_diffusion_type": "commune", "zone_diffusion_code": "69266", "horaires_accueil": "Mardi et jeudi 14h-17h"}
		var sv parcours.Service
		r = e.Do("POST", "/api/v1/services", "admin", good)
		if r.Status != http.StatusCreated {
			t.Fatalf("service: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &sv)
		if sv.OrientationParcours {
			t.Errorf("an external service takes referrals through Parcours")
		}
		if r := e.Do("POST", "/api/v1/services", "worker", good); r.Status != http.StatusForbidden {
			t.Errorf("a worker enters a service: %d", r.Status)
		}
		var got struct{ Items []parcours.Service }
		e.Do("GET", "/api/v1/services?theme=equipement-et-alimentation", "worker", nil).Decode(t, &got)
		if len(got.Items) != 1 || got.Items[0].ID != sv.ID {
			t.Errorf("by theme: %+v", got.Items)
		}
		if page := e.Page("GET", "/services?theme=equipement-et-alimentation", "worker", nil); page.Status != 200 || !strings.Contains(string(page.Body), "Épicerie solidaire") {
			t.Errorf("page: %d", page.Status)
		}
	})
}

// TestReferral_EthicalReviewBeforeSending shows the « relecture éthique »
// of the reason before a referral leaves (no JavaScript: a confirmation
// step), and sends it as is on « Enregistrer tel quel ».
func TestReferral_EthicalReviewBeforeSending(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		form := map[string][]string{"service_id": {s.ServiceB.ID}, "reason": {"Madame est une menteuse, toxicomane."},
			"basis": {"legal"}, "legal_ground": {"CASF L121-6-2"}}
		count := func() (n int) {
			e.App.DB.SQL().QueryRow("SELECT COUNT(*) FROM referrals").Scan(&n)
			return n
		}
		r := e.Page("POST", "/persons/"+s.Person.ID+"/referrals", "worker", form)
		if r.Status != 200 || !strings.Contains(string(r.Body), "menteuse</mark>") || count() != 0 {
			t.Fatalf("review step: %d, %d referrals", r.Status, count())
		}
		form["review_keep"] = []string{"1"}
		if r := e.Page("POST", "/persons/"+s.Person.ID+"/referrals", "worker", form); r.Status != http.StatusSeeOther || count() != 1 {
			t.Errorf("sent as is: %d, %d referrals", r.Status, count())
		}
	})
}

// TestReferral_AcceptOpensAccompaniment: accepting may open an
// accompaniment of the receiving organisation (its choice of kind, its
// worker the referent); the sending organisation does not see it; ending
// it — through the accompaniments' own route or the referral's end —
// ends the share at once (404 after).
func TestReferral_AcceptOpensAccompaniment(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		create := func() string {
			var ref parcours.Referral
			r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
			if r.Status != http.StatusCreated {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
			r.Decode(t, &ref)
			return ref.ID
		}
		status := func(id string) (st, acc string) {
			if err := e.App.DB.SQL().QueryRow("SELECT status, accompaniment_id FROM referrals WHERE id = "+ph(e), id).Scan(&st, &acc); err != nil {
				t.Fatal(err)
			}
			return st, acc
		}
		id := create()
		// An unknown kind is refused, naming the field; nothing changes.
		r := e.Do("POST", "/api/v1/referrals/"+id+"/accept", "other", map[string]any{"open_accompaniment": true, "kind": "nope"})
		if r.Status != 422 || !strings.Contains(string(r.Body), `"kind"`) {
			t.Fatalf("unknown kind: %d %s", r.Status, r.Body)
		}
		if st, acc := status(id); st != parcours.ReferralSent || acc != "" {
			t.Fatalf("after a refused accept: %s %q", st, acc)
		}
		r = e.Do("POST", "/api/v1/referrals/"+id+"/accept", "other", map[string]any{"open_accompaniment": true, "kind": "asg"})
		if r.Status != 200 {
			t.Fatalf("accept: %d %s", r.Status, r.Body)
		}
		var ref parcours.Referral
		r.Decode(t, &ref)
		if ref.AccompanimentID == "" || ref.Status != parcours.ReferralAccepted {
			t.Fatalf("accepted: %+v", ref)
		}
		var org, referent, team, kind, end string
		if err := e.App.DB.SQL().QueryRow("SELECT org_id, referent_id, team_id, kind, end_date FROM accompaniments WHERE id = "+ph(e),
			ref.AccompanimentID).Scan(&org, &referent, &team, &kind, &end); err != nil {
			t.Fatal(err)
		}
		if org != e.OrgB.ID || referent != e.Workers["other"].ID || team != e.TeamB.ID || kind != "asg" || end != "" {
			t.Errorf("accompaniment: org %s referent %s team %s kind %s end %q", org, referent, team, kind, end)
		}
		// The sending organisation does not see B's accompaniment, nor may
		// it end it.
		var accs struct{ Items []parcours.Accompaniment }
		e.Do("GET", "/api/v1/persons/"+s.Person.ID+"/accompaniments", "worker", nil).Decode(t, &accs)
		for _, a := range accs.Items {
			if a.ID == ref.AccompanimentID {
				t.Errorf("A lists B's accompaniment")
			}
		}
		if r := e.Do("POST", "/api/v1/accompaniments/"+ref.AccompanimentID+"/end", "worker", map[string]any{"end_reason": "autre"}); r.Status != 404 {
			t.Errorf("A ends B's accompaniment: %d", r.Status)
		}
		// B writes a note of its own with a confidentiality level.
		note := map[string]any{"kind": "interview", "summary": "Premier entretien au service", "confidentiality": "referent"}
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/journal", "other", note); r.Status != http.StatusCreated {
			t.Fatalf("B writes: %d %s", r.Status, r.Body)
		}
		// B ends its accompaniment through the accompaniments' route: the
		// share ends at once.
		if r := e.Do("POST", "/api/v1/accompaniments/"+ref.AccompanimentID+"/end", "other", map[string]any{"end_reason": "objectifs_atteints"}); r.Status != 200 {
			t.Fatalf("B ends its accompaniment: %d %s", r.Status, r.Body)
		}
		if st, _ := status(id); st != parcours.ReferralEnded {
			t.Errorf("referral after the accompaniment ended: %s", st)
		}
		for _, path := range []string{"/api/v1/referrals/" + id, "/api/v1/persons/" + s.Person.ID, "/api/v1/persons/" + s.Person.ID + "/journal",
			"/api/documents/" + s.Docs[0].ID + "/content"} {
			if r := e.Do("GET", path, "other", nil); r.Status != http.StatusNotFound {
				t.Errorf("B GET %s after the accompaniment ended: %d, want 404", path, r.Status)
			}
		}

		// The referral's own end closes the accompaniment too.
		id = create()
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/accept", "other", map[string]any{"open_accompaniment": true, "kind": "rsa"}); r.Status != 200 {
			t.Fatalf("accept 2: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/end", "other", map[string]any{"end_reason": "bogus"}); r.Status != 422 {
			t.Errorf("end with a bogus reason: %d", r.Status)
		}
		if r := e.Do("POST", "/api/v1/referrals/"+id+"/end", "other", map[string]any{"end_reason": "demenagement"}); r.Status != 200 {
			t.Fatalf("end: %d %s", r.Status, r.Body)
		}
		_, acc := status(id)
		var reason string
		if err := e.App.DB.SQL().QueryRow("SELECT end_date, end_reason FROM accompaniments WHERE id = "+ph(e), acc).Scan(&end, &reason); err != nil {
			t.Fatal(err)
		}
		if end == "" || reason != "demenagement" {
			t.Errorf("accompaniment after the referral's end: %q %q", end, reason)
		}
		if r := e.Do("GET", "/api/v1/referrals/"+id, "other", nil); r.Status != http.StatusNotFound {
			t.Errorf("B after the end: %d", r.Status)
		}
	})
}

// ph is the first placeholder of the test's dialect.
func ph(e *apptest.Env) string {
	if e.Dialect == store.Postgres {
		return "$1"
	}
	return "?"
}

// TestReferral_BoxesNameThePersonAndDelays: the received inbox names the
// person only while the receiver may read them (an open referral), with
// the delay since sent; the sender's file page lists the person's
// referrals with status and delays.
func TestReferral_BoxesNameThePersonAndDelays(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID))
		if r.Status != http.StatusCreated {
			t.Fatalf("create: %d %s", r.Status, r.Body)
		}
		var ref parcours.Referral
		r.Decode(t, &ref)
		now := e.App.DB.Now
		e.App.DB.Now = func() time.Time { return now().Add(3*24*time.Hour + time.Hour) }
		defer func() { e.App.DB.Now = now }()
		type item struct {
			ID             string `json:"id"`
			PersonName     string `json:"person_name"`
			SinceSentHours int    `json:"since_sent_hours"`
		}
		var box struct{ Items []item }
		e.Do("GET", "/api/v1/referrals?box=received", "other", nil).Decode(t, &box)
		if len(box.Items) != 1 || !strings.Contains(box.Items[0].PersonName, "DURAND") || box.Items[0].SinceSentHours < 72 {
			t.Fatalf("B's inbox: %+v", box.Items)
		}
		page := e.Page("GET", "/referrals?box=received", "other", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), "DURAND") || !strings.Contains(string(page.Body), "3 jours") {
			t.Errorf("B's inbox page: %d %s", page.Status, page.Body)
		}
		// The sender's file page lists the referral.
		page = e.Page("GET", "/persons/"+s.Person.ID, "worker", nil)
		body := string(page.Body)
		if page.Status != 200 || !strings.Contains(body, `href="/referrals/`+ref.ID+`"`) || !strings.Contains(body, "Envoyée") || !strings.Contains(body, "3 jours") {
			t.Errorf("A's file page does not list the referral: %d", page.Status)
		}
		// Refused: the share is gone, and so is the name in B's inbox.
		if r := e.Do("POST", "/api/v1/referrals/"+ref.ID+"/refuse", "other", map[string]any{"refusal_reason": "Hors secteur"}); r.Status != 200 {
			t.Fatalf("refuse: %d %s", r.Status, r.Body)
		}
		box.Items = nil
		e.Do("GET", "/api/v1/referrals?box=received", "other", nil).Decode(t, &box)
		if len(box.Items) != 1 || box.Items[0].PersonName != "" {
			t.Errorf("B's inbox after refusal: %+v", box.Items)
		}
		if page := e.Page("GET", "/referrals?box=received", "other", nil); strings.Contains(string(page.Body), "DURAND") {
			t.Errorf("B's inbox page names the person after refusal")
		}
		page = e.Page("GET", "/persons/"+s.Person.ID, "worker", nil)
		if !strings.Contains(string(page.Body), "Refusée — Hors secteur") {
			t.Errorf("A's file page does not show the refusal")
		}
	})
}

// TestDirectory_SearchByEPCI: a service whose area served is an EPCI
// (zone_diffusion_type "epci", its SIREN) matches the communes of that
// EPCI (the versioned data file servicedir/data/epci.csv), not others.
func TestDirectory_SearchByEPCI(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var st parcours.Structure
		r := e.Do("POST", "/api/v1/structures", "admin", map[string]any{"nom": "Maison de la Métropole", "code_insee": "69123", "commune": "Lyon"})
		if r.Status != http.StatusCreated {
			t.Fatalf("structure: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &st)
		sv := map[string]any{"structure_id": st.ID, "nom": "Fonds de solidarité logement", "thematiques": []string{"logement-hebergement"},
			"code_insee": "69123", "zone_diffusion_type": "epci", "zone_diffusion_code": "200046977"}
		if r := e.Do("POST", "/api/v1/services", "admin", sv); r.Status != http.StatusCreated {
			t.Fatalf("service: %d %s", r.Status, r.Body)
		}
		for commune, want := range map[string]int{"69266": 1, "69259": 1, "69385": 1, "69264": 0, "75056": 0} {
			var got struct{ Items []parcours.Service }
			e.Do("GET", "/api/v1/services?commune="+commune, "worker", nil).Decode(t, &got)
			if len(got.Items) != want {
				t.Errorf("commune %s: %d services, want %d", commune, len(got.Items), want)
			}
		}
	})
}

// TestDirectory_EditAndDeactivate: an administrator changes the
// external structures and services their organisation entered, and
// deactivates them rather than deleting them: a deactivated service
// leaves the search and the new-referral picker, cannot be referred to,
// but still names the referrals already sent to it.
func TestDirectory_EditAndDeactivate(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var st parcours.Structure
		r := e.Do("POST", "/api/v1/structures", "admin", map[string]any{"nom": "Secours solidaire", "code_insee": "69266"})
		if r.Status != http.StatusCreated {
			t.Fatalf("structure: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &st)
		in := map[string]any{"structure_id": st.ID, "nom": "Épicerie solidaire", "thematiques": []string{"equipement-et-alimentation"},
			"code_insee": "69266", "zone_diffusion_type": "commune", "zone_diffusion_code": "69266"}
		var sv parcours.Service
		r = e.Do("POST", "/api/v1/services", "admin", in)
		if r.Status != http.StatusCreated {
			t.Fatalf("service: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &sv)
		if !sv.Active || !st.Active {
			t.Errorf("new entries inactive: %v %v", sv.Active, st.Active)
		}
		// A referral sent before the deactivation.
		person := recordPerson(t, e, "worker", "DESACTIVE")
		refIn := map[string]any{"service_id": sv.ID, "reason": "Aide alimentaire", "basis": "legal", "legal_ground": "CASF L121-6-2"}
		var ref parcours.Referral
		if r := e.Do("POST", "/api/v1/persons/"+person.ID+"/referrals", "worker", refIn); r.Status != http.StatusCreated {
			t.Fatalf("referral: %d %s", r.Status, r.Body)
		} else {
			r.Decode(t, &ref)
		}

		// Editing: bad input is 422 naming the field and changes nothing.
		edit := map[string]any{"nom": "Épicerie solidaire", "thematiques": []string{"cuisine"}}
		if r := e.Do("PUT", "/api/v1/services/"+sv.ID, "admin", edit); r.Status != 422 || !strings.Contains(string(r.Body), "thematiques") {
			t.Errorf("bad theme: %d %s", r.Status, r.Body)
		}
		edit = map[string]any{"nom": "Épicerie solidaire", "thematiques": []string{"equipement-et-alimentation"}, "horaires_accueil": "Mardi 14h-17h",
			"pre_requis": "Sur orientation", "zone_diffusion_type": "departement", "zone_diffusion_code": "69"}
		if r := e.Do("PUT", "/api/v1/services/"+sv.ID, "worker", edit); r.Status != http.StatusForbidden {
			t.Errorf("a worker edits a service: %d", r.Status)
		}
		var got parcours.Service
		r = e.Do("PUT", "/api/v1/services/"+sv.ID, "admin", edit)
		if r.Status != http.StatusOK {
			t.Fatalf("edit: %d %s", r.Status, r.Body)
		}
		r.Decode(t, &got)
		if got.HorairesAccueil != "Mardi 14h-17h" || got.ZoneDiffusionCode != "69" || !got.Active {
			t.Errorf("edited: %+v", got)
		}
		search := func(q string) int {
			var l struct{ Items []parcours.Service }
			e.Do("GET", "/api/v1/services?"+q, "worker", nil).Decode(t, &l)
			n := 0
			for _, x := range l.Items {
				if x.ID == sv.ID {
					n++
				}
			}
			return n
		}
		if search("commune=69001") != 1 { // now serves the whole département
			t.Errorf("edited zone not searched")
		}
		// Another organisation's administrator cannot change it.
		otherAdmin := e.Actor("other")
		otherAdmin.Role = parcours.RoleAdmin
		if _, err := e.App.Directory.UpdateService(context.Background(), otherAdmin, sv.ID, servicedir.ServiceInput{Nom: "X", Thematiques: []string{"sante"}}); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("another organisation edits the service: %v", err)
		}
		if _, err := e.App.Directory.UpdateStructure(context.Background(), otherAdmin, st.ID, servicedir.StructureInput{Nom: "X"}); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Errorf("another organisation edits the structure: %v", err)
		}

		// Deactivating the service.
		edit["active"] = false
		if r := e.Do("PUT", "/api/v1/services/"+sv.ID, "admin", edit); r.Status != http.StatusOK {
			t.Fatalf("deactivate: %d %s", r.Status, r.Body)
		}
		if n := search("theme=equipement-et-alimentation"); n != 0 {
			t.Errorf("a deactivated service is searched")
		}
		if page := e.Page("GET", "/persons/"+person.ID+"/referrals/new", "worker", nil); strings.Contains(string(page.Body), sv.ID) {
			t.Errorf("a deactivated service in the new-referral picker")
		}
		if r := e.Do("POST", "/api/v1/persons/"+person.ID+"/referrals", "worker", refIn); r.Status != 422 || !strings.Contains(string(r.Body), "service_id") {
			t.Errorf("referral to a deactivated service: %d %s", r.Status, r.Body)
		}
		var old parcours.Referral
		e.Do("GET", "/api/v1/referrals/"+ref.ID, "worker", nil).Decode(t, &old)
		if old.ServiceID != sv.ID || old.ServiceNom != "Épicerie solidaire" {
			t.Errorf("past referral lost its service: %+v", old)
		}
		// Reactivating it, then deactivating the whole structure.
		edit["active"] = true
		e.Do("PUT", "/api/v1/services/"+sv.ID, "admin", edit)
		if search("theme=equipement-et-alimentation") != 1 {
			t.Errorf("reactivated service not searched")
		}
		r = e.Do("PUT", "/api/v1/structures/"+st.ID, "admin", map[string]any{"nom": "Secours solidaire", "active": false})
		if r.Status != http.StatusOK {
			t.Fatalf("deactivate structure: %d %s", r.Status, r.Body)
		}
		if search("theme=equipement-et-alimentation") != 0 {
			t.Errorf("a service of a deactivated structure is searched")
		}
		if r := e.Do("PUT", "/api/v1/structures/"+st.ID, "admin", map[string]any{"nom": ""}); r.Status != 422 || !strings.Contains(string(r.Body), "nom") {
			t.Errorf("structure without a name: %d %s", r.Status, r.Body)
		}
		var structs struct{ Items []parcours.Structure }
		e.Do("GET", "/api/v1/structures", "admin", nil).Decode(t, &structs)
		for _, x := range structs.Items {
			if x.ID == st.ID && (x.Active || x.Nom != "Secours solidaire") {
				t.Errorf("structure after deactivation: %+v", x)
			}
		}
	})
}
