package accountweb

import (
	"net/http"
	"time"

	"parcours/internal/web"
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
	tok := web.Schema{"id": web.Str(), "name": web.Str(), "prefix": web.Str(), "created_at": web.StrFmt("date-time"),
		"last_used_at": web.StrFmt("date-time"), "revoked": web.Boolean()}
	s.Schema("Token", web.Object([]string{"id", "name", "prefix", "created_at", "revoked"}, tok))
	s.Schema("NewToken", web.Object([]string{"id", "name", "prefix", "created_at", "revoked", "token"}, web.Schema{
		"id": web.Str(), "name": web.Str(), "prefix": web.Str(), "created_at": web.StrFmt("date-time"), "revoked": web.Boolean(), "token": web.Str(),
	}))
	s.Schema("TokenInput", web.Object(nil, web.Schema{"name": web.Str()}))

	s.Handle("GET", "/api/v1/tokens", web.API, func(w http.ResponseWriter, r *http.Request) error {
		toks, err := s.svc.Auth.Tokens(r.Context(), web.MustActor(r))
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusOK, map[string]any{"items": toks, "next_cursor": ""})
		return nil
	}, &web.Op{ID: "listTokens", Summary: "The acting worker's API tokens, with prefix and last use", Tag: "tokens", Response: "Token", List: true})

	s.Handle("POST", "/api/v1/tokens", web.API, func(w http.ResponseWriter, r *http.Request) error {
		var in tokenInput
		if err := s.DecodeJSON(w, r, &in); err != nil {
			return err
		}
		secret, t, err := s.svc.Auth.CreateToken(r.Context(), web.MustActor(r), web.Worker(r).Email, in.Name)
		if err != nil {
			return err
		}
		web.WriteJSON(w, http.StatusCreated, newToken{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, Revoked: t.Revoked, Token: secret})
		return nil
	}, &web.Op{ID: "createToken", Summary: "Create an API token for the acting worker; the secret is returned once", Tag: "tokens",
		Request: "TokenInput", Response: "NewToken", Status: http.StatusCreated})

	s.Handle("DELETE", "/api/v1/tokens/{id}", web.API, func(w http.ResponseWriter, r *http.Request) error {
		if err := s.svc.Auth.RevokeToken(r.Context(), web.MustActor(r), r.PathValue("id")); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}, &web.Op{ID: "revokeToken", Summary: "Revoke one of the acting worker's tokens", Tag: "tokens", Status: http.StatusNoContent})
}
