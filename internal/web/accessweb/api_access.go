package accessweb

import (
	"net/http"

	"parcours/internal/breakglass"
	"parcours/internal/consent"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// The person's information and objections, break-glass accesses and their
// review, and the worker's notifications (JSON API).

func accessSchemas(s *Server) {
	s.Schema("Consent", web.Object([]string{"person_id", "informed", "objections"}, web.Schema{
		"person_id": web.Str(), "informed": web.Boolean(), "informed_on": web.StrFmt("date"), "informed_by": web.Str(),
		"method": web.Enum(parcours.InformationMethods...), "document_id": web.Str(),
		"objections": web.ArrayOf(web.Enum(parcours.ObjectionCategories...)),
		"updated_at": web.StrFmt("date-time"), "updated_by": web.Str(),
	}))
	s.Schema("ConsentInput", web.Object([]string{"informed_on", "method"}, web.Schema{
		"informed_on": web.StrFmt("date"), "method": web.Enum(parcours.InformationMethods...), "document_id": web.Str(),
		"objections": web.ArrayOf(web.Enum(parcours.ObjectionCategories...)),
	}))
	s.Schema("BreakGlass", web.Object([]string{"id", "organization_id", "person_id", "worker_id", "reason", "kind", "created_at", "expires_at"}, web.Schema{
		"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "worker_id": web.Str(), "reason": web.Str(),
		"kind":       web.Enum(parcours.BreakGlassEmergency, parcours.BreakGlassArchive),
		"created_at": web.StrFmt("date-time"), "expires_at": web.StrFmt("date-time"),
		"review": web.Enum(parcours.ReviewJustified, parcours.ReviewUnjustified), "review_note": web.Str(),
		"reviewed_by": web.Str(), "reviewed_at": web.StrFmt("date-time"), "worker_name": web.Str(), "person_name": web.Str(),
	}))
	s.Schema("BreakGlassInput", web.Object([]string{"reason"}, web.Schema{"reason": web.Schema{"type": "string", "minLength": breakglass.MinReason}}))
	s.Schema("BreakGlassReviewInput", web.Object([]string{"verdict"}, web.Schema{
		"verdict": web.Enum(parcours.ReviewJustified, parcours.ReviewUnjustified), "note": web.Str(),
	}))
	s.Schema("Notification", web.Object([]string{"id", "worker_id", "kind", "created_at"}, web.Schema{
		"id": web.Str(), "worker_id": web.Str(), "kind": web.Str(), "person_id": web.Str(), "object_id": web.Str(),
		"created_at": web.StrFmt("date-time"), "read_at": web.StrFmt("date-time"),
	}))
	s.Schema("NotificationsMarked", web.Object([]string{"marked"}, web.Schema{"marked": web.Integer()}))
}

func (s *Server) accessAPIRoutes() {
	accessSchemas(s)
	s.Handle("GET", "/api/v1/persons/{id}/consent", web.API, s.apiGetConsent,
		&web.Op{ID: "getConsent", Summary: "What the person was told and what they object to", Tag: "access", Response: "Consent"})
	s.Handle("POST", "/api/v1/persons/{id}/consent", web.API, s.apiRecordConsent,
		&web.Op{ID: "recordConsent", Summary: "Record the person's information and objections", Tag: "access", Request: "ConsentInput", Response: "Consent"})
	s.Handle("POST", "/api/v1/persons/{id}/break-glass", web.API, s.apiOpenBreakGlass,
		&web.Op{ID: "openBreakGlass", Summary: "Open a file without relation, in an emergency, with a reason; on an archived file, a manager's or the DPO's consultation (kind archive)", Tag: "access",
			Request: "BreakGlassInput", Response: "BreakGlass", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/break-glass/reviews", web.API, s.apiBreakGlassReviews,
		&web.Op{ID: "listBreakGlassReviews", Summary: "Break-glass accesses of the organisation, for review (managers)", Tag: "access",
			Response: "BreakGlass", List: true, Query: []web.Param{{Name: "pending", Type: "boolean", Description: "only those not reviewed yet"}}})
	s.Handle("POST", "/api/v1/break-glass/{id}/review", web.API, s.apiReviewBreakGlass,
		&web.Op{ID: "reviewBreakGlass", Summary: "Mark a break-glass access justified or not (managers)", Tag: "access",
			Request: "BreakGlassReviewInput", Response: "BreakGlass"})
	s.Handle("GET", "/api/v1/notifications", web.API, s.apiNotifications,
		&web.Op{ID: "listNotifications", Summary: "The worker's notifications, newest first", Tag: "access", Response: "Notification", List: true})
	s.Handle("POST", "/api/v1/notifications/{id}/read", web.API, s.apiMarkNotificationRead,
		&web.Op{ID: "markNotificationRead", Summary: "Mark one of the worker's notifications read", Tag: "access", Response: "Notification"})
	s.Handle("POST", "/api/v1/notifications/read", web.API, s.apiMarkAllNotificationsRead,
		&web.Op{ID: "markAllNotificationsRead", Summary: "Mark every unread notification of the worker read", Tag: "access", Response: "NotificationsMarked"})
}

func (s *Server) apiMarkNotificationRead(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.BreakGlass.MarkNotificationRead(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) apiMarkAllNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.BreakGlass.MarkAllNotificationsRead(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, map[string]int{"marked": n})
	return nil
}

func (s *Server) apiGetConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Consent.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiRecordConsent(w http.ResponseWriter, r *http.Request) error {
	var in consent.Input
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.Consent.Record(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiOpenBreakGlass(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.BreakGlass.Open(r.Context(), web.MustActor(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) apiBreakGlassReviews(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Reviews(r.Context(), web.MustActor(r), r.URL.Query().Get("pending") == "true")
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.BreakGlass]{Items: list})
	return nil
}

func (s *Server) apiReviewBreakGlass(w http.ResponseWriter, r *http.Request) error {
	var in breakglass.ReviewInput
	if err := s.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.BreakGlass.Review(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Notifications(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Notification]{Items: list})
	return nil
}
