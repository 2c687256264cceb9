package referralweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/referral"
	"parcours/internal/servicedir"
	"parcours/internal/web"
)

// The JSON API of the directory and of referrals.

func (s *server) directoryAPI() {
	str, strFmt, arr := web.Str, web.StrFmt, web.ArrayOf
	s.Schema("DirectoryService", web.Object([]string{"id", "structure_id", "structure_nom", "nom", "thematiques", "modes_accueil", "orientation_parcours", "created_at"}, web.Schema{
		"id": str(), "structure_id": str(), "structure_nom": str(), "organization_id": str(), "team_id": str(), "nom": str(),
		"presentation_resume": str(), "thematiques": arr(str()), "commune": str(), "code_insee": str(),
		"zone_diffusion_type": web.Enum(parcours.ZoneTypes...), "zone_diffusion_code": str(), "pre_requis": str(),
		"telephone": str(), "courriel": str(), "horaires_accueil": str(), "modes_accueil": arr(web.Enum(parcours.ModesAccueil...)),
		"orientation_parcours": web.Boolean(), "active": web.Boolean(), "created_at": strFmt("date-time"),
	}))
	s.Schema("DirectoryServiceInput", web.Object([]string{"structure_id", "nom", "thematiques"}, web.Schema{
		"structure_id": str(), "team_id": str(), "nom": str(), "presentation_resume": str(), "thematiques": arr(str()),
		"commune": str(), "code_insee": str(), "zone_diffusion_type": web.Enum(parcours.ZoneTypes...), "zone_diffusion_code": str(),
		"pre_requis": str(), "telephone": str(), "courriel": str(), "horaires_accueil": str(), "modes_accueil": arr(web.Enum(parcours.ModesAccueil...)),
		"active": web.Schema{"type": "boolean", "description": "on an update: false deactivates the service (out of searches and of the new-referral picker; past referrals keep it), true reactivates it; absent leaves it"},
	}))
	s.Schema("DirectoryStructure", web.Object([]string{"id", "nom", "source", "created_at"}, web.Schema{
		"id": str(), "organization_id": str(), "nom": str(), "siret": str(), "commune": str(), "code_insee": str(), "adresse": str(),
		"telephone": str(), "courriel": str(), "site_web": str(), "source": str(), "active": web.Boolean(), "created_at": strFmt("date-time"),
	}))
	s.Schema("DirectoryStructureInput", web.Object([]string{"nom"}, web.Schema{
		"own": web.Boolean(), "nom": str(), "siret": str(), "commune": str(), "code_insee": str(), "adresse": str(),
		"telephone": str(), "courriel": str(), "site_web": str(),
		"active": web.Schema{"type": "boolean", "description": "on an update: false deactivates the structure and so all its services, true reactivates it; absent leaves it"},
	}))
	s.Handle("GET", "/api/v1/services", web.API, s.apiServices, &web.Op{ID: "listServices", Tag: "referral", List: true,
		Summary: "Search the service directory (data·inclusion fields) by thématique, commune (INSEE code) and words", Response: "DirectoryService",
		Query: []web.Param{{Name: "theme", Description: "a data·inclusion thématique; its sub-themes match too"},
			{Name: "commune", Description: "INSEE code of a commune served"}, {Name: "q", Description: "words of the name or presentation"}}})
	s.Handle("GET", "/api/v1/structures", web.API, s.apiStructures, &web.Op{ID: "listStructures", Tag: "referral", List: true,
		Summary: "The structures of the directory", Response: "DirectoryStructure"})
	s.Handle("POST", "/api/v1/structures", web.API, s.apiCreateStructure, &web.Op{ID: "createStructure", Tag: "referral",
		Summary: "Enter a structure in the directory: one's own organisation or an external one (administrators)",
		Request: "DirectoryStructureInput", Response: "DirectoryStructure", Status: http.StatusCreated})
	s.Handle("POST", "/api/v1/services", web.API, s.apiCreateService, &web.Op{ID: "createService", Tag: "referral",
		Summary: "Add a service to a structure one's organisation entered (administrators)",
		Request: "DirectoryServiceInput", Response: "DirectoryService", Status: http.StatusCreated})
	s.Handle("PUT", "/api/v1/structures/{id}", web.API, s.apiUpdateStructure, &web.Op{ID: "updateStructure", Tag: "referral",
		Summary: "Change, deactivate (active: false) or reactivate a structure one's organisation entered (administrators; another's: 404). Never deleted: referrals point at it",
		Request: "DirectoryStructureInput", Response: "DirectoryStructure"})
	s.Handle("PUT", "/api/v1/services/{id}", web.API, s.apiUpdateService, &web.Op{ID: "updateService", Tag: "referral",
		Summary: "Change, deactivate (active: false) or reactivate a service of a structure one's organisation entered (administrators; another's: 404), or move it to another active structure the organisation entered (structure_id; else 422). Never deleted: referrals point at it",
		Request: "DirectoryServiceInput", Response: "DirectoryService"})
}

func (s *server) apiUpdateStructure(w http.ResponseWriter, r *http.Request) error {
	var in servicedir.StructureInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.Directory.UpdateStructure(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *server) apiUpdateService(w http.ResponseWriter, r *http.Request) error {
	var in servicedir.ServiceInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	sv, err := s.svc.Directory.UpdateService(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, sv)
	return nil
}

func (s *server) apiServices(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.svc.Directory.Search(r.Context(), web.MustActor(r), servicedir.Query{Theme: q.Get("theme"), Commune: q.Get("commune"), Q: q.Get("q")})
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Service]{Items: list})
	return nil
}

func (s *server) apiStructures(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.Directory.Structures(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*parcours.Structure]{Items: list})
	return nil
}

func (s *server) apiCreateStructure(w http.ResponseWriter, r *http.Request) error {
	var in servicedir.StructureInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.Directory.CreateStructure(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, st)
	return nil
}

func (s *server) apiCreateService(w http.ResponseWriter, r *http.Request) error {
	var in servicedir.ServiceInput
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	sv, err := s.svc.Directory.CreateService(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, sv)
	return nil
}

// referralJSON is a referral with its extract, as GET /referrals/{id}
// returns it.
type referralJSON struct {
	*parcours.Referral
	Extract extractJSON `json:"extract"`
}

type extractJSON struct {
	Person    *parcours.Person         `json:"person"`
	Situation *parcours.Situation      `json:"situation,omitempty"`
	Entries   []*parcours.JournalEntry `json:"entries"`
	Documents []*parcours.Document     `json:"documents"`
	Tasks     []*parcours.Task         `json:"tasks"`
	Own       []*parcours.JournalEntry `json:"own_entries"`
}

func toJSON(v *referral.View) referralJSON {
	x := v.Extract
	return referralJSON{Referral: v.Referral, Extract: extractJSON{Person: x.Person, Situation: x.Situation, Entries: x.Entries,
		Documents: x.Documents, Tasks: x.Tasks, Own: x.Own}}
}

func (s *server) referralAPI() {
	str, strFmt, arr := web.Str, web.StrFmt, web.ArrayOf
	refProps := web.Schema{
		"id": str(), "person_id": str(), "from_organization_id": str(), "sent_by": str(), "service_id": str(), "service_nom": str(),
		"to_organization_id": str(), "reason": str(), "note": str(), "status": web.Enum(parcours.ReferralStatuses...),
		"basis": web.Enum(parcours.ReferralBases...), "consent_on": strFmt("date"), "consent_how": web.Enum(parcours.InformationMethods...),
		"legal_ground": str(), "entry_ids": arr(str()), "document_ids": arr(str()), "task_ids": arr(str()),
		"situation_parts": arr(web.Enum(parcours.SituationParts...)), "created_at": strFmt("date-time"), "received_at": strFmt("date-time"),
		"answered_at": strFmt("date-time"), "answered_by": str(), "refusal_reason": str(), "ended_at": strFmt("date-time"),
		"ended_by": str(), "expires_at": strFmt("date-time"), "reminded_at": strFmt("date-time"), "accompaniment_id": str(),
	}
	required := []string{"id", "person_id", "from_organization_id", "sent_by", "service_id", "reason", "status", "basis", "created_at", "expires_at"}
	s.Schema("Referral", web.Object(required, refProps))
	item := web.Schema{"delay_hours": web.Integer(), "since_sent_hours": web.Integer(),
		"person_name": web.Schema{"type": "string", "description": "the person, where the actor may read them now (receiving organisation: while the referral is open)"}}
	for k, v := range refProps {
		item[k] = v
	}
	s.Schema("ReferralItem", web.Object(append(required, "delay_hours", "since_sent_hours"), item))
	withExtract := web.Schema{"extract": web.Object([]string{"person", "entries", "documents", "tasks", "own_entries"}, web.Schema{
		"person": web.Schema{"type": "object"}, "situation": web.Schema{"type": "object"},
		"entries": arr(web.Schema{"type": "object"}), "documents": arr(web.Schema{"type": "object"}),
		"tasks": arr(web.Schema{"type": "object"}), "own_entries": arr(web.Schema{"type": "object"}),
	})}
	for k, v := range refProps {
		withExtract[k] = v
	}
	s.Schema("ReferralWithExtract", web.Object(append(required, "extract"), withExtract))
	s.Schema("ReferralInput", web.Object([]string{"service_id", "reason", "basis"}, web.Schema{
		"service_id": str(), "reason": str(), "note": str(), "entry_ids": arr(str()), "document_ids": arr(str()), "task_ids": arr(str()),
		"situation_parts": arr(web.Enum(parcours.SituationParts...)), "basis": web.Enum(parcours.ReferralBases...),
		"consent_on": strFmt("date"), "consent_how": web.Enum(parcours.InformationMethods...), "legal_ground": str(),
	}))
	s.Schema("ReferralRefusal", web.Object([]string{"refusal_reason"}, web.Schema{"refusal_reason": str()}))
	s.Schema("ReferralAcceptance", web.Object([]string{}, web.Schema{"open_accompaniment": web.Boolean(),
		"kind": web.Schema{"type": "string", "description": "a code of GET /api/v1/accompaniment-kinds (of the receiving organisation)"}}))
	s.Schema("ReferralEnd", web.Object([]string{}, web.Schema{"end_reason": web.Enum(parcours.EndReasons...)}))
	s.Schema("ReferralStats", web.Object([]string{"service_id", "service_nom", "count", "accepted", "refused", "pending", "expired", "cancelled", "refusal_reasons"}, web.Schema{
		"service_id": str(), "service_nom": str(), "count": web.Integer(), "accepted": web.Integer(), "refused": web.Integer(),
		"pending": web.Integer(), "expired": web.Integer(), "cancelled": web.Integer(),
		"median_hours_to_answer": web.Schema{"type": []string{"integer", "null"}},
		"refusal_reasons":        arr(web.Object([]string{"reason", "count"}, web.Schema{"reason": str(), "count": web.Integer()})),
	}))

	s.Schema("ReferralSettings", web.Object([]string{"reminder_days"}, web.Schema{"reminder_days": web.Schema{"type": "integer", "minimum": 1, "maximum": 90}}))
	s.Handle("GET", "/api/v1/referral-settings", web.API, s.apiSettings, &web.Op{ID: "getReferralSettings", Tag: "referral",
		Summary: "The organisation's referral settings: the reminder delay in days (administrators)", Response: "ReferralSettings"})
	s.Handle("PUT", "/api/v1/referral-settings", web.API, s.apiPutSettings, &web.Op{ID: "putReferralSettings", Tag: "referral",
		Summary: "Set the organisation's referral reminder delay, 1 to 90 days (administrators)", Request: "ReferralSettings", Response: "ReferralSettings"})
	s.Handle("POST", "/api/v1/persons/{id}/referrals", web.API, s.apiCreate, &web.Op{ID: "createReferral", Tag: "referral",
		Summary: "Refer the person to a service with an extract of the file chosen item by item, and the consent or legal ground",
		Request: "ReferralInput", Response: "Referral", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/referrals", web.API, s.apiList, &web.Op{ID: "listReferrals", Tag: "referral", List: true,
		Summary: "The referrals one sent (box=sent) or one's organisation received (box=received)", Response: "ReferralItem",
		Query: []web.Param{{Name: "box", Description: "sent (default) or received"}, {Name: "status", Description: "one status"}}})
	s.Handle("GET", "/api/v1/referrals/stats", web.API, s.apiStats, &web.Op{ID: "referralStats", Tag: "referral", List: true,
		Summary: "Per service: count, answers, median time to answer and refusal reasons, of a period", Response: "ReferralStats",
		Query: []web.Param{{Name: "box", Description: "received (default) or sent"}, {Name: "from", Description: "first day, YYYY-MM-DD"},
			{Name: "to", Description: "day after the last, YYYY-MM-DD"}}})
	s.Handle("GET", "/api/v1/referrals/{id}/letter", web.API, s.pageLetterPDF, &web.Op{ID: "printReferralLetter", Tag: "referral",
		Summary: "The referral letter with the person's information notice, as a PDF (application/pdf), for a service outside Parcours"})
	s.Handle("GET", "/api/v1/referrals/{id}", web.API, s.apiGet, &web.Op{ID: "getReferral", Tag: "referral",
		Summary: "A referral with its extract (the receiving organisation: exactly the extract and its own entries)", Response: "ReferralWithExtract"})
	for _, a := range []struct{ verb, summary, req string }{
		{"accept", "Accept a referral (receiving organisation): it then follows the person and writes in the file; open_accompaniment opens an accompaniment of the receiving organisation (of kind), whose end ends the share", "ReferralAcceptance"},
		{"refuse", "Refuse a referral with a reason (receiving organisation); the share ends", "ReferralRefusal"},
		{"cancel", "Cancel a referral (sending organisation); the share ends", ""},
		{"end", "End the receiving organisation's follow-up (and the accompaniment opened on accepting, with end_reason); the share ends", "ReferralEnd"},
	} {
		s.Handle("POST", "/api/v1/referrals/{id}/"+a.verb, web.API, s.apiAct(a.verb), &web.Op{ID: a.verb + "Referral", Tag: "referral",
			Summary: a.summary, Request: a.req, OptionalRequest: a.verb != "refuse", Response: "Referral"})
	}
}

func (s *server) apiCreate(w http.ResponseWriter, r *http.Request) error {
	var in referral.Input
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	ref, err := s.svc.Referrals.Create(r.Context(), web.MustActor(r), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusCreated, ref)
	return nil
}

func (s *server) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	list, err := s.svc.Referrals.List(r.Context(), web.MustActor(r), q.Get("box"), q.Get("status"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[referral.Item]{Items: list})
	return nil
}

func (s *server) apiStats(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	from, err := parseDay("from", q.Get("from"))
	if err != nil {
		return err
	}
	to, err := parseDay("to", q.Get("to"))
	if err != nil {
		return err
	}
	list, err := s.svc.Referrals.Statistics(r.Context(), web.MustActor(r), q.Get("box"), from, to)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, parcours.Page[*referral.Stats]{Items: list})
	return nil
}

func (s *server) apiGet(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.Referrals.Get(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, toJSON(v))
	return nil
}

// actInput is the body of a transition: the refusal's reason, the
// choice of opening an accompaniment on accepting, the reason the
// follow-up ends.
type actInput struct {
	RefusalReason     string `json:"refusal_reason"`
	OpenAccompaniment bool   `json:"open_accompaniment"`
	Kind              string `json:"kind"`
	EndReason         string `json:"end_reason"`
}

// act runs one of the referral's transitions.
func (s *server) act(r *http.Request, verb string, in actInput) (*parcours.Referral, error) {
	a, id := web.MustActor(r), r.PathValue("id")
	switch verb {
	case "accept":
		return s.svc.Referrals.AcceptWith(r.Context(), a, id, referral.AcceptInput{OpenAccompaniment: in.OpenAccompaniment, Kind: in.Kind})
	case "refuse":
		return s.svc.Referrals.Refuse(r.Context(), a, id, in.RefusalReason)
	case "cancel":
		return s.svc.Referrals.Cancel(r.Context(), a, id)
	default:
		return s.svc.Referrals.EndWith(r.Context(), a, id, in.EndReason)
	}
}

func (s *server) apiAct(verb string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in actInput
		// The body is required to refuse, optional otherwise (accept and
		// end have defaults).
		if verb == "refuse" || r.ContentLength > 0 {
			if err := s.decode(w, r, &in); err != nil {
				return err
			}
		}
		ref, err := s.act(r, verb, in)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, ref)
		return nil
	}
}

func (s *server) apiSettings(w http.ResponseWriter, r *http.Request) error {
	st, err := s.svc.Referrals.Settings(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}

func (s *server) apiPutSettings(w http.ResponseWriter, r *http.Request) error {
	var in referral.Settings
	if err := s.decode(w, r, &in); err != nil {
		return err
	}
	st, err := s.svc.Referrals.UpdateSettings(r.Context(), web.MustActor(r), in)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, st)
	return nil
}
