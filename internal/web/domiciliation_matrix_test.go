package web_test

import (
	"net/http"
	"net/url"
	"sync"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/rights"
)

// Authorisation matrix of domiciliation (issue 12). The mail log is the
// whole organisation's front desk work (no relation needed, nothing else
// of the file opened); applications, decisions, ends and attestations
// are the case workers' who follow the person, never under break-glass.

type domFixture struct {
	Granted *parcours.Domiciliation // the fixture person's, in force
}

var (
	domMu       sync.Mutex
	domFixtures = map[*fixture]*domFixture{}
)

func df(f *fixture) *domFixture {
	domMu.Lock()
	defer domMu.Unlock()
	if d, ok := domFixtures[f]; ok {
		return d
	}
	d := &domFixture{Granted: grantedDomiciliation(f, f.Person.ID)}
	domFixtures[f] = d
	return d
}

// freshDomPerson records a person (by worker: referent, team A), for rows
// that apply.
func freshDomPerson(f *fixture) string {
	p, err := f.e.App.Persons.Create(f.e.T.Context(), f.e.Actor("worker"), person.Input{BirthName: ptr("SANS-DOMICILE"),
		FirstNames: ptr("Jo"), BirthDate: ptr("1979-01-02"), Sex: ptr(parcours.SexMale), Force: true})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return p.ID
}

func pendingDomiciliation(f *fixture, personID string) *parcours.Domiciliation {
	d, err := f.e.App.Rights.ApplyDomiciliation(f.e.T.Context(), f.e.Actor("worker"), personID, rights.DomApplication{})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return d
}

func grantedDomiciliation(f *fixture, personID string) *parcours.Domiciliation {
	d, err := f.e.App.Rights.DecideDomiciliation(f.e.T.Context(), f.e.Actor("worker"), pendingDomiciliation(f, personID).ID,
		rights.DomDecision{Decision: parcours.DomGranted})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return d
}

func freshMail(f *fixture) *parcours.Mail {
	df(f)
	m, err := f.e.App.Rights.RecordMail(f.e.T.Context(), f.e.Actor("reception"), f.Person.ID, rights.MailInput{Sender: "CAF du Rhône", Kind: "letter"})
	if err != nil {
		f.e.T.Fatal(err)
	}
	return m
}

func init() {
	created, seeOther := http.StatusCreated, http.StatusSeeOther
	onFile := routeAudit{OnFile: true}
	// The mail log: every worker of the organisation with the role, the
	// front desk included, whatever their relation.
	desk := func(ok int) map[string]int { return all(ok, "admin", 403, "other", 404) }
	addRows(
		matrixRow{Route: "GET /api/v1/persons/{id}/domiciliation",
			Path: func(f *fixture) string { df(f); return "/api/v1/persons/" + f.Person.ID + "/domiciliation" },
			Want: desk(200), Audit: []string{"domiciliation.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/domiciliation",
			Path: func(f *fixture) string { return "/api/v1/persons/" + freshDomPerson(f) + "/domiciliation" },
			Body: func(*fixture, string) any { return map[string]any{} },
			Want: writeWant(created), Audit: []string{"domiciliation.apply"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/domiciliations/{id}/decision",
			Path: func(f *fixture) string {
				return "/api/v1/domiciliations/" + pendingDomiciliation(f, freshDomPerson(f)).ID + "/decision"
			},
			Body: func(*fixture, string) any { return map[string]any{"decision": "granted"} },
			Want: writeWant(200), Audit: []string{"domiciliation.decide"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/domiciliations/{id}/end",
			Path: func(f *fixture) string {
				return "/api/v1/domiciliations/" + grantedDomiciliation(f, freshDomPerson(f)).ID + "/end"
			},
			Body: func(*fixture, string) any { return map[string]any{"reason": "Relogée à Lyon"} },
			Want: writeWant(200), Audit: []string{"domiciliation.end"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/domiciliations/{id}/attestation",
			Path: func(f *fixture) string { return "/api/v1/domiciliations/" + df(f).Granted.ID + "/attestation" },
			Want: writeWant(200), Audit: []string{"domiciliation.attestation"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/domiciliation/mail",
			Path: func(f *fixture) string { df(f); return "/api/v1/persons/" + f.Person.ID + "/domiciliation/mail" },
			Body: func(*fixture, string) any { return map[string]any{"sender": "CPAM", "kind": "registered"} },
			Want: desk(created), Audit: []string{"domiciliation.mail"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/domiciliation-mail/{id}",
			Path: func(f *fixture) string { return "/api/v1/domiciliation-mail/" + freshMail(f).ID },
			Body: func(*fixture, string) any { return map[string]any{"status": "handed_over"} },
			Want: desk(200), Audit: []string{"domiciliation.mail_update"}, routeAudit: onFile},

		matrixRow{Route: "GET /persons/{id}/domiciliation",
			Path: func(f *fixture) string { df(f); return "/persons/" + f.Person.ID + "/domiciliation" },
			Want: desk(200), Page: true, Audit: []string{"domiciliation.read"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/domiciliation",
			Path: func(f *fixture) string { return "/persons/" + freshDomPerson(f) + "/domiciliation" },
			Want: writeWant(seeOther), Page: true, Audit: []string{"domiciliation.apply"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/domiciliation/{dom}/decision",
			Path: func(f *fixture) string {
				p := freshDomPerson(f)
				return "/persons/" + p + "/domiciliation/" + pendingDomiciliation(f, p).ID + "/decision"
			},
			Body: func(*fixture, string) any {
				return url.Values{"decision": {"refused"}, "motive": {"Pas de lien avec la commune."}}
			},
			Want: writeWant(seeOther), Page: true, Audit: []string{"domiciliation.decide"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/mail",
			Path: func(f *fixture) string { df(f); return "/persons/" + f.Person.ID + "/mail" },
			Body: func(*fixture, string) any { return url.Values{"mail-sender": {"Préfecture"}, "mail-kind": {"letter"}} },
			Want: desk(seeOther), Page: true, Audit: []string{"domiciliation.mail"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/mail/{mail}",
			Path: func(f *fixture) string { return "/persons/" + f.Person.ID + "/mail/" + freshMail(f).ID },
			Body: func(*fixture, string) any { return url.Values{"status": {"returned"}} },
			Want: desk(seeOther), Page: true, Audit: []string{"domiciliation.mail_update"}, routeAudit: onFile},
	)
}
