package web_test

import (
	"net/http"
	"strings"
	"testing"

	"parcours/internal/app/apptest"
)

// The journal of the person page is written in Go, not by html/template
// (casefileweb/journal_html.go): what a worker typed reaches the page
// escaped all the same, in the text, the participants and the private
// synthesis of an entry — no element, attribute or script of theirs.
func TestPersonPage_HostileJournalTextIsEscaped(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		f := newFixture(t, e)
		const (
			script = `<script>alert("x")</script>`
			attr   = `" onmouseover="alert(1)`
			single = `' autofocus onfocus='alert(2)`
			amp    = `R&D <b>gras</b> 1+1`
		)
		r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/journal", "worker", map[string]any{"kind": "note",
			"summary": script + attr + single + amp, "participants": []string{script, attr}, "private_synthesis": single + script})
		if r.Status != http.StatusCreated {
			t.Fatalf("entry: %d %s", r.Status, r.Body)
		}
		page := e.Page("GET", "/persons/"+f.Person.ID, "worker", nil)
		if page.Status != http.StatusOK {
			t.Fatalf("person page: %d", page.Status)
		}
		body := string(page.Body)
		i := strings.Index(body, `<ol class="journal">`)
		if i < 0 {
			t.Fatal("no journal on the page")
		}
		journal := body[i : i+strings.Index(body[i:], "</ol>")]
		for _, bad := range []string{"<script", "<b>", `" onmouseover`, `' autofocus`, `='alert`, `"alert(`, "R&D "} {
			if strings.Contains(journal, bad) {
				t.Errorf("the journal holds %q unescaped:\n%s", bad, journal)
			}
		}
		for _, want := range []string{
			`<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&#34; onmouseover=&#34;alert(1)&#39; autofocus onfocus=&#39;alert(2)R&amp;D &lt;b&gt;gras&lt;/b&gt; 1&#43;1</p>`,
			` : &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;, &#34; onmouseover=&#34;alert(1)</p>`,
			`</summary><p>&#39; autofocus onfocus=&#39;alert(2)&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p></details>`,
		} {
			if !strings.Contains(journal, want) {
				t.Errorf("the journal does not show the text escaped, %s:\n%s", want, journal)
			}
		}
	})
}
