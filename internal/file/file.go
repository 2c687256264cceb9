// Package file is the one door to a person's file (dossier): every read or
// write of person-scoped data — the person, their household and
// situation, consent, accompaniments, journal, amendments, tasks,
// documents, break-glass, merges, access log — goes through a *File
// obtained from Open (or one of the Open… functions that find the person
// from an object).
//
// Open loads the person and their merge group and gathers the actor's
// relation in one statement (store.Tx.FileFacts), and checks the action
// with package access; the File then answers Can(action) for pages that
// show or hide buttons, filters lists (CanRead), reads the parts of the
// file (each read checks its own action first) and records audit events
// in the caller's transaction (Audit). The store's per-person queries are
// called from this package only: TestOnlyTheDoorReadsPersons fails
// otherwise.
//
// The package holds no policy of its own (that is package access) and
// never imports internal/web.
package file

import (
	"context"
	"errors"
	"slices"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// File is one actor's view of one person's file, inside one transaction.
type File struct {
	tx    *store.Tx
	actor parcours.Actor

	// Person is the person, as stored (redact before showing).
	Person *parcours.Person
	// Rel is the actor's relation to the person.
	Rel *parcours.Relation
	// IDs are the person and the duplicates merged into them: the rows the
	// file lists. Into is the person this one was merged into, "" if none.
	IDs  []string
	Into string
	// Group is the whole merge group: rows anywhere in it belong to the
	// same person (Owns).
	Group []string
	// Active are the open accompaniments covering the group: who follows
	// the person, for the policy.
	Active []*parcours.Accompaniment
	// LastVisit is the actor's previous visit (OpenVisit only).
	LastVisit time.Time

	all []*parcours.Accompaniment
	// dpo: the actor is the organisation's data-protection officer,
	// looked up only for an archived file (access.archived).
	dpo bool
	// thread is the referral a thread is under, when the file was opened
	// for one (messaging.go): the messaging actions are judged for it.
	thread threadScope
	// shares caches the shares of the file with other organisations
	// (by organisation), gathered for a thread's participants.
	shares map[string]*parcours.Share
	// entry caches entryFacts (EntryTarget).
	entry *entryFacts
}

// Open loads personID's file for actor and checks act on it. A person of
// another organisation (or none) is NotFound, decided before any fact
// about them is gathered into the answer.
func Open(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, personID string) (*File, error) {
	return open(ctx, tx, actor, act, personID, false, threadScope{})
}

// OpenVisit is Open for the person page: it also reads the actor's
// previous visit, in the same statement.
func OpenVisit(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, personID string) (*File, error) {
	return open(ctx, tx, actor, act, personID, true, threadScope{})
}

// Journal is the first page of a file's journal read with its facts
// (OpenJournal), as File.JournalRowsAmended gives it.
type Journal struct {
	Rows       []*parcours.JournalEntry
	Amendments map[string][]string
}

// OpenJournal is Open for access.JournalRead that also returns the page
// of the journal File.JournalRowsAmended(ctx, filter, after, limit) would,
// read in the same round trip as the file's facts where that saves one
// (PostgreSQL; store.Tx.FileFactsJournal). The page is nil when it was
// not read so, or could not serve: the caller then reads it from the
// File. It is read before the policy decides, and handed over only once
// the policy allowed the journal: a refusal drops it unseen, exactly as
// Open refuses. It covers the person's own rows only, so a file with
// duplicates merged into it reads its page again.
func OpenJournal(ctx context.Context, tx *store.Tx, actor parcours.Actor, personID string, filter store.JournalFilter, after []string, limit int) (*File, *Journal, error) {
	facts, rows, am, read, err := tx.FileFactsJournal(ctx, actor.WorkerID, actor.TeamIDs, personID, filter, after, limit)
	if err != nil {
		return nil, nil, err
	}
	f, err := fromFacts(ctx, tx, actor, personID, facts[personID])
	if err != nil {
		return nil, nil, err
	}
	if err := f.opened(access.JournalRead, threadScope{}); err != nil {
		return nil, nil, err
	}
	if !read || len(f.IDs) != 1 || f.IDs[0] != personID {
		return f, nil, nil
	}
	return f, &Journal{Rows: rows, Amendments: am}, nil
}

func open(ctx context.Context, tx *store.Tx, actor parcours.Actor, act access.Action, personID string, visit bool, scope threadScope) (*File, error) {
	f, err := load(ctx, tx, actor, personID, visit)
	if err != nil {
		return nil, err
	}
	if err := f.opened(act, scope); err != nil {
		return nil, err
	}
	return f, nil
}

// opened checks act on a file just loaded, for a thread's scope if any.
func (f *File) opened(act access.Action, scope threadScope) error {
	tx, actor, personID := f.tx, f.actor, f.Person.ID
	f.thread = scope
	if err := f.Check(act); err != nil && !scope.quiet {
		// A refused attempt on an existing file is itself audited (ids
		// only); Can, which pages ask to show buttons, records nothing.
		tx.AuditDenial(audit.Denied(actor, personID, f.Person.OrgID))
		return err
	} else if err != nil {
		return err
	}
	return nil
}

// load gathers personID's file and the actor's relation to it, before
// any action is checked: a person of another organisation not shared
// with the actor's is NotFound (and the attempt recorded).
func load(ctx context.Context, tx *store.Tx, actor parcours.Actor, personID string, visit bool) (*File, error) {
	facts, err := tx.FileFacts(ctx, actor.WorkerID, actor.TeamIDs, []string{personID}, visit)
	if err != nil {
		return nil, err
	}
	return fromFacts(ctx, tx, actor, personID, facts[personID])
}

// fromFacts is load once the facts of personID are gathered (nil: no
// such person).
func fromFacts(ctx context.Context, tx *store.Tx, actor parcours.Actor, personID string, ff *store.FileFacts) (*File, error) {
	if ff == nil {
		return nil, parcours.NotFound()
	}
	if ff.Person.OrgID != actor.OrgID && !actor.System {
		// Another organisation's file exists for the actor only while it
		// is shared with the actor's organisation by referral: the policy
		// then allows the extract and nothing else (access.shared).
		sh, err := tx.ActiveShare(ctx, ff.Group, actor.OrgID)
		if err != nil {
			return nil, err
		}
		if sh == nil {
			// The attempt is recorded, but not in that person's access
			// log: audit.Denied links it to the person only inside the
			// actor's organisation.
			tx.AuditDenial(audit.Denied(actor, personID, ff.Person.OrgID))
			return nil, parcours.NotFound()
		}
		ff.Rel.Share = sh
	}
	f := &File{tx: tx, actor: actor, Person: ff.Person, Rel: ff.Rel, IDs: ff.IDs, Into: ff.Into,
		Group: ff.Group, Active: ff.Active, LastVisit: ff.LastVisit, all: ff.Accompaniments}
	if err := f.lookUpDPO(ctx); err != nil {
		return nil, err
	}
	return f, nil
}

// OpenMany opens the files of several persons at once, in one statement,
// without checking any action: lists and search results ask each File
// Can(…) (or CanRead) before showing anything of it. Persons that do not
// exist or belong to another organisation are absent from the map.
func OpenMany(ctx context.Context, tx *store.Tx, actor parcours.Actor, personIDs []string, visit bool) (map[string]*File, error) {
	ids := slices.Compact(slices.Sorted(slices.Values(personIDs)))
	facts, err := tx.FileFacts(ctx, actor.WorkerID, actor.TeamIDs, ids, visit)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*File, len(facts))
	for id, ff := range facts {
		if ff.Person.OrgID != actor.OrgID && !actor.System {
			continue
		}
		f := &File{tx: tx, actor: actor, Person: ff.Person, Rel: ff.Rel, IDs: ff.IDs, Into: ff.Into,
			Group: ff.Group, Active: ff.Active, LastVisit: ff.LastVisit, all: ff.Accompaniments}
		if err := f.lookUpDPO(ctx); err != nil {
			return nil, err
		}
		out[id] = f
	}
	return out, nil
}

// lookUpDPO notes whether the actor is the organisation's data-protection
// officer when the file is archived: the DPO then consults it whatever
// their role (access.archived). Other files never need it.
func (f *File) lookUpDPO(ctx context.Context) error {
	if !f.Rel.Archived || f.actor.System || f.actor.WorkerID == "" || f.actor.Role == parcours.RoleManager {
		return nil
	}
	var err error
	f.dpo, err = f.tx.IsDPO(ctx, f.actor.WorkerID)
	return err
}

// Archived reports whether the file is in the intermediate archive:
// read-only, consulted by managers and the DPO with a reason.
func (f *File) Archived() bool { return f.Rel.Archived }

// Actor is who opened the file.
func (f *File) Actor() parcours.Actor { return f.actor }

// Target is the file-level target of an action.
func (f *File) Target() access.Target {
	return access.Target{OrgID: f.Person.OrgID, PersonID: f.Person.ID, Rel: f.Rel, DPO: f.dpo,
		ThreadReferralID: f.thread.referralID, ThreadClosed: f.thread.closed}
}

// Check returns nil when the actor may do act on the file, else the
// policy's error.
func (f *File) Check(act access.Action) error { return access.Check(f.actor, act, f.Target()) }

// Can reports whether the actor may do act on the file: what a page asks
// before showing a button or a section.
func (f *File) Can(act access.Action) bool { return f.Check(act) == nil }

// Sees reports whether the actor may see the sensitive part act names
// (access.SensitiveRead, access.HealthRead): for redacting fields.
func (f *File) Sees(act access.Action) bool { return f.Can(act) }

// Owns reports whether a row of personID belongs to this person: an
// entry, accompaniment or document anywhere in the merge group.
func (f *File) Owns(personID string) bool { return slices.Contains(f.Group, personID) }

// Audit records an event about the file in the caller's transaction.
func (f *File) Audit(action, objectType, objectID string) {
	f.AuditAbout(action, objectType, objectID, f.Person.ID)
}

// AuditAbout records an event about a row of the file that belongs to
// another person of the merge group (personID).
func (f *File) AuditAbout(action, objectType, objectID, personID string) {
	f.tx.Audit(audit.For(f.actor, action, objectType, objectID, personID))
}

// EntryTarget states a journal entry's facts for the policy.
func (f *File) EntryTarget(e *parcours.JournalEntry) access.Target {
	t := f.Target()
	t.TeamID, t.AuthorID, t.Confidentiality = e.TeamID, e.AuthorID, e.Confidentiality
	t.EntryID, t.EntryOrgID = e.ID, e.OrgID
	ef := f.entryFacts()
	t.FollowingTeamIDs = ef.following
	if r, ok := ef.referentOf[e.AccompanimentID]; ok {
		t.ReferentIDs = r
	} else {
		// Not tied to an active accompaniment: "the referent" is whoever
		// refers the person now.
		t.ReferentIDs = ef.referents
	}
	return t
}

// entryFacts are the facts of the active accompaniments every entry's
// target carries, gathered once per file rather than per entry: a list
// of 200 entries judged each one (issue 17). The policy only reads them.
type entryFacts struct {
	following  []string            // teams of the active accompaniments
	referents  []string            // their referents
	referentOf map[string][]string // active accompaniment → its referent
}

func (f *File) entryFacts() *entryFacts {
	if f.entry != nil {
		return f.entry
	}
	ef := &entryFacts{referentOf: make(map[string][]string, len(f.Active))}
	for _, a := range f.Active {
		ef.following = append(ef.following, a.TeamID)
		ef.referents = append(ef.referents, a.ReferentID)
		ef.referentOf[a.ID] = []string{a.ReferentID}
	}
	f.entry = ef
	return ef
}

// CheckEntry applies act (access.JournalEntryRead, JournalAmend…) to one
// entry of the file.
func (f *File) CheckEntry(act access.Action, e *parcours.JournalEntry) error {
	return access.Check(f.actor, act, f.EntryTarget(e))
}

// CanRead keeps the entries the actor may read, redacted (Redact): the
// batch check of a list.
func (f *File) CanRead(entries []*parcours.JournalEntry) []*parcours.JournalEntry {
	out := make([]*parcours.JournalEntry, 0, len(entries))
	for _, e := range entries {
		if f.CheckEntry(access.JournalEntryRead, e) == nil {
			out = append(out, f.Redact(e))
		}
	}
	return out
}

// Redact hides the private synthesis from all but its author.
func (f *File) Redact(e *parcours.JournalEntry) *parcours.JournalEntry {
	if e.PrivateSynthesis == "" || f.CheckEntry(access.JournalPrivateRead, e) == nil {
		return e
	}
	c := *e
	c.PrivateSynthesis = ""
	return &c
}

// notFound maps the store's "no rows" to the user's NotFound.
func notFound(err error) error {
	if errors.Is(err, store.ErrNoRows) {
		return parcours.NotFound()
	}
	return err
}

// Readable keeps, of journal entries taken from any files of the actor's
// organisation (the journal search's hits), the first limit the actor may
// read, in order, redacted, with their amendments, and records a
// journal.read event for each. Every file concerned is opened in one
// statement and the amendments read in one more, whatever the number of
// hits.
func Readable(ctx context.Context, tx *store.Tx, actor parcours.Actor, entries []*parcours.JournalEntry, limit int) ([]*parcours.JournalEntry, error) {
	out, _, err := readable(ctx, tx, actor, entries, limit)
	return out, err
}

// ReadableNamed is Readable with the name of each entry's person (by
// person id), from the files already opened: no more statements.
func ReadableNamed(ctx context.Context, tx *store.Tx, actor parcours.Actor, entries []*parcours.JournalEntry, limit int) ([]*parcours.JournalEntry, map[string]string, error) {
	out, owners, err := readable(ctx, tx, actor, entries, limit)
	if err != nil {
		return nil, nil, err
	}
	names := map[string]string{}
	for i, e := range out {
		names[e.PersonID] = owners[i].Person.DisplayName()
	}
	return out, names, nil
}

func readable(ctx context.Context, tx *store.Tx, actor parcours.Actor, entries []*parcours.JournalEntry, limit int) ([]*parcours.JournalEntry, []*File, error) {
	out := []*parcours.JournalEntry{}
	if len(entries) == 0 || limit <= 0 {
		return out, nil, nil
	}
	persons := make([]string, 0, len(entries))
	for _, e := range entries {
		persons = append(persons, e.PersonID)
	}
	files, err := OpenMany(ctx, tx, actor, persons, false)
	if err != nil {
		return nil, nil, err
	}
	var owners []*File
	var ids []string
	for _, e := range entries {
		if len(out) == limit {
			break
		}
		f := files[e.PersonID]
		if f == nil || !f.Can(access.JournalRead) || f.CheckEntry(access.JournalEntryRead, e) != nil {
			continue // an entry the actor may not read does not exist for them
		}
		out = append(out, f.Redact(e))
		owners = append(owners, f)
		if !slices.Contains(ids, e.PersonID) {
			ids = append(ids, f.IDs...)
		}
	}
	if len(out) == 0 {
		return out, nil, nil
	}
	am, err := tx.AmendmentsByPerson(ctx, slices.Compact(slices.Sorted(slices.Values(ids))))
	if err != nil {
		return nil, nil, err
	}
	for i, e := range out {
		if list := am[e.ID]; len(list) > 0 {
			c := *e
			c.AmendedBy = list
			out[i] = &c
		}
		owners[i].AuditAbout("journal.read", "journal_entry", e.ID, e.PersonID)
	}
	return out, owners, nil
}
