package accessweb

import (
	"net/http"
	"time"

	"parcours/internal/breakglass"
	"parcours/internal/consent"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Pages of the access feature: the person's information and objections,
// the break-glass form, the managers' review queue and the worker's
// notifications. Every form works without JavaScript and redirects after
// a successful post.

func (s *Server) accessPageRoutes() {
	s.Handle("GET", "/persons/{id}/consent", web.Page, s.pageConsent, nil)
	s.Handle("POST", "/persons/{id}/consent", web.Page, s.pageRecordConsent, nil)
	s.Handle("GET", "/persons/{id}/break-glass", web.Page, s.pageBreakGlass, nil)
	s.Handle("POST", "/persons/{id}/break-glass", web.Page, s.pageOpenBreakGlass, nil)
	s.Handle("GET", "/break-glass/reviews", web.Page, s.pageBreakGlassReviews, nil)
	s.Handle("POST", "/break-glass/{id}/review", web.Page, s.pageReviewBreakGlass, nil)
	s.Handle("GET", "/notifications", web.Page, s.pageNotifications, nil)
	s.Handle("POST", "/notifications/{id}/read", web.Page, s.pageMarkNotificationRead, nil)
	s.Handle("POST", "/notifications/read", web.Page, s.pageMarkAllNotificationsRead, nil)
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
	c, err := s.svc.Consent.Get(r.Context(), web.MustActor(r), id)
	if err != nil {
		return err
	}
	form := map[string]string{"informed_on": c.InformedOn, "method": c.Method, "document_id": c.DocumentID}
	if form["informed_on"] == "" {
		form["informed_on"] = time.Now().In(web.Paris()).Format("2006-01-02")
	}
	return s.Render(w, r, http.StatusOK, "consent.html", &web.PageData{Title: "page.consent.title", Form: form,
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
	_, err := s.svc.Consent.Record(r.Context(), web.MustActor(r), id, in)
	if err == nil {
		http.Redirect(w, r, "/persons/"+id+"/consent?saved=1", http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "page.consent.title", Form: map[string]string{"informed_on": in.InformedOn, "method": in.Method, "document_id": in.DocumentID}}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	c, gerr := s.svc.Consent.Get(r.Context(), web.MustActor(r), id)
	if gerr != nil {
		return gerr
	}
	c.Objections = in.Objections // show what was ticked
	pg.Data = &consentPage{PersonID: id, Consent: c, Methods: parcours.InformationMethods, Categories: parcours.ObjectionCategories, Global: global}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "consent.html", pg)
}

type breakGlassPage struct {
	PersonID string
	Min      int
	Global   string
}

func (s *Server) pageBreakGlass(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.BreakGlass.Check(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "break_glass.html", &web.PageData{Title: "page.break_glass.title",
		Data: &breakGlassPage{PersonID: r.PathValue("id"), Min: breakglass.MinReason}})
}

func (s *Server) pageOpenBreakGlass(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	reason := r.PostFormValue("reason")
	_, err := s.svc.BreakGlass.Open(r.Context(), web.MustActor(r), id, reason)
	if err == nil {
		http.Redirect(w, r, "/persons/"+id, http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "page.break_glass.title", Form: map[string]string{"reason": reason}}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	pg.Data = &breakGlassPage{PersonID: id, Min: breakglass.MinReason, Global: global}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "break_glass.html", pg)
}

type reviewsPage struct {
	Items    []*parcours.BreakGlass
	Verdicts []string
	Global   string
}

func (s *Server) pageBreakGlassReviews(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Reviews(r.Context(), web.MustActor(r), true)
	if err != nil {
		return err
	}
	flash := ""
	if r.URL.Query().Get("reviewed") == "1" {
		flash = "break_glass.reviewed"
	}
	return s.Render(w, r, http.StatusOK, "break_glass_reviews.html", &web.PageData{Title: "page.break_glass_reviews.title", Flash: flash,
		Data: &reviewsPage{Items: list, Verdicts: []string{parcours.ReviewJustified, parcours.ReviewUnjustified}}})
}

func (s *Server) pageReviewBreakGlass(w http.ResponseWriter, r *http.Request) error {
	in := breakglass.ReviewInput{Verdict: r.PostFormValue("verdict"), Note: r.PostFormValue("note")}
	_, err := s.svc.BreakGlass.Review(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err == nil {
		http.Redirect(w, r, "/break-glass/reviews?reviewed=1", http.StatusSeeOther)
		return nil
	}
	pg := &web.PageData{Title: "page.break_glass_reviews.title"}
	global, ok := web.FormErrors(web.Lang(r), err, pg)
	if !ok {
		return err
	}
	list, lerr := s.svc.BreakGlass.Reviews(r.Context(), web.MustActor(r), true)
	if lerr != nil {
		return lerr
	}
	pg.Data = &reviewsPage{Items: list, Verdicts: []string{parcours.ReviewJustified, parcours.ReviewUnjustified}, Global: global}
	return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "break_glass_reviews.html", pg)
}

func (s *Server) pageNotifications(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Notifications(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	unread := 0
	for _, n := range list {
		if n.ReadAt.IsZero() {
			unread++
		}
	}
	return s.Render(w, r, http.StatusOK, "break_glass_notifications.html", &web.PageData{Title: "page.notifications.title",
		Data: &notificationsPage{Items: list, Unread: unread, Marked: r.URL.Query().Get("marked") != ""}})
}

type notificationsPage struct {
	Items  []*parcours.Notification
	Unread int
	Marked bool
}

func (s *Server) pageMarkNotificationRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.BreakGlass.MarkNotificationRead(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?marked=1", http.StatusSeeOther)
	return nil
}

func (s *Server) pageMarkAllNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.svc.BreakGlass.MarkAllNotificationsRead(r.Context(), web.MustActor(r)); err != nil {
		return err
	}
	http.Redirect(w, r, "/notifications?marked=1", http.StatusSeeOther)
	return nil
}
