// Package reviewweb is the « relecture éthique » over HTTP (issue 18): the
// JSON API that analyses a text, the htmx fragment that shows a note's
// flags as it is typed, and the managers' counts per team and month.
//
// It never logs, stores or audits the text it is given (nor echoes it
// anywhere but in the answer to the one who sent it): that text may hold
// the very data the analyser warns about.
package reviewweb

import (
	"net/http"
	"strconv"

	"parcours/internal/i18n"
	"parcours/internal/noteflags"
	"parcours/internal/parcours"
	"parcours/internal/review"
	"parcours/internal/web"
)

var i18nT = i18n.T

func badMonths() error {
	return parcours.FieldError(parcours.EInvalid, "months", "error.review_months", 1, 24)
}

func badForm() error { return parcours.Errorf(parcours.EBadRequest, "error.bad_form") }

func (s *server) routes() {
	s.Schema("ReviewRequest", web.Object([]string{"text"}, web.Schema{
		"text":            web.Schema{"type": "string", "maxLength": noteflags.MaxRunes, "description": "the note to review; never stored or logged"},
		"confidentiality": web.Enum("team", "referent", "organization"),
	}))
	s.Schema("ReviewSpan", web.Object([]string{"start", "end", "category", "kind", "explanation"}, web.Schema{
		"start":       web.Schema{"type": "integer", "description": "offset of the first flagged character, in Unicode code points"},
		"end":         web.Schema{"type": "integer", "description": "offset after the last flagged character, in Unicode code points"},
		"text":        web.Str(),
		"category":    web.Enum(categories()...),
		"kind":        web.Str(),
		"explanation": web.Str(),
		"suggestion":  web.Str(),
	}))
	s.Schema("ReviewResult", web.Object([]string{"spans"}, web.Schema{"spans": web.ArrayOf(web.Ref("ReviewSpan"))}))
	cell := web.Object([]string{"n"}, web.Schema{"n": web.Integer(), "suppressed": web.Boolean()})
	s.Schema("ReviewStats", web.Object([]string{"from", "to", "teams"}, web.Schema{
		"from": web.Str(), "to": web.Str(), "min_cell": web.Integer(),
		"teams": web.ArrayOf(web.Object([]string{"team_id", "team_name", "months"}, web.Schema{
			"team_id": web.Str(), "team_name": web.Str(),
			"months": web.ArrayOf(web.Object([]string{"month", "rows"}, web.Schema{
				"month": web.Str(),
				"rows": web.ArrayOf(web.Object([]string{"category", "kept", "corrected"}, web.Schema{
					"category": web.Enum(categories()...), "kept": cell, "corrected": cell,
				})),
			})),
		})),
	}))
	s.Handle("POST", "/api/v1/review/text", web.API, s.apiReview, &web.Op{ID: "reviewText",
		Summary: "Relecture éthique: flag judgmental wording, special-category data, identifiers, hearsay and named third parties in a text (nothing stored or logged)",
		Tag:     "review", Request: "ReviewRequest", Response: "ReviewResult"})
	s.Handle("GET", "/api/v1/review/stats", web.API, s.apiStats, &web.Op{ID: "reviewStats",
		Summary: "Counts of flags kept or corrected per team and month (managers; cells below 5 suppressed)",
		Tag:     "review", Response: "ReviewStats",
		Query: []web.Param{{Name: "months", Type: "integer", Description: "1 to 24 (default 6)"}}})
	s.Handle("POST", "/review/inline", web.Page, s.pageInline, nil)
	s.Handle("GET", "/review/stats", web.Page, s.pageStats, nil)
}

func categories() []string {
	var out []string
	for _, c := range review.Categories {
		out = append(out, string(c))
	}
	return out
}

type reviewRequest struct {
	Text            string `json:"text"`
	Confidentiality string `json:"confidentiality"`
}

type reviewSpan struct {
	Start       int    `json:"start"`
	End         int    `json:"end"`
	Text        string `json:"text"`
	Category    string `json:"category"`
	Kind        string `json:"kind"`
	Explanation string `json:"explanation"`
	Suggestion  string `json:"suggestion,omitempty"`
}

// apiReview answers the spans of a text. Offsets are in Unicode code
// points, so that a client can highlight accented text correctly.
func (s *server) apiReview(w http.ResponseWriter, r *http.Request) error {
	var in reviewRequest
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	spans, err := s.svc.Check(r.Context(), web.MustActor(r), in.Text, in.Confidentiality)
	if err != nil {
		return err
	}
	lang := web.Lang(r)
	out := struct {
		Spans []reviewSpan `json:"spans"`
	}{Spans: []reviewSpan{}}
	for _, sp := range spans {
		start, end := review.RuneOffsets(in.Text, sp)
		out.Spans = append(out.Spans, reviewSpan{Start: start, End: end, Text: in.Text[sp.Start:sp.End],
			Category: string(sp.Category), Kind: sp.Kind, Explanation: i18nT(lang, sp.Explanation),
			Suggestion: web.ReviewSuggestion(lang, sp)})
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func months(r *http.Request) (int, error) {
	v := r.URL.Query().Get("months")
	if v == "" {
		return 6, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, badMonths()
	}
	return n, nil
}

func (s *server) apiStats(w http.ResponseWriter, r *http.Request) error {
	n, err := months(r)
	if err != nil {
		return err
	}
	rep, err := s.svc.Stats(r.Context(), web.MustActor(r), n)
	if err != nil {
		return err
	}
	if rep.Teams == nil {
		rep.Teams = []noteflags.TeamReport{}
	}
	web.WriteJSON(w, http.StatusOK, struct {
		*noteflags.Report
		MinCell int `json:"min_cell"`
	}{rep, noteflags.MinCell})
	return nil
}

// pageInline is the htmx fragment under a note being typed: the flags of
// the field named review_field, with the form's confidentiality.
func (s *server) pageInline(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return badForm()
	}
	// Only those who may review get the fragment (ReviewBoxFor would
	// quietly give everyone else an empty box).
	if _, err := s.svc.Check(r.Context(), web.MustActor(r), "", ""); err != nil {
		return err
	}
	field := r.PostFormValue("review_field")
	if field == "" || len(field) > 40 {
		return parcours.FieldError(parcours.EBadRequest, "review_field", "error.bad_review_field")
	}
	box := s.ReviewBoxFor(r, field, r.PostFormValue(field), r.PostFormValue("confidentiality"))
	return s.Render(w, r, http.StatusOK, "review_inline.html", &web.PageData{Title: "review.title", Data: box})
}

// statsPage is the managers' view.
type statsPage struct {
	Report     *noteflags.Report
	Categories []string
	Months     int
	Choices    []int
	MinCell    int
}

func (s *server) pageStats(w http.ResponseWriter, r *http.Request) error {
	n, err := months(r)
	if err != nil {
		return err
	}
	rep, err := s.svc.Stats(r.Context(), web.MustActor(r), n)
	if err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "review_stats.html", &web.PageData{Title: "review.stats_title",
		Data: statsPage{Report: rep, Categories: categories(), Months: n, Choices: []int{1, 3, 6, 12, 24}, MinCell: noteflags.MinCell}})
}
