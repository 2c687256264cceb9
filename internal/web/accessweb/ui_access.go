package accessweb

import (
	"net/http"
	"time"

	"parcours/internal/breakglass"
	"parcours/internal/consent"
	"parcours/internal/parcours"
)

// Pages of the access feature: the person's information and objections,
// the break-glass form, the managers' review queue and the worker's
// notifications. Every form works without JavaScript and redirects after
// a successful post.

func (s *Server) accessPageRoutes() {
	s.handle("GET", "/persons/{id}/consent", Page, s.pageConsent, nil)
	s.handle("POST", "/persons/{id}/consent", Page, s.pageRecordConsent, nil)
	s.handle("GET", "/persons/{id}/break-glass", Page, s.pageBreakGlass, nil)
	s.handle("POST", "/persons/{id}/break-glass", Page, s.pageOpenBreakGlass, nil)
	s.handle("GET", "/break-glass/reviews", Page, s.pageBreakGlassReviews, nil)
	s.handle("POST", "/break-glass/{id}/review", Page, s.pageReviewBreakGlass, nil)
	s.handle("GET", "/notifications", Page, s.pageNotifications, nil)
	s.handle("POST", "/notifications/{id}/read", Page, s.pageMarkNotificationRead, nil)
	s.handle("POST", "/notifications/read", Page, s.pageMarkAllNotificationsRead, nil)
}

type consentPage struct {
	PersonID   string
	Consent    *parcours.Consent
	Methods    []string
	Categories []string
	Global     string
	Saved      bool
}

func (s *Server) pageConsent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	c, err := s.svc.Consent.Get(r.Context(), mustActor(r), id)
	if err != nil {
		return err
	}
	form := map[string]string{"informed_on": c.InformedOn, "method": c.Method, "document_id": c.DocumentID}
	if form["informed_on"] == "" {
		form["informed_on"] = time.Now().In(paris()).Format("2006-01-02")
	}
	return s.render(w, r, http.StatusOK, "consent.html", &page{Title: "page.consent.title", Form: form,
		Data: &consentPage{PersonID: id, Consent: c, Methods: parcours.InformationMethods, Categories: parcours.ObjectionCategories,
			Saved: r.URL.Query().Get("saved") == "1"}})
}

func (s *Server) pageRecordConsent(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.bad_json", "form")
	}
	in := consent.Input{InformedOn: r.PostForm.Get("informed_on"), Method: r.PostForm.Get("method"),
		DocumentID: r.PostForm.Get("document_id"), Objections: r.PostForm["objections"]}
	_, err := s.svc.Consent.Record(r.Context(), mustActor(r), id, in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+id+"/consent?saved=1", http.StatusSeeOther)
		return nil
	}
	pg := &page{Title: "page.consent.title", Form: map[string]string{"informed_on": in.InformedOn, "method": in.Method, "document_id": in.DocumentID}}
	global, ok := formErrors(lang(r), err, pg)
	if !ok {
		return err
	}
	c, gerr := s.svc.Consent.Get(r.Context(), mustActor(r), id)
	if gerr != nil {
		return gerr
	}
	c.Objections = in.Objections // show what was ticked
	pg.Data = &consentPage{PersonID: id, Consent: c, Methods: parcours.InformationMethods, Categories: parcours.ObjectionCategories, Global: global}
	return s.render(w, r, statusOf(parcours.ErrorCode(err)), "consent.html", pg)
}

type breakGlassPage struct {
	PersonID string
	Min      int
	Global   string
}

func (s *Server) pageBreakGlass(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.BreakGlass.Check(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "break_glass.html", &page{Title: "page.break_glass.title",
		Data: &breakGlassPage{PersonID: r.PathValue("id"), Min: breakglass.MinReason}})
}

func (s *Server) pageOpenBreakGlass(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	reason := r.PostFormValue("reason")
	_, err := s.svc.BreakGlass.Open(r.Context(), mustActor(r), id, reason)
	if err == nil {
		http.Redirect(w, r, "/persons/"+id, http.StatusSeeOther)
		return nil
	}
	pg := &page{Title: "page.break_glass.title", Form: map[string]string{"reason": reason}}
	global, ok := formErrors(lang(r), err, pg)
	if !ok {
		return err
	}
	pg.Data = &breakGlassPage{PersonID: id, Min: breakglass.MinReason, Global: global}
	return s.render(w, r, statusOf(parcours.ErrorCode(err)), "break_glass.html", pg)
}

type reviewsPage struct {
	Items    []*parcours.BreakGlass
	Verdicts []string
	Global   string
}

func (s *Server) pageBreakGlassReviews(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Reviews(r.Context(), mustActor(r), true)
	if err != nil {
		return err
	}
	flash := ""
	if r.URL.Query().Get("reviewed") == "1" {
		flash = "break_glass.reviewed"
	}
	return s.render(w, r, http.StatusOK, "break_glass_reviews.html", &page{Title: "page.break_glass_reviews.title", Flash: flash,
		Data: &reviewsPage{Items: list, Verdicts: []string{parcours.ReviewJustified, parcours.ReviewUnjustified}}})
}

func (s *Server) pageReviewBreakGlass(w http.ResponseWriter, r *http.Request) error {
	in := breakglass.ReviewInput{Verdict: r.PostFormValue("verdict"), Note: r.PostFormValue("note")}
	_, err := s.svc.BreakGlass.Review(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/break-glass/reviews?reviewed=1", http.StatusSeeOther)
		return nil
	}
	pg := &page{Title: "page.break_glass_reviews.title"}
	global, ok := formErrors(lang(r), err, pg)
	if !ok {
		return err
	}
	list, lerr := s.svc.BreakGlass.Reviews(r.Context(), mustActor(r), true)
	if lerr != nil {
		return lerr
	}
	pg.Data = &reviewsPage{Items: list, Verdicts: []string{parcours.ReviewJustified, parcours.ReviewUnjustified}, Global: global}
	return s.render(w, r, statusOf(parcours.ErrorCode(err)), "break_glass_reviews.html", pg)
}

func (s *Server) pageNotifications(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Notifications(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	unread := 0
	for _, n := range list {
		if n.ReadAt.IsZero() {
			unread++
		}
	}
	return s.render(w, r, http.StatusOK, "break_glass_notifications.html", &page{Title: "page.notifications.title",
		Data: &notificationsPage{Items: list, Unread: unread, Marked: r.URL.Query().Get("marked") != ""}})
}

type notificationsPage struct {
	Items  []*parcours.Notification
	Unread int
	Marked bool
}

func (s *Server) pageMarkNotificationRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.BreakGlass.MarkNotificationRead(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?marked=1", http.StatusSeeOther)
	return nil
}

func (s *Server) pageMarkAllNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.BreakGlass.MarkAllNotificationsRead(r.Context(), mustActor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?marked=1", http.StatusSeeOther)
	return nil
}
