package web_test

import (
	"context"
	"net/http"
	"net/url"

	"parcours/internal/parcours"
)

// Authorisation matrix rows of sign-in, profile, API tokens and the
// administration pages. Login steps are Public: without a session waiting
// for its second factor they send the browser back (303).

func init() {
	see := http.StatusSeeOther
	adminOnly := func(status int) map[string]int {
		return all(http.StatusForbidden, "admin", status)
	}
	// workerToken creates a token owned by "worker" and returns its path:
	// only its owner may revoke it, anyone else gets 404.
	workerToken := func(prefix, suffix string) func(f *fixture) string {
		return func(f *fixture) string {
			_, tok, err := f.e.App.Auth.CreateToken(context.Background(), parcours.SystemActor(), f.e.Workers["worker"].Email, "matrix")
			if err != nil {
				f.e.T.Fatal(err)
			}
			return prefix + tok.ID + suffix
		}
	}
	addRows(
		matrixRow{Route: "GET /login", Path: fixed("/login"), Want: all(see, "anonymous", http.StatusOK)},
		// The matrix posts JSON to Public routes, so the form is empty:
		// a 422 naming the fields, for everyone alike.
		matrixRow{Route: "POST /login", Path: fixed("/login"), Want: publicRoute(http.StatusUnprocessableEntity)},
		matrixRow{Route: "GET /login/totp", Path: fixed("/login/totp"), Want: publicRoute(see)},
		matrixRow{Route: "POST /login/totp", Path: fixed("/login/totp"), Want: publicRoute(see)},
		matrixRow{Route: "GET /login/totp/setup", Path: fixed("/login/totp/setup"), Want: publicRoute(see)},
		matrixRow{Route: "POST /login/totp/setup", Path: fixed("/login/totp/setup"), Want: publicRoute(see)},
		matrixRow{Route: "POST /logout", Path: fixed("/logout"), Want: publicRoute(see)},

		matrixRow{Route: "GET /profile", Path: fixed("/profile"), Want: all(http.StatusOK), Page: true},
		matrixRow{Route: "POST /profile/password", Path: fixed("/profile/password"),
			Body: func(f *fixture, who string) any { return url.Values{"current_password": {"pas le bon"}} },
			Want: all(http.StatusUnprocessableEntity), Page: true},
		matrixRow{Route: "POST /profile/language", Path: fixed("/profile/language"),
			Body: func(f *fixture, who string) any { return url.Values{"language": {"fr"}} },
			Want: all(see), Page: true},
		matrixRow{Route: "GET /profile/totp", Path: fixed("/profile/totp"), Want: all(http.StatusOK), Page: true},
		matrixRow{Route: "POST /profile/totp", Path: fixed("/profile/totp"),
			Body: func(f *fixture, who string) any {
				return url.Values{"secret": {"JBSWY3DPEHPK3PXPJBSWY3DP"}, "code": {"abcdef"}}
			},
			Want: all(http.StatusUnprocessableEntity), Page: true},
		matrixRow{Route: "POST /profile/tokens", Path: fixed("/profile/tokens"),
			Body: func(f *fixture, who string) any { return url.Values{"token_name": {"matrice"}} },
			Want: all(http.StatusCreated), Page: true},
		matrixRow{Route: "POST /profile/tokens/{id}/revoke", Path: workerToken("/profile/tokens/", "/revoke"),
			Want: all(http.StatusNotFound, "worker", see), Page: true},

		matrixRow{Route: "GET /api/v1/tokens", Path: fixed("/api/v1/tokens"), Want: all(http.StatusOK)},
		matrixRow{Route: "POST /api/v1/tokens", Path: fixed("/api/v1/tokens"),
			Body: func(f *fixture, who string) any { return map[string]any{"name": "matrice " + who} },
			Want: all(http.StatusCreated)},
		matrixRow{Route: "DELETE /api/v1/tokens/{id}", Path: workerToken("/api/v1/tokens/", ""),
			Want: all(http.StatusNotFound, "worker", http.StatusNoContent)},

		matrixRow{Route: "GET /admin", Path: fixed("/admin"), Want: adminOnly(http.StatusOK), Page: true},
		matrixRow{Route: "POST /admin/workers", Path: fixed("/admin/workers"),
			Body: func(f *fixture, who string) any {
				return url.Values{"email": {"nouveau-" + who + "@ccas.test"}, "role": {"worker"}, "teams": {f.e.TeamA.ID},
					"password": {"une phrase de passe solide"}}
			},
			Want: adminOnly(see), Page: true},
		matrixRow{Route: "GET /admin/workers/{id}", Path: func(f *fixture) string { return "/admin/workers/" + f.e.Workers["worker"].ID },
			Want: all(http.StatusForbidden, "admin", http.StatusOK, "other", http.StatusNotFound), Page: true},
		matrixRow{Route: "POST /admin/workers/{id}", Path: func(f *fixture) string { return "/admin/workers/" + f.e.Workers["worker"].ID },
			Body: func(f *fixture, who string) any {
				return url.Values{"role": {"worker"}, "teams": {f.e.TeamA.ID}, "first_name": {"Prénom"}, "last_name": {"WORKER"}}
			},
			Want: all(http.StatusForbidden, "admin", see, "other", http.StatusNotFound), Page: true},
		matrixRow{Route: "GET /admin/teams", Path: fixed("/admin/teams"), Want: adminOnly(http.StatusOK), Page: true},
		matrixRow{Route: "POST /admin/teams", Path: fixed("/admin/teams"),
			Body: func(f *fixture, who string) any { return url.Values{"team_name": {"Équipe " + who}} },
			Want: adminOnly(see), Page: true},
		matrixRow{Route: "GET /admin/settings", Path: fixed("/admin/settings"), Want: adminOnly(http.StatusOK), Page: true},
		matrixRow{Route: "POST /admin/settings", Path: fixed("/admin/settings"),
			Body: func(f *fixture, who string) any { return url.Values{"show_worker_names": {"on"}} },
			Want: adminOnly(see), Page: true},
	)
}

func init() {
	forbidden, created := http.StatusForbidden, http.StatusCreated
	addRows(
		matrixRow{Route: "GET /api/v1/workers", Path: fixed("/api/v1/workers"), Want: all(forbidden, "admin", http.StatusOK)},
		matrixRow{Route: "POST /api/v1/workers", Path: fixed("/api/v1/workers"),
			Body: func(f *fixture, who string) any {
				return map[string]any{"email": "api-" + who + "@ccas.test", "role": "worker", "team_ids": []string{f.e.TeamA.ID}, "password": "une phrase de passe solide"}
			},
			Want: all(forbidden, "admin", created)},
		matrixRow{Route: "PATCH /api/v1/workers/{id}", Path: func(f *fixture) string { return "/api/v1/workers/" + f.e.Workers["worker2"].ID },
			Body: func(f *fixture, who string) any { return map[string]any{"first_name": "Prénom"} },
			Want: all(forbidden, "admin", http.StatusOK, "other", http.StatusNotFound)},
		matrixRow{Route: "GET /api/v1/teams", Path: fixed("/api/v1/teams"), Want: all(http.StatusOK)},
		matrixRow{Route: "POST /api/v1/teams", Path: fixed("/api/v1/teams"),
			Body: func(f *fixture, who string) any { return map[string]any{"name": "Équipe API " + who} },
			Want: all(forbidden, "admin", created)},
		matrixRow{Route: "GET /api/v1/organization", Path: fixed("/api/v1/organization"), Want: all(http.StatusOK)},
		matrixRow{Route: "PATCH /api/v1/organization", Path: fixed("/api/v1/organization"),
			Body: func(f *fixture, who string) any { return map[string]any{"show_worker_names": false} },
			Want: all(forbidden, "admin", http.StatusOK)},
	)
}
