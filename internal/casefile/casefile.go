// Package casefile is the shared case file of a person (dossier partagé):
// accompaniments with their referents and goals, the append-only journal,
// interview templates, tasks, documents and handovers, and the person file
// page that brings them together.
//
// Every method takes the acting worker, gathers the facts the policy needs
// (the person's organisation, the active accompaniments, the entry's
// author, team and confidentiality), asks package access, and audits what
// it reads or writes in the same transaction. It never imports
// internal/web, and it never logs personal data.
package casefile

import (
	"context"
	"errors"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Config is what the service needs besides the database.
type Config struct {
	// DataDir holds the document contents, under DataDir/documents.
	DataDir string
	// MaxUpload bounds a document's size in bytes; 10 MB by default.
	MaxUpload int64
}

// Service is the case file service.
type Service struct {
	db  *store.DB
	cfg Config
}

// New returns a Service on db.
func New(db *store.DB, cfg Config) *Service {
	if cfg.MaxUpload <= 0 {
		cfg.MaxUpload = 10 << 20
	}
	if cfg.DataDir == "" {
		cfg.DataDir = "data"
	}
	return &Service{db: db, cfg: cfg}
}

// MaxUpload is the largest document accepted, in bytes.
func (s *Service) MaxUpload() int64 { return s.cfg.MaxUpload }

func mustDate(s string) time.Time {
	d, _ := parcours.ParseDate(s)
	return d
}

// caseWorker checks that id is an enabled worker or manager of org: who
// may be a referent or an assignee. field names the input for the error.
func caseWorker(ctx context.Context, tx *store.Tx, orgID, id, field, key string) (*parcours.Worker, error) {
	w, err := tx.Worker(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && (w.OrgID != orgID || w.Disabled ||
		(w.Role != parcours.RoleWorker && w.Role != parcours.RoleManager))) {
		return nil, parcours.FieldError(parcours.EInvalid, field, key)
	}
	return w, err
}

// orgTeam checks that id is a team of org.
func orgTeam(ctx context.Context, tx *store.Tx, orgID, id, field string) error {
	t, err := tx.Team(ctx, orgID, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && t.ID != id) {
		return parcours.FieldError(parcours.EInvalid, field, "error.casefile.team_unknown")
	}
	return err
}

// clampLimit keeps page sizes between 1 and 200, 50 by default.
func clampLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// Field labels of the case file are "field.cf.<field>" in the catalogue,
// apart from other features' homonyms ("kind" of a structure…); these
// helpers mirror parcours.Problems with those labels.
const labels = "field.cf."

func label(field string) string { return labels + field }
