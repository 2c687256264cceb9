package web_test

import (
	"strings"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/letters"
	"parcours/internal/parcours"
	"parcours/internal/rights"
)

func TestDomiciliation_FrontDeskLogsMailWithoutReadingTheJournal(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "LEROY")
		other := rightsPerson(t, e, "worker", "CARON")
		base := "/api/v1/persons/" + p.ID + "/domiciliation"
		mail := map[string]any{"sender": "CAF du Rhône", "kind": "registered"}
		wantStatus(t, e.Do("POST", base+"/mail", "reception", mail), 422, "mail before any domiciliation")
		wantStatus(t, e.Do("POST", base, "reception", map[string]any{}), 403, "the front desk applies")
		r := e.Do("POST", base, "worker", map[string]any{})
		wantStatus(t, r, 201, "application")
		var d parcours.Domiciliation
		r.Decode(t, &d)
		wantStatus(t, e.Do("POST", base, "worker", map[string]any{}), 409, "a second application while one is pending")
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/decision", "worker", map[string]any{"decision": "refused"}), 422, "refused without a motive")
		r = e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/decision", "worker", map[string]any{"decision": "granted"})
		wantStatus(t, r, 200, "granted")
		r.Decode(t, &d)
		today := parcours.Today(e.App.DB.Now())
		if d.ValidFrom != today || d.ValidTo != rights.AddDays(yearFrom(today, 0), -1) {
			t.Errorf("valid %s to %s, want one year from today", d.ValidFrom, d.ValidTo)
		}
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/decision", "worker", map[string]any{"decision": "granted"}), 409, "decided twice")

		// The front desk logs and hands over mail; the journal stays closed.
		r = e.Do("POST", base+"/mail", "reception", mail)
		wantStatus(t, r, 201, "mail")
		var m parcours.Mail
		r.Decode(t, &m)
		wantStatus(t, e.Do("POST", "/api/v1/domiciliation-mail/"+m.ID, "reception", map[string]any{"status": "handed_over"}), 200, "handed over")
		wantStatus(t, e.Do("POST", "/api/v1/domiciliation-mail/"+m.ID, "reception", map[string]any{"status": "returned"}), 409, "handed twice")
		wantStatus(t, e.Do("GET", "/api/v1/persons/"+p.ID+"/journal", "reception", nil), 403, "the journal for the front desk")
		var v rights.DomView
		e.Do("GET", base, "reception", nil).Decode(t, &v)
		if !v.Domiciled || len(v.Mail) != 1 || v.Mail[0].Status != "handed_over" {
			t.Errorf("view = %+v", v)
		}
		wantStatus(t, e.Do("GET", "/api/v1/domiciliations/"+d.ID+"/attestation", "reception", nil), 403, "attestation by the front desk")

		r = e.Do("GET", "/api/v1/domiciliations/"+d.ID+"/attestation", "worker", nil)
		wantStatus(t, r, 200, "attestation")
		text := letters.Text(r.Body)
		if !strings.Contains(text, "LEROY") || !strings.Contains(text, "L264-1") || strings.Contains(text, other.BirthName) {
			t.Errorf("attestation:\n%s", text)
		}
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/end", "worker", map[string]any{"reason": ""}), 422, "end without a reason")
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/end", "worker", map[string]any{"reason": "Relogé"}), 200, "end")
		wantStatus(t, e.Do("POST", base+"/mail", "reception", mail), 422, "mail after the end")
		page := e.Page("GET", "/persons/"+p.ID+"/domiciliation", "reception", nil)
		wantStatus(t, page, 200, "page")
		if !strings.Contains(string(page.Body), "CAF du Rhône") || !strings.Contains(string(page.Body), "Terminée") {
			t.Errorf("the page does not show the mail log and the end")
		}
	})
}

func TestDomiciliation_RenewalReminderForThoseWhoFollowThePerson(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "FONTAINE")
		today := parcours.Today(e.App.DB.Now())
		r := e.Do("POST", "/api/v1/persons/"+p.ID+"/domiciliation", "worker", map[string]any{"applied_on": rights.AddDays(today, -345)})
		wantStatus(t, r, 201, "application")
		var d parcours.Domiciliation
		r.Decode(t, &d)
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/decision", "worker", map[string]any{"decision": "granted",
			"valid_from": rights.AddDays(today, -340)}), 200, "granted")
		var fu rights.FollowUp
		e.Do("GET", "/api/v1/procedures/follow-up", "worker", nil).Decode(t, &fu)
		if len(fu.Domiciliations) != 1 || fu.Domiciliations[0].ID != d.ID || fu.PersonNames[p.ID] == "" {
			t.Errorf("follow-up = %+v, want the domiciliation to renew", fu.Domiciliations)
		}
		e.Do("GET", "/api/v1/procedures/follow-up", "worker2", nil).Decode(t, &fu)
		if len(fu.Domiciliations) != 0 {
			t.Errorf("worker2, who does not follow the person, is reminded of %d domiciliations", len(fu.Domiciliations))
		}
		page := e.Page("GET", "/procedures/follow-up", "worker", nil)
		if !strings.Contains(string(page.Body), "Domiciliations à renouveler") || !strings.Contains(string(page.Body), "FONTAINE") {
			t.Errorf("the follow-up page does not remind of the renewal")
		}
	})
}
