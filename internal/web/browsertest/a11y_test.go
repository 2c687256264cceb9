package browsertest

import (
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parcours/internal/agenda"
	"parcours/internal/aid"
	"parcours/internal/app/apptest"
	"parcours/internal/casefile"
	"parcours/internal/messaging"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/referral"
	"parcours/internal/servicedir"
	"parcours/internal/store"
	"parcours/internal/web"
)

// visit is one page of the demo as seen by one role.
type visit struct {
	name  string // what the page shows, for failure messages
	route string // the route pattern, "GET /persons/{id}"
	path  string
	// status is the expected HTTP status of the document; 0 accepts any
	// answer below 500 (the route matrix owns the statuses).
	status int64
	// submit, when set, is a form of the page sent empty: the page with
	// the form errors is checked too.
	submit string
}

// pagesFor lists every page a cast member can reach, including error,
// refusal and empty states. Routes not registered are left out; every
// registered page must appear for some role (TestAccessibility checks).
func pagesFor(who string, f *demo) []visit {
	person := "/persons/" + f.person
	v := []visit{
		{name: "Ma journée", route: "GET /{$}", path: "/", status: 200},
		{name: "not-found error page", route: "", path: "/no/such/page", status: 404},
		{name: "persons list", route: "GET /persons", path: "/persons", status: 200},
		{name: "search", route: "GET /search", path: "/search", status: 200},
		{name: "search with a typo", route: "GET /search", path: "/search?q=Martn", status: 200},
		{name: "search without result", route: "GET /search", path: "/search?q=zzzzzz", status: 200},
		{name: "journal search", route: "GET /search/journal", path: "/search/journal?q=entretien"},
		{name: "new person form, sent empty", route: "GET /persons/new", path: "/persons/new", status: statusFor(who, 200, "admin", 403),
			submit: map[bool]string{true: `form[action="/persons"]`}[who == "worker"]},
		{name: "profile, password change with errors", route: "GET /profile", path: "/profile", status: 200, submit: `form[action="/profile/password"]`},
		{name: "TOTP enrolment", route: "GET /profile/totp", path: "/profile/totp", status: 200},
		{name: "notifications", route: "GET /notifications", path: "/notifications"},
		// htmx polls the count; a plain visit leads to the notifications page.
		{name: "notification count without htmx", route: "GET /notifications/count", path: "/notifications/count", status: 200},
		{name: "information notice, as the person reads it", route: "GET /organizations/{id}/notice", path: "/organizations/" + f.org + "/notice", status: 200},
		{name: "import", route: "GET /import", path: "/import"},
		{name: "new household", route: "GET /households/new", path: "/households/new"},
		{name: "household", route: "GET /households/{id}", path: "/households/" + f.household},
		{name: "break-glass reviews", route: "GET /break-glass/reviews", path: "/break-glass/reviews"},
		{name: "audit", route: "GET /audit", path: "/audit"},
		{name: "access log", route: "GET /access-log", path: "/access-log"},
		// worker2 is in another team: need-to-know refuses the file; other
		// is in another organisation: the file does not exist for them.
		{name: "person file, empty journal entry sent", route: "GET /persons/{id}", path: person,
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404),
			submit: map[bool]string{true: `form[action$="/journal"]`}[who == "worker"]},
		{name: "edit person", route: "GET /persons/{id}/edit", path: person + "/edit"},
		{name: "person's access log", route: "GET /persons/{id}/access-log", path: person + "/access-log"},
		{name: "consent", route: "GET /persons/{id}/consent", path: person + "/consent"},
		{name: "reminder choice", route: "GET /persons/{id}/reminders", path: person + "/reminders"},
		{name: "the person's data requests, empty request sent", route: "GET /persons/{id}/data-requests", path: person + "/data-requests",
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404, "reception", 403),
			submit: map[bool]string{true: `form[action$="/data-requests"]`}[who == "worker"]},
		// The export itself is a download (JSON); a refusal is a page.
		{name: "file export of an unknown person", route: "GET /persons/{id}/export.json",
			path: "/persons/01900000-0000-7000-8000-000000000000/export.json", status: 404},
		{name: "the person's portal access (invitations, delegates)", route: "GET /persons/{id}/portal", path: person + "/portal",
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404, "reception", 403)},
		{name: "PDF copy of an unknown person", route: "GET /persons/{id}/export.pdf",
			path: "/persons/01900000-0000-7000-8000-000000000000/export.pdf", status: 404},
		{name: "data requests to answer", route: "GET /data-requests", path: "/data-requests", status: statusFor(who, 403, "manager", 200)},
		{name: "break-glass request", route: "GET /persons/{id}/break-glass", path: person + "/break-glass"},
		{name: "case file settings (kinds, interview templates)", route: "GET /settings/casefile", path: "/settings/casefile", status: statusFor(who, 200, "reception", 403)},
		{name: "relecture éthique, counts per team and month", route: "GET /review/stats", path: "/review/stats", status: statusFor(who, 403, "manager", 200)},
		{name: "activity statistics, charts and tables", route: "GET /stats", path: "/stats", status: statusFor(who, 403, "manager", 200)},
		{name: "activity statistics, bad period", route: "GET /stats", path: "/stats?from=2026-13-40", status: statusFor(who, 403, "manager", 422)},
		// The export itself is a download; its refusal of a bad format is a page.
		{name: "statistics export, unknown format", route: "GET /stats/export", path: "/stats/export?format=pdf", status: statusFor(who, 403, "manager", 422)},
		// The report itself is a PDF; its refusal of a bad year is a page.
		{name: "activity report, bad year", route: "GET /stats/report.pdf", path: "/stats/report.pdf?year=20x6", status: statusFor(who, 403, "manager", 422)},
		{name: "row export, unknown kind", route: "GET /stats/rows", path: "/stats/rows?kind=nope", status: statusFor(who, 403, "manager", 422)},
		{name: "background export, not the caller's", route: "GET /stats/exports/{id}", path: "/stats/exports/nope", status: statusFor(who, 403, "manager", 404)},
		{name: "background export's file, not the caller's", route: "GET /stats/exports/{id}/file", path: "/stats/exports/nope/file", status: statusFor(who, 403, "manager", 404)},
		{name: "retention rules and plans", route: "GET /retention", path: "/retention", status: statusFor(who, 403, "manager", 200)},
		{name: "retention batch, decision sent empty", route: "GET /retention/batches/{id}", path: "/retention/batches/" + f.retentionBatch, status: statusFor(who, 403, "manager", 200),
			submit: map[bool]string{true: `form[action$="/decision"]`}[who == "manager"]},
		{name: "documents expiring within 30 days", route: "GET /documents/expiring", path: "/documents/expiring", status: statusFor(who, 200, "admin", 403, "reception", 403)},
		{name: "rights and procedures tab, empty procedure sent", route: "GET /persons/{id}/rights", path: person + "/rights",
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 403, "reception", 403),
			submit: map[bool]string{true: `form[action$="/procedures"]`}[who == "worker"]},
		{name: "domiciliation and mail log", route: "GET /persons/{id}/domiciliation", path: person + "/domiciliation",
			status: statusFor(who, 200, "admin", 403, "other", 404)},
		{name: "my procedures to follow up", route: "GET /procedures/follow-up", path: "/procedures/follow-up", status: statusFor(who, 200, "admin", 403, "reception", 403)},
		{name: "catalogue of rights and aids, empty aid sent", route: "GET /rights", path: "/rights", status: 200,
			submit: map[bool]string{true: `form[action="/rights/aids"]`}[who == "admin"]},
		{name: "service directory", route: "GET /services", path: "/services?theme=logement-hebergement", status: 200},
		{name: "service directory, bad commune", route: "GET /services", path: "/services?commune=abc", status: 422},
		{name: "referral boxes", route: "GET /referrals", path: "/referrals?box=received", status: statusFor(who, 200, "admin", 403, "reception", 403)},
		{name: "referral settings", route: "GET /settings/referrals", path: "/settings/referrals", status: statusFor(who, 403, "admin", 200)},
		{name: "directory administration", route: "GET /settings/directory", path: "/settings/directory", status: statusFor(who, 403, "admin", 200)},
		{name: "directory import, sent empty", route: "GET /settings/directory/import", path: "/settings/directory/import",
			status: statusFor(who, 403, "admin", 200), submit: map[bool]string{true: `form[action^="/settings/directory/import"]`}[who == "admin"]},
		{name: "new directory structure, sent empty", route: "GET /settings/directory/structures/new", path: "/settings/directory/structures/new",
			status: statusFor(who, 403, "admin", 200), submit: map[bool]string{true: `form[action="/settings/directory/structures"]`}[who == "admin"]},
		{name: "directory structure", route: "GET /settings/directory/structures/{id}", path: "/settings/directory/structures/" + f.structure,
			status: statusFor(who, 403, "admin", 200)},
		{name: "new directory service, sent empty", route: "GET /settings/directory/services/new", path: "/settings/directory/services/new",
			status: statusFor(who, 403, "admin", 200), submit: map[bool]string{true: `form[action="/settings/directory/services"]`}[who == "admin"]},
		{name: "directory service", route: "GET /settings/directory/services/{id}", path: "/settings/directory/services/" + f.service,
			status: statusFor(who, 403, "admin", 200)},
		{name: "referral statistics", route: "GET /referrals/stats", path: "/referrals/stats", status: statusFor(who, 200, "admin", 403, "reception", 403)},
		// The referral of Noah PETIT to org B: the sender's team, and
		// "other" of the receiving organisation, who may answer (a
		// refusal sent without its reason).
		{name: "a referral with its extract", route: "GET /referrals/{id}", path: "/referrals/" + f.referral,
			status: statusFor(who, 200, "admin", 404, "reception", 403, "worker2", 403),
			submit: map[bool]string{true: `form[action$="/refuse"]`}[who == "other"]},
		{name: "referral letter", route: "GET /referrals/{id}/letter", path: "/referrals/" + f.referral + "/letter",
			status: statusFor(who, 200, "admin", 404, "reception", 403, "worker2", 403)},
		{name: "new referral, sent empty", route: "GET /persons/{id}/referrals/new", path: person + "/referrals/new",
			status: statusFor(who, 200, "admin", 404, "reception", 403, "worker2", 403, "other", 404),
			submit: map[bool]string{true: `form[action$="/referrals"]`}[who == "worker"]},
		{name: "the file's conversations, empty thread sent", route: "GET /persons/{id}/threads", path: person + "/threads",
			status: statusFor(who, 200, "admin", 404, "reception", 404, "worker2", 403, "other", 404),
			submit: map[bool]string{true: `form[action*="/threads?csrf"]`}[who == "worker"]},
		{name: "a conversation, empty reply sent", route: "GET /threads/{id}", path: "/threads/" + f.thread,
			status: statusFor(who, 404, "worker", 200, "manager", 200),
			submit: map[bool]string{true: `form[action*="/messages?csrf"]`}[who == "manager"]},
		// A file sent in a thread is a download; an unknown one is the
		// error page.
		{name: "a file of a conversation, unknown", route: "GET /threads/{id}/documents/{doc}",
			path: "/threads/" + f.thread + "/documents/01900000-0000-7000-8000-000000000000", status: 404},
		{name: "household budget", route: "GET /households/{id}/budget", path: "/households/" + f.household + "/budget",
			status: statusFor(who, 200, "admin", 403, "reception", 403, "other", 404, "worker2", 403)},
		{name: "household aid requests, empty request sent", route: "GET /households/{id}/aid", path: "/households/" + f.household + "/aid",
			status: statusFor(who, 200, "admin", 403, "reception", 403, "other", 404, "worker2", 403),
			submit: map[bool]string{true: `form[action$="/aid-requests"]`}[who == "worker"]},
		{name: "pre-screening of likely rights, empty answer sent", route: "GET /households/{id}/prescreening", path: "/households/" + f.household + "/prescreening",
			status: statusFor(who, 200, "admin", 403, "reception", 403, "other", 404, "worker2", 403),
			submit: map[bool]string{true: `form[action$="/outcome"]`}[who == "worker"]},
		{name: "pre-screening, a date in the future", route: "GET /households/{id}/prescreening", path: "/households/" + f.household + "/prescreening?date=2999-01-01",
			status: statusFor(who, 422, "admin", 403, "reception", 403, "other", 404, "worker2", 403)},
		{name: "pre-screening explanation, printable", route: "GET /households/{id}/prescreening/{rule}", path: "/households/" + f.household + "/prescreening/rsa",
			status: statusFor(who, 200, "admin", 403, "reception", 403, "other", 404, "worker2", 403)},
		{name: "algorithm register, public", route: "GET /algorithms", path: "/algorithms", status: 200},
		{name: "non-take-up dashboard", route: "GET /stats/non-take-up", path: "/stats/non-take-up", status: statusFor(who, 403, "manager", 200)},
		{name: "non-take-up files of a cell", route: "GET /stats/non-take-up/files", path: "/stats/non-take-up/files?rule=rsa&by=team&key=x",
			status: statusFor(who, 403, "manager", 200)},
		{name: "non-take-up export, unknown format", route: "GET /stats/non-take-up/export", path: "/stats/non-take-up/export?format=pdf",
			status: statusFor(who, 403, "manager", 422)},
		{name: "commissions, empty commission sent", route: "GET /commissions", path: "/commissions", status: statusFor(who, 403, "manager", 200),
			submit: map[bool]string{true: `form[action="/commissions"]`}[who == "manager"]},
		{name: "a commission and its agenda", route: "GET /commissions/{id}", path: "/commissions/" + f.commission,
			status: statusFor(who, 403, "manager", 200, "other", 404)},
		{name: "sent e-mails", route: "GET /admin/outbox", path: "/admin/outbox", status: statusFor(who, 403, "manager", 200, "admin", 200)},
		// The agenda (issue 11): the worker's week with Léa MARTIN's next
		// appointment, yesterday with the honoured one, the team's week.
		{name: "my agenda, the week of an appointment", route: "GET /agenda", path: "/agenda?view=week&date=" + f.apptDay, status: statusFor(who, 200, "admin", 403)},
		{name: "my agenda, yesterday", route: "GET /agenda", path: "/agenda?date=" + time.Now().In(agenda.Paris()).AddDate(0, 0, -1).Format(time.DateOnly),
			status: statusFor(who, 200, "admin", 403)},
		{name: "my agenda, a bad date", route: "GET /agenda", path: "/agenda?date=2026-02-31", status: statusFor(who, 422, "admin", 403)},
		{name: "team agenda, the week of an appointment", route: "GET /agenda/team", path: "/agenda/team?view=week&date=" + f.apptDay,
			status: statusFor(who, 403, "manager", 200)},
		{name: "calendar feed token", route: "GET /agenda/calendar", path: "/agenda/calendar", status: statusFor(who, 200, "admin", 403)},
		{name: "the person's appointments, empty booking sent", route: "GET /persons/{id}/appointments", path: person + "/appointments",
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404),
			submit: map[bool]string{true: `form[action$="/appointments"]`}[who == "worker"]},
		{name: "an appointment to come, empty outcome sent", route: "GET /appointments/{id}", path: "/appointments/" + f.appointment,
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404),
			submit: map[bool]string{true: `form[action$="/outcome"]`}[who == "worker"]},
		// Its journal form is prefilled: sent, it would write the entry.
		{name: "an honoured appointment, its journal entry to write", route: "GET /appointments/{id}", path: "/appointments/" + f.pastAppointment,
			status: statusFor(who, 200, "worker2", 403, "other", 404, "admin", 404)},
		{name: "the front desk's visits of the day", route: "GET /desk", path: "/desk", status: statusFor(who, 200, "admin", 403)},
		{name: "the front desk's page of a person, empty visit sent", route: "GET /persons/{id}/desk", path: person + "/desk",
			status: statusFor(who, 200, "admin", 403, "other", 404),
			submit: map[bool]string{true: `form[action$="/desk-visits"]`}[who == "reception"]},
		{name: "the front desk's page of a person, worker's free slots", route: "GET /persons/{id}/desk",
			path: person + "/desk?worker=" + f.workers["worker"] + "&date=" + f.apptDay, status: statusFor(who, 200, "admin", 403, "other", 404)},
		{name: "a service's hours and closed days, empty closed day sent", route: "GET /admin/teams/{id}/hours", path: "/admin/teams/" + f.team + "/hours",
			status: statusFor(who, 403, "admin", 200, "other", 404),
			submit: map[bool]string{true: `form[action$="/closed-days"]`}[who == "admin"]},
	}
	if who == "admin" {
		v = append(v,
			visit{name: "administration, new worker with errors", route: "GET /admin", path: "/admin", status: 200, submit: `form[action="/admin/workers"]`},
			visit{name: "teams, new team with errors", route: "GET /admin/teams", path: "/admin/teams", status: 200, submit: `form[action="/admin/teams"]`},
			visit{name: "settings", route: "GET /admin/settings", path: "/admin/settings", status: 200},
			visit{name: "information notice texts", route: "GET /admin/notice", path: "/admin/notice", status: 200},
			visit{name: "e-mail and SMS settings", route: "GET /admin/messaging", path: "/admin/messaging", status: 200},
			visit{name: "a worker's account", route: "GET /admin/workers/{id}", path: "/admin/workers/" + f.workers["worker"], status: 200},
		)
	}
	return v
}

// statusFor returns the status expected for who: def, or the override
// given as name, status pairs.
func statusFor(who string, def int64, overrides ...any) int64 {
	for i := 0; i+1 < len(overrides); i += 2 {
		if overrides[i].(string) == who {
			return int64(overrides[i+1].(int))
		}
	}
	return def
}

// demo is the data the browser tests visit.
type demo struct {
	person        string // id of "Léa MARTIN", followed by worker's team
	accompaniment string // her accompaniment, worker as referent ("" before the case file)
	// accompanimentToEnd is a second one, for the flow to end.
	accompanimentToEnd string
	template           string // id of an interview template of org A
	// referral sends "Noah PETIT" (followed by worker) to a service of
	// org B, with one journal entry in its extract.
	referral, referred string
	// structure and service are an external structure org A's admin
	// entered in the directory, and its service.
	structure, service string
	household          string            // her household
	org                string            // her organisation
	retentionBatch     string            // a batch of org A's retention plan (issue 15)
	workers            map[string]string // cast name → worker id
	// commission has one request of the household on its agenda.
	commission string
	team       string // the team of worker and manager (org A)
	// appointment is Léa MARTIN's next appointment with worker, on
	// apptDay; pastAppointment one of yesterday, honoured, its journal
	// entry still to write (issue 11).
	appointment, pastAppointment, apptDay string
	// thread is a conversation on Léa MARTIN's file between worker and
	// manager.
	thread string
}

func seedDemo(t *testing.T, e *apptest.Env) *demo {
	t.Helper()
	p := createPerson(t, e, "worker", "MARTIN", "Léa", "1990-04-12")
	d := &demo{person: p, workers: map[string]string{}, org: e.OrgA.ID, team: e.TeamA.ID}
	h, err := e.App.Persons.CreateHousehold(t.Context(), e.Actor("worker"), person.HouseholdInput{
		Name: "Foyer Martin", Members: []person.MemberInput{{PersonID: p, Relationship: parcours.RelReference}},
	})
	if err != nil {
		t.Fatal(err)
	}
	d.household = h.ID
	if e.App.Retention != nil {
		plan, err := e.App.Retention.PlanOrg(t.Context(), parcours.SystemActor(), e.OrgA.ID)
		if err != nil {
			t.Fatal(err)
		}
		d.retentionBatch = plan.Batches[0].ID
	}
	for name, w := range e.Workers {
		d.workers[name] = w.ID
	}
	if e.App.CaseFile != nil {
		acc, err := e.App.CaseFile.CreateAccompaniment(t.Context(), e.Actor("worker"), p, casefile.AccompanimentInput{
			Kind: parcours.DefaultAccompanimentKinds[0].Code, TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID,
			StartDate: time.Now().AddDate(0, -2, 0).Format("2006-01-02"),
		})
		if err != nil {
			t.Fatal(err)
		}
		d.accompaniment = acc.ID
		acc2, err := e.App.CaseFile.CreateAccompaniment(t.Context(), e.Actor("worker"), p, casefile.AccompanimentInput{
			Kind: "budget", TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID,
			StartDate: time.Now().AddDate(0, -1, 0).Format("2006-01-02"),
		})
		if err != nil {
			t.Fatal(err)
		}
		d.accompanimentToEnd = acc2.ID
		tpl, err := e.App.CaseFile.CreateTemplate(t.Context(), e.Actor("manager"), casefile.TemplateInput{
			Name: "Premier accueil", Body: "Situation familiale :\nRessources :\nLogement :\nDemande :",
		})
		if err != nil {
			t.Fatal(err)
		}
		d.template = tpl.ID
		if _, err := e.App.CaseFile.AddEntry(t.Context(), e.Actor("worker"), p, casefile.EntryInput{
			Kind: parcours.EntryInterview, OccurredAt: time.Now().AddDate(0, 0, -7).Format("2006-01-02"), Mode: parcours.InterviewModes[0],
			Summary: "Premier entretien : point sur la situation et les droits.", Confidentiality: parcours.Confidentialities[0], AccompanimentID: acc.ID,
		}); err != nil {
			t.Fatal(err)
		}
	}
	if e.App.Referrals != nil {
		d.referred, d.referral = seedReferral(t, e)
		st, err := e.App.Directory.CreateStructure(t.Context(), e.Actor("admin"), servicedir.StructureInput{Nom: "Épicerie solidaire", CodeInsee: "69266", Commune: "Villeurbanne"})
		if err != nil {
			t.Fatal(err)
		}
		sv, err := e.App.Directory.CreateService(t.Context(), e.Actor("admin"), servicedir.ServiceInput{StructureID: st.ID, Nom: "Colis alimentaires",
			Thematiques: []string{"equipement-et-alimentation"}, HorairesAccueil: "Mardi 14 h – 17 h", ModesAccueil: []string{"en-presentiel"}})
		if err != nil {
			t.Fatal(err)
		}
		d.structure, d.service = st.ID, sv.ID
	}
	if e.App.Aid != nil {
		seedAid(t, e, d)
	}
	if e.App.Agenda != nil {
		seedAgenda(t, e, d)
	}
	if e.App.Messaging != nil {
		th, err := e.App.Messaging.Create(t.Context(), e.Actor("worker"), p, messaging.CreateInput{Subject: "Demande FSL",
			ParticipantIDs: []string{e.Workers["manager"].ID}, Body: "Peux-tu relire la demande avant la commission ?"})
		if err != nil {
			t.Fatal(err)
		}
		d.thread = th.ID
	}
	return d
}

// seedAgenda books Léa MARTIN's next appointment with worker (the next
// weekday, 10:00), stores one of yesterday honoured without its journal
// entry, logs her visit at the front desk for worker, and gives team A
// its hours and a closed day.
func seedAgenda(t *testing.T, e *apptest.Env, d *demo) {
	t.Helper()
	ctx := t.Context()
	day := time.Now().In(agenda.Paris()).AddDate(0, 0, 1)
	for day.Weekday() == time.Saturday || day.Weekday() == time.Sunday {
		day = day.AddDate(0, 0, 1)
	}
	d.apptDay = day.Format(time.DateOnly)
	b, err := e.App.Agenda.Book(ctx, e.Actor("worker"), d.person, agenda.Input{WorkerIDs: []string{e.Workers["worker"].ID},
		Date: d.apptDay, Start: "10:00", End: "10:45", PlaceKind: parcours.PlacePhone, Theme: "Point sur le dossier RSA"})
	if err != nil {
		t.Fatal(err)
	}
	d.appointment = b.ID
	y := time.Now().AddDate(0, 0, -1).Truncate(time.Hour)
	past := &parcours.Appointment{OrgID: e.OrgA.ID, PersonID: d.person, TeamID: e.TeamA.ID, WorkerIDs: []string{e.Workers["worker"].ID},
		StartsAt: y, EndsAt: y.Add(45 * time.Minute), PlaceKind: parcours.PlaceHome, Place: "12 rue des Lilas, Villeurbanne",
		Theme: "Visite à domicile : budget du foyer", Status: parcours.ApptHonoured, CreatedBy: e.Workers["worker"].ID}
	if err := e.App.DB.Transact(ctx, func(tx *store.Tx) error { return tx.InsertAppointment(ctx, past) }); err != nil {
		t.Fatal(err)
	}
	d.pastAppointment = past.ID
	if _, err := e.App.Agenda.LogVisit(ctx, e.Actor("reception"), d.person, agenda.VisitInput{Motive: "Dépôt d'un avis d'imposition",
		Message: "Souhaite un rendez-vous avant la fin du mois.", NeedsAppointment: true}); err != nil {
		t.Fatal(err)
	}
	var hours []parcours.OpeningHours
	for wd := 1; wd <= 5; wd++ {
		hours = append(hours, parcours.OpeningHours{Weekday: wd, Opens: "09:00", Closes: "12:30"}, parcours.OpeningHours{Weekday: wd, Opens: "13:30", Closes: "17:00"})
	}
	if err := e.App.Agenda.SetTeamHours(ctx, e.Actor("admin"), e.TeamA.ID, hours); err != nil {
		t.Fatal(err)
	}
	if err := e.App.Agenda.AddClosedDay(ctx, e.Actor("admin"), e.TeamA.ID, parcours.ClosedDay{
		Day: strconv.Itoa(time.Now().Year()+1) + "-01-01", Label: "Jour de l'an"}); err != nil {
		t.Fatal(err)
	}
}

// seedReferral enters a service of org B in the directory and refers a
// new person to it, with one journal entry and the consent.
func seedReferral(t *testing.T, e *apptest.Env) (personID, referralID string) {
	t.Helper()
	ctx := t.Context()
	personID = createPerson(t, e, "worker", "PETIT", "Noah", "1996-08-21")
	en, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), personID, casefile.EntryInput{Kind: parcours.EntryNote,
		Summary: "Demande de logement social déposée, en attente."})
	if err != nil {
		t.Fatal(err)
	}
	var sv *parcours.Service
	err = e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		st := &parcours.Structure{OrgID: e.OrgB.ID, Nom: e.OrgB.Name, CreatedBy: e.OrgB.ID, CodeInsee: "69266", Commune: "Villeurbanne"}
		if err := tx.InsertStructure(ctx, st); err != nil {
			return err
		}
		sv = &parcours.Service{StructureID: st.ID, OrgID: e.OrgB.ID, TeamID: e.TeamB.ID, Nom: "Accompagnement social lié au logement",
			Thematiques: []string{"logement-hebergement--etre-accompagne-pour-se-loger"}, CodeInsee: "69266", Commune: "Villeurbanne",
			ZoneDiffusionType: "departement", ZoneDiffusionCode: "69", ModesAccueil: []string{"en-presentiel"},
			HorairesAccueil: "Du lundi au vendredi, 9 h – 12 h", OrientationParcours: true}
		return tx.InsertService(ctx, sv)
	})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.App.Referrals.Create(ctx, e.Actor("worker"), personID, referral.Input{ServiceID: sv.ID,
		Reason: "Recherche de logement : accompagnement ASLL", EntryIDs: []string{en.ID}, Basis: "consent",
		ConsentOn: time.Now().Format(time.DateOnly), ConsentHow: "oral"})
	if err != nil {
		t.Fatal(err)
	}
	return personID, r.ID
}

// seedAid gives the household a budget and a request before a commission.
func seedAid(t *testing.T, e *apptest.Env, d *demo) {
	t.Helper()
	ctx := t.Context()
	if _, err := e.App.Aid.SaveBudget(ctx, e.Actor("worker"), d.household, aid.BudgetInput{Adults: 1, Children: 1, Dependents: 1,
		Lines: []parcours.BudgetLine{{Kind: parcours.LineResource, Category: "rsa", MonthlyCents: 72000},
			{Kind: parcours.LineCharge, Category: "loyer", MonthlyCents: 41000}}}); err != nil {
		t.Fatal(err)
	}
	c, err := e.App.Aid.CreateCommission(ctx, e.Actor("manager"), aid.CommissionInput{MeetsOn: time.Now().AddDate(0, 0, 7).Format("2006-01-02"),
		Members: []string{"Mme Roche, vice-présidente"}})
	if err != nil {
		t.Fatal(err)
	}
	d.commission = c.ID
	r, err := e.App.Aid.CreateRequest(ctx, e.Actor("worker"), aid.RequestInput{HouseholdID: d.household, AidCode: "secours_urgence",
		AmountCents: 15000, Reason: "Facture d'énergie impayée."})
	if err == nil {
		_, err = e.App.Aid.PlaceOnAgenda(ctx, e.Actor("worker"), r.ID, aid.AgendaInput{CommissionID: c.ID})
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestAccessibility_EveryPageForEveryRole logs in as each role, visits
// every page that role can reach and fails on any WCAG 2.1 A/AA violation
// reported by axe-core.
//
// The same visits carry the other checks made on every page, so that each
// page is loaded once per role and width (sweeps): every checkbox and
// radio beside its label, at 1280 and 360 px, for admin, manager, worker
// and reception (issue 16); no sideways scroll at 360 px for worker,
// manager and admin.
func TestAccessibility_EveryPageForEveryRole(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	// A break-glass waiting for review, so that the review page shows its
	// verdict radios (for the label gaps). On a person of its own: worker2
	// must stay refused on Léa MARTIN's file.
	glass := createPerson(t, e.Env, "worker", "BERNARD", "Inès", "1984-02-03")
	if _, err := e.App.BreakGlass.Open(t.Context(), e.Actor("worker2"), glass, "Appel du 115, la référente est absente."); err != nil {
		t.Fatal(err)
	}
	checked := 0
	covered := map[string]bool{"GET /login": true}
	// The login page, the redirect to it, and a failed login.
	anon := e.NewTab()
	for _, p := range []string{"/login", "/"} {
		if st := anon.Go(p); st == http.StatusOK {
			checked++
			reportViolations(t, "anonymous", p, anon.Axe())
		}
	}
	if e.has("POST /login") {
		anon.Go("/login")
		u := &user{t: t, e: e, tab: anon}
		u.fill("#f-email", e.Workers["worker"].Email)
		u.fill("#f-password", "not the password")
		u.submitFrom("#f-password")
		checked++
		checkFormErrors(t, anon, "anonymous", "/login (wrong password)")
	}
	// The second factor: the code page and a wrong code, then the
	// enrolment page of a worker without a second factor yet.
	if e.has("POST /login/totp") {
		e.enableLogin("worker", "correct horse battery staple", true)
		e.enableLogin("worker2", "correct horse battery staple 2", false)
		for _, c := range []struct{ who, want, page string }{{"worker", "/login/totp", "TOTP code"}, {"worker2", "/login/totp/setup", "TOTP enrolment"}} {
			tab := e.NewTab()
			u := &user{t: t, e: e, tab: tab}
			tab.Go("/login")
			u.fill("#f-email", e.Workers[c.who].Email)
			u.fill("#f-password", map[string]string{"worker": "correct horse battery staple", "worker2": "correct horse battery staple 2"}[c.who])
			u.submitFrom("#f-password")
			if p := tab.Path(); !strings.HasPrefix(p, c.want) {
				t.Errorf("%s after the password is at %s, want %s", c.who, p, c.want)
				continue
			}
			covered["GET "+c.want] = true
			checked++
			reportViolations(t, c.who, c.want+" ("+c.page+")", tab.Axe())
			if c.who == "worker" {
				u.fill("#f-code", "000000")
				u.submitFrom("#f-code")
				checked++
				checkFormErrors(t, tab, c.who, c.want+" (wrong code)")
			}
		}
	}
	// The sweeps in parallel, each in its own tab of the same browser, on
	// the same server: they change nothing the others' pages depend on
	// (the forms are sent empty and refused), and the login steps above,
	// which do, are done.
	var sweeps []sweep
	for _, who := range apptest.Cast {
		sweeps = append(sweeps, sweep{who: who, width: 1280, axe: true, labelGaps: slices.Contains(labelGapRoles, who)})
	}
	for _, who := range labelGapRoles {
		sweeps = append(sweeps, sweep{who: who, width: 360, labelGaps: true, sideways: slices.Contains(sidewaysRoles, who)})
	}
	var mu sync.Mutex
	var gaps atomic.Int64
	t.Run("roles", func(t *testing.T) {
		for _, s := range sweeps {
			t.Run(fmt.Sprintf("%s-%d", s.who, s.width), func(t *testing.T) {
				t.Parallel()
				n, seen := s.run(t, e, f, &gaps)
				mu.Lock()
				defer mu.Unlock()
				checked += n
				maps.Copy(covered, seen)
			})
		}
	})
	// Every HTML page of Parcours is in the list above (or in the login
	// steps): a new page must be added here to be checked.
	for _, r := range e.App.Web.Routes() {
		key := r.Method + " " + r.Pattern
		if r.Method == "GET" && (r.Access == web.Page || strings.HasPrefix(r.Pattern, "/login")) && !covered[key] {
			t.Errorf("page %s is not visited by the accessibility run: add it to pagesFor", key)
		}
	}
	t.Logf("%d pages checked with axe-core", checked)
	measured := gaps.Load()
	if measured < 20 {
		t.Fatalf("only %d checkboxes and radios measured: the pages lost them?", measured)
	}
	t.Logf("%d checkboxes and radios measured", measured)
}

// labelGapRoles are the roles whose checkboxes and radios are measured
// (at both widths); sidewaysRoles those whose pages must not scroll
// sideways at 360 px.
var (
	labelGapRoles = []string{"admin", "manager", "worker", "reception"}
	sidewaysRoles = []string{"worker", "manager", "admin"}
)

// sweep is one role's visit of every page of pagesFor at one width, and
// the checks made on each page.
type sweep struct {
	who   string
	width int64
	// axe runs axe-core on each page and on its form sent empty, and
	// checks the status of each page.
	axe bool
	// labelGaps measures each checkbox and radio's distance to its
	// label (labelGaps).
	labelGaps bool
	// sideways fails a page wider than the viewport.
	sideways bool
}

// run visits, as s.who, every page of pagesFor in a tab of t and makes
// the sweep's checks on each; it returns how many pages it checked with
// axe and the routes it covered.
func (s sweep) run(t *testing.T, e *Env, f *demo, gaps *atomic.Int64) (checked int, covered map[string]bool) {
	covered = map[string]bool{}
	who := s.who
	tab := e.NewTab(Width(s.width), In(t))
	tab.LoginAs(who)
	for _, v := range pagesFor(who, f) {
		if v.route != "" && !e.has(v.route) {
			continue
		}
		st := tab.Go(v.path)
		axeOK := s.axe
		if s.axe && ((v.status != 0 && st != v.status) || st >= 500) {
			t.Errorf("%s: %s (%s) answered %d, want %d", who, v.path, v.name, st, v.status)
			axeOK = false
		}
		if axeOK {
			covered[v.route] = true
			checked++
			reportViolations(t, who, v.path+" ("+v.name+")", tab.Axe())
		}
		if s.sideways {
			if st >= 500 {
				t.Errorf("%s %s: %d", who, v.path, st)
			} else {
				checkSideways(t, tab, who, v)
			}
		}
		// After axe and the width: measuring opens every details element.
		if s.labelGaps && st == 200 {
			checkLabelGaps(t, tab, who, s.width, v.path, gaps)
		}
		if axeOK && v.submit != "" && st == 200 {
			Eval[bool](tab, `(() => { const f = document.querySelector(`+jsString(v.submit)+`);
				f.querySelector("button[type=submit], button:not([type]), input[type=submit]").setAttribute("data-flow", "submit"); return true })()`)
			tab.Navigating("send "+v.submit, chromedp.Click(chromedp.CSS(`[data-flow="submit"]`)))
			checked++
			checkFormErrors(t, tab, who, v.path+" ("+v.name+")")
		}
	}
	return checked, covered
}

// checkSideways fails the page shown in tab (360 px wide) if it scrolls
// sideways, naming the first elements that stick out.
func checkSideways(t *testing.T, tab *Tab, who string, v visit) {
	t.Helper()
	overflow := Eval[int64](tab, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
	if overflow > 0 {
		wide := Eval[string](tab, `[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (e.className ? "." + e.className : "")).join(", ")`)
		t.Errorf("%s %s (%s) at 360 px overflows sideways by %d px: %s", who, v.path, v.name, overflow, wide)
	}
}

// checkLabelGaps fails each checkbox and radio of the page shown in tab
// that has no label or is more than 16 px from it, and counts those
// measured.
func checkLabelGaps(t *testing.T, tab *Tab, who string, width int64, path string, measured *atomic.Int64) {
	t.Helper()
	type gap struct {
		Name string `json:"name"`
		Gap  int    `json:"gap"`
	}
	for _, g := range Eval[[]gap](tab, labelGaps) {
		measured.Add(1)
		switch {
		case g.Gap < 0:
			t.Errorf("%s at %d px on %s: %s has no label", who, width, path, g.Name)
		case g.Gap > 16:
			t.Errorf("%s at %d px on %s: %s is %d px from its label (at most 16)", who, width, path, g.Name, g.Gap)
		}
	}
}

// checkFormErrors runs axe on a form shown back with errors, and checks
// that the errors are there: summarised and tied to their fields.
func checkFormErrors(t *testing.T, tab *Tab, who, page string) {
	t.Helper()
	if !Eval[bool](tab, `!!document.querySelector(".error-summary, [aria-invalid=true], .field-error")`) {
		t.Errorf("%s on %s: the form was sent with errors but none is shown", who, page)
	}
	// Every link of the error summary leads to a field of the page.
	broken := Eval[[]string](tab, `[...document.querySelectorAll(".error-summary a[href^='#']")].map(a => a.getAttribute("href")).filter(h => !document.getElementById(h.slice(1)))`)
	for _, h := range broken {
		t.Errorf("%s on %s: the error summary links to %s, which is not on the page", who, page, h)
	}
	reportViolations(t, who, page+" (form errors)", tab.Axe())
}

func reportViolations(t *testing.T, who, page string, vs []Violation) {
	t.Helper()
	for _, v := range vs {
		t.Errorf("axe: %s on %s: %s", who, page, v)
	}
}

// The check above is only worth something if axe does report problems:
// a page with an unlabelled field and an image without text must fail.
func TestAxe_ReportsViolations(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	tab := e.NewTab()
	tab.LoginAs("worker")
	tab.Go("/")
	Eval[bool](tab, `(() => { const m = document.querySelector("main");
		m.insertAdjacentHTML("beforeend", '<input type="text" name="x"><img src="/static/none.png">'); return true })()`)
	got := map[string]bool{}
	for _, v := range tab.Axe() {
		got[v.ID] = true
	}
	for _, want := range []string{"label", "image-alt"} {
		if !got[want] {
			t.Errorf("axe did not report %q (got %v)", want, got)
		}
	}
}

// Every tab fails its test on a CSP violation or a script error; this
// checks the watcher does see one: an inline event handler, which the
// strict CSP blocks.
func TestBrowser_ReportsBlockedInlineCode(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	tab := e.NewTab()
	tab.AllowProblems = true
	tab.LoginAs("worker")
	tab.Go("/")
	Eval[bool](tab, `(() => { document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/static/none.png" onerror="document.title=1">'); return true })()`)
	for range 400 { // up to 20 s on a loaded machine; usually a few rounds
		if len(tab.Problems()) > 0 {
			break
		}
		tab.Do("wait", chromedp.Sleep(50e6))
	}
	ps := tab.Problems()
	if len(ps) == 0 || !strings.Contains(strings.Join(ps, " "), "CSP") {
		t.Fatalf("the blocked inline handler was not reported: %q", ps)
	}
	if Eval[string](tab, `document.title`) == "1" {
		t.Error("the inline handler ran: the CSP did not block it")
	}
}

// In English (the worker's preference), the main pages are English, say
// so in their lang attribute, and pass axe-core as well.
func TestAccessibility_EnglishPages(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	if err := e.App.Auth.SetLanguage(t.Context(), e.Actor("worker"), "en"); err != nil {
		t.Fatal(err)
	}
	tab := e.NewTab()
	tab.LoginAs("worker")
	for _, p := range []string{"/", "/search?q=Martn", "/persons/" + f.person, "/profile", "/no/such/page"} {
		tab.Go(p)
		if lang := Eval[string](tab, `document.documentElement.lang`); lang != "en" {
			t.Errorf("%s: lang=%q, want en", p, lang)
		}
		reportViolations(t, "worker (en)", p, tab.Axe())
	}
	tab.Go("/")
	if h1 := tab.Text("h1"); h1 != "My day" {
		t.Errorf("home h1 is %q in English", h1)
	}
}
