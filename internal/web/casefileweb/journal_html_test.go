package casefileweb

import (
	"bytes"
	"html/template"
	"math/rand/v2"
	"strings"
	"testing"
)

// journalRange is the range of person.html that wrote the journal's
// entries before journalItems did, verbatim, with the variables it used
// ($d, $p, $l and the page's CSRF) bound to a journalRef.
const journalRange = `{{$d := .D}}{{$p := .P}}{{$l := .L}}<ol class="journal">
  {{range $d.Entries}}
    <li id="entry-{{.ID}}">
      <article>
        <h3>
          <time datetime="{{.OccurredAt}}">{{.Date}}</time> — {{.KindLabel}}{{if .Mode}} ({{.ModeLabel}}){{end}}{{if .Theme}} · {{.ThemeLabel}}{{end}}
          {{if .New}}<span class="tag">{{$l.NewMarker}}</span>{{end}}
        </h3>
        <p class="muted">{{.By}} · {{.ConfLabel}}</p>
        {{with .Amends}}<p class="hint"><a href="/persons/{{$p.ID}}?entry={{.}}#entry-{{.}}">{{$l.Amends}}</a></p>{{end}}
        <p>{{.Summary}}</p>
        {{with .Participants}}<p>{{$l.Participants}} : {{range $i, $x := .}}{{if $i}}, {{end}}{{$x}}{{end}}</p>{{end}}
        {{with .PrivateSynthesis}}<details><summary>{{$l.Private}}</summary><p>{{.}}</p></details>{{end}}
        {{with .AmendedBy}}<p class="warning">{{range .}}<a href="/persons/{{$p.ID}}?entry={{.}}#entry-{{.}}">{{$l.Amended}}</a> {{end}}</p>{{end}}
        {{if or .Own $d.CanWriteTasks}}<p class="actions">
          {{if .Own}}<a href="/persons/{{$p.ID}}?amend={{.ID}}#amend">{{$l.Amend}}</a>{{end}}
          {{if $d.CanWriteTasks}}<a href="/persons/{{$p.ID}}?task_from={{.ID}}#tasks">{{$l.TaskFromEntry}}</a>{{end}}
        </p>{{end}}
        {{if .Disclosed}}<p class="hint disclosure-state">{{.DisclosureLabel}}</p>{{end}}
        {{if .Own}}<details class="disclosure"><summary>{{$l.DiscTitle}} — {{if .Disclosed}}{{.DisclosureLabel}}{{else}}{{$l.DiscNone}}{{end}}</summary>
          <form method="post" action="/persons/{{$p.ID}}/journal/{{.ID}}/disclosure"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="shared" value="1"><button type="submit"{{if .Shared}} disabled{{end}}>{{$l.DiscShare}}{{if .Shared}} {{$l.DiscCurrent}}{{end}}</button></form>
          <form method="post" action="/persons/{{$p.ID}}/journal/{{.ID}}/disclosure"><input type="hidden" name="csrf" value="{{$.CSRF}}"><button type="submit"{{if not .Disclosed}} disabled{{end}}>{{$l.DiscUnshare}}{{if not .Disclosed}} {{$l.DiscCurrent}}{{end}}</button></form>
          <form method="post" action="/persons/{{$p.ID}}/journal/{{.ID}}/disclosure"><input type="hidden" name="csrf" value="{{$.CSRF}}"><input type="hidden" name="withheld" value="1">
            <label for="f-withheld-{{.ID}}">{{$l.DiscReason}}</label>
            <input id="f-withheld-{{.ID}}" name="reason" type="text" maxlength="1000" required>
            <button type="submit">{{$l.DiscWithhold}}</button></form>
        </details>{{end}}
      </article>
    </li>
  {{end}}
  </ol>`

type journalRef struct {
	D struct {
		CanWriteTasks bool
		Entries       []journalRow
	}
	P    struct{ ID string }
	L    journalLabels
	CSRF string
}

var journalRangeTmpl = template.Must(template.New("journal").Parse(journalRange))

// The journal written in Go is, byte for byte, what html/template wrote
// from the same rows: values made of everything that needs escaping in
// text, in attributes and in URLs (markup, quotes, &, +, %, NUL, invalid
// UTF-8, non-characters), in every field, each flag on and off.
func TestJournalItems_SameAsTheTemplate(t *testing.T) {
	pieces := []string{"", "a", "Léa", "<script>alert(1)</script>", `" onmouseover="alert(1)`, "' onfocus='x", "&amp;", "&", "+",
		"%41", "%zz", "%4", "/", "?", "#", "=", ";", "!$*,:@[]", " ", "\n", "\x00", "\xff\xfe", "\ufdd0", "\uffff", "→", "javascript:alert(1)",
		"0190c7e2-8f5a-7b3c-9d1e-2f4a6b8c0d1e", "`", "{{.}}", "<!--", "]]>", "\t\r", "~-._"}
	rnd := rand.New(rand.NewPCG(17, 2026))
	text := func() string {
		var b strings.Builder
		for range rnd.IntN(5) {
			b.WriteString(pieces[rnd.IntN(len(pieces))])
		}
		return b.String()
	}
	list := func() []string {
		var out []string
		for range rnd.IntN(3) {
			out = append(out, text())
		}
		return out
	}
	for n := range 500 {
		ref := journalRef{CSRF: text()}
		ref.D.CanWriteTasks = n%3 != 0
		ref.P.ID = text()
		ref.L = journalLabels{NewMarker: text(), Amends: text(), Amended: text(), Amend: text(), TaskFromEntry: text(), DiscTitle: text(),
			DiscNone: text(), DiscShare: text(), DiscCurrent: text(), DiscUnshare: text(), DiscReason: text(), DiscWithhold: text(),
			Private: text(), Participants: text()}
		for range rnd.IntN(4) {
			ref.D.Entries = append(ref.D.Entries, journalRow{ID: text(), OccurredAt: text(), Mode: text(), Theme: text(), Amends: text(),
				Summary: text(), PrivateSynthesis: text(), Participants: list(), AmendedBy: list(), Date: text(), KindLabel: text(),
				ModeLabel: text(), ThemeLabel: text(), By: text(), ConfLabel: text(), New: rnd.IntN(2) == 0, Own: rnd.IntN(2) == 0,
				Shared: rnd.IntN(2) == 0, Disclosed: rnd.IntN(2) == 0, DisclosureLabel: text()})
		}
		var want bytes.Buffer
		if err := journalRangeTmpl.Execute(&want, ref); err != nil {
			t.Fatal(err)
		}
		got := "<ol class=\"journal\">\n  " + string(journalItems(ref.D.Entries, &ref.L, ref.P.ID, ref.CSRF, ref.D.CanWriteTasks)) + "\n  </ol>"
		if got != want.String() {
			t.Fatalf("case %d: the journal differs from the template's.\nrows: %+v\ntemplate:\n%s\nGo:\n%s", n, ref.D.Entries, want.String(), got)
		}
	}
}

// The options written in Go are, byte for byte, what the ranges of
// person.html wrote: with the typed value selected, and without a
// selection where the list had none.
func TestOptionsHTML_SameAsTheTemplate(t *testing.T) {
	marked := template.Must(template.New("").Parse(`{{range .Opts}}<option value="{{.Value}}"{{if eq .Value $.Sel}} selected{{end}}>{{.Label}}</option>{{end}}`))
	plain := template.Must(template.New("").Parse(`{{range .Opts}}<option value="{{.Value}}">{{.Label}}</option>{{end}}`))
	values := []string{"", "note", "Léa", `"><script>alert(1)</script>`, "' onfocus='x", "&amp; 1+1", "\x00\xff", "presentiel"}
	for i := range values {
		var opts []option
		for j, v := range values[i:] {
			opts = append(opts, option{Value: v, Label: values[(i+j+3)%len(values)]})
		}
		for _, sel := range values {
			for _, c := range []struct {
				tmpl *template.Template
				mark bool
			}{{marked, true}, {plain, false}} {
				var want bytes.Buffer
				if err := c.tmpl.Execute(&want, map[string]any{"Opts": opts, "Sel": sel}); err != nil {
					t.Fatal(err)
				}
				if got := string(optionsHTML(opts, sel, c.mark)); got != want.String() {
					t.Fatalf("options %q, selected %q, mark %v:\ntemplate: %s\nGo:       %s", opts, sel, c.mark, want.String(), got)
				}
			}
		}
	}
}
