package web_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/person"
)

// apiErr is the error body of the API, as clients read it.
type apiErr struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field"`
		Fields  []struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		} `json:"fields"`
	} `json:"error"`
}

// doLang is e.Do with an Accept-Language header.
func doLang(t *testing.T, e *apptest.Env, method, path, who string, body any, acceptLanguage string) *apptest.Response {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	default:
		buf, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(buf)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+e.Tokens[who])
	if acceptLanguage != "" {
		req.Header.Set("Accept-Language", acceptLanguage)
	}
	return e.Serve(req)
}

// counts is how many persons, households and situations org A holds, to
// check that a refused request wrote nothing.
type counts struct{ persons, households, situations int }

func countAll(t *testing.T, e *apptest.Env) counts {
	t.Helper()
	ctx := t.Context()
	a := e.Actor("worker")
	var c counts
	cursor := ""
	for {
		page, err := e.App.Persons.List(ctx, a, cursor, 200)
		if err != nil {
			t.Fatal(err)
		}
		c.persons += len(page.Items)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	for {
		page, err := e.App.Persons.ListHouseholds(ctx, a, cursor, 200)
		if err != nil {
			t.Fatal(err)
		}
		c.households += len(page.Items)
		for _, h := range page.Items {
			hist, err := e.App.Persons.SituationHistory(ctx, a, h.ID)
			if err != nil {
				t.Fatal(err)
			}
			c.situations += len(hist)
		}
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	return c
}

func validPerson() map[string]any {
	return map[string]any{"birth_name": "LEFEBVRE", "first_names": "Inès", "birth_date": "1988-06-02", "sex": "F"}
}

func with(base map[string]any, kv ...any) map[string]any {
	out := map[string]any{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i+1 < len(kv); i += 2 {
		out[kv[i].(string)] = kv[i+1]
	}
	return out
}

// badInput is one refused request: the expected status, the field the
// error names and words the French message must contain.
type badInput struct {
	name     string
	method   string
	path     func(f *fixture, other *parcours.Person, otherHousehold *parcours.Household) string
	body     func(f *fixture, other *parcours.Person, otherHousehold *parcours.Household) any
	status   int
	field    string
	contains []string
}

func fixedPath(p string) func(*fixture, *parcours.Person, *parcours.Household) string {
	return func(*fixture, *parcours.Person, *parcours.Household) string { return p }
}

func body(v any) func(*fixture, *parcours.Person, *parcours.Household) any {
	return func(*fixture, *parcours.Person, *parcours.Household) any { return v }
}

var badInputs = []badInput{
	{name: "birth date in the future", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "birth_date", "2999-01-01")), status: 422, field: "birth_date",
		contains: []string{"date de naissance", "futur"}},
	{name: "birth date that does not exist", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "birth_date", "1990-02-30")), status: 422, field: "birth_date",
		contains: []string{"date de naissance", "AAAA-MM-JJ"}},
	{name: "birth date in another format", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "birth_date", "02/06/1988")), status: 422, field: "birth_date",
		contains: []string{"date de naissance"}},
	{name: "blank birth name", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "birth_name", "   ")), status: 422, field: "birth_name",
		contains: []string{"nom de naissance", "obligatoire"}},
	{name: "missing first names", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(map[string]any{"birth_name": "LEFEBVRE", "birth_date": "1988-06-02"}), status: 422, field: "first_names",
		contains: []string{"prénoms", "obligatoire"}},
	{name: "malformed e-mail", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "email", "ines.lefebvre@")), status: 422, field: "email",
		contains: []string{"adresse e-mail"}},
	{name: "wrong social-security key", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "nir", "1 85 05 78 006 084 36")), status: 422, field: "nir",
		contains: []string{"sécurité sociale", "clé"}},
	{name: "postal code of four digits", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "address", map[string]any{"postal_code": "6900"})), status: 422, field: "address.postal_code",
		contains: []string{"code postal"}},
	{name: "CAF number with letters", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "caf_number", "12AB")), status: 422, field: "caf_number",
		contains: []string{"CAF"}},
	{name: "unknown sex", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "sex", "Z")), status: 422, field: "sex",
		contains: []string{"sexe", "Z"}},
	{name: "unknown JSON field", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "nickname", "Nini")), status: 400, field: "nickname",
		contains: []string{"nickname"}},
	{name: "wrong JSON type", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "birth_date", 19880602)), status: 400, field: "birth_date",
		contains: []string{"birth_date", "type"}},
	{name: "malformed JSON", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(`{"birth_name": "LEFEBVRE",`), status: 400, contains: []string{"JSON"}},
	{name: "household of another organisation", method: "POST", path: fixedPath("/api/v1/persons"),
		body: func(f *fixture, _ *parcours.Person, h *parcours.Household) any {
			return with(validPerson(), "household_id", h.ID)
		}, status: 422, field: "household_id", contains: []string{"foyer", "introuvable"}},
	{name: "invalid relationship in a household", method: "POST", path: fixedPath("/api/v1/persons"),
		body: func(f *fixture, _ *parcours.Person, _ *parcours.Household) any {
			return with(validPerson(), "household_id", f.Household.ID, "relationship", "cousin")
		}, status: 422, field: "relationship", contains: []string{"lien", "cousin"}},
	{name: "relationship without a household", method: "POST", path: fixedPath("/api/v1/persons"),
		body: body(with(validPerson(), "relationship", "conjoint")), status: 422, field: "relationship",
		contains: []string{"lien", "foyer"}},
	{name: "household with an invalid relationship", method: "POST", path: fixedPath("/api/v1/households"),
		body: func(f *fixture, _ *parcours.Person, _ *parcours.Household) any {
			return map[string]any{"name": "Foyer Lefebvre", "members": []any{map[string]any{"person_id": f.Person.ID, "relationship": "cousin"}}}
		}, status: 422, field: "members[0].relationship", contains: []string{"lien avec la personne de référence", "cousin"}},
	{name: "household with a member of another organisation", method: "POST", path: fixedPath("/api/v1/households"),
		body: func(f *fixture, other *parcours.Person, _ *parcours.Household) any {
			return map[string]any{"name": "Foyer Lefebvre", "members": []any{map[string]any{"person_id": other.ID, "relationship": "reference"}}}
		}, status: 422, field: "members[0].person_id", contains: []string{"personne", "introuvable"}},
	{name: "household with the same member twice", method: "POST", path: fixedPath("/api/v1/households"),
		body: func(f *fixture, _ *parcours.Person, _ *parcours.Household) any {
			m := map[string]any{"person_id": f.Person.ID, "relationship": "reference"}
			return map[string]any{"members": []any{m, m}}
		}, status: 422, field: "members[1].person_id", contains: []string{"deux fois"}},
	{name: "household with an invalid situation", method: "POST", path: fixedPath("/api/v1/households"),
		body: body(map[string]any{"name": "Foyer", "situation": map[string]any{"housing": "chateau"}}), status: 422,
		field: "situation.housing", contains: []string{"logement", "chateau"}},
	{name: "adding a member of another organisation", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/members"
		},
		body: func(f *fixture, other *parcours.Person, _ *parcours.Household) any {
			return map[string]any{"person_id": other.ID, "relationship": "conjoint"}
		}, status: 422, field: "person_id", contains: []string{"personne", "introuvable"}},
	{name: "adding a member with an invalid relationship", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/members"
		},
		body: func(f *fixture, _ *parcours.Person, _ *parcours.Household) any {
			return map[string]any{"person_id": f.Person.ID, "relationship": "voisin"}
		}, status: 422, field: "relationship", contains: []string{"lien", "voisin"}},
	{name: "situation with a negative income", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/situations"
		},
		body:   body(map[string]any{"housing": "locataire_prive", "monthly_income_eur": -5}),
		status: 422, field: "monthly_income_eur", contains: []string{"revenus mensuels", "montant"}},
	{name: "situation dated in the future", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/situations"
		},
		body:   body(map[string]any{"housing": "locataire_prive", "valid_from": "2999-01-01"}),
		status: 422, field: "valid_from", contains: []string{"date d'effet", "futur"}},
	{name: "situation with an unknown income source", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/situations"
		},
		body:   body(map[string]any{"housing": "locataire_prive", "income_sources": []string{"rsa", "loto"}}),
		status: 422, field: "income_sources", contains: []string{"sources de revenus", "loto"}},
	{name: "situation without housing", method: "POST",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID + "/situations"
		},
		body: body(map[string]any{"employment": "cdi"}), status: 422, field: "housing", contains: []string{"logement", "obligatoire"}},
	{name: "household name too long", method: "PATCH",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID
		},
		body: body(map[string]any{"name": strings.Repeat("F", 151)}), status: 422, field: "name",
		contains: []string{"nom du foyer", "150"}},
	{name: "household rename without a name", method: "PATCH",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/households/" + f.Household.ID
		},
		body: body(map[string]any{}), status: 422, field: "name", contains: []string{"nom du foyer", "obligatoire"}},
	{name: "invalid cursor", method: "GET", path: fixedPath("/api/v1/persons?cursor=not-a-cursor"),
		status: 400, field: "cursor", contains: []string{"curseur"}},
	{name: "cursor of another list", method: "GET",
		path:   fixedPath("/api/v1/persons?cursor=" + parcours.EncodeCursor([]string{"x"})),
		status: 400, field: "cursor", contains: []string{"curseur"}},
	{name: "invalid household cursor", method: "GET", path: fixedPath("/api/v1/households?cursor=!!!"),
		status: 400, field: "cursor", contains: []string{"curseur"}},
	{name: "page size zero", method: "GET", path: fixedPath("/api/v1/persons?limit=0"),
		status: 400, field: "limit", contains: []string{"limit", "200"}},
	{name: "page size not a number", method: "GET", path: fixedPath("/api/v1/households?limit=many"),
		status: 400, field: "limit", contains: []string{"limit"}},
	{name: "changing the household on the person", method: "PATCH",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/persons/" + f.Person.ID
		},
		body: func(f *fixture, _ *parcours.Person, _ *parcours.Household) any {
			return map[string]any{"household_id": f.Household.ID}
		}, status: 422, field: "household_id", contains: []string{"foyer"}},
	{name: "update emptying the birth name", method: "PATCH",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/persons/" + f.Person.ID
		},
		body: body(map[string]any{"birth_name": ""}), status: 422, field: "birth_name", contains: []string{"nom de naissance"}},
	{name: "update with a stale version", method: "PATCH",
		path: func(f *fixture, _ *parcours.Person, _ *parcours.Household) string {
			return "/api/v1/persons/" + f.Person.ID
		},
		body: body(map[string]any{"phone": "0611223344", "version": 99}), status: 409, contains: []string{"modifiée entre-temps"}},
}

func TestPersonAPI_BadInputIsRefusedAndWritesNothing(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		ctx := t.Context()
		other, err := e.App.Persons.Create(ctx, e.Actor("other"), person.Input{
			BirthName: ptr("BERNARD"), FirstNames: ptr("Hugo"), BirthDate: ptr("1970-01-01")})
		if err != nil {
			t.Fatal(err)
		}
		otherHousehold, err := e.App.Persons.CreateHousehold(ctx, e.Actor("other"), person.HouseholdInput{Name: "Foyer B"})
		if err != nil {
			t.Fatal(err)
		}
		before := countAll(t, e)
		stored, err := e.App.Persons.Get(ctx, e.Actor("worker"), f.Person.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range badInputs {
			var b any
			if c.body != nil {
				b = c.body(f, other, otherHousehold)
			}
			resp := doLang(t, e, c.method, c.path(f, other, otherHousehold), "worker", b, "")
			if resp.Status != c.status {
				t.Errorf("%s: status %d, want %d (%s)", c.name, resp.Status, c.status, resp.Body)
				continue
			}
			var got apiErr
			resp.Decode(t, &got)
			if got.Error.Field != c.field {
				t.Errorf("%s: field %q, want %q", c.name, got.Error.Field, c.field)
			}
			for _, want := range c.contains {
				if !strings.Contains(got.Error.Message, want) {
					t.Errorf("%s: message %q does not contain %q", c.name, got.Error.Message, want)
				}
			}
		}
		if after := countAll(t, e); after != before {
			t.Errorf("refused requests wrote data: before %+v, after %+v", before, after)
		}
		now, err := e.App.Persons.Get(ctx, e.Actor("worker"), f.Person.ID)
		if err != nil {
			t.Fatal(err)
		}
		if now.Version != stored.Version || now.BirthName != stored.BirthName || now.Phone != stored.Phone || now.HouseholdID != stored.HouseholdID {
			t.Errorf("refused updates changed the person: before %+v, after %+v", stored, now)
		}
	})
}

func TestPersonAPI_EveryFieldProblemIsReported(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		resp := e.Do("POST", "/api/v1/persons", "worker", map[string]any{
			"birth_name": "", "first_names": "", "birth_date": "2999-12-31", "email": "x", "nir": "123"})
		if resp.Status != 422 {
			t.Fatalf("status %d: %s", resp.Status, resp.Body)
		}
		var got apiErr
		resp.Decode(t, &got)
		fields := map[string]bool{}
		for _, f := range got.Error.Fields {
			fields[f.Field] = true
		}
		for _, want := range []string{"birth_name", "first_names", "birth_date", "email", "nir"} {
			if !fields[want] {
				t.Errorf("no problem reported for %s in %s", want, resp.Body)
			}
		}
	})
}

func TestPersonAPI_BodyOverOneMebibyteIs413(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		before := countAll(t, e)
		big := `{"birth_name": "LEFEBVRE", "first_names": "Inès", "birth_date": "1988-06-02", "birth_place": "` +
			strings.Repeat("a", 1<<20) + `"}`
		resp := e.Do("POST", "/api/v1/persons", "worker", big)
		if resp.Status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413", resp.Status)
		}
		var got apiErr
		resp.Decode(t, &got)
		if got.Error.Code != "too_large" || !strings.Contains(got.Error.Message, "1 Mio") {
			t.Errorf("error %+v", got.Error)
		}
		if after := countAll(t, e); after != before {
			t.Errorf("oversized body wrote data: before %+v, after %+v", before, after)
		}
	})
}

func TestPersonAPI_MessagesInEnglishOnRequest(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		cases := []struct {
			body     any
			contains []string
		}{
			{with(validPerson(), "birth_date", "2999-01-01"), []string{"date of birth", "future"}},
			{with(validPerson(), "birth_name", ""), []string{"birth name", "required"}},
			{with(validPerson(), "nir", "185057800608436"), []string{"social-security"}},
			{with(validPerson(), "email", "nope"), []string{"e-mail address"}},
		}
		for _, c := range cases {
			resp := doLang(t, e, "POST", "/api/v1/persons", "worker", c.body, "en-GB,en;q=0.9")
			if resp.Status != 422 {
				t.Errorf("status %d: %s", resp.Status, resp.Body)
				continue
			}
			var got apiErr
			resp.Decode(t, &got)
			for _, want := range c.contains {
				if !strings.Contains(got.Error.Message, want) {
					t.Errorf("message %q does not contain %q", got.Error.Message, want)
				}
			}
		}
	})
}

func TestPersonAPI_StaleVersionConflictsAndCurrentVersionSaves(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var p parcours.Person
		resp := e.Do("POST", "/api/v1/persons", "worker", validPerson())
		if resp.Status != 201 {
			t.Fatalf("create: %d %s", resp.Status, resp.Body)
		}
		resp.Decode(t, &p)
		if resp.Header.Get("Location") != "/api/v1/persons/"+p.ID {
			t.Errorf("Location %q", resp.Header.Get("Location"))
		}
		// Two workers load version 1; the first to save wins, the second
		// is told instead of silently overwriting.
		first := e.Do("PATCH", "/api/v1/persons/"+p.ID, "worker", map[string]any{"phone": "0611111111", "version": p.Version})
		if first.Status != 200 {
			t.Fatalf("first update: %d %s", first.Status, first.Body)
		}
		second := e.Do("PATCH", "/api/v1/persons/"+p.ID, "manager", map[string]any{"phone": "0622222222", "version": p.Version})
		if second.Status != http.StatusConflict || second.ErrorCode() != "conflict" {
			t.Fatalf("second update: %d %s", second.Status, second.Body)
		}
		var got parcours.Person
		e.Do("GET", "/api/v1/persons/"+p.ID, "worker", nil).Decode(t, &got)
		if got.Phone != "0611111111" || got.Version != p.Version+1 {
			t.Errorf("after conflict: phone %q version %d", got.Phone, got.Version)
		}
	})
}

func TestPersonAPI_PaginationVisitsEachPersonOnce(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		created := map[string]bool{}
		// Same birth names and first names on purpose: the id breaks ties.
		// Birth years differ so that none is a likely duplicate of another.
		for i := range 11 {
			b := with(validPerson(), "birth_name", []string{"ARNAUD", "BLANC", "BLANC"}[i%3], "first_names", "Zoé "+strconv.Itoa(i%2),
				"birth_date", strconv.Itoa(1950+i)+"-03-15")
			resp := e.Do("POST", "/api/v1/persons", "worker", b)
			if resp.Status != 201 {
				t.Fatalf("create: %d %s", resp.Status, resp.Body)
			}
			var p parcours.Person
			resp.Decode(t, &p)
			created[p.ID] = true
		}
		// A person of another organisation must never show up.
		e.Do("POST", "/api/v1/persons", "other", validPerson())
		seen := map[string]int{}
		cursor, pages := "", 0
		for {
			path := "/api/v1/persons?limit=4"
			if cursor != "" {
				path += "&cursor=" + cursor
			}
			resp := e.Do("GET", path, "reception", nil)
			if resp.Status != 200 {
				t.Fatalf("page %d: %d %s", pages, resp.Status, resp.Body)
			}
			var page struct {
				Items      []parcours.Person `json:"items"`
				NextCursor string            `json:"next_cursor"`
			}
			resp.Decode(t, &page)
			pages++
			if len(page.Items) > 4 {
				t.Fatalf("page of %d items, limit 4", len(page.Items))
			}
			for _, p := range page.Items {
				seen[p.ID]++
			}
			if cursor = page.NextCursor; cursor == "" {
				break
			}
			if pages > 10 {
				t.Fatal("pagination does not end")
			}
		}
		if pages != 3 {
			t.Errorf("%d pages for 11 persons by 4, want 3", pages)
		}
		if len(seen) != len(created) {
			t.Errorf("saw %d persons, created %d", len(seen), len(created))
		}
		for id := range created {
			if seen[id] != 1 {
				t.Errorf("person %s seen %d times", id, seen[id])
			}
		}
	})
}

func TestHouseholdAPI_MembersAndSituationHistory(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var a, b parcours.Person
		e.Do("POST", "/api/v1/persons", "worker", validPerson()).Decode(t, &a)
		e.Do("POST", "/api/v1/persons", "worker", with(validPerson(), "first_names", "Noé", "birth_date", "2015-09-01", "sex", "M")).Decode(t, &b)
		resp := e.Do("POST", "/api/v1/households", "worker", map[string]any{
			"name":      "Foyer Lefebvre",
			"members":   []any{map[string]any{"person_id": a.ID, "relationship": "reference"}},
			"situation": map[string]any{"housing": "heberge_tiers", "income_sources": []string{"rsa"}, "valid_from": "2024-01-01"},
		})
		if resp.Status != 201 {
			t.Fatalf("create household: %d %s", resp.Status, resp.Body)
		}
		var h parcours.Household
		resp.Decode(t, &h)

		resp = e.Do("POST", "/api/v1/households/"+h.ID+"/members", "worker", map[string]any{"person_id": b.ID, "relationship": "enfant"})
		if resp.Status != 200 {
			t.Fatalf("add member: %d %s", resp.Status, resp.Body)
		}
		resp = e.Do("POST", "/api/v1/households/"+h.ID+"/situations", "worker", map[string]any{
			"housing": "locataire_social", "income_sources": []string{"salaire", "apl"}, "employment": "cdd", "monthly_income_eur": 1450, "health": "suivi kiné"})
		if resp.Status != 201 {
			t.Fatalf("record situation: %d %s", resp.Status, resp.Body)
		}

		if resp := e.Do("PATCH", "/api/v1/households/"+h.ID, "worker", map[string]any{"name": "  Foyer Lefebvre-Roux "}); resp.Status != 200 {
			t.Fatalf("rename: %d %s", resp.Status, resp.Body)
		}
		var got parcours.Household
		e.Do("GET", "/api/v1/households/"+h.ID, "worker", nil).Decode(t, &got)
		if got.Name != "Foyer Lefebvre-Roux" {
			t.Errorf("name %q after rename", got.Name)
		}
		rels := map[string]parcours.Relationship{}
		for _, m := range got.Members {
			rels[m.PersonID] = m.Relationship
		}
		if rels[a.ID] != parcours.RelReference || rels[b.ID] != parcours.RelChild || len(rels) != 2 {
			t.Errorf("members %+v", got.Members)
		}
		if got.Situation == nil || got.Situation.Housing != "locataire_social" || got.Situation.MonthlyIncome != 1450 {
			t.Errorf("current situation %+v", got.Situation)
		}
		var child parcours.Person
		e.Do("GET", "/api/v1/persons/"+b.ID, "worker", nil).Decode(t, &child)
		if child.HouseholdID != h.ID {
			t.Errorf("child's household_id %q, want %q", child.HouseholdID, h.ID)
		}

		var hist struct {
			Items      []parcours.Situation `json:"items"`
			NextCursor string               `json:"next_cursor"`
		}
		e.Do("GET", "/api/v1/households/"+h.ID+"/situations", "worker", nil).Decode(t, &hist)
		if len(hist.Items) != 2 || hist.Items[0].Housing != "locataire_social" || hist.Items[1].Housing != "heberge_tiers" {
			t.Fatalf("history (newest first) %+v", hist.Items)
		}
		if hist.Items[0].Health != "suivi kiné" {
			t.Errorf("the worker should see the health note, got %q", hist.Items[0].Health)
		}
		// The front desk sees the situation but not the health note.
		var asReception struct {
			Items []parcours.Situation `json:"items"`
		}
		e.Do("GET", "/api/v1/households/"+h.ID+"/situations", "reception", nil).Decode(t, &asReception)
		if len(asReception.Items) != 2 || asReception.Items[0].Health != "" {
			t.Errorf("reception sees %+v", asReception.Items)
		}
		// Another organisation does not learn the household exists.
		if resp := e.Do("GET", "/api/v1/households/"+h.ID+"/situations", "other", nil); resp.Status != 404 {
			t.Errorf("other organisation: %d", resp.Status)
		}
	})
}

func TestPersonAPI_NIRHiddenFromFrontDesk(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		var p parcours.Person
		resp := e.Do("POST", "/api/v1/persons", "worker", with(validPerson(), "nir", "2 88 06 75 123 456 "+nirKey("2880675123456")))
		if resp.Status != 201 {
			t.Fatalf("create: %d %s", resp.Status, resp.Body)
		}
		resp.Decode(t, &p)
		if p.NIR != "2880675123456"+nirKey("2880675123456") {
			t.Errorf("worker sees NIR %q, want it normalised", p.NIR)
		}
		var asReception map[string]any
		e.Do("GET", "/api/v1/persons/"+p.ID, "reception", nil).Decode(t, &asReception)
		if _, ok := asReception["nir"]; ok {
			t.Errorf("reception sees the NIR: %v", asReception)
		}
	})
}

// nirKey computes the key of a 13-digit NIR body.
func nirKey(body string) string {
	n, _ := strconv.ParseUint(body, 10, 64)
	k := 97 - n%97
	return string([]byte{byte('0' + k/10), byte('0' + k%10)})
}
