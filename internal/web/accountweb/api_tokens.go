package accountweb

import (
	"net/http"
	"time"
)

// The worker's own API tokens over the API: list (prefix and last use,
// never the secret), create (the secret is in this one response only) and
// revoke.

type tokenInput struct {
	Name string `json:"name"`
}

// newToken is the answer to a creation: the token's metadata plus the
// secret, shown this once.
type newToken struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Prefix    string    `json:"prefix"`
	CreatedAt time.Time `json:"created_at"`
	Revoked   bool      `json:"revoked"`
	Token     string    `json:"token"`
}

func (s *Server) tokenAPIRoutes() {
	tok := Schema{"id": str(), "name": str(), "prefix": str(), "created_at": strFmt("date-time"),
		"last_used_at": strFmt("date-time"), "revoked": boolean()}
	s.schema("Token", object([]string{"id", "name", "prefix", "created_at", "revoked"}, tok))
	s.schema("NewToken", object([]string{"id", "name", "prefix", "created_at", "revoked", "token"}, Schema{
		"id": str(), "name": str(), "prefix": str(), "created_at": strFmt("date-time"), "revoked": boolean(), "token": str(),
	}))
	s.schema("TokenInput", object(nil, Schema{"name": str()}))

	s.handle("GET", "/api/v1/tokens", API, func(w http.ResponseWriter, r *http.Request) error {
		toks, err := s.svc.Auth.Tokens(r.Context(), mustActor(r))
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": toks, "next_cursor": ""})
		return nil
	}, &Op{ID: "listTokens", Summary: "The acting worker's API tokens, with prefix and last use", Tag: "tokens", Response: "Token", List: true})

	s.handle("POST", "/api/v1/tokens", API, func(w http.ResponseWriter, r *http.Request) error {
		var in tokenInput
		if err := s.decodeJSON(w, r, &in); err != nil {
			return err
		}
		secret, t, err := s.svc.Auth.CreateToken(r.Context(), mustActor(r), worker(r).Email, in.Name)
		if err != nil {
			return err
		}
		writeJSON(w, http.StatusCreated, newToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, Revoked: t.Revoked, Token: secret})
		return nil
	}, &Op{ID: "createToken", Summary: "Create an API token for the acting worker; the secret is returned once", Tag: "tokens",
		Request: "TokenInput", Response: "NewToken", Status: http.StatusCreated})

	s.handle("DELETE", "/api/v1/tokens/{id}", API, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.svc.Auth.RevokeToken(r.Context(), mustActor(r), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}, &Op{ID: "revokeToken", Summary: "Revoke one of the acting worker's tokens", Tag: "tokens", Status: http.StatusNoContent})
}
