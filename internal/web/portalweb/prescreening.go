package portalweb

import (
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/screening"
	"parcours/internal/web"
)

// The pre-screening in the person's portal (issue 14 item 2, issue 13):
// the results their workers acted on with them, each explained in plain
// words — which rules, which data and where they come from, that the
// tool never decides, what to do next and whom to ask. Read through the
// door as the person (package screening), audited portal.prescreening.

func (a *area) prescreeningRoutes(s *web.Server) {
	if s.Services().Screening == nil {
		return
	}
	str := web.Str()
	param := web.Object([]string{"name", "label", "shown", "from", "source"}, web.Schema{
		"name": str, "label": str, "unit": str, "value": web.Schema{"type": "number"}, "shown": str, "from": web.StrFmt("date"), "source": str})
	s.Schema("PortalPrescreening", web.Object([]string{"notice", "items"}, web.Schema{
		"notice": str,
		"items": web.ArrayOf(web.Object([]string{"rule", "rule_version", "screened_on", "status_shown", "outcome"}, web.Schema{
			"rule": str, "rule_version": str, "screened_on": web.StrFmt("date"), "status_shown": str,
			"outcome": web.Enum(parcours.PrescreenOutcomes...), "reason": str,
			"rule_set": web.Schema{"type": "object"},
			"result": web.Object([]string{"status", "has_amount", "amount_cents", "missing", "data", "parameters", "changed"}, web.Schema{
				"status": str, "has_amount": web.Boolean(), "amount_cents": web.Integer(), "amount_label": str,
				"warnings": web.ArrayOf(str), "checks": web.ArrayOf(str), "changed": web.Boolean(),
				"missing": web.ArrayOf(web.Object([]string{"label"}, web.Schema{"fact": str, "label": str, "field": str})),
				"data": web.ArrayOf(web.Object([]string{"label", "hidden"}, web.Schema{
					"label": str, "value": str, "source": str, "hidden": web.Boolean()})),
				"parameters": web.ArrayOf(param)}),
		})),
	}))
	s.Handle("GET", "/moi/pre-diagnostic", web.Portal, a.pagePrescreening, nil)
	s.Handle("GET", "/api/v1/moi/prescreening", web.Portal, a.apiPrescreening,
		&web.Op{ID: "portalPrescreening", Tag: "portal", Response: "PortalPrescreening",
			Summary: "The pre-screenings of likely rights recorded for the signed-in person, each explained; another member's own data left out (portal session)"})
}

func (a *area) pagePrescreening(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Services().Screening.Own(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	return a.Render(w, r, http.StatusOK, "portal_prescreening.html", &web.PageData{Title: "page.portal.prescreening",
		Data: struct {
			*screening.Own
			Euros func(int64) string
		}{o, parcours.FormatEuros}})
}

func (a *area) apiPrescreening(w http.ResponseWriter, r *http.Request) error {
	o, err := a.Services().Screening.Own(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, o)
	return nil
}
