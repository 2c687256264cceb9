package browsertest

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// TestReferral_DoneWhen is the scenario in the browser, with
// plain HTML forms and on both backends: a worker of A refers
// a person to a service of B choosing two journal entries and a document;
// B's worker sees exactly those, accepts and writes a note; A sees the
// status change; the person's access log names B's reads; once B ends the
// follow-up, B gets 404. Every page passes axe.
func TestReferral_DoneWhen(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(d.String(), func(t *testing.T) { t.Parallel(); referralFlow(t, d) })
	}
}

func referralFlow(t *testing.T, d store.Dialect) {
	e := New(t, d)
	f := seedDemo(t, e.Env)
	ctx := t.Context()
	// The demo's own referral of this person is withdrawn: only the one
	// made below shares the file.
	if _, err := e.App.Referrals.Cancel(ctx, e.Actor("worker"), f.referral); err != nil {
		t.Fatal(err)
	}
	summaries := []string{"Entretien : dette de loyer de 1 200 €.", "Dossier FSL déposé le mois dernier.", "Note sur la santé du fils, confidentielle."}
	var entries []string
	for _, s := range summaries {
		en, err := e.App.CaseFile.AddEntry(ctx, e.Actor("worker"), f.referred, casefile.EntryInput{Kind: parcours.EntryNote, Summary: s})
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, en.ID)
	}
	doc, err := e.App.CaseFile.AddDocument(ctx, e.Actor("worker"), f.referred, casefile.DocumentInput{Kind: "autre", Title: "Avis d'échéance"},
		strings.NewReader("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))
	if err != nil {
		t.Fatal(err)
	}
	axe := func(tab *Tab, page string) {
		t.Helper()
		reportViolations(t, tab.Who, page, tab.Axe())
	}

	// A's worker fills the new-referral form of the file.
	a := e.NewTab()
	a.LoginAs("worker")
	if st := a.Go("/persons/" + f.referred); st != 200 || !strings.Contains(a.Text("main"), "Orienter vers un service") {
		t.Fatalf("person page: %d, no link to refer", st)
	}
	if st := a.Go("/persons/" + f.referred + "/referrals/new"); st != 200 {
		t.Fatalf("new referral: %d", st)
	}
	a.Do("choose the extract",
		chromedp.SetValue(chromedp.CSS(`#f-service_id`), Eval[string](a, `[...document.querySelectorAll("#f-service_id option")].find(o => o.textContent.includes("logement")).value`)),
		chromedp.SendKeys(chromedp.CSS(`#f-reason`), "Recherche de logement : accompagnement ASLL"),
		chromedp.SetValue(chromedp.CSS(`#f-consent_on`), time.Now().Format(time.DateOnly)),
		chromedp.Click(chromedp.CSS(`input[name=entry_ids][value="`+entries[0]+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=entry_ids][value="`+entries[1]+`"]`)),
		chromedp.Click(chromedp.CSS(`input[name=document_ids][value="`+doc.ID+`"]`)),
	)
	axe(a, "new referral")
	if st := a.Navigating("send", chromedp.Click(chromedp.CSS(`form[action$="/referrals"] button[type=submit]`))); st != 200 {
		t.Fatalf("send: %d", st)
	}
	path := a.Path()
	if !strings.HasPrefix(path, "/referrals/") {
		t.Fatalf("after sending, at %s", path)
	}
	refPath := strings.SplitN(path, "?", 2)[0]

	// B's worker finds it in the service's inbox and sees exactly the extract.
	b := e.NewTab()
	b.LoginAs("other")
	b.Go("/referrals?box=received")
	// The inbox names the person of the open referral (the demo's
	// cancelled one stays unnamed), with the delay since sent.
	if inbox := b.Text("table tbody"); !strings.Contains(inbox, "PETIT Noah") || !strings.Contains(inbox, "0 jour") {
		t.Errorf("B's inbox lacks the person or the delay since sent: %s", inbox)
	}
	axe(b, "inbox")
	b.Go(refPath)
	page := b.Text("main")
	for i, s := range summaries {
		if got := strings.Contains(page, s); got != (i < 2) {
			t.Errorf("B sees %q: %v, want %v", s, got, i < 2)
		}
	}
	if !strings.Contains(page, "Avis d'échéance") || !strings.Contains(page, "Reçue") {
		t.Errorf("B's referral page lacks the document or the status: %s", page)
	}
	axe(b, "referral, receiving side")
	// Accepting opens an accompaniment of B, of a kind of B's catalogue.
	b.Do("open an accompaniment", chromedp.Click(chromedp.CSS(`#f-open_accompaniment`)),
		chromedp.SetValue(chromedp.CSS(`#f-acc-kind`), parcours.DefaultAccompanimentKinds[2].Code))
	b.Navigating("accept", chromedp.Click(chromedp.CSS(`form[action$="/accept"] button`)))
	if page := b.Text("main"); !strings.Contains(page, "Ouvert dans votre structure") {
		t.Errorf("after accepting, no accompaniment of B: %s", page)
	}
	b.Do("write a note", chromedp.SendKeys(chromedp.CSS(`#f-summary`), "Premier rendez-vous au service logement le 3."))
	b.Navigating("write", chromedp.Click(chromedp.CSS(`form[action$="/entries"] button`)))
	if page := b.Text("main"); !strings.Contains(page, "Premier rendez-vous au service logement") || !strings.Contains(page, "Acceptée") {
		t.Errorf("after accepting and writing, B's page: %s", page)
	}

	// A sees the status change, never B's note, and B's reads in the log.
	a.Go("/referrals?box=sent")
	if !strings.Contains(a.Text("main"), "Acceptée") {
		t.Errorf("A's referrals: %s", a.Text("main"))
	}
	a.Go("/persons/" + f.referred)
	if strings.Contains(a.Text("main"), "Premier rendez-vous au service logement") {
		t.Errorf("A reads B's note on the file")
	}
	// A's file lists the referral with its status and delays.
	if list := a.Text("#referrals + table"); !strings.Contains(list, "Acceptée") || !strings.Contains(list, "jour") {
		t.Errorf("A's file does not list the referral: %s", list)
	}
	a.Go("/persons/" + f.referred + "/access-log")
	if !strings.Contains(a.Text("main"), e.OrgB.Name) {
		t.Errorf("the access log does not name %s: %s", e.OrgB.Name, a.Text("main"))
	}
	axe(a, "access log with the receiving structure's reads")

	// B ends the follow-up: the referral and the file are gone for B.
	b.Go(refPath)
	b.Do("the reason the accompaniment ends", chromedp.SetValue(chromedp.CSS(`#f-end_reason`), "objectifs_atteints"))
	axe(b, "referral accepted with an accompaniment")
	b.Navigating("close the accompaniment", chromedp.Click(chromedp.CSS(`form[action$="/end"] button`)))
	if st := b.Go(refPath); st != 404 {
		t.Errorf("B after the end: %d, want 404", st)
	}
	if st := b.Go("/persons/" + f.referred); st != 404 {
		t.Errorf("B opens the file after the end: %d, want 404", st)
	}
}
