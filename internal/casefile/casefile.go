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
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
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

// today is the current date in France, where the workers are, as
// YYYY-MM-DD: "dated in the future" and "due today" are French days.
func today(now time.Time) string {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		loc = time.UTC
	}
	return now.In(loc).Format(time.DateOnly)
}

func mustDate(s string) time.Time {
	d, _ := parcours.ParseDate(s)
	return d
}

// file is what the policy needs to know about a person's file.
type file struct {
	person *parcours.Person
	rel    *parcours.Relation // the actor's relation to the person
	// ids are the persons whose rows the file lists: the person and every
	// duplicate merged into it (store.MergedIDs). Merges rewrite nothing,
	// so the kept file reads its absorbed duplicates' rows through them.
	ids []string
	// into is the person this one was merged into, "" when none.
	into string
	// group is the whole merge group (store.FileGroup): ids, or, for an
	// absorbed duplicate, the kept person's ids. Its active accompaniments
	// say who follows the person, for the policy.
	group  []string
	active []*parcours.Accompaniment
}

// owns reports whether a row of personID belongs to the same person: an
// entry, accompaniment or document anywhere in the merge group may be
// linked to from the file.
func (f *file) owns(personID string) bool { return slices.Contains(f.group, personID) }

// openFile loads the person, checks act on it and gathers the active
// accompaniments. A person of another organisation is NotFound.
func (s *Service) openFile(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, personID string) (*file, error) {
	p, err := tx.Person(ctx, personID)
	if errors.Is(err, store.ErrNoRows) {
		return nil, parcours.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if p.OrgID != actor.OrgID && !actor.System {
		tx.AuditDenial(audit.Denied(actor, p.ID, p.OrgID))
		return nil, parcours.NotFound() // before gathering any fact about it
	}
	rel, err := tx.Relation(ctx, actor.WorkerID, actor.TeamIDs, p.ID)
	if err != nil {
		return nil, err
	}
	if err := access.Check(actor, act, access.Target{OrgID: p.OrgID, PersonID: p.ID, Rel: rel}); err != nil {
		tx.AuditDenial(audit.Denied(actor, p.ID, p.OrgID))
		return nil, err
	}
	// An absorbed duplicate's own rows are judged like the kept file's:
	// by who follows the merge group. Unmerged or kept, the group is the
	// file's own ids.
	into, err := tx.MergedInto(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	group, err := tx.FileGroup(ctx, p.ID, into)
	if err != nil {
		return nil, err
	}
	ids := group
	if into != "" {
		if ids, err = tx.MergedIDs(ctx, p.ID); err != nil {
			return nil, err
		}
	}
	active, err := tx.ActiveAccompanimentsOf(ctx, group)
	if err != nil {
		return nil, err
	}
	return &file{person: p, rel: rel, ids: ids, into: into, group: group, active: active}, nil
}

// accompaniment returns one of the person's accompaniments: from the
// active ones already loaded, else (an ended one) from the store. Another
// person's is an invalid input.
func (f *file) accompaniment(ctx context.Context, tx *store.Tx, id string) (*parcours.Accompaniment, error) {
	for _, a := range f.active {
		if a.ID == id {
			return a, nil
		}
	}
	a, err := tx.Accompaniment(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && !f.owns(a.PersonID)) {
		return nil, parcours.FieldError(parcours.EInvalid, "accompaniment_id", "error.casefile.accompaniment_unknown")
	}
	return a, err
}

// target is the file-level target of an action on the file.
func (f *file) target() access.Target {
	return access.Target{OrgID: f.person.OrgID, PersonID: f.person.ID, Rel: f.rel}
}

// entryTarget states an entry's facts for the policy.
func (f *file) entryTarget(e *parcours.JournalEntry) access.Target {
	t := access.Target{OrgID: f.person.OrgID, PersonID: f.person.ID, Rel: f.rel, TeamID: e.TeamID, AuthorID: e.AuthorID,
		Confidentiality: e.Confidentiality}
	for _, a := range f.active {
		t.FollowingTeamIDs = append(t.FollowingTeamIDs, a.TeamID)
		if a.ID == e.AccompanimentID {
			t.ReferentIDs = []string{a.ReferentID}
		}
	}
	if t.ReferentIDs == nil {
		// Not tied to an active accompaniment: "the referent" is whoever
		// refers the person now.
		for _, a := range f.active {
			t.ReferentIDs = append(t.ReferentIDs, a.ReferentID)
		}
	}
	return t
}

// canRead reports whether the actor may read entry e of the file.
func (f *file) canRead(actor parcours.Actor, e *parcours.JournalEntry) bool {
	return access.Allowed(actor, access.JournalEntryRead, f.entryTarget(e))
}

// redactEntry hides the private synthesis from all but its author.
func (f *file) redactEntry(actor parcours.Actor, e *parcours.JournalEntry) *parcours.JournalEntry {
	if e.PrivateSynthesis == "" || access.Allowed(actor, access.JournalPrivateRead, f.entryTarget(e)) {
		return e
	}
	c := *e
	c.PrivateSynthesis = ""
	return &c
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
func label(field string) string { return "field.cf." + field }

func choice(v *parcours.Problems, field, val string, allowed []string, required bool) {
	if val == "" {
		if required {
			v.Add(field, "error.field_required", label(field))
		}
		return
	}
	if !slices.Contains(allowed, val) {
		v.Add(field, "error.invalid_choice", label(field), val)
	}
}

func required(v *parcours.Problems, field, val string, max int) {
	if strings.TrimSpace(val) == "" {
		v.Add(field, "error.field_required", label(field))
		return
	}
	maxLen(v, field, val, max)
}

func maxLen(v *parcours.Problems, field, val string, max int) {
	if utf8.RuneCountInString(val) > max {
		v.Add(field, "error.field_too_long", label(field), max)
	}
}

// date checks an optional YYYY-MM-DD date not after notAfter.
func date(v *parcours.Problems, field, val string, req bool, notAfter time.Time) {
	if val == "" {
		if req {
			v.Add(field, "error.field_required", label(field))
		}
		return
	}
	d, err := parcours.ParseDate(val)
	if err != nil {
		v.Add(field, "error.invalid_date", label(field))
		return
	}
	if d.After(notAfter) {
		v.Add(field, "error.date_in_future", label(field))
	}
}
