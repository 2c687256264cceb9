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
	s.schema("Consent", object([]string{"person_id", "informed", "objections"}, Schema{
		"person_id": str(), "informed": boolean(), "informed_on": strFmt("date"), "informed_by": str(),
		"method": enum(parcours.InformationMethods...), "document_id": str(),
		"objections": arrayOf(enum(parcours.ObjectionCategories...)),
		"updated_at": strFmt("date-time"), "updated_by": str(),
	}))
	s.schema("ConsentInput", object([]string{"informed_on", "method"}, Schema{
		"informed_on": strFmt("date"), "method": enum(parcours.InformationMethods...), "document_id": str(),
		"objections": arrayOf(enum(parcours.ObjectionCategories...)),
	}))
	s.schema("BreakGlass", object([]string{"id", "organization_id", "person_id", "worker_id", "reason", "kind", "created_at", "expires_at"}, Schema{
		"id": str(), "organization_id": str(), "person_id": str(), "worker_id": str(), "reason": str(),
		"kind":       enum(parcours.BreakGlassEmergency, parcours.BreakGlassArchive),
		"created_at": strFmt("date-time"), "expires_at": strFmt("date-time"),
		"review": enum(parcours.ReviewJustified, parcours.ReviewUnjustified), "review_note": str(),
		"reviewed_by": str(), "reviewed_at": strFmt("date-time"), "worker_name": str(), "person_name": str(),
	}))
	s.schema("BreakGlassInput", object([]string{"reason"}, Schema{"reason": Schema{"type": "string", "minLength": breakglass.MinReason}}))
	s.schema("BreakGlassReviewInput", object([]string{"verdict"}, Schema{
		"verdict": enum(parcours.ReviewJustified, parcours.ReviewUnjustified), "note": str(),
	}))
	s.schema("Notification", object([]string{"id", "worker_id", "kind", "created_at"}, Schema{
		"id": str(), "worker_id": str(), "kind": str(), "person_id": str(), "object_id": str(),
		"created_at": strFmt("date-time"), "read_at": strFmt("date-time"),
	}))
	s.schema("NotificationsMarked", object([]string{"marked"}, Schema{"marked": web.Integer()}))
}

func (s *Server) accessAPIRoutes() {
	accessSchemas(s)
	s.handle("GET", "/api/v1/persons/{id}/consent", API, s.apiGetConsent,
		&Op{ID: "getConsent", Summary: "What the person was told and what they object to", Tag: "access", Response: "Consent"})
	s.handle("POST", "/api/v1/persons/{id}/consent", API, s.apiRecordConsent,
		&Op{ID: "recordConsent", Summary: "Record the person's information and objections", Tag: "access", Request: "ConsentInput", Response: "Consent"})
	s.handle("POST", "/api/v1/persons/{id}/break-glass", API, s.apiOpenBreakGlass,
		&Op{ID: "openBreakGlass", Summary: "Open a file without relation, in an emergency, with a reason; on an archived file, a manager's or the DPO's consultation (kind archive)", Tag: "access",
			Request: "BreakGlassInput", Response: "BreakGlass", Status: http.StatusCreated})
	s.handle("GET", "/api/v1/break-glass/reviews", API, s.apiBreakGlassReviews,
		&Op{ID: "listBreakGlassReviews", Summary: "Break-glass accesses of the organisation, for review (managers)", Tag: "access",
			Response: "BreakGlass", List: true, Query: []Param{{Name: "pending", Type: "boolean", Description: "only those not reviewed yet"}}})
	s.handle("POST", "/api/v1/break-glass/{id}/review", API, s.apiReviewBreakGlass,
		&Op{ID: "reviewBreakGlass", Summary: "Mark a break-glass access justified or not (managers)", Tag: "access",
			Request: "BreakGlassReviewInput", Response: "BreakGlass"})
	s.handle("GET", "/api/v1/notifications", API, s.apiNotifications,
		&Op{ID: "listNotifications", Summary: "The worker's notifications, newest first", Tag: "access", Response: "Notification", List: true})
	s.handle("POST", "/api/v1/notifications/{id}/read", API, s.apiMarkNotificationRead,
		&Op{ID: "markNotificationRead", Summary: "Mark one of the worker's notifications read", Tag: "access", Response: "Notification"})
	s.handle("POST", "/api/v1/notifications/read", API, s.apiMarkAllNotificationsRead,
		&Op{ID: "markAllNotificationsRead", Summary: "Mark every unread notification of the worker read", Tag: "access", Response: "NotificationsMarked"})
}

func (s *Server) apiMarkNotificationRead(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.BreakGlass.MarkNotificationRead(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, n)
	return nil
}

func (s *Server) apiMarkAllNotificationsRead(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.BreakGlass.MarkAllNotificationsRead(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"marked": n})
	return nil
}

func (s *Server) apiGetConsent(w http.ResponseWriter, r *http.Request) error {
	c, err := s.svc.Consent.Get(r.Context(), mustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiRecordConsent(w http.ResponseWriter, r *http.Request) error {
	var in consent.Input
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := s.svc.Consent.Record(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

func (s *Server) apiOpenBreakGlass(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.BreakGlass.Open(r.Context(), mustActor(r), r.PathValue("id"), in.Reason)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, b)
	return nil
}

func (s *Server) apiBreakGlassReviews(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Reviews(r.Context(), mustActor(r), r.URL.Query().Get("pending") == "true")
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[*parcours.BreakGlass]{Items: list})
	return nil
}

func (s *Server) apiReviewBreakGlass(w http.ResponseWriter, r *http.Request) error {
	var in breakglass.ReviewInput
	if err := s.decodeJSON(w, r, &in); err != nil {
		return err
	}
	b, err := s.svc.BreakGlass.Review(r.Context(), mustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, b)
	return nil
}

func (s *Server) apiNotifications(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.BreakGlass.Notifications(r.Context(), mustActor(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, parcours.Page[*parcours.Notification]{Items: list})
	return nil
}
