package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"parcours/internal/app/apptest"
)

var labelText = regexp.MustCompile(`<(label|legend)[^>]*>\s*([^<]*)`)

// lowercaseLabels returns the labels and legends of a page whose text
// starts with a lowercase letter.
func lowercaseLabels(body string) []string {
	var out []string
	for _, m := range labelText.FindAllStringSubmatch(body, -1) {
		r, _ := utf8.DecodeRuneInString(strings.TrimSpace(m[2]))
		if unicode.IsLower(r) {
			out = append(out, m[0])
		}
	}
	return out
}

// TestLabels_CapitalisedOnTheFile: the file's form labels start with a
// capital letter, as on every other page (issue 16 point 9), while the
// field names quoted by error messages stay lowercase.
func TestLabels_CapitalisedOnTheFile(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		s := newReferralSetup(t, e)
		if r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/accompaniments", "worker", map[string]any{"kind": "asg"}); r.Status != http.StatusCreated {
			t.Fatalf("accompaniment: %d %s", r.Status, r.Body)
		}
		var ref struct{ ID string }
		e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/referrals", "worker", s.input(s.ServiceB.ID)).Decode(t, &ref)
		for _, c := range []struct{ who, path string }{
			{"worker", "/persons/" + s.Person.ID},
			{"worker", "/persons/" + s.Person.ID + "/referrals/new"},
			{"other", "/referrals/" + ref.ID},
		} {
			page := e.Page("GET", c.path, c.who, nil)
			if page.Status != 200 {
				t.Fatalf("%s: %d", c.path, page.Status)
			}
			if n := strings.Count(string(page.Body), "<label"); n < 3 {
				t.Fatalf("%s: only %d labels, the page is not the form expected", c.path, n)
			}
			if bad := lowercaseLabels(string(page.Body)); len(bad) > 0 {
				t.Errorf("%s: lowercase labels: %q", c.path, bad)
			}
		}
		// The error message still quotes the field in lowercase.
		r := e.Do("POST", "/api/v1/persons/"+s.Person.ID+"/journal", "worker", map[string]any{"kind": "note", "summary": ""})
		if r.Status != 422 || !strings.Contains(string(r.Body), "« compte rendu »") {
			t.Errorf("error message: %d %s", r.Status, r.Body)
		}
	})
}
