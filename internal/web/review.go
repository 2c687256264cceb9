package web

import (
	"net/http"
	"slices"
	"unicode/utf8"

	"parcours/internal/i18n"
	"parcours/internal/noteflags"
	"parcours/internal/review"
)

// The « relecture éthique » beside a text field (issue 18): the flags of
// the text are shown before it is saved — as the worker types (htmx, from
// web/reviewweb), or, without JavaScript, when they press « Relire » and
// as a confirmation step on submit. It never blocks: « Enregistrer tel
// quel » saves. Areas whose forms hold a note call ReviewBeforeSave before
// saving and ReviewSaved after; the text is never logged or stored here.
//
// Form fields, all optional: review_seen (repeated: the categories shown
// while writing), review_now (« Relire ») and review_keep (« Enregistrer
// tel quel »).

// ReviewBox is what templates/layout/review.html shows under a field.
type ReviewBox struct {
	Lang  string
	Field string // the form field reviewed ("summary", "amend-summary")
	// ID names the box (review-ID) and its textarea (f-ID): the field, or
	// the form's review_box when one page repeats a field (« ho-note »
	// of each accompaniment).
	ID    string
	Flags []ReviewFlag
	// Segments is the text cut at the flags, for the highlighted copy.
	Segments []ReviewSegment
	// Seen are the categories flagged while writing, sent back by the form.
	Seen []string
	// Reviewed: the text was analysed (« rien à signaler » when no flag).
	Reviewed bool
	// Confirm: the no-JavaScript confirmation step of a submit.
	Confirm bool
}

// ReviewFlag is one flagged excerpt, translated.
type ReviewFlag struct {
	Excerpt, Category, Label, Explanation, Suggestion string
}

// ReviewSegment is a piece of the text, Flagged when inside a span.
type ReviewSegment struct {
	Text    string
	Flagged bool
	Label   string // the categories of a flagged piece
}

// ReviewBoxFor analyses text for the request's actor. A refusal (a role
// that writes no notes) or a text too long gives an empty box: the review
// never stands in the way.
func (s *Server) ReviewBoxFor(r *http.Request, field, text, confidentiality string) *ReviewBox {
	lang := Lang(r)
	box := &ReviewBox{Lang: lang, Field: field, ID: reviewBoxID(r, field), Seen: reviewSeen(r)}
	if s.svc.NoteFlags == nil || text == "" {
		return box
	}
	spans, err := s.svc.NoteFlags.Check(r.Context(), MustActor(r), text, confidentiality)
	if err != nil {
		return box
	}
	box.Reviewed = true
	for _, sp := range spans {
		box.Flags = append(box.Flags, ReviewFlag{
			Excerpt:     text[sp.Start:sp.End],
			Category:    string(sp.Category),
			Label:       i18n.T(lang, "review.category."+string(sp.Category)),
			Explanation: i18n.T(lang, sp.Explanation),
			Suggestion:  ReviewSuggestion(lang, sp),
		})
		if !slices.Contains(box.Seen, string(sp.Category)) {
			box.Seen = append(box.Seen, string(sp.Category))
		}
	}
	box.Segments = reviewSegments(lang, text, spans)
	return box
}

// ReviewSuggestion is the span's neutral suggestion in lang: the lexicon
// entry's own, else the catalogue's general one.
func ReviewSuggestion(lang string, sp review.Span) string {
	if t := sp.Suggestion.In(lang); t != "" {
		if sp.SuggestionKey != "" && sp.Category.Special() {
			return t + " " + i18n.T(lang, sp.SuggestionKey)
		}
		return t
	}
	if sp.SuggestionKey != "" {
		return i18n.T(lang, sp.SuggestionKey)
	}
	return ""
}

// reviewSegments cuts text at the spans (overlapping spans merge), on
// byte offsets, which always fall on rune boundaries.
func reviewSegments(lang, text string, spans []review.Span) []ReviewSegment {
	var out []ReviewSegment
	pos := 0
	for i := 0; i < len(spans); {
		start, end := spans[i].Start, spans[i].End
		labels := []string{i18n.T(lang, "review.category."+string(spans[i].Category))}
		j := i + 1
		for ; j < len(spans) && spans[j].Start < end; j++ {
			end = max(end, spans[j].End)
			if l := i18n.T(lang, "review.category."+string(spans[j].Category)); !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
		if start < pos { // inside the previous merged piece
			start = pos
		}
		if start > pos {
			out = append(out, ReviewSegment{Text: text[pos:start]})
		}
		if end > start {
			label := labels[0]
			for _, l := range labels[1:] {
				label += " · " + l
			}
			out = append(out, ReviewSegment{Text: text[start:end], Flagged: true, Label: label})
			pos = end
		}
		i = j
	}
	if pos < len(text) && utf8.ValidString(text[pos:]) {
		out = append(out, ReviewSegment{Text: text[pos:]})
	}
	return out
}

// reviewBoxID is the form's review_box when it is made of letters,
// digits and hyphens (it becomes an HTML id), else the field's name.
func reviewBoxID(r *http.Request, field string) string {
	id := r.PostFormValue("review_box")
	if id == "" || len(id) > 80 {
		return field
	}
	for _, c := range id {
		if !(c == '-' || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
			return field
		}
	}
	return id
}

func reviewSeen(r *http.Request) []string {
	var out []string
	for _, c := range noteflags.ParseCategories(r.PostForm["review_seen"]) {
		out = append(out, string(c))
	}
	return out
}

// ReviewBeforeSave is called by a form's POST handler before it saves
// text. It returns a box to show instead of saving when the worker asked
// for a review (« Relire ») or when the text has flags they have not seen
// yet (no JavaScript, or typed after the last review) and did not choose
// « Enregistrer tel quel »; nil means save.
func (s *Server) ReviewBeforeSave(r *http.Request, field, text, confidentiality string) *ReviewBox {
	now := r.PostFormValue("review_now") != ""
	if r.PostFormValue("review_keep") != "" && !now {
		return nil
	}
	seen := reviewSeen(r)
	box := s.ReviewBoxFor(r, field, text, confidentiality)
	if now {
		return box
	}
	for _, f := range box.Flags {
		if !slices.Contains(seen, f.Category) {
			box.Confirm = true
			return box
		}
	}
	return nil
}

// ReviewSaved records, once text is saved in teamID's file, which flagged
// categories were kept and which corrected. A failure is logged without
// the text and never undoes the save.
func (s *Server) ReviewSaved(r *http.Request, teamID, text, confidentiality string) {
	if s.svc.NoteFlags == nil {
		return
	}
	o := noteflags.Outcome{Seen: noteflags.ParseCategories(r.PostForm["review_seen"])}
	if text != "" {
		spans, err := s.svc.NoteFlags.Check(r.Context(), MustActor(r), text, confidentiality)
		if err != nil {
			return // a role that writes no notes, a text too long: nothing to count
		}
		o.Final = review.CategoriesOf(spans)
	}
	if err := s.svc.NoteFlags.Record(r.Context(), MustActor(r), teamID, o); err != nil {
		s.log.Error("review: unable to record the counts", "request_id", RequestID(r), "error", err.Error())
	}
}
