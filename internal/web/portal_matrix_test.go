package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/portal"
	"parcours/internal/store"
	"parcours/internal/web"
)

// The person portal in the authorisation matrix. Its routes (web.Portal)
// refuse every worker (no portal session: 401, a page redirects to the
// portal's sign-in); the portal callers below are tried on EVERY
// registered route by checkPortalCallers, generically: a route that is
// not the portal's answers them 403 or 404 and records nothing, so that
// a new route of any area is covered without a row of its own.
//
//	person           the fixture person, signed in to the portal;
//	delegate         their trusted person, scope "view", until next month;
//	delegate_expired a trusted person whose end date has passed (401).
var portalCallers = []string{"person", "delegate", "delegate_expired"}

// portalFixture is the fixture person's portal accounts.
type portalFixture struct {
	Person, Delegate, Expired *parcours.PortalAccount
}

var (
	portalMu       sync.Mutex
	portalFixtures = map[*fixture]*portalFixture{}
)

func addPortalAccount(t testing.TB, e *apptest.Env, personID string, a *parcours.PortalAccount, login string) *parcours.PortalAccount {
	t.Helper()
	ctx := t.Context()
	err := e.App.DB.Transact(ctx, func(tx *store.Tx) error {
		a.OrgID, a.PersonID, a.CreatedBy = e.OrgA.ID, personID, e.Workers["worker"].ID
		if err := tx.InsertPortalAccount(ctx, a); err != nil {
			return err
		}
		if login == "" {
			return nil
		}
		if err := tx.ActivatePortalAccount(ctx, a.ID, login, ""); err != nil {
			return err
		}
		a.Login = login
		a.ActivatedAt = tx.Now()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func pfx(f *fixture) *portalFixture {
	portalMu.Lock()
	defer portalMu.Unlock()
	if p, ok := portalFixtures[f]; ok {
		return p
	}
	e := f.e
	next := time.Now().AddDate(0, 1, 0).Format(time.DateOnly)
	p := &portalFixture{
		Person: addPortalAccount(e.T, e, f.Person.ID, &parcours.PortalAccount{Kind: parcours.PortalPerson}, "lea.martin"),
		Delegate: addPortalAccount(e.T, e, f.Person.ID, &parcours.PortalAccount{Kind: parcours.PortalDelegate, Name: "Paul Martin",
			Relationship: "family", Scope: parcours.ScopeView, EndsOn: next}, "paul.martin"),
		Expired: addPortalAccount(e.T, e, f.Person.ID, &parcours.PortalAccount{Kind: parcours.PortalDelegate, Name: "Ancien Mandataire",
			Relationship: "mandataire_judiciaire", Scope: parcours.ScopeFull, EndsOn: "2020-01-31"}, "ancien.mandataire"),
	}
	portalFixtures[f] = p
	return p
}

// portalSessionFor opens a portal session for an account (straight in
// the store: sign-in is tested on its own) and returns its secret and
// CSRF token.
func portalSessionFor(t testing.TB, e *apptest.Env, accountID string) (secret, csrf string) {
	t.Helper()
	raw := sha256.Sum256([]byte(fmt.Sprintf("%s-%d", accountID, time.Now().UnixNano())))
	secret = hex.EncodeToString(raw[:])
	sum := sha256.Sum256([]byte(secret))
	csrf = "csrf-" + accountID
	err := e.App.DB.Transact(t.Context(), func(tx *store.Tx) error {
		return tx.InsertPortalSession(t.Context(), &store.PortalSessionRow{IDHash: hex.EncodeToString(sum[:]), AccountID: accountID, MFADone: true, CSRF: csrf})
	})
	if err != nil {
		t.Fatal(err)
	}
	return secret, csrf
}

// portalDo sends a request with a portal session (a same-origin browser
// request; a form or JSON body carries the CSRF token).
func portalDo(t testing.TB, e *apptest.Env, accountID, method, path string, body any) *apptest.Response {
	t.Helper()
	secret, csrf := portalSessionFor(t, e, accountID)
	var req *http.Request
	switch b := body.(type) {
	case url.Values:
		form := url.Values{}
		for k, v := range b {
			form[k] = v
		}
		form.Set("csrf", csrf)
		req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	case nil:
		if method != http.MethodGet && method != http.MethodHead {
			form := url.Values{"csrf": {csrf}}
			req = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			req = httptest.NewRequest(method, path, nil)
		}
	default:
		req = httptest.NewRequest(method, path, strings.NewReader(toJSON(t, b)))
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("X-CSRF-Token", csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.AddCookie(&http.Cookie{Name: portal.SessionCookie, Value: secret})
	return e.Serve(req)
}

// checkPortalCallers tries every registered route as each portal
// caller. Portal routes give what their row says (the expired delegate
// always 401); every other route that needs authentication gives 403 or
// 404 and records no audit event; public routes stay public.
func checkPortalCallers(t *testing.T, e *apptest.Env, f *fixture, byRoute map[string]matrixRow, registered map[string]web.Route) {
	p := pfx(f)
	accounts := map[string]string{"person": p.Person.ID, "delegate": p.Delegate.ID, "delegate_expired": p.Expired.ID}
	for key, rt := range registered {
		row, ok := byRoute[key]
		if !ok {
			continue // reported by TestRouteMatrix
		}
		method, _, _ := strings.Cut(key, " ")
		for _, who := range portalCallers {
			var body any
			if row.Body != nil {
				body = row.Body(f, "worker")
			}
			path := row.Path(f)
			before := lastSeq(t, e)
			got := portalDo(t, e, accounts[who], method, path, body).Status
			evs := auditSince(t, e, before)
			switch rt.Access {
			case web.Portal:
				if rt.Access == web.Portal && got == http.StatusSeeOther && !strings.HasPrefix(path, "/api/") && who == "delegate_expired" {
					got = http.StatusUnauthorized // redirected to the portal's sign-in
				}
				want, named := row.Want[who]
				if !named {
					if who != "delegate_expired" {
						t.Errorf("matrix: portal route %s has no expectation for %s", key, who)
						continue
					}
					want = http.StatusUnauthorized
				}
				if got != want {
					t.Errorf("%s as %s: status %d, want %d", key, who, got, want)
				}
			case web.Public:
				if got >= 500 {
					t.Errorf("%s as %s: status %d on a public route", key, who, got)
				}
			default:
				if who == "delegate_expired" {
					// No valid session: anonymous (401, or the sign-in page).
					if got != http.StatusUnauthorized && got != http.StatusSeeOther {
						t.Errorf("%s as %s: status %d, want 401 (or the sign-in page)", key, who, got)
					}
					continue
				}
				if got != http.StatusForbidden && got != http.StatusNotFound {
					t.Errorf("%s as %s (a portal session on a worker route): status %d, want 403 or 404", key, who, got)
				}
				if len(evs) != 0 {
					t.Errorf("%s as %s: a refused portal caller recorded %d audit events", key, who, len(evs))
				}
			}
		}
	}
}

func init() {
	see := http.StatusSeeOther
	// Portal routes: no worker reaches them (401: no portal session).
	workers := func(over ...any) map[string]int { return all(http.StatusUnauthorized, over...) }
	both := func(status int) map[string]int {
		m := workers()
		m["person"], m["delegate"] = status, status
		return m
	}
	selfOnly := func(status int) map[string]int {
		m := workers()
		m["person"], m["delegate"] = status, http.StatusForbidden
		return m
	}
	const none = "no worker reaches a portal route; the portal callers' reads are audited (checked in TestPortal_*)"
	moi := func(p string) func(*fixture) string { return fixed(p) }
	var rows []matrixRow
	for _, pg := range []string{"/moi", "/moi/suivi", "/moi/documents", "/moi/journal", "/moi/acces", "/moi/demandes", "/moi/copie", "/moi/delegues", "/moi/compte", "/moi/pre-diagnostic"} {
		rows = append(rows, matrixRow{Route: "GET " + pg, Path: moi(pg), Want: both(200), NoAudit: none})
	}
	rows = append(rows,
		matrixRow{Route: "GET /moi/connexion", Path: fixed("/moi/connexion"), Want: publicRoute(200), NoAudit: "a public form"},
		matrixRow{Route: "POST /moi/connexion", Path: fixed("/moi/connexion"), Want: publicRoute(422), NoAudit: "an empty form is not an attempt"},
		matrixRow{Route: "GET /moi/activer", Path: fixed("/moi/activer"), Want: publicRoute(200), NoAudit: "a public form"},
		matrixRow{Route: "POST /moi/activer", Path: fixed("/moi/activer"), Want: publicRoute(422), NoAudit: "an empty form is not an attempt"},
		matrixRow{Route: "GET /moi/connexion/code", Path: fixed("/moi/connexion/code"), Want: publicRoute(see), NoAudit: "no half-signed-in session: back to the sign-in"},
		matrixRow{Route: "POST /moi/connexion/code", Path: fixed("/moi/connexion/code"), Want: publicRoute(see), NoAudit: "no half-signed-in session: back to the sign-in"},
		// An empty form: the password is asked again first (422).
		matrixRow{Route: "POST /moi/compte/totp", Path: fixed("/moi/compte/totp"), Want: both(422), NoAudit: none},
		matrixRow{Route: "POST /moi/compte/totp/retrait", Path: fixed("/moi/compte/totp/retrait"), Want: both(422), NoAudit: none},
		matrixRow{Route: "POST /moi/deconnexion", Path: fixed("/moi/deconnexion"), Want: both(see), NoAudit: none},
		matrixRow{Route: "POST /moi/demandes", Path: fixed("/moi/demandes"),
			Body: func(*fixture, string) any {
				return url.Values{"kind": {"rectification"}, "details": {"Mon adresse a changé."}}
			},
			Want: selfOnly(see), NoAudit: none},
		matrixRow{Route: "GET /moi/demandes/{id}/lettre.pdf", Path: func(f *fixture) string { return "/moi/demandes/" + answered(f) + "/lettre.pdf" },
			Want: both(200), NoAudit: none},
		matrixRow{Route: "GET /moi/copie.pdf", Path: fixed("/moi/copie.pdf"), Want: selfOnly(200), NoAudit: none},
		matrixRow{Route: "GET /moi/copie.json", Path: fixed("/moi/copie.json"), Want: selfOnly(200), NoAudit: none},
		matrixRow{Route: "POST /moi/delegues", Path: fixed("/moi/delegues"),
			Body: func(*fixture, string) any {
				return url.Values{"name": {"Sam Martin"}, "relationship": {"family"}, "scope": {"view"},
					"ends_on": {time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}}
			},
			Want: selfOnly(200), NoAudit: none},
		matrixRow{Route: "POST /moi/delegues/{account}/retrait", Path: func(f *fixture) string { return "/moi/delegues/" + spareDelegate(f) + "/retrait" },
			Want: selfOnly(see), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi", Path: fixed("/api/v1/moi"), Want: both(200), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/access-log", Path: fixed("/api/v1/moi/access-log"), Want: both(200), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/prescreening", Path: fixed("/api/v1/moi/prescreening"), Want: both(200), NoAudit: none},
		matrixRow{Route: "GET /api/v1/moi/export", Path: fixed("/api/v1/moi/export"), Want: selfOnly(200), NoAudit: none},
		matrixRow{Route: "POST /api/v1/moi/data-requests", Path: fixed("/api/v1/moi/data-requests"),
			Body: func(*fixture, string) any { return map[string]any{"kind": "access"} }, Want: selfOnly(201), NoAudit: none},
	)

	// The workers' side: those who follow the file and may open it to
	// someone outside (never under a break-glass).
	file := func(status int, overrides ...any) map[string]int {
		return all(status, append([]any{"admin", 404, "worker2", 403, "other", 404, "bg_expired", 403, "teammate", status, "bg_active", 403, "reception", 403}, overrides...)...)
	}
	person := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/persons/" + f.Person.ID + suffix }
	}
	api := func(suffix string) func(*fixture) string {
		return func(f *fixture) string { return "/api/v1/persons/" + f.Person.ID + suffix }
	}
	onFile := routeAudit{OnFile: true}
	delegate := func() map[string]any {
		return map[string]any{"name": "Claire Martin", "relationship": "legal_representative", "scope": "full",
			"ends_on": time.Now().AddDate(0, 6, 0).Format(time.DateOnly)}
	}
	// The author of the entry ("worker") and the file's referents decide
	// about showing it; "manager" is a referent by now (an earlier row's
	// handover), a teammate is not.
	rows = append(rows,
		matrixRow{Route: "GET /persons/{id}/portal", Path: person("/portal"), Page: true, Want: file(200),
			Audit: []string{"portal.accounts"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/portal/invitations", Path: func(f *fixture) string { pfx(f); return person("/portal/invitations")(f) }, Page: true,
			Body: func(*fixture, string) any { return url.Values{"channel": {"print"}} }, Want: file(200),
			Audit: []string{"portal.invite", "portal.accounts"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/portal/delegates", Path: person("/portal/delegates"), Page: true,
			Body: func(*fixture, string) any {
				v := url.Values{}
				for k, x := range delegate() {
					v.Set(k, x.(string))
				}
				return v
			},
			Want: file(200), Audit: []string{"portal.account", "portal.invite", "portal.accounts"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/portal/accounts/{account}/revoke", Path: func(f *fixture) string {
			return "/persons/" + f.Person.ID + "/portal/accounts/" + spareDelegate(f) + "/revoke"
		}, Page: true, Want: file(see), Audit: []string{"portal.revoke"}, routeAudit: onFile},
		matrixRow{Route: "POST /persons/{id}/journal/{entry}/disclosure", Path: func(f *fixture) string {
			return "/persons/" + f.Person.ID + "/journal/" + cf(f).Entry.ID + "/disclosure"
		}, Page: true, Body: func(*fixture, string) any { return url.Values{"shared": {"1"}} },
			Want: file(see, "admin", 403, "teammate", 403), Audit: []string{"journal.disclose"}, routeAudit: onFile},
		matrixRow{Route: "GET /persons/{id}/export.pdf", Path: person("/export.pdf"), Page: true, Want: file(200),
			Audit: []string{"file.export"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/persons/{id}/portal-accounts", Path: api("/portal-accounts"), Want: file(200),
			Audit: []string{"portal.accounts"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/portal-invitations", Path: func(f *fixture) string { pfx(f); return api("/portal-invitations")(f) },
			Body: func(*fixture, string) any { return map[string]any{"channel": "print"} }, Want: file(201),
			Audit: []string{"portal.invite"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/portal-delegates", Path: api("/portal-delegates"),
			Body: func(*fixture, string) any { return delegate() }, Want: file(201),
			Audit: []string{"portal.account", "portal.invite"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/portal-accounts/{account}/revoke", Path: func(f *fixture) string {
			return "/api/v1/persons/" + f.Person.ID + "/portal-accounts/" + spareDelegate(f) + "/revoke"
		}, Want: file(204), Audit: []string{"portal.revoke"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/journal/{entry}/disclosure", Path: func(f *fixture) string {
			return "/api/v1/persons/" + f.Person.ID + "/journal/" + cf(f).Entry.ID + "/disclosure"
		}, Body: func(*fixture, string) any {
			return map[string]any{"withheld": true, "reason": "Propos d'un tiers sur sa propre santé."}
		},
			Want: file(200, "admin", 403, "teammate", 403), Audit: []string{"journal.disclose"}, routeAudit: onFile},
		matrixRow{Route: "GET /api/v1/persons/{id}/export/pdf", Path: api("/export/pdf"), Want: file(200),
			Audit: []string{"file.export"}, routeAudit: onFile},
		// Documents shared with the person (always to « shared », so
		// that the rows' order does not matter).
		matrixRow{Route: "POST /persons/{id}/documents/{doc}/share", Path: func(f *fixture) string {
			return "/persons/" + f.Person.ID + "/documents/" + cf(f).Doc.ID + "/share"
		}, Page: true, Body: func(*fixture, string) any { return url.Values{"shared": {"1"}} },
			Want: file(see), Audit: []string{"document.share"}, routeAudit: onFile},
		matrixRow{Route: "POST /api/v1/persons/{id}/documents/{doc}/share", Path: func(f *fixture) string {
			return "/api/v1/persons/" + f.Person.ID + "/documents/" + cf(f).Doc.ID + "/share"
		}, Body: func(*fixture, string) any { return map[string]any{"shared": true} },
			Want: file(200), Audit: []string{"document.share"}, routeAudit: onFile},
	)
	addRows(matrixRow{Route: "GET /moi/documents/{doc}", Path: sharedDoc, Want: both(200), NoAudit: none})
	addRows(rows...)
}

// sharedDoc is the fixture's document, shared with the person by their
// worker, for the portal's download.
func sharedDoc(f *fixture) string {
	doc := cf(f).Doc
	if _, err := f.e.App.CaseFile.ShareDocument(f.e.T.Context(), f.e.Actor("worker"), f.Person.ID, doc.ID, true); err != nil {
		f.e.T.Fatal(err)
	}
	return "/moi/documents/" + doc.ID
}

// spareDelegate adds a delegate to the fixture person, for a request that
// withdraws one.
func spareDelegate(f *fixture) string {
	a := addPortalAccount(f.e.T, f.e, f.Person.ID, &parcours.PortalAccount{Kind: parcours.PortalDelegate, Name: "Voisin",
		Relationship: "friend", Scope: parcours.ScopeView, EndsOn: time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, "")
	return a.ID
}

// answered is an answered request of the fixture person, for its letter.
func answered(f *fixture) string {
	portalMu.Lock()
	id, ok := answeredRequests[f]
	portalMu.Unlock()
	if ok {
		return id
	}
	e := f.e
	r := e.Do("POST", "/api/v1/persons/"+f.Person.ID+"/data-requests", "worker",
		map[string]any{"kind": "rectification", "channel": "desk", "received_on": time.Now().Format(time.DateOnly)})
	var req parcours.DataRequest
	r.Decode(e.T, &req)
	if a := e.Do("POST", "/api/v1/data-requests/"+req.ID+"/answer", "manager", map[string]any{"outcome": "granted", "answer": "Adresse corrigée."}); a.Status != 200 {
		e.T.Fatalf("answer: %d %s", a.Status, a.Body)
	}
	portalMu.Lock()
	answeredRequests[f] = req.ID
	portalMu.Unlock()
	return req.ID
}

var answeredRequests = map[*fixture]string{}

func toJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
