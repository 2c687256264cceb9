package web_test

import (
	"fmt"
	"html"
	"net/url"
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

// The mail log is paged, newest first: a person domiciled for years has
// hundreds of letters, and the view shows a page with a cursor for the
// older ones, on the API as on the page; a cursor that does not fit is
// refused with a message, and recording a letter still works whatever
// the log's length.
func TestDomiciliation_MailLogIsPaged(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		p := rightsPerson(t, e, "worker", "COURRIER")
		base := "/api/v1/persons/" + p.ID + "/domiciliation"
		r := e.Do("POST", base, "worker", map[string]any{})
		wantStatus(t, r, 201, "application")
		var d parcours.Domiciliation
		r.Decode(t, &d)
		wantStatus(t, e.Do("POST", "/api/v1/domiciliations/"+d.ID+"/decision", "worker", map[string]any{"decision": "granted"}), 200, "granted")
		const letters = 7
		for i := range letters {
			// Received on distinct days and, for two, the same day.
			day := parcours.Today(e.App.DB.Now().AddDate(0, 0, -(i / 2)))
			wantStatus(t, e.Do("POST", base+"/mail", "reception", map[string]any{"sender": fmt.Sprintf("Expéditeur %d", i), "kind": "letter",
				"received_on": day}), 201, "mail")
		}
		var seen []string
		cursor, pages := "", 0
		for {
			var v rights.DomView
			r := e.Do("GET", base+"?mail_limit=3&mail_cursor="+url.QueryEscape(cursor), "reception", nil)
			wantStatus(t, r, 200, "a page of the mail log")
			r.Decode(t, &v)
			pages++
			if len(v.Mail) > 3 || (v.MailNextCursor != "" && len(v.Mail) != 3) {
				t.Fatalf("page %d: %d letters, next %q", pages, len(v.Mail), v.MailNextCursor)
			}
			for _, m := range v.Mail {
				if n := len(seen); n > 0 && m.ReceivedOn > seen[n-1] {
					t.Errorf("letter of %s after one of %s: not newest first", m.ReceivedOn, seen[n-1])
				}
				seen = append(seen, m.ReceivedOn)
			}
			if cursor = v.MailNextCursor; cursor == "" || pages > letters {
				break
			}
		}
		if len(seen) != letters || pages != 3 {
			t.Fatalf("%d letters in %d pages, want %d in 3", len(seen), pages, letters)
		}
		for _, bad := range []string{"?mail_cursor=pas-un-curseur", "?mail_limit=0", "?mail_limit=201"} {
			r := e.Do("GET", base+bad, "reception", nil)
			wantStatus(t, r, 400, bad)
			if !strings.Contains(string(r.Body), "invalide") && !strings.Contains(string(r.Body), "entre") {
				t.Errorf("%s: the refusal does not say what is wrong: %s", bad, r.Body)
			}
		}

		// The page shows the newest 50 and links to the older ones.
		for i := range 50 {
			wantStatus(t, e.Do("POST", base+"/mail", "reception", map[string]any{"sender": fmt.Sprintf("Lettre %02d", i), "kind": "letter"}), 201, "mail")
		}
		page := string(e.Page("GET", "/persons/"+p.ID+"/domiciliation", "reception", nil).Body)
		if n := strings.Count(page, "/persons/"+p.ID+"/mail/"); n != 50 {
			t.Errorf("the page shows %d letters, want the newest 50", n)
		}
		i := strings.Index(page, `rel="next"`)
		j := strings.LastIndex(page[:max(i, 0)], `href="`)
		if i < 0 || j < 0 {
			t.Fatal("the page has no link to the older letters")
		}
		next := html.UnescapeString(page[j+len(`href="`) : strings.Index(page[j+len(`href="`):], `"`)+j+len(`href="`)])
		next, _, _ = strings.Cut(next, "#") // a browser keeps the fragment to itself
		older := e.Page("GET", next, "reception", nil)
		wantStatus(t, older, 200, "older letters")
		if body := string(older.Body); !strings.Contains(body, "Expéditeur 6") || strings.Contains(body, "Lettre 49") || !strings.Contains(body, "Courriers les plus récents") {
			t.Errorf("the older letters' page does not show the oldest letter, or shows the newest, or has no way back")
		}
	})
}
