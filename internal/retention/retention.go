// Package retention keeps only what the law allows (issue 15): per
// organisation rules after the CNIL's reference framework for the social
// and medico-social sector (délibérations 2021-028 and 2023-095), a dry
// run that prepares a plan per organisation, a manager's review of each
// batch, and the application of approved batches only.
//
// A file stays active while an accompaniment is open and ActiveMonths
// (24 by default) after its last contact (the latest date store.PersonData
// lists); then in an intermediate archive as long as the longest archive
// duration the organisation set for a data kind the file holds; then it
// is anonymised: what statistics need is kept, the rest deleted,
// documents' files included.
//
// The package never logs, audits or returns personal data except the
// names a reviewer sees in a batch (audited); deletions are audited with
// identifiers only.
package retention

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DefaultActiveMonths is the framework's two years after the last contact.
const DefaultActiveMonths = 24

// Actions of a batch.
const (
	ActionArchive   = "archive"
	ActionAnonymise = "anonymise"
)

// The plans, batches and files as the store holds them, named here for
// the web area (which never imports the store).
type (
	Plan  = store.RetentionPlan
	Batch = store.RetentionBatch
	File  = store.RetentionFile
)

// Service is retention.
type Service struct {
	db      *store.DB
	dataDir string
	now     func() time.Time
	// chunk is how many files one transaction of Apply anonymises.
	chunk int
	// page is how many files a plan reads at once, and at most how many
	// items one of its write transactions adds.
	page int
	// stage, when set (tests only), is told where Apply is: inside a
	// chunk's transaction, then once it committed (the kill -9 test).
	stage func(string)
}

func (s *Service) hook(stage string) {
	if s.stage != nil {
		s.stage(stage)
	}
}

// New returns the service; dataDir holds the documents' contents
// (dataDir/documents/ab/abcdef…).
func New(db *store.DB, dataDir string) *Service {
	if dataDir == "" {
		dataDir = "data"
	}
	return &Service{db: db, dataDir: dataDir, now: func() time.Time { return time.Now().UTC() }, chunk: 100, page: 500}
}

// SetClock replaces the clock (tests, the demo's history).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Kinds are the data kinds whose archive duration an organisation sets:
// those of store.PersonData, in its order.
func Kinds() []string {
	var out []string
	for _, t := range store.PersonData {
		if t.Kind != "" && !slices.Contains(out, t.Kind) {
			out = append(out, t.Kind)
		}
	}
	return out
}

// Settings are an organisation's rules as shown and edited.
type Settings struct {
	ActiveMonths  int            `json:"active_months"`
	ArchiveMonths map[string]int `json:"archive_months"`
}

func (s *Service) check(ctx context.Context, tx *store.Tx, actor parcours.Actor) error {
	dpo := false
	if !actor.System && actor.Role != parcours.RoleManager {
		var err error
		if dpo, err = tx.IsDPO(ctx, actor.WorkerID); err != nil {
			return err
		}
	}
	return access.Check(actor, access.RetentionManage, access.Target{OrgID: actor.OrgID, DPO: dpo})
}

func withDefaults(st *store.RetentionSettings) Settings {
	out := Settings{ActiveMonths: st.ActiveMonths, ArchiveMonths: map[string]int{}}
	if out.ActiveMonths == 0 {
		out.ActiveMonths = DefaultActiveMonths
	}
	for _, k := range Kinds() {
		out.ArchiveMonths[k] = st.ArchiveMonths[k]
	}
	return out
}

// Settings returns the actor's organisation's rules, defaults filled in.
func (s *Service) Settings(ctx context.Context, actor parcours.Actor) (out Settings, err error) {
	defer wrap(&err, "Settings")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, actor); err != nil {
			return err
		}
		st, err := tx.RetentionSettings(ctx, actor.OrgID)
		if err != nil {
			return err
		}
		out = withDefaults(st)
		return nil
	})
	return out, err
}

// SaveSettings replaces the actor's organisation's rules: 1 to 600 months
// active, 0 to 600 months of archive per known kind.
func (s *Service) SaveSettings(ctx context.Context, actor parcours.Actor, in Settings) (out Settings, err error) {
	defer wrap(&err, "SaveSettings")
	var v parcours.Problems
	if in.ActiveMonths < 1 || in.ActiveMonths > 600 {
		v.Add("active_months", "error.retention.months")
	}
	kinds := Kinds()
	for k, m := range in.ArchiveMonths {
		if !slices.Contains(kinds, k) {
			v.Add("archive_months", "error.retention.kind")
			continue
		}
		if m < 0 || m > 600 {
			v.Add("archive_months."+k, "error.retention.months")
		}
	}
	if err := v.Err(); err != nil {
		return out, err
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, actor); err != nil {
			return err
		}
		st := &store.RetentionSettings{OrgID: actor.OrgID, ActiveMonths: in.ActiveMonths, ArchiveMonths: map[string]int{}}
		for k, m := range in.ArchiveMonths {
			if m > 0 {
				st.ArchiveMonths[k] = m
			}
		}
		if err := tx.SaveRetentionSettings(ctx, st, actor.WorkerID); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "retention.settings.update", "organization", actor.OrgID, ""))
		out = withDefaults(st)
		return nil
	})
	return out, err
}

// due sorts the facts of an organisation into the files due for archive
// and those due for anonymisation on day.
func due(st Settings, facts []*store.RetentionFact, day time.Time) (archive, anonymise []*store.RetentionFact) {
	for _, f := range facts {
		if f.Open {
			continue
		}
		last, err := time.Parse(time.DateOnly, f.LastContact)
		if err != nil {
			continue // no date at all: never purge blind
		}
		activeUntil := last.AddDate(0, st.ActiveMonths, 0)
		if day.Before(activeUntil) {
			continue
		}
		months := 0
		for k := range f.Kinds {
			months = max(months, st.ArchiveMonths[k])
		}
		if day.Before(activeUntil.AddDate(0, months, 0)) {
			if !f.Archived {
				archive = append(archive, f)
			}
			continue
		}
		anonymise = append(anonymise, f)
	}
	return archive, anonymise
}

// PlanOrg prepares (dry run) and stores the plan of one organisation:
// the files due for archive and for anonymisation today, each batch
// pending a manager's decision. It changes no file. The returned plan
// has its batches' counts, not their items (read them by batch).
//
// A plan walks every file of the organisation: it reads them page by
// page (s.page files, keyset on the person id) in read transactions and
// writes each page's due files in a short write transaction of its own,
// so that a département's database is never locked for writing longer
// than a page and the memory used is that of a page. The plan stays
// hidden and undecidable (being prepared) until its last transaction
// opens it.
func (s *Service) PlanOrg(ctx context.Context, actor parcours.Actor, orgID string) (p *store.RetentionPlan, err error) {
	defer wrap(&err, "PlanOrg")
	if !actor.System {
		orgID = actor.OrgID
	}
	day := s.now().In(parcours.France)
	dayUTC := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	var (
		rules  Settings
		merged store.RetentionMerged
	)
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, actor); err != nil {
			return err
		}
		st, err := tx.RetentionSettings(ctx, orgID)
		if err != nil {
			return err
		}
		rules = withDefaults(st)
		if merged, err = tx.RetentionMerged(ctx, orgID); err != nil {
			return err
		}
		p = &store.RetentionPlan{OrgID: orgID, Day: dayUTC.Format(time.DateOnly), PreparedBy: actor.WorkerID,
			Batches: []*store.RetentionBatch{{Action: ActionArchive}, {Action: ActionAnonymise}}}
		return tx.BeginRetentionPlan(ctx, p)
	})
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil { // what was written goes now rather than in an hour
			dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			defer cancel()
			_ = s.db.Transact(dctx, func(tx *store.Tx) error { return tx.DropRetentionPlan(dctx, p.ID) })
		}
	}()
	archiveBatch, anonymiseBatch := p.Batches[0], p.Batches[1]
	after := ""
	for {
		var facts []*store.RetentionFact
		if err := s.db.View(ctx, func(tx *store.Tx) error {
			var err error
			facts, err = tx.RetentionFactsPage(ctx, orgID, after, s.page, merged)
			return err
		}); err != nil {
			return nil, err
		}
		if len(facts) == 0 {
			break
		}
		after = facts[len(facts)-1].PersonID
		archive, anonymise := due(rules, facts, dayUTC)
		if len(archive)+len(anonymise) > 0 {
			if err := s.db.Transact(ctx, func(tx *store.Tx) error {
				if err := tx.AddRetentionItems(ctx, archiveBatch, items(archive)); err != nil {
					return err
				}
				return tx.AddRetentionItems(ctx, anonymiseBatch, items(anonymise))
			}); err != nil {
				return nil, err
			}
			archiveBatch.Files += len(archive)
			anonymiseBatch.Files += len(anonymise)
		}
		if len(facts) < s.page {
			break
		}
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.OpenRetentionPlan(ctx, p); err != nil {
			return err
		}
		a := actor
		a.OrgID = orgID
		tx.Audit(audit.For(a, "retention.plan", "retention_plan", p.ID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

func items(files []*store.RetentionFact) []store.RetentionItem {
	out := make([]store.RetentionItem, len(files))
	for i, f := range files {
		out[i] = store.RetentionItem{PersonID: f.PersonID, LastContact: f.LastContact}
	}
	return out
}

// PlanAll prepares the plan of every organisation (the daily job and
// "parcours retention plan"): the operator's only.
func (s *Service) PlanAll(ctx context.Context, actor parcours.Actor) (plans []*store.RetentionPlan, err error) {
	defer wrap(&err, "PlanAll")
	if !actor.System {
		return nil, parcours.Forbidden()
	}
	var orgs []*parcours.Organization
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		orgs, err = tx.Organizations(ctx)
		return err
	}); err != nil {
		return nil, err
	}
	for _, o := range orgs {
		p, err := s.PlanOrg(ctx, actor, o.ID)
		if err != nil {
			return plans, err
		}
		plans = append(plans, p)
	}
	return plans, nil
}

// Plans returns the actor's organisation's latest plans with their
// batches (counts, decisions), newest first.
func (s *Service) Plans(ctx context.Context, actor parcours.Actor, limit int) (out []*store.RetentionPlan, err error) {
	defer wrap(&err, "Plans")
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if err := s.check(ctx, tx, actor); err != nil {
			return err
		}
		out, err = tx.RetentionPlans(ctx, actor.OrgID, limit)
		return err
	})
	return out, err
}

// BatchView is a batch with its files as its reviewer sees them.
type BatchView struct {
	*store.RetentionBatch
	PlanStatus string
	Files      []store.RetentionFile
}

// Batch returns a batch of the actor's organisation with the files it
// names. Reading the names is audited (retention.batch.read).
func (s *Service) Batch(ctx context.Context, actor parcours.Actor, id string) (out *BatchView, err error) {
	defer wrap(&err, "Batch")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		b, err := s.batch(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		out = &BatchView{RetentionBatch: b}
		if out.PlanStatus, err = tx.RetentionPlanStatus(ctx, b.PlanID); err != nil {
			return err
		}
		if out.Files, err = tx.RetentionBatchFiles(ctx, id); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "retention.batch.read", "retention_batch", id, ""))
		return nil
	})
	return out, err
}

// batch returns a batch of the actor's organisation, for one who may
// review plans; another organisation's, or none, is NotFound.
func (s *Service) batch(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*store.RetentionBatch, error) {
	if err := s.check(ctx, tx, actor); err != nil {
		return nil, err
	}
	b, err := tx.RetentionBatch(ctx, id)
	if errors.Is(err, store.ErrNoRows) || (err == nil && b.OrgID != actor.OrgID) {
		return nil, parcours.NotFound()
	}
	return b, err
}

// Decisions a manager takes on a batch.
const (
	Approve  = "approve"
	Postpone = "postpone"
)

// Decide approves or postpones a batch of an open plan, with a reason
// (3 to 500 characters). A batch applied, or of a plan superseded, is a
// conflict.
func (s *Service) Decide(ctx context.Context, actor parcours.Actor, id, decision, reason string) (out *store.RetentionBatch, err error) {
	defer wrap(&err, "Decide")
	reason = strings.TrimSpace(reason)
	var v parcours.Problems
	status := map[string]string{Approve: "approved", Postpone: "postponed"}[decision]
	if status == "" {
		v.Add("decision", "error.retention.decision")
	}
	if n := utf8.RuneCountInString(reason); n < 3 || n > 500 {
		v.Add("reason", "error.retention.reason")
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if _, err := s.batch(ctx, tx, actor, id); err != nil {
			return err
		}
		if err := v.Err(); err != nil {
			return err
		}
		ok, err := tx.DecideRetentionBatch(ctx, id, status, reason, actor.WorkerID)
		if err != nil {
			return err
		}
		if !ok {
			return parcours.Errorf(parcours.EConflict, "error.retention.not_pending")
		}
		tx.Audit(audit.For(actor, "retention.batch."+decision, "retention_batch", id, ""))
		out, err = tx.RetentionBatch(ctx, id)
		out.Items = nil
		return err
	})
	return out, err
}

// Result is what Apply did.
type Result struct {
	Batches    int // approved batches applied
	Archived   int // files archived
	Anonymised int // files anonymised
	Skipped    int // files of a batch no longer due (a contact since the plan)
	Removed    int // document contents removed from the data dir
}

// Apply executes the approved batches of open plans (of every
// organisation): the operator's only. Each file is checked again (a
// contact since the plan keeps it); the anonymisation runs in
// transactions of a few files, each file's documents' contents are
// removed after the commit when no row names them any more, and
// leftovers of an interrupted run are swept first. A batch is applied
// once: applying again finds nothing to do.
func (s *Service) Apply(ctx context.Context, actor parcours.Actor) (res Result, err error) {
	defer wrap(&err, "Apply")
	if !actor.System {
		return res, parcours.Forbidden()
	}
	if n, err := s.Sweep(ctx, time.Hour); err != nil {
		return res, err
	} else {
		res.Removed += n
	}
	var batches []*store.RetentionBatch
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		batches, err = tx.ApprovedRetentionBatches(ctx, "")
		return err
	}); err != nil {
		return res, err
	}
	for _, b := range batches {
		if err := s.applyBatch(ctx, actor, b, &res); err != nil {
			return res, err
		}
		res.Batches++
	}
	return res, nil
}

func (s *Service) applyBatch(ctx context.Context, actor parcours.Actor, b *store.RetentionBatch, res *Result) error {
	actor.OrgID = b.OrgID
	day := s.now().In(parcours.France)
	dayUTC := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, time.UTC)
	var (
		batch  *store.RetentionBatch
		rules  Settings
		merged store.RetentionMerged
	)
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		if batch, err = tx.RetentionBatch(ctx, b.ID); err != nil {
			return err
		}
		st, err := tx.RetentionSettings(ctx, b.OrgID)
		if err != nil {
			return err
		}
		rules = withDefaults(st)
		merged, err = tx.RetentionMerged(ctx, b.OrgID)
		return err
	})
	if err != nil {
		return err
	}
	applied := 0
	for i := 0; i < len(batch.Items); i += s.chunk {
		// Each chunk's files are checked again, just before: only those
		// still due are changed (a file contacted since is skipped).
		ids := make([]string, 0, s.chunk)
		for _, it := range batch.Items[i:min(i+s.chunk, len(batch.Items))] {
			ids = append(ids, it.PersonID)
		}
		var part []*store.RetentionFact
		if err := s.db.View(ctx, func(tx *store.Tx) error {
			facts, err := tx.RetentionFactsOf(ctx, b.OrgID, ids, merged)
			if err != nil {
				return err
			}
			archive, anonymise := due(rules, facts, dayUTC)
			part = anonymise
			if b.Action == ActionArchive {
				part = append(part, archive...)
			}
			return nil
		}); err != nil {
			return err
		}
		res.Skipped += len(ids) - len(part)
		if len(part) == 0 {
			continue
		}
		var shas []string
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			shas = nil
			var ids []string
			for _, f := range part {
				ids = append(ids, f.Group...)
			}
			if b.Action == ActionArchive {
				if err := tx.ArchivePersons(ctx, ids); err != nil {
					return err
				}
			} else {
				var err error
				if shas, err = tx.AnonymisePersons(ctx, ids); err != nil {
					return err
				}
			}
			for _, f := range part {
				tx.Audit(audit.For(actor, "retention."+b.Action, "person", f.PersonID, f.PersonID))
			}
			s.hook("in-transaction")
			return nil
		})
		if err != nil {
			return err
		}
		applied += len(part)
		s.hook("committed")
		n, err := s.removeUnused(ctx, shas)
		if err != nil {
			return err
		}
		res.Removed += n
	}
	if b.Action == ActionArchive {
		res.Archived += applied
	} else {
		res.Anonymised += applied
	}
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.FinishRetentionBatch(ctx, b, applied); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "retention.batch.apply", "retention_batch", b.ID, ""))
		return nil
	})
}

func (s *Service) documentsDir() string { return filepath.Join(s.dataDir, "documents") }

func (s *Service) contentPath(sha string) string {
	return filepath.Join(s.documentsDir(), sha[:2], sha)
}

// removeUnused removes the contents no document row names any more.
func (s *Service) removeUnused(ctx context.Context, shas []string) (int, error) {
	if len(shas) == 0 {
		return 0, nil
	}
	var used map[string]bool
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		used, err = tx.DocumentContentsUsed(ctx, shas)
		return err
	}); err != nil {
		return 0, err
	}
	n := 0
	for _, sha := range shas {
		if used[sha] || len(sha) < 3 {
			continue
		}
		if err := os.Remove(s.contentPath(sha)); err == nil {
			n++
		} else if !errors.Is(err, fs.ErrNotExist) {
			return n, err
		}
	}
	return n, nil
}

// Sweep removes the document contents of the data dir that no row names
// and that are older than grace (an upload writes its content just before
// its row): what an interrupted anonymisation or upload left behind.
func (s *Service) Sweep(ctx context.Context, grace time.Duration) (int, error) {
	var candidates []string
	cutoff := s.now().Add(-grace)
	err := filepath.WalkDir(s.documentsDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return filepath.SkipDir
			}
			return err
		}
		if d.IsDir() || len(d.Name()) != 64 || filepath.Base(filepath.Dir(path)) != d.Name()[:2] {
			return nil
		}
		info, err := d.Info()
		if err != nil || info.ModTime().After(cutoff) {
			return nil
		}
		candidates = append(candidates, d.Name())
		return nil
	})
	if err != nil {
		return 0, err
	}
	total := 0
	for i := 0; i < len(candidates); i += 500 {
		n, err := s.removeUnused(ctx, candidates[i:min(i+500, len(candidates))])
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func wrap(err *error, op string) {
	if *err != nil && parcours.AsError(*err) == nil {
		*err = fmt.Errorf("retention: %s: %w", op, *err)
	}
}
