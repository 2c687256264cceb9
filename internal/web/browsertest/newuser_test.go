package browsertest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"parcours/internal/casefile"
	"parcours/internal/consent"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store"
)

// What a worker trying Parcours for the first time runs into (issue 16):
// each test drives one dead end or buried action, with JavaScript and
// without where the page works both ways.

// bothWays runs fn in a tab with JavaScript and in one without; axe-core
// (which needs JavaScript) runs in the first only.
func bothWays(t *testing.T, e *Env, who string, fn func(t *testing.T, u *user, js bool)) {
	for _, js := range []bool{true, false} {
		name := map[bool]string{true: "js", false: "nojs"}[js]
		t.Run(name, func(t *testing.T) {
			var opts []TabOption
			if !js {
				opts = append(opts, NoJS())
			}
			u := &user{t: t, e: e, tab: e.NewTab(append(opts, In(t))...)}
			u.tab.LoginAs(who)
			fn(t, u, js)
		})
	}
}

// setValue sets a form control's value as a date picker or a select
// would (typing into a date input depends on the browser's locale).
func (u *user) setValue(css, value string) {
	u.t.Helper()
	u.tab.Do("set "+css, chromedp.SetValue(chromedp.CSS(css), value))
}

// 1. A likely duplicate lists the candidates with a link to each, and
// « Ce n'est pas la même personne — créer » creates the person once a
// reason is given.
func TestNewUser_DuplicateWarningLeadsSomewhere(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	names := map[bool][2]string{true: {"Louise", "Louis"}, false: {"Anne", "Annie"}}
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		first, second := names[js][0], names[js][1]
		existing := createPerson(t, e.Env, "worker", "BRUN", first, "1973-12-19")
		u.tab.Go("/persons/new")
		u.fill("#f-birth_name", "BRUN")
		u.fill("#f-first_names", second)
		u.setValue("#f-birth_date", "1973-12-19")
		if st := u.submitFrom("#f-birth_name"); st != 409 {
			t.Fatalf("a likely duplicate answered %d, want 409", st)
		}
		link := `.duplicates a[href="/persons/` + existing + `"]`
		if !Eval[bool](u.tab, `!!document.querySelector(`+jsString(link)+`)`) {
			t.Fatalf("the warning has no link to BRUN %s: %s", first, u.tab.Text("main"))
		}
		warning := u.tab.Text(".duplicates")
		for _, want := range []string{"19/12/1973", "Référent·e", "même date de naissance"} {
			if !strings.Contains(warning, want) {
				t.Errorf("the warning lacks %q: %s", want, warning)
			}
		}
		if js {
			reportViolations(t, "worker", "/persons (likely duplicate)", u.tab.Axe())
		}
		// Confirmed without a reason: the field is named, nothing created.
		if st := u.submitFrom("#f-not_duplicate_reason"); st == 303 || st == 200 {
			t.Fatalf("confirmed without a reason: %d", st)
		}
		if !Eval[bool](u.tab, `document.getElementById("f-not_duplicate_reason").getAttribute("aria-invalid") === "true"`) {
			t.Error("the missing reason is not marked on its field")
		}
		u.fill("#f-not_duplicate_reason", "Prénom différent, vérifié sur la pièce d'identité")
		if st := u.submitFrom("#f-not_duplicate_reason"); st != 200 {
			t.Fatalf("the confirmation answered %d", st)
		}
		if p := u.tab.Path(); !strings.HasPrefix(p, "/persons/") || strings.HasPrefix(p, "/persons/"+existing) {
			t.Fatalf("after the confirmation the worker is at %s, want the new file", p)
		}
		if h1 := u.tab.Text("h1"); !strings.Contains(h1, second) {
			t.Errorf("the new file's title is %q, want %s", h1, second)
		}
	})
}

// labelGaps measures, for every checkbox and radio of the page (details
// opened), the distance in CSS pixels from the box the browser draws (a
// square centred in the element's box) to the nearest text of its label;
// -1 when it has no label.
const labelGaps = `(() => {
  document.querySelectorAll("details").forEach(d => d.open = true);
  const out = [];
  for (const el of document.querySelectorAll('input[type=checkbox], input[type=radio]')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue; // not rendered
    const side = Math.min(r.width, r.height);
    const box = {left: r.left + (r.width - side) / 2, top: r.top + (r.height - side) / 2};
    box.right = box.left + side; box.bottom = box.top + side;
    const name = (el.name || "?") + (el.value && el.value !== "on" ? "=" + el.value : "");
    if (!el.labels || el.labels.length === 0) { out.push({name, gap: -1}); continue; }
    let best = Infinity;
    for (const label of el.labels) {
      const walk = document.createTreeWalker(label, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) {
        if (!n.textContent.trim()) continue;
        const range = document.createRange(); range.selectNodeContents(n);
        for (const t of range.getClientRects()) {
          const dx = Math.max(0, t.left - box.right, box.left - t.right);
          const dy = Math.max(0, t.top - box.bottom, box.top - t.bottom);
          best = Math.min(best, Math.hypot(dx, dy));
        }
      }
    }
    out.push({name, gap: best === Infinity ? -1 : Math.round(best)});
  }
  return out;
})()`

// 2. Every checkbox and radio of every page, for every role, is at most
// 16 px from its label, at desktop width and on a phone: checked on the
// visits of TestAccessibility_EveryPageForEveryRole (checkLabelGaps).

// tabsTo presses Tab from the top of the page until css has the focus and
// returns how many presses it took (at most 200).
func (u *user) tabsTo(css string) int {
	u.t.Helper()
	Eval[bool](u.tab, `(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true })()`)
	match := `document.activeElement && document.activeElement.matches(` + jsString(css) + `)`
	for n := 1; n <= 200; n++ {
		u.tab.Do("Tab", chromedp.KeyEvent("\t"))
		if Eval[bool](u.tab, match) {
			return n
		}
	}
	u.t.Fatalf("%s never reached with the Tab key", css)
	return 0
}

// inView reports whether the first element matching css is entirely in
// the viewport (within a pixel: an anchor scroll may leave it a fraction
// of a pixel above the top).
func inView(tab *Tab, css string) bool {
	return Eval[bool](tab, `(() => { const el = document.querySelector(`+jsString(css)+`); if (!el) return false;
		const r = el.getBoundingClientRect(); return r.top >= -1 && r.bottom <= window.innerHeight + 1 })()`)
}

// 3. « Ajouter au journal » is on the first screen of the file, on a
// desktop and on a phone; after saving, « Enregistré. » is in view, and
// the worker's own entry is not « nouveau ».
func TestNewUser_AddToJournalAtTheTop(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	for _, width := range []int64{1280, 360} {
		for _, js := range []bool{true, false} {
			opts := []TabOption{Width(width)}
			if !js {
				opts = append(opts, NoJS())
			}
			u := &user{t: t, e: e, tab: e.NewTab(opts...)}
			u.tab.LoginAs("worker")
			where := fmt.Sprintf("%d px, js=%v", width, js)
			u.tab.Go("/persons/" + f.person)
			if !inView(u.tab, "#add-entry-title") {
				t.Errorf("%s: « Ajouter au journal » is not on the first screen (top at %v px)", where,
					Eval[float64](u.tab, `document.getElementById("add-entry-title").getBoundingClientRect().top`))
			}
			if n := u.tabsTo("#f-summary"); n > 30 { // 74 when the form was under the journal
				t.Errorf("%s: %d Tab presses to reach the note, want at most 30", where, n)
			}
			if got := Eval[string](u.tab, `document.getElementById("f-occurred_at").value`); got == "" {
				t.Errorf("%s: the date of the note is not shown", where)
			}
			note := "Appel de Mme Martin : rendez-vous CAF fixé (" + where + ")."
			u.fill("#f-summary", note)
			Eval[bool](u.tab, `(() => { const f = document.getElementById("new-entry"); f.querySelectorAll("button").forEach(b => b.removeAttribute("data-flow")); f.querySelector("button[type=submit]:not([name])").setAttribute("data-flow", "save"); return true })()`)
			if st := u.tab.Navigating("save the note", chromedp.Click(chromedp.CSS(`[data-flow="save"]`))); st != 200 {
				t.Fatalf("%s: saving answered %d", where, st)
			}
			if Eval[bool](u.tab, `!!document.querySelector("#add-entry .review-flags, #add-entry .review-text")`) {
				// The « relecture éthique » shows its points first (without
				// JavaScript): save again, as the worker would.
				u.tab.Navigating("save after the review", chromedp.Click(chromedp.CSS(`#new-entry button[type=submit]:not([name])`)))
			}
			if !inView(u.tab, "#add-entry .flash") {
				t.Errorf("%s: « Enregistré. » is not in view after saving", where)
			}
			entry := Eval[string](u.tab, `(() => { const a = document.querySelector("#add-entry .flash a"); return a ? a.getAttribute("href") : "" })()`)
			if entry == "" {
				t.Fatalf("%s: no link to the saved entry", where)
			}
			if txt := Eval[string](u.tab, `document.querySelector(`+jsString(entry)+`).textContent`); !strings.Contains(txt, note) {
				t.Errorf("%s: the link leads to %q", where, txt)
			}
			if Eval[bool](u.tab, `[...document.querySelectorAll(".journal .tag")].some(t => t.textContent.includes("Nouveau"))`) {
				t.Errorf("%s: the worker's own entry is marked new", where)
			}
			if js && width == 1280 {
				reportViolations(t, "worker", "/persons/{id} (saved)", u.tab.Axe())
			}
		}
	}
}

// 4. The top of the file holds what an appointment needs — age, phone,
// address (as an address, not a birthplace), référent·e — and the open
// alerts (objections, overdue tasks, the viewer's break-glass with its end
// time); on a phone the header and banners leave most of the screen to
// the file.
func TestNewUser_TopOfTheFileForAnAppointment(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	phone, line1, postal, city := "06 12 34 56 78", "12 rue Garibaldi", "69003", "Lyon 3e"
	if _, err := e.App.Persons.Update(t.Context(), e.Actor("worker"), f.person, person.Input{
		Phone: &phone, Address: &parcours.Address{Line1: line1, PostalCode: postal, City: city}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.CaseFile.CreateTask(t.Context(), e.Actor("worker"), f.person, casefile.TaskInput{
		Title: "Relancer la CAF", DueDate: parcours.Today(time.Now().AddDate(0, 0, -3)), AssigneeID: e.Workers["worker"].ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.Consent.Record(t.Context(), e.Actor("worker"), f.person, consent.Input{
		InformedOn: parcours.Today(time.Now()), Method: "oral", Objections: []string{"no_external_sharing"}}); err != nil {
		t.Fatal(err)
	}
	for _, width := range []int64{1280, 360} {
		for _, js := range []bool{true, false} {
			where := fmt.Sprintf("%d px, js=%v", width, js)
			opts := []TabOption{Width(width)}
			if !js {
				opts = append(opts, NoJS())
			}
			tab := e.NewTab(opts...)
			tab.LoginAs("worker")
			tab.Go("/persons/" + f.person)
			top := tab.Text(".file-summary")
			for _, want := range []string{"Âge", " ans — née le 12/04/1990", phone, line1, postal + " " + city, "Référent·e"} {
				if !strings.Contains(top, want) {
					t.Errorf("%s: the top of the file lacks %q: %s", where, want, top)
				}
			}
			alerts := tab.Text(".alerts")
			for _, want := range []string{"Oppositions au partage", "Pas de partage avec d'autres structures", "1 tâche en retard"} {
				if !strings.Contains(alerts, want) {
					t.Errorf("%s: the alerts lack %q: %s", where, want, alerts)
				}
			}
			if !inView(tab, ".alerts") {
				t.Errorf("%s: the alerts are not on the first screen", where)
			}
			if width == 360 {
				if h := Eval[float64](tab, `document.querySelector("main h1").getBoundingClientRect().top`); h > 200 {
					t.Errorf("%s: the header takes %v px above the name, more than 200 of a phone's screen", where, h)
				}
			}
			if js && width == 1280 {
				reportViolations(t, "worker", "/persons/{id} (top of the file)", tab.Axe())
			}
		}
	}
	// A break-glass shows its end time as a banner to the one using it.
	if _, err := e.App.BreakGlass.Open(t.Context(), e.Actor("worker2"), f.person, "Appel du 115, la référente est absente."); err != nil {
		t.Fatal(err)
	}
	tab := e.NewTab(Width(360))
	tab.LoginAs("worker2")
	tab.Go("/persons/" + f.person)
	if b := tab.Text("#break-glass-banner"); !strings.Contains(b, "jusqu'au") || !strings.Contains(b, time.Now().Format("02/01/2006")) && !strings.Contains(b, time.Now().AddDate(0, 0, 1).Format("02/01/2006")) {
		t.Errorf("the break-glass banner does not say until when: %q", b)
	}
	reportViolations(t, "worker2", "/persons/{id} (break-glass)", tab.Axe())
}

// 5. A manager answers « who read this file? »: names and functions,
// reloads grouped, and the audit page searched by a person's name, in
// French words.
func TestNewUser_WhoReadThisFile(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	reader := e.NewTab()
	reader.LoginAs("worker")
	for range 3 {
		reader.Go("/persons/" + f.person)
	}
	bothWays(t, e, "manager", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/persons/" + f.person + "/access-log")
		log := u.tab.Text("main")
		if !strings.Contains(log, "Prénom WORKER (intervenant·e social·e)") || !strings.Contains(log, "a ouvert le dossier (3 fois") {
			t.Errorf("the access log does not say who read the file: %s", log)
		}
		if strings.Contains(log, "Un·e travailleur·se social·e") {
			t.Error("the access log still says « Un·e travailleur·se social·e »")
		}
		if js {
			reportViolations(t, "manager", "/persons/{id}/access-log", u.tab.Axe())
		}
		u.tab.Go("/audit")
		u.fill("#f-person", "martin lea")
		if st := u.submitFrom("#f-person"); st != 200 {
			t.Fatalf("audit search answered %d", st)
		}
		table := u.tab.Text("main table")
		for _, want := range []string{"MARTIN Léa", "Prénom WORKER", "a ouvert le dossier"} {
			if !strings.Contains(table, want) {
				t.Errorf("the audit lacks %q: %s", want, table)
			}
		}
		if strings.Contains(table, "casefile.open") || strings.Contains(table, f.person) {
			t.Errorf("the audit shows codes or ids: %s", table)
		}
		if js {
			reportViolations(t, "manager", "/audit (by name)", u.tab.Axe())
		}
	})
}

// 6 and 7. « Ma journée » shows today's tasks with the late ones, links
// « mes personnes suivies » (sortable by last contact and alerts), and a
// file handed over appears on the new referent's day until acknowledged.
func TestNewUser_MyDayAndMyCaseload(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	other := createPerson(t, e.Env, "worker", "NOEL", "Aline", "1979-06-02")
	if _, err := e.App.CaseFile.CreateAccompaniment(t.Context(), e.Actor("worker"), other, casefile.AccompanimentInput{
		Kind: parcours.DefaultAccompanimentKinds[0].Code, TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID,
		StartDate: time.Now().AddDate(0, -1, 0).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	for title, days := range map[string]int{"Appeler le bailleur": 0, "Relancer la CAF": -3} {
		if _, err := e.App.CaseFile.CreateTask(t.Context(), e.Actor("worker"), other, casefile.TaskInput{
			Title: title, DueDate: parcours.Today(time.Now().AddDate(0, 0, days)), AssigneeID: e.Workers["worker"].ID}); err != nil {
			t.Fatal(err)
		}
	}
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/")
		tasks := u.tab.Text("#h-tasks + ul")
		if !strings.Contains(tasks, "Appeler le bailleur") || !strings.Contains(tasks, "Relancer la CAF") {
			t.Errorf("« Ma journée » lacks today's or the late task: %s", tasks)
		}
		if st := u.follow("main", "Mes personnes suivies"); st != 200 {
			t.Fatalf("the caseload answered %d", st)
		}
		names := func() string { return u.tab.Text("table.caseload tbody") }
		// Longest without contact first: NOEL Aline (no entry) before
		// MARTIN Léa (an interview a week ago).
		if n := names(); strings.Index(n, "NOEL") > strings.Index(n, "MARTIN") {
			t.Errorf("by last contact, MARTIN comes first: %s", n)
		}
		if st := u.follow("table.caseload thead", "Alertes"); st != 200 {
			t.Fatalf("sorting by alerts answered %d", st)
		}
		if n := names(); !strings.HasPrefix(strings.TrimSpace(n), "NOEL") || !strings.Contains(n, "1 tâche en retard") {
			t.Errorf("by alerts: %s", n)
		}
		if st := u.follow("table.caseload thead", "Nom"); st != 200 {
			t.Fatalf("sorting by name answered %d", st)
		}
		if n := names(); strings.Index(n, "MARTIN") > strings.Index(n, "NOEL") {
			t.Errorf("by name: %s", n)
		}
		if js {
			reportViolations(t, "worker", "/persons?mine=1", u.tab.Axe())
		}
	})
	h, err := e.App.CaseFile.Handover(t.Context(), e.Actor("worker"), f.accompaniment, casefile.HandoverInput{ReferentID: e.Workers["worker2"].ID, TeamID: e.TeamA2.ID})
	if err != nil {
		t.Fatal(err)
	}
	_ = h
	bothWays(t, e, "worker2", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/")
		if !Eval[bool](u.tab, `!!document.getElementById("h-handovers")`) {
			t.Fatal("the handover is not on the new referent's day")
		}
		if st := u.follow("#h-handovers + ul", "MARTIN"); st != 200 {
			t.Fatalf("opening the handed-over file answered %d", st)
		}
		if js {
			reportViolations(t, "worker2", "/ (handover)", u.tab.Axe())
		}
	})
}

// 7. « Mes personnes suivies » includes the household one follows: the
// partner of the person accompanied is listed, marked « foyer suivi ».
func TestNewUser_CaseloadIncludesTheHousehold(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	lead := createPerson(t, e.Env, "worker", "FABRE", "Louise", "1981-01-15")
	partner := createPerson(t, e.Env, "worker", "FABRE", "Marc", "1979-07-04")
	if _, err := e.App.Persons.CreateHousehold(t.Context(), e.Actor("worker"), person.HouseholdInput{Name: "Foyer Fabre",
		Members: []person.MemberInput{{PersonID: lead, Relationship: parcours.RelReference}, {PersonID: partner, Relationship: parcours.RelSpouse}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.App.CaseFile.CreateAccompaniment(t.Context(), e.Actor("worker"), lead, casefile.AccompanimentInput{
		Kind: parcours.DefaultAccompanimentKinds[0].Code, TeamID: e.TeamA.ID, ReferentID: e.Workers["worker"].ID}); err != nil {
		t.Fatal(err)
	}
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/persons?mine=1")
		rows := u.tab.Text("table.caseload tbody")
		if !strings.Contains(rows, "FABRE Louise") || !strings.Contains(rows, "FABRE Marc") || !strings.Contains(rows, "foyer suivi") {
			t.Errorf("the caseload lacks the household: %s", rows)
		}
		if st := u.follow("table.caseload tbody", "FABRE Marc"); st != 200 {
			t.Errorf("opening the partner's file answered %d", st)
		}
		if js {
			u.tab.Go("/persons?mine=1")
			reportViolations(t, "worker", "/persons?mine=1 (household)", u.tab.Axe())
		}
	})
}

// 10. A worker outside the team is not left with a bare refusal: the
// break-glass form is on the page, and « demander une orientation »;
// once opened, the file says until when.
func TestNewUser_RefusalOffersBreakGlassAndReferral(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	names := map[bool]string{true: "GARNIER", false: "LEROY"}
	bothWays(t, e, "worker2", func(t *testing.T, u *user, js bool) {
		p := createPerson(t, e.Env, "worker", names[js], "Paul", "1966-09-30")
		if st := u.tab.Go("/persons/" + p); st != 403 {
			t.Fatalf("the file answered %d, want 403", st)
		}
		main := u.tab.Text("main")
		if !strings.Contains(main, "Demander une orientation") || strings.Contains(main, "Vous n'avez pas le droit") {
			t.Errorf("the refusal is a dead end: %s", main)
		}
		if js {
			reportViolations(t, "worker2", "/persons/{id} (refused)", u.tab.Axe())
		}
		u.fill("#f-reason", "Appel du 115 : mise à l'abri ce soir, la référente est absente.")
		if st := u.submitFrom("#f-reason"); st != 200 {
			t.Fatalf("the break-glass answered %d", st)
		}
		if p2 := u.tab.Path(); p2 != "/persons/"+p {
			t.Fatalf("after the break-glass the worker is at %s", p2)
		}
		if b := u.tab.Text("#break-glass-banner"); !strings.Contains(b, "jusqu'au") {
			t.Errorf("no banner with the end of the access: %q", b)
		}
	})
}

// 8. A journal search result names the person, the newest comes first,
// and it opens the file at the entry.
func TestNewUser_JournalSearchLeadsToTheEntry(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	f := seedDemo(t, e.Env)
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/search/journal?q=entretien")
		first := u.tab.Text(".search-results li")
		if !strings.Contains(first, "MARTIN Léa") {
			t.Errorf("the result does not name the person: %s", first)
		}
		if st := u.follow(".search-results", "MARTIN Léa"); st != 200 {
			t.Fatalf("opening the result answered %d", st)
		}
		p := u.tab.Path()
		if !strings.HasPrefix(p, "/persons/"+f.person+"?entry=") || !strings.Contains(p, "#entry-") {
			t.Errorf("the result leads to %s, not to the entry", p)
		}
		if js {
			anchor := p[strings.Index(p, "#"):]
			if !inView(u.tab, anchor) {
				t.Errorf("the entry %s is not in view", anchor)
			}
		}
	})
}

// 8. An entry found by the search on an old page of a long journal: the
// link opens the journal page that holds it (?entry=), not the first.
func TestNewUser_JournalSearchReachesAnOldEntry(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	p := createPerson(t, e.Env, "worker", "ROUSSEL", "Inès", "1985-03-08")
	var old string
	start := time.Now().AddDate(0, 0, -200)
	for i := range 120 {
		sum := fmt.Sprintf("Entretien de suivi numéro %d", i)
		if i == 3 {
			sum = "Entretien : dossier de surendettement déposé à la Banque de France"
		}
		en, err := e.App.CaseFile.AddEntry(t.Context(), e.Actor("worker"), p, casefile.EntryInput{Kind: "interview", Summary: sum,
			OccurredAt: start.AddDate(0, 0, i).Format("2006-01-02")})
		if err != nil {
			t.Fatal(err)
		}
		if i == 3 {
			old = en.ID
		}
	}
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		// The first page of the file does not hold it.
		u.tab.Go("/persons/" + p)
		if Eval[bool](u.tab, `!!document.getElementById("entry-`+old+`")`) {
			t.Fatal("the old entry is on the first page: the journal is too short for this test")
		}
		u.tab.Go("/search/journal?q=surendettement")
		if st := u.follow(".search-results", "ROUSSEL"); st != 200 {
			t.Fatalf("opening the result answered %d", st)
		}
		if !Eval[bool](u.tab, `!!document.getElementById("entry-`+old+`")`) {
			t.Fatalf("the page %s does not hold the entry", u.tab.Path())
		}
		if !strings.Contains(u.tab.Text("#entry-"+old), "surendettement") {
			t.Errorf("the entry shown is not the one found")
		}
		if js && !inView(u.tab, "#entry-"+old) {
			t.Errorf("the entry is not in view")
		}
		// The page links back to the newest entries.
		if st := u.follow("main", "Entrées les plus récentes"); st != 200 {
			t.Fatalf("back to the newest answered %d", st)
		}
		if Eval[bool](u.tab, `!!document.getElementById("entry-`+old+`")`) {
			t.Errorf("« les plus récentes » shows the old page")
		}
	})
}

// 9. French as a worker reads it: no « AAAA-MM-JJ » beside a date picker,
// teams are « équipes », and « 1 tâche » in the singular.
func TestNewUser_FrenchWordsAndForms(t *testing.T) {
	t.Parallel()
	e := New(t, store.SQLite)
	bothWays(t, e, "admin", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/admin/teams")
		if main := u.tab.Text("main"); strings.Contains(main, "Services") {
			t.Errorf("the teams page says « Services »: %s", main)
		}
	})
	bothWays(t, e, "worker", func(t *testing.T, u *user, js bool) {
		u.tab.Go("/persons/new")
		if main := u.tab.Text("main"); strings.Contains(main, "AAAA-MM-JJ") {
			t.Error("a format hint sits beside the date picker")
		}
	})
}
