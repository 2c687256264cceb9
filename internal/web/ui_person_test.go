package web_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// The persons and household pages, through the real handlers with a
// browser session (and its CSRF token, added by apptest.Page).

// fieldTag returns the opening tag of the form control with id f-<name>.
func fieldTag(t *testing.T, html, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<(input|select|textarea)[^>]*\sid="f-` + regexp.QuoteMeta(name) + `"[^>]*>`).FindString(html)
	if m == "" {
		t.Fatalf("no control f-%s in the page", name)
	}
	return m
}

// assertFieldError checks that the control of field name is marked
// invalid, points at its message, that the message says want, and that
// the summary links to it.
func assertFieldError(t *testing.T, html, name, want string) {
	t.Helper()
	tag := fieldTag(t, html, name)
	if !strings.Contains(tag, `aria-invalid="true"`) {
		t.Errorf("f-%s not marked invalid: %s", name, tag)
	}
	if !regexp.MustCompile(`aria-describedby="[^"]*\be-` + regexp.QuoteMeta(name) + `\b`).MatchString(tag) {
		t.Errorf("f-%s does not point at its message: %s", name, tag)
	}
	msg := regexp.MustCompile(`<p class="field-error" id="e-` + regexp.QuoteMeta(name) + `">([^<]*)</p>`).FindStringSubmatch(html)
	if msg == nil || !strings.Contains(msg[1], want) {
		t.Errorf("message of %s: %v, want it to contain %q", name, msg, want)
	}
	if !strings.Contains(html, `href="#f-`+name+`"`) {
		t.Errorf("the error summary does not link to f-%s", name)
	}
}

func personCount(t *testing.T, e *apptest.Env) int {
	t.Helper()
	return countAll(t, e).persons
}

func TestPersonPages_CreateRedirectsToTheFile(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {"ROUSSEL"}, "usage_name": {""}, "first_names": {"Maëlle"}, "birth_date": {"1979-11-03"}, "sex": {"F"},
			"email": {"maelle.roussel@exemple.fr"}, "address.postal_code": {"69100"}, "address.city": {"Villeurbanne"},
			"nir": {"2791169123456" + nirKey("2791169123456")}})
		if resp.Status != 303 {
			t.Fatalf("status %d: %s", resp.Status, truncate(resp.Body))
		}
		loc := resp.Header.Get("Location")
		id, ok := strings.CutPrefix(loc, "/persons/")
		if !ok || strings.Contains(id, "/") {
			t.Fatalf("redirected to %q, want the person's file", loc)
		}
		p, err := e.App.Persons.Get(t.Context(), e.Actor("worker"), id)
		if err != nil {
			t.Fatal(err)
		}
		if p.FirstNames != "Maëlle" || p.Address.City != "Villeurbanne" || p.NIR == "" || p.Email != "maelle.roussel@exemple.fr" {
			t.Errorf("stored %+v", p)
		}
	})
}

func TestPersonPages_ErrorsNextToFieldsAndTypedValuesKept(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		before := personCount(t, e)
		resp := e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {"ROUSSEL"}, "first_names": {"Maëlle"}, "birth_date": {"2999-01-01"}, "email": {"maelle@"},
			"address.postal_code": {"691"}, "address.city": {"Villeurbanne"}, "sex": {"F"}})
		if resp.Status != 422 {
			t.Fatalf("status %d", resp.Status)
		}
		html := string(resp.Body)
		assertFieldError(t, html, "birth_date", "date de naissance")
		assertFieldError(t, html, "email", "adresse e-mail")
		assertFieldError(t, html, "address.postal_code", "code postal")
		if tag := fieldTag(t, html, "first_names"); strings.Contains(tag, "aria-invalid") || !strings.Contains(tag, `value="Maëlle"`) {
			t.Errorf("valid field: %s", tag)
		}
		if tag := fieldTag(t, html, "address.city"); !strings.Contains(tag, `value="Villeurbanne"`) {
			t.Errorf("typed city lost: %s", tag)
		}
		if !regexp.MustCompile(`<option value="F" selected>`).MatchString(html) {
			t.Error("chosen sex lost")
		}
		if !strings.Contains(html, `class="error-summary"`) || !strings.Contains(html, `name="csrf"`) {
			t.Error("no error summary or no CSRF field")
		}
		if personCount(t, e) != before {
			t.Error("a refused form wrote a person")
		}
	})
}

func TestPersonPages_EditShowsThePersonAndRefusesAStaleVersion(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		p, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("FAURE"), FirstNames: ptr("Jules"),
			BirthDate: ptr("1968-02-20"), Phone: ptr("0478000000")})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Page("GET", "/persons/"+p.ID+"/edit", "worker", nil)
		if resp.Status != 200 {
			t.Fatalf("edit page: %d", resp.Status)
		}
		html := string(resp.Body)
		if !strings.Contains(fieldTag(t, html, "phone"), `value="0478000000"`) ||
			!strings.Contains(html, `name="version" value="`+strconv.Itoa(p.Version)+`"`) {
			t.Fatal("the edit form does not show the stored person and version")
		}
		form := url.Values{"birth_name": {"FAURE"}, "first_names": {"Jules"}, "birth_date": {"1968-02-20"}, "sex": {"M"},
			"phone": {"0478111111"}, "version": {strconv.Itoa(p.Version)}}
		if resp := e.Page("POST", "/persons/"+p.ID, "worker", form); resp.Status != 303 || resp.Header.Get("Location") != "/persons/"+p.ID {
			t.Fatalf("save: %d to %q", resp.Status, resp.Header.Get("Location"))
		}
		// The same form again: it was typed against the old version.
		form.Set("phone", "0478222222")
		resp = e.Page("POST", "/persons/"+p.ID, "manager", form)
		if resp.Status != 409 {
			t.Fatalf("stale save: %d", resp.Status)
		}
		html = string(resp.Body)
		if !strings.Contains(html, "modifiée entre-temps") || !strings.Contains(fieldTag(t, html, "phone"), `value="0478222222"`) {
			t.Errorf("conflict page does not explain or loses the typing")
		}
		got, _ := e.App.Persons.Get(ctx, e.Actor("worker"), p.ID)
		if got.Phone != "0478111111" {
			t.Errorf("phone %q after the conflict", got.Phone)
		}
		// The front desk may read the person but not open the edit form.
		if resp := e.Page("GET", "/persons/"+p.ID+"/edit", "reception", nil); resp.Status != 403 {
			t.Errorf("reception edit page: %d", resp.Status)
		}
	})
}

func TestPersonPages_NIRFieldOnlyForRolesThatSeeIt(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		if html := string(e.Page("GET", "/persons/new", "worker", nil).Body); !strings.Contains(html, `name="nir"`) {
			t.Error("the worker has no NIR field")
		}
		resp := e.Page("GET", "/persons/new", "reception", nil)
		if resp.Status != 200 || strings.Contains(string(resp.Body), `name="nir"`) {
			t.Errorf("reception: status %d, NIR field shown: %v", resp.Status, strings.Contains(string(resp.Body), `name="nir"`))
		}
	})
}

func TestPersonPages_ListPagesThroughEveryone(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		created := map[string]bool{}
		for i := range 30 {
			p, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("NOM" + strconv.Itoa(100+i)),
				FirstNames: ptr("Prénom"), BirthDate: ptr(strconv.Itoa(1940+i) + "-06-01")})
			if err != nil {
				t.Fatal(err)
			}
			created[p.ID] = true
		}
		row := regexp.MustCompile(`<th scope="row"><a href="/persons/([^"/]+)">`)
		next := regexp.MustCompile(`<a href="(/persons\?cursor=[^"]+)" rel="next">`)
		seen := map[string]int{}
		path, pages := "/persons", 0
		for path != "" {
			resp := e.Page("GET", path, "reception", nil)
			if resp.Status != 200 {
				t.Fatalf("%s: %d", path, resp.Status)
			}
			html := string(resp.Body)
			for _, m := range row.FindAllStringSubmatch(html, -1) {
				seen[m[1]]++
			}
			pages++
			path = ""
			if m := next.FindStringSubmatch(html); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
			if pages > 5 {
				t.Fatal("pagination does not end")
			}
		}
		if pages != 2 {
			t.Errorf("%d pages for 30 persons by 25", pages)
		}
		for id := range created {
			if seen[id] != 1 {
				t.Errorf("person %s listed %d times", id, seen[id])
			}
		}
		if resp := e.Page("GET", "/persons?cursor=nonsense", "worker", nil); resp.Status != 400 {
			t.Errorf("bad cursor: %d", resp.Status)
		}
	})
}

func TestHouseholdPages_CreateAddMemberAndRecordSituations(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		w := e.Actor("worker")
		ref, err := e.App.Persons.Create(ctx, w, person.Input{BirthName: ptr("PERRIN"), FirstNames: ptr("Sonia"), BirthDate: ptr("1982-10-10")})
		if err != nil {
			t.Fatal(err)
		}
		kid, err := e.App.Persons.Create(ctx, w, person.Input{BirthName: ptr("PERRIN"), FirstNames: ptr("Théo"), BirthDate: ptr("2012-04-04")})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Page("POST", "/households", "worker", url.Values{"name": {"Foyer Perrin"}, "person_id": {ref.ID}})
		if resp.Status != 303 {
			t.Fatalf("create: %d %s", resp.Status, truncate(resp.Body))
		}
		loc := resp.Header.Get("Location")
		id := strings.TrimPrefix(strings.TrimSuffix(loc, "?saved=household"), "/households/")
		if !strings.HasPrefix(loc, "/households/") || id == "" || strings.Contains(id, "?") {
			t.Fatalf("redirected to %q", loc)
		}
		html := string(e.Page("GET", loc, "worker", nil).Body)
		if !strings.Contains(html, "Foyer enregistré") || !strings.Contains(html, "PERRIN Sonia") || !strings.Contains(html, "Personne de référence") {
			t.Errorf("household page after creation lacks the flash or the member")
		}

		resp = e.Page("POST", "/households/"+id, "worker", url.Values{"name": {strings.Repeat("P", 151)}})
		if resp.Status != 422 {
			t.Fatalf("rename too long: %d", resp.Status)
		}
		assertFieldError(t, string(resp.Body), "name", "nom du foyer")
		if resp := e.Page("POST", "/households/"+id, "worker", url.Values{"name": {"Foyer Perrin-Lopez"}}); resp.Status != 303 {
			t.Fatalf("rename: %d", resp.Status)
		}
		if html := string(e.Page("GET", "/households/"+id, "worker", nil).Body); !strings.Contains(html, "Foyer Perrin-Lopez") {
			t.Error("renamed household not shown")
		}

		resp = e.Page("POST", "/households/"+id+"/members", "worker", url.Values{"person_id": {kid.ID}, "relationship": {"enfant"}})
		if resp.Status != 303 {
			t.Fatalf("add member: %d", resp.Status)
		}
		for _, housing := range []string{"heberge_tiers", "locataire_social"} {
			resp = e.Page("POST", "/households/"+id+"/situations", "worker", url.Values{
				"housing": {housing}, "income_sources": {"salaire", "apl"}, "employment": {"cdd"}, "monthly_income_eur": {"1 450"}})
			if resp.Status != 303 {
				t.Fatalf("record situation: %d %s", resp.Status, truncate(resp.Body))
			}
		}
		h, err := e.App.Persons.GetHousehold(ctx, w, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Members) != 2 || h.Situation == nil || h.Situation.Housing != "locataire_social" || h.Situation.MonthlyIncome != 1450 ||
			strings.Join(h.Situation.IncomeSources, ",") != "salaire,apl" {
			t.Fatalf("stored household %+v situation %+v", h, h.Situation)
		}
		html = string(e.Page("GET", "/households/"+id, "reception", nil).Body)
		if strings.Count(html, "Locataire du parc social") < 2 || !strings.Contains(html, "Hébergé·e chez un tiers") {
			t.Error("the page does not show the current situation and its history")
		}
		if strings.Contains(html, `action="/households/`+id+`/situations"`) {
			t.Error("the front desk is offered the situation form")
		}

		// A refused situation: errors by the fields, ticks kept, nothing
		// recorded.
		resp = e.Page("POST", "/households/"+id+"/situations", "worker", url.Values{
			"income_sources": {"rsa"}, "monthly_income_eur": {"beaucoup"}, "health": {"suivi en cours"}})
		if resp.Status != 422 {
			t.Fatalf("bad situation: %d", resp.Status)
		}
		html = string(resp.Body)
		assertFieldError(t, html, "monthly_income_eur", "revenus mensuels")
		if !regexp.MustCompile(`value="rsa" checked`).MatchString(html) || !strings.Contains(html, ">suivi en cours</textarea>") {
			t.Error("typed values lost")
		}
		hist, _ := e.App.Persons.SituationHistory(ctx, w, id)
		if len(hist) != 2 {
			t.Errorf("%d situations after a refused form, want 2", len(hist))
		}
		resp = e.Page("POST", "/households/"+id+"/situations", "worker", url.Values{"employment": {"cdi"}})
		assertFieldError(t, string(resp.Body), "housing", "logement")
	})
}

func TestHouseholdPages_NewPersonStraightIntoAHousehold(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		h, err := e.App.Persons.CreateHousehold(t.Context(), e.Actor("worker"), person.HouseholdInput{Name: "Foyer Petit"})
		if err != nil {
			t.Fatal(err)
		}
		html := string(e.Page("GET", "/persons/new?household_id="+h.ID, "worker", nil).Body)
		if !strings.Contains(html, `name="household_id" value="`+h.ID+`"`) || !strings.Contains(html, `<option value="reference" selected>`) {
			t.Fatal("the form does not carry the household")
		}
		resp := e.Page("POST", "/persons", "worker", url.Values{"birth_name": {"PETIT"}, "first_names": {"Lina"}, "birth_date": {"2001-01-09"},
			"sex": {"F"}, "household_id": {h.ID}, "relationship": {"reference"}})
		if resp.Status != 303 {
			t.Fatalf("create: %d %s", resp.Status, truncate(resp.Body))
		}
		got, _ := e.App.Persons.GetHousehold(t.Context(), e.Actor("worker"), h.ID)
		if len(got.Members) != 1 || got.Members[0].Relationship != parcours.RelReference {
			t.Errorf("members %+v", got.Members)
		}
		// Another organisation's household is not a way in.
		if resp := e.Page("GET", "/persons/new?household_id="+h.ID, "other", nil); resp.Status != 404 {
			t.Errorf("other organisation: %d", resp.Status)
		}
	})
}

func TestPersonPages_FormWithoutNIRFieldKeepsTheStoredNIR(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		nir := "1680269123456" + nirKey("1680269123456")
		p, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("FAURE"), FirstNames: ptr("Jules"),
			BirthDate: ptr("1968-02-20"), NIR: ptr(nir)})
		if err != nil {
			t.Fatal(err)
		}
		resp := e.Page("POST", "/persons/"+p.ID, "worker", url.Values{"birth_name": {"FAURE"}, "first_names": {"Jules"},
			"birth_date": {"1968-02-20"}, "phone": {"0478000001"}})
		if resp.Status != 303 {
			t.Fatalf("save: %d %s", resp.Status, truncate(resp.Body))
		}
		got, _ := e.App.Persons.Get(ctx, e.Actor("worker"), p.ID)
		if got.NIR != nir || got.Phone != "0478000001" {
			t.Errorf("after save: NIR %q phone %q", got.NIR, got.Phone)
		}
	})
}

// TestPersonPages_EditLinkOnlyWhereTheServiceAccepts checks that the
// persons list offers « modifier » on the files the actor follows and not
// on the others of the organisation, which the service refuses (403): the
// page asks the door, row by row, instead of judging by role.
func TestPersonPages_EditLinkOnlyWhereTheServiceAccepts(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := t.Context()
		mine, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: ptr("SUIVIE"), FirstNames: ptr("Anne"), BirthDate: ptr("1970-02-03")})
		if err != nil {
			t.Fatal(err)
		}
		theirs, err := e.App.Persons.Create(ctx, e.Actor("worker2"), person.Input{BirthName: ptr("AUTRE"), FirstNames: ptr("Paul"), BirthDate: ptr("1971-02-03")})
		if err != nil {
			t.Fatal(err)
		}
		html := string(e.Page("GET", "/persons", "worker", nil).Body)
		if !strings.Contains(html, `href="/persons/`+mine.ID+`/edit"`) {
			t.Error("no « modifier » on the file the worker follows")
		}
		if strings.Contains(html, `href="/persons/`+theirs.ID+`/edit"`) {
			t.Error("« modifier » offered on a file the worker does not follow")
		}
		if r := e.Page("GET", "/persons/"+theirs.ID+"/edit", "worker", nil); r.Status != 403 {
			t.Errorf("edit form of a file the worker does not follow: %d, want 403", r.Status)
		}
	})
}

// Creating a person born the same day as one with a like name shows the
// candidates (names, birth date, commune, referent, what matched) with a
// link to each, and a confirmation that needs a reason, which is recorded
// against each candidate.
func TestPersonPages_DuplicateShowsCandidatesThenCreatesWithReason(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		louise := e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {"BRUN"}, "first_names": {"Louise"}, "birth_date": {"1973-12-19"}, "sex": {"F"}, "address.city": {"Lyon 3e"}})
		if louise.Status != 303 {
			t.Fatalf("first person: %d %s", louise.Status, truncate(louise.Body))
		}
		louiseID := strings.TrimPrefix(louise.Header.Get("Location"), "/persons/")
		before := personCount(t, e)
		form := url.Values{"birth_name": {"BRUN"}, "first_names": {"Louis"}, "birth_date": {"1973-12-19"}, "sex": {"M"}, "address.city": {"Lyon 3e"}}
		resp := e.Page("POST", "/persons", "worker", form)
		html := string(resp.Body)
		if resp.Status != 409 {
			t.Fatalf("duplicate: %d, want 409", resp.Status)
		}
		for _, want := range []string{`href="/persons/` + louiseID + `"`, "BRUN Louise", "19/12/1973", "Lyon 3e",
			"même date de naissance", "nom et prénoms proches", "même commune", "Référent·e",
			`name="force" value="true"`, "Ce n&#39;est pas la même personne — créer", `name="first_names" value="Louis"`} {
			if !strings.Contains(html, want) {
				t.Errorf("the duplicate warning lacks %q", want)
			}
		}
		if strings.Contains(html, "force=true") {
			t.Error("the page still tells the worker to send force=true")
		}
		// Confirmed without a reason: refused, the field named, the
		// candidates still shown, nothing created.
		form.Set("force", "true")
		resp = e.Page("POST", "/persons", "worker", form)
		if resp.Status != 422 && resp.Status != 400 {
			t.Fatalf("confirmation without a reason: %d", resp.Status)
		}
		assertFieldError(t, string(resp.Body), "not_duplicate_reason", "la même personne » est obligatoire")
		if !strings.Contains(string(resp.Body), `href="/persons/`+louiseID+`"`) {
			t.Error("the candidates are gone once the reason is missing")
		}
		if n := personCount(t, e); n != before {
			t.Fatalf("created without a reason: %d persons, want %d", n, before)
		}
		form.Set("not_duplicate_reason", "Prénom différent, vérifié sur la carte d'identité")
		resp = e.Page("POST", "/persons", "worker", form)
		if resp.Status != 303 {
			t.Fatalf("confirmed: %d %s", resp.Status, truncate(resp.Body))
		}
		louisID := strings.TrimPrefix(resp.Header.Get("Location"), "/persons/")
		var cand, reason string
		if err := e.App.DB.SQL().QueryRow(rebind(e, "SELECT candidate_id, reason FROM person_not_duplicates WHERE person_id = ?"), louisID).Scan(&cand, &reason); err != nil {
			t.Fatal(err)
		}
		if cand != louiseID || reason != "Prénom différent, vérifié sur la carte d'identité" {
			t.Errorf("recorded %q %q", cand, reason)
		}
	})
}

// « Ajouter au journal » is the first section of the file, its date shown
// (today), the rare forms folded; after saving, « Enregistré. » is where
// the page lands, with a link to the entry, which is never « nouveau »
// for its own author; a cleared date is refused, not turned into today.
func TestPersonPage_AddToJournalFirstAndSavedInView(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {"FAURE"}, "first_names": {"Inès"}, "birth_date": {"1988-02-14"}, "sex": {"F"}})
		id := strings.TrimPrefix(resp.Header.Get("Location"), "/persons/")
		page := e.Page("GET", "/persons/"+id, "worker", nil)
		html := string(page.Body)
		add, ident := strings.Index(html, `id="add-entry"`), strings.Index(html, `id="identity"`)
		if add < 0 || ident < 0 || add > ident {
			t.Fatalf("« Ajouter au journal » (%d) is not before the identity (%d)", add, ident)
		}
		if !strings.Contains(html, "Ajouter au journal") {
			t.Error("no « Ajouter au journal » heading")
		}
		today := e.App.DB.Now().In(mustParis(t)).Format("2006-01-02")
		if tag := fieldTag(t, html, "occurred_at"); !strings.Contains(tag, `value="`+today+`"`) {
			t.Errorf("the date is not prefilled with today (%s): %s", today, tag)
		}
		if !regexp.MustCompile(`<details>\s*<summary>Ouvrir un accompagnement</summary>`).MatchString(html) {
			t.Error("the accompaniment form is not folded")
		}
		// A cleared date: refused, the field named.
		resp = e.Page("POST", "/persons/"+id+"/journal", "worker", url.Values{"kind": {"note"}, "occurred_at": {""}, "summary": {"Appel reçu."}})
		if resp.Status != 422 {
			t.Fatalf("empty date: %d, want 422", resp.Status)
		}
		assertFieldError(t, string(resp.Body), "occurred_at", "Le champ « date » est obligatoire.")
		resp = e.Page("POST", "/persons/"+id+"/journal", "worker", url.Values{"kind": {"note"}, "occurred_at": {today}, "summary": {"Appel reçu."}})
		loc := resp.Header.Get("Location")
		if resp.Status != 303 || !strings.Contains(loc, "saved=add-entry") || !strings.HasSuffix(loc, "#add-entry") {
			t.Fatalf("saved: %d to %q", resp.Status, loc)
		}
		entry := regexp.MustCompile(`entry=([^&#]+)`).FindStringSubmatch(loc)
		path, _, _ := strings.Cut(loc, "#")
		html = string(e.Page("GET", path, "worker", nil).Body)
		sec := html[strings.Index(html, `id="add-entry"`):]
		sec = sec[:strings.Index(sec, "</section>")]
		if !strings.Contains(sec, "Enregistré.") || entry == nil || !strings.Contains(sec, `href="#entry-`+entry[1]+`"`) {
			t.Errorf("« Enregistré. » with a link to the entry is not in the section the page lands on: %s", sec)
		}
		if strings.Contains(html, "Nouveau depuis votre dernière visite") {
			t.Error("the worker's own entry is marked new")
		}
		// Someone else's entry is.
		e.Page("POST", "/persons/"+id+"/journal", "manager", url.Values{"kind": {"note"}, "occurred_at": {today}, "summary": {"Note de la responsable."}})
		if html := string(e.Page("GET", "/persons/"+id, "worker", nil).Body); !strings.Contains(html, "Nouveau depuis votre dernière visite : 1") {
			t.Error("the manager's entry is not marked new for the worker")
		}
	})
}

func mustParis(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The top of the file: age and birth date (by sex), phone, address,
// référent·e, and the alerts of an appointment; a break-glass banner with
// its end for the one using it.
func TestPersonPage_TopOfTheFileAndAlerts(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Page("POST", "/persons", "worker", url.Values{
			"birth_name": {"BRUN"}, "first_names": {"Louis"}, "birth_date": {"1973-12-19"}, "sex": {"M"},
			"phone": {"06 12 34 56 78"}, "address.line1": {"12 rue Garibaldi"}, "address.postal_code": {"69003"}, "address.city": {"Lyon 3e"}})
		id := strings.TrimPrefix(resp.Header.Get("Location"), "/persons/")
		today := e.App.DB.Now().In(mustParis(t))
		for _, due := range []int{-2, -1} {
			r := e.Do("POST", "/api/v1/persons/"+id+"/tasks", "worker", map[string]any{"title": "Relancer", "due_date": today.AddDate(0, 0, due).Format("2006-01-02"), "assignee_id": e.Workers["worker"].ID})
			if r.Status != 201 {
				t.Fatalf("task: %d %s", r.Status, r.Body)
			}
		}
		if r := e.Do("POST", "/api/v1/persons/"+id+"/consent", "worker", map[string]any{"informed_on": today.Format("2006-01-02"), "method": "oral", "objections": []string{"no_health_sharing"}}); r.Status >= 300 {
			t.Fatalf("consent: %d %s", r.Status, r.Body)
		}
		html := string(e.Page("GET", "/persons/"+id, "worker", nil).Body)
		age := today.Year() - 1973
		if today.Month() < 12 || today.Day() < 19 {
			age--
		}
		for _, want := range []string{strconv.Itoa(age) + " ans — né le 19/12/1973", `href="tel:`, ">06 12 34 56 78</a>", "12 rue Garibaldi, 69003 Lyon 3e",
			"Référent·e", "2 tâches en retard", "Oppositions au partage"} {
			if !strings.Contains(html, want) {
				t.Errorf("the top of the file lacks %q", want)
			}
		}
		if strings.Contains(html, "Né·e le") {
			t.Error("« Né·e » although the sex is recorded")
		}
		if strings.Contains(html, "break-glass-banner") {
			t.Error("a break-glass banner without a break-glass")
		}
	})
}
