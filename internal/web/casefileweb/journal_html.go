package casefileweb

import (
	"html/template"
	"unicode/utf8"
	"unsafe"
)

// The journal entries of the person file page are written here, in Go,
// rather than by a {{range}} of person.html: the journal is most of the
// page, and html/template runs each {{.Field}} of each entry through its
// escaper functions by reflection (a reflect.Value.Call per value, with
// its allocations); the range was most of the page's CPU.
//
// The output is exactly what the range wrote (person_journal_test.go
// executes the former range with html/template on the same rows,
// hostile text included, and compares the bytes): every value is escaped
// here as html/template escapes it in its context — text and quoted
// attribute values with html/template's own replacement table, the part
// of a URL before its query with its normaliser, a query or fragment
// value with its escaper. Nothing else reaches the page unescaped.

// journalItems writes the entries of the journal page: the <li> of each
// entry, as the former range of person.html did. personID and csrf are
// the page's; canWriteTasks offers « créer une tâche » on each entry.
func journalItems(rows []journalRow, l *journalLabels, personID, csrf string, canWriteTasks bool) template.HTML {
	b := make([]byte, 0, 2600*len(rows))
	for i := range rows {
		b = appendJournalItem(b, &rows[i], l, personID, csrf, canWriteTasks)
	}
	return htmlOf(b)
}

// htmlOf is b as template.HTML, every value in it escaped for its
// context, without copying it: b is never written again (a page's
// journal is ~47 KB, copied once more for each page; issue 17).
func htmlOf(b []byte) template.HTML {
	if len(b) == 0 {
		return ""
	}
	return template.HTML(unsafe.String(&b[0], len(b)))
}

func appendJournalItem(b []byte, r *journalRow, l *journalLabels, personID, csrf string, canWriteTasks bool) []byte {
	b = append(b, "\n    <li id=\"entry-"...)
	b = appendEscaped(b, r.ID)
	b = append(b, "\">\n      <article>\n        <h3>\n          <time datetime=\""...)
	b = appendEscaped(b, r.OccurredAt)
	b = append(b, "\">"...)
	b = appendEscaped(b, r.Date)
	b = append(b, "</time> — "...)
	b = appendEscaped(b, r.KindLabel)
	if r.Mode != "" {
		b = append(b, " ("...)
		b = appendEscaped(b, r.ModeLabel)
		b = append(b, ')')
	}
	if r.Theme != "" {
		b = append(b, " · "...)
		b = appendEscaped(b, r.ThemeLabel)
	}
	b = append(b, "\n          "...)
	if r.New {
		b = append(b, "<span class=\"tag\">"...)
		b = appendEscaped(b, l.NewMarker)
		b = append(b, "</span>"...)
	}
	b = append(b, "\n        </h3>\n        <p class=\"muted\">"...)
	b = appendEscaped(b, r.By)
	b = append(b, " · "...)
	b = appendEscaped(b, r.ConfLabel)
	b = append(b, "</p>\n        "...)
	if r.Amends != "" {
		b = append(b, "<p class=\"hint\">"...)
		b = appendEntryLink(b, personID, r.Amends)
		b = appendEscaped(b, l.Amends)
		b = append(b, "</a></p>"...)
	}
	b = append(b, "\n        <p>"...)
	b = appendEscaped(b, r.Summary)
	b = append(b, "</p>\n        "...)
	if len(r.Participants) > 0 {
		b = append(b, "<p>"...)
		b = appendEscaped(b, l.Participants)
		b = append(b, " : "...)
		for i, x := range r.Participants {
			if i > 0 {
				b = append(b, ", "...)
			}
			b = appendEscaped(b, x)
		}
		b = append(b, "</p>"...)
	}
	b = append(b, "\n        "...)
	if r.PrivateSynthesis != "" {
		b = append(b, "<details><summary>"...)
		b = appendEscaped(b, l.Private)
		b = append(b, "</summary><p>"...)
		b = appendEscaped(b, r.PrivateSynthesis)
		b = append(b, "</p></details>"...)
	}
	b = append(b, "\n        "...)
	if len(r.AmendedBy) > 0 {
		b = append(b, "<p class=\"warning\">"...)
		for _, x := range r.AmendedBy {
			b = appendEntryLink(b, personID, x)
			b = appendEscaped(b, l.Amended)
			b = append(b, "</a> "...)
		}
		b = append(b, "</p>"...)
	}
	b = append(b, "\n        "...)
	if r.Own || canWriteTasks {
		b = append(b, "<p class=\"actions\">\n          "...)
		if r.Own {
			b = appendEntryAction(b, personID, "?amend=", r.ID, "#amend", l.Amend)
		}
		b = append(b, "\n          "...)
		if canWriteTasks {
			b = appendEntryAction(b, personID, "?task_from=", r.ID, "#tasks", l.TaskFromEntry)
		}
		b = append(b, "\n        </p>"...)
	}
	b = append(b, "\n        "...)
	if r.Disclosed {
		b = append(b, "<p class=\"hint disclosure-state\">"...)
		b = appendEscaped(b, r.DisclosureLabel)
		b = append(b, "</p>"...)
	}
	b = append(b, "\n        "...)
	if r.Own {
		b = append(b, "<details class=\"disclosure\"><summary>"...)
		b = appendEscaped(b, l.DiscTitle)
		b = append(b, " — "...)
		if r.Disclosed {
			b = appendEscaped(b, r.DisclosureLabel)
		} else {
			b = appendEscaped(b, l.DiscNone)
		}
		b = append(b, "</summary>\n          "...)
		b = appendDisclosureForm(b, personID, r.ID, csrf)
		b = append(b, "<input type=\"hidden\" name=\"shared\" value=\"1\">"...)
		b = appendChoiceButton(b, l.DiscShare, l.DiscCurrent, r.Shared)
		b = append(b, "</form>\n          "...)
		b = appendDisclosureForm(b, personID, r.ID, csrf)
		b = appendChoiceButton(b, l.DiscUnshare, l.DiscCurrent, !r.Disclosed)
		b = append(b, "</form>\n          "...)
		b = appendDisclosureForm(b, personID, r.ID, csrf)
		b = append(b, "<input type=\"hidden\" name=\"withheld\" value=\"1\">\n            <label for=\"f-withheld-"...)
		b = appendEscaped(b, r.ID)
		b = append(b, "\">"...)
		b = appendEscaped(b, l.DiscReason)
		b = append(b, "</label>\n            <input id=\"f-withheld-"...)
		b = appendEscaped(b, r.ID)
		b = append(b, "\" name=\"reason\" type=\"text\" maxlength=\"1000\" required>\n            <button type=\"submit\">"...)
		b = appendEscaped(b, l.DiscWithhold)
		b = append(b, "</button></form>\n        </details>"...)
	}
	return append(b, "\n      </article>\n    </li>\n  "...)
}

// optionsHTML writes the <option> elements of a list, as a range of
// person.html did: <option value="{{.Value}}">{{.Label}}</option>, with
// " selected" on the option whose value is selected when mark is set
// (a list shown without a choice marks none, even an empty value).
func optionsHTML(opts []option, selected string, mark bool) template.HTML {
	var b []byte
	for _, o := range opts {
		b = append(b, "<option value=\""...)
		b = appendEscaped(b, o.Value)
		b = append(b, '"')
		if mark && o.Value == selected {
			b = append(b, " selected"...)
		}
		b = append(b, '>')
		b = appendEscaped(b, o.Label)
		b = append(b, "</option>"...)
	}
	return htmlOf(b)
}

// appendChoiceButton writes a disclosure choice's submit button; the
// entry's current choice is disabled and says so.
func appendChoiceButton(b []byte, label, currentMark string, current bool) []byte {
	b = append(b, "<button type=\"submit\""...)
	if current {
		b = append(b, " disabled"...)
	}
	b = append(b, '>')
	b = appendEscaped(b, label)
	if current {
		b = append(b, ' ')
		b = appendEscaped(b, currentMark)
	}
	return append(b, "</button>"...)
}

// appendEntryAction writes the link of an action on an entry, to the
// person's page with the entry in param and the form's anchor:
// <a href="/persons/{person}{param}{entry}{anchor}">{label}</a>.
func appendEntryAction(b []byte, personID, param, entryID, anchor, label string) []byte {
	b = append(b, "<a href=\"/persons/"...)
	b = appendURLPath(b, personID)
	b = append(b, param...)
	b = appendURLQuery(b, entryID)
	b = append(b, anchor...)
	b = append(b, "\">"...)
	b = appendEscaped(b, label)
	return append(b, "</a>"...)
}

// appendEntryLink opens the link to an entry of the file, on the journal
// page that holds it: <a href="/persons/{person}?entry={id}#entry-{id}">.
func appendEntryLink(b []byte, personID, entryID string) []byte {
	b = append(b, "<a href=\"/persons/"...)
	b = appendURLPath(b, personID)
	b = append(b, "?entry="...)
	b = appendURLQuery(b, entryID)
	b = append(b, "#entry-"...)
	b = appendURLQuery(b, entryID)
	return append(b, "\">"...)
}

// appendDisclosureForm opens a form of the entry's disclosure controls,
// with its CSRF field.
func appendDisclosureForm(b []byte, personID, entryID, csrf string) []byte {
	b = append(b, "<form method=\"post\" action=\"/persons/"...)
	b = appendURLPath(b, personID)
	b = append(b, "/journal/"...)
	b = appendURLPath(b, entryID)
	b = append(b, "/disclosure\"><input type=\"hidden\" name=\"csrf\" value=\""...)
	b = appendEscaped(b, csrf)
	return append(b, "\">"...)
}

// htmlReplacement is html/template's replacement table for text and
// quoted attribute values (html.go's htmlReplacementTable): NUL becomes
// U+FFFD, and ", &, ', +, < and > character references.
var htmlReplacement = [...]string{
	0:    "\uFFFD",
	'"':  "&#34;",
	'&':  "&amp;",
	'\'': "&#39;",
	'+':  "&#43;",
	'<':  "&lt;",
	'>':  "&gt;",
}

// appendEscaped appends s escaped as html/template escapes a string in
// text or in a quoted attribute value. Only the bytes of the table are
// replaced: every other byte, invalid UTF-8 included, is copied as it is,
// as html/template does.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || int(c) >= len(htmlReplacement) || htmlReplacement[c] == "" {
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, htmlReplacement[c]...)
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendURLPath appends s as html/template writes a value in a URL
// before its query, inside a quoted attribute: its URL normaliser
// percent-encodes every byte that is neither unreserved nor reserved in
// RFC 3986 (a valid %XX escape kept), then & and + are escaped for the
// attribute.
func appendURLPath(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case urlUnreserved(c):
			b = append(b, c)
		case c == '&':
			b = append(b, "&amp;"...)
		case c == '+':
			b = append(b, "&#43;"...)
		case urlReserved(c):
			b = append(b, c)
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			b = append(b, c)
		default:
			b = appendPercent(b, c)
		}
	}
	return b
}

// appendURLQuery appends s as html/template writes a value in a URL's
// query or fragment: every byte but the unreserved ones percent-encoded
// (nothing left to escape for the attribute).
func appendURLQuery(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; urlUnreserved(c) {
			b = append(b, c)
		} else {
			b = appendPercent(b, c)
		}
	}
	return b
}

// appendPercent writes %xx, lower-case hexadecimal as html/template does.
func appendPercent(b []byte, c byte) []byte {
	const hex = "0123456789abcdef"
	return append(b, '%', hex[c>>4], hex[c&15])
}

func urlUnreserved(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~'
}

func urlReserved(c byte) bool {
	switch c {
	case '!', '#', '$', '&', '*', '+', ',', '/', ':', ';', '=', '?', '@', '[', ']':
		return true
	}
	return false
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}
