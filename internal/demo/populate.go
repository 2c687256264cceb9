package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// Options of a synthetic population.
type Options struct {
	Persons int    // exactly this many persons are written
	Seed    uint64 // same seed, same population
	// Today anchors ages and dates; Reference when zero.
	Today time.Time
	// AuditEach writes one audit event per person and household (the
	// demo, whose access log people look at); otherwise one event per
	// batch records what the seed wrote.
	AuditEach bool
	// Progress, when set, receives a line per batch.
	Progress io.Writer
	// Journals adds accompaniments, goals and journals (about ten
	// entries per person) to the households.
	Journals bool
	// BatchPersons is the number of persons per transaction (5000 when
	// zero), or per batch written when Bulk.
	BatchPersons int
	// Bulk writes everything in one transaction with the tables'
	// secondary indexes set aside and rebuilt once at the end
	// (store.BulkLoad): many times faster for a large load, but the
	// tables are locked until it ends and the rebuild costs as much for a
	// few persons added to many. The planner statistics are left to the
	// caller, which vacuums after a bulk load (store.DB.Vacuum).
	Bulk bool
}

// Stats counts what Populate wrote.
type Stats struct {
	Households, Persons, Situations, Accompaniments, Entries int
	Elapsed                                                  time.Duration
	// Sample holds the first accompaniments of each referent, for
	// the demo's tasks.
	Sample []parcours.Accompaniment
	// Accompanied holds the first accompaniment of each accompanied
	// person, in order of writing, up to maxAccompanied: the demo's
	// documents go to some of them.
	Accompanied []parcours.Accompaniment
}

// maxAccompanied bounds Stats.Accompanied, so that a large seed does not
// keep every accompaniment in memory for nothing.
const maxAccompanied = 5000

// Populate writes opts.Persons persons in households, spread over the
// organisations of the setting by their share.
func Populate(ctx context.Context, db *store.DB, s *Setting, opts Options) (*Stats, error) {
	if opts.Today.IsZero() {
		opts.Today = Reference
	}
	if opts.BatchPersons <= 0 {
		opts.BatchPersons = 5000
	}
	start := time.Now()
	if !opts.Bulk {
		st, err := populate(ctx, s, opts, start, func(fn func(*store.Tx) error) error { return db.TransactBulk(ctx, fn) })
		if err != nil {
			return st, err
		}
		// Without fresh statistics the planners guess, and after a bulk load
		// PostgreSQL guessed a sequential scan of the whole journal for each
		// file opened (200 ms instead of 5 ms per request at 100,000 persons).
		if err := db.Analyze(ctx); err != nil {
			return st, err
		}
		st.Elapsed = time.Since(start)
		return st, nil
	}
	var st *Stats
	err := db.BulkLoad(ctx, store.SeedTables, func(tx *store.Tx) error {
		// From the start again should the transaction be retried.
		var err error
		st, err = populate(ctx, s, opts, start, func(fn func(*store.Tx) error) error { return fn(tx) })
		return err
	})
	if err != nil {
		return st, err
	}
	st.Elapsed = time.Since(start)
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "seed: index rebuilt, committed (%.1f s)\n", st.Elapsed.Seconds())
	}
	return st, nil
}

// populate generates the population and writes it batch by batch through
// write. The generation runs on a goroutine of its own, one batch ahead
// of the writes: on SQLite the writes are this process's work too, and
// the two then share the machine's cores instead of taking turns. Its
// draws stay in one sequence, so a seed gives the same population.
func populate(ctx context.Context, s *Setting, opts Options, start time.Time, write func(func(*store.Tx) error) error) (*Stats, error) {
	st := &Stats{}
	batches := make(chan []store.SeedHousehold, 1)
	stop := make(chan struct{})
	defer close(stop) // a failed write ends the generation
	go generate(s, opts, batches, stop)
	perReferent := map[string]int{}
	for batch := range batches {
		err := write(func(tx *store.Tx) error {
			if err := tx.InsertSeed(ctx, batch); err != nil {
				return err
			}
			auditBatch(tx, batch, opts)
			return nil
		})
		if err != nil {
			return st, err
		}
		for _, h := range batch {
			st.Households++
			st.Persons += len(h.Members)
			st.Situations += len(h.Situations)
			for _, m := range h.Members {
				st.Accompaniments += len(m.Accompaniments)
				// Only open accompaniments are handed on (documents, tasks,
				// the bench's files): an ended one gives its referent no
				// access any more, and a fresh document would be a contact.
				if len(m.Accompaniments) > 0 && m.Accompaniments[0].Accompaniment.EndDate == "" && len(st.Accompanied) < maxAccompanied {
					st.Accompanied = append(st.Accompanied, m.Accompaniments[0].Accompaniment)
				}
				for _, a := range m.Accompaniments {
					st.Entries += len(a.Entries)
					if a.Accompaniment.EndDate == "" && perReferent[a.Accompaniment.ReferentID] < 8 {
						perReferent[a.Accompaniment.ReferentID]++
						st.Sample = append(st.Sample, a.Accompaniment)
					}
				}
			}
		}
		if opts.Progress != nil {
			el := time.Since(start)
			fmt.Fprintf(opts.Progress, "seed: %d/%d personnes, %d foyers, %d entrées de journal (%.1f s, %.0f personnes/s)\n",
				st.Persons, opts.Persons, st.Households, st.Entries, el.Seconds(), float64(st.Persons)/el.Seconds())
		}
	}
	return st, nil
}

// generate sends the households of opts to out in batches of about
// opts.BatchPersons persons, then closes it; it gives up when stop is
// closed.
func generate(s *Setting, opts Options, out chan<- []store.SeedHousehold, stop <-chan struct{}) {
	defer close(out)
	g := NewPopulation(opts.Seed, opts.Today)
	// Organisations take households in turn, by share: a fixed
	// pattern, so the assignment depends on the seed only.
	var turn []int
	for i, spec := range s.Specs {
		for range spec.Share / 10 {
			turn = append(turn, i)
		}
	}
	var batch []store.SeedHousehold
	inBatch := 0
	send := func() bool {
		select {
		case out <- batch:
			batch, inBatch = nil, 0
			return true
		case <-stop:
			return false
		}
	}
	for n, i := 0, 0; n < opts.Persons; i++ {
		h := g.Household()
		if left := opts.Persons - n; len(h.Members) > left {
			h.Members = h.Members[:left] // the reference person comes first
		}
		orgIdx := turn[i%len(turn)]
		org := s.Orgs[orgIdx]
		h.Household.OrgID = org.ID
		recorder := s.caseWorker(orgIdx, i)
		for j := range h.Situations {
			h.Situations[j].RecordedBy = recorder.ID
		}
		if opts.Journals {
			g.caseFile(&h, org.ID, recorder)
		}
		for j := range h.Members {
			h.Members[j].Terms = searchTerms(&h.Members[j].Person)
		}
		batch = append(batch, h)
		n += len(h.Members)
		inBatch += len(h.Members)
		if inBatch >= opts.BatchPersons && !send() {
			return
		}
	}
	if len(batch) > 0 {
		send()
	}
}

// caseWorker returns a worker of org who may write to files, chosen by n.
func (s *Setting) caseWorker(org, n int) *parcours.Worker {
	var ws []*parcours.Worker
	for _, w := range s.Workers[org] {
		if w.Role == parcours.RoleWorker || w.Role == parcours.RoleManager {
			ws = append(ws, w)
		}
	}
	return ws[n%len(ws)]
}

// searchTerms are the search index entries of p, by the rules of package
// search (personTerms there): the tokens of the birth name, usage name and
// first names with their phonetic keys. The search tests over seeded data
// keep the two in step.
func searchTerms(p *parcours.Person) []store.PersonTerm {
	var out []store.PersonTerm
	for _, f := range []struct{ field, name string }{{"b", p.BirthName}, {"u", p.UsageName}, {"f", p.FirstNames}} {
		for _, t := range namekey.Tokens(f.name) {
			out = append(out, store.PersonTerm{Field: f.field, Term: t, Phon: namekey.Phonetic(t)})
		}
	}
	return out
}

func auditBatch(tx *store.Tx, batch []store.SeedHousehold, opts Options) {
	sys := parcours.SystemActor()
	if !opts.AuditEach {
		persons := 0
		for _, h := range batch {
			persons += len(h.Members)
		}
		ev := audit.For(sys, "seed.batch", "household", batch[0].Household.ID, "")
		ev.Reason = fmt.Sprintf("données synthétiques : %d foyers, %d personnes (graine %d)", len(batch), persons, opts.Seed)
		tx.Audit(ev)
		return
	}
	for _, h := range batch {
		sys.OrgID = h.Household.OrgID
		tx.Audit(audit.For(sys, "household.create", "household", h.Household.ID, ""))
		for _, m := range h.Members {
			tx.Audit(audit.For(sys, "person.create", "person", m.Person.ID, m.Person.ID))
			for _, a := range m.Accompaniments {
				tx.Audit(audit.For(sys, "accompaniment.create", "accompaniment", a.Accompaniment.ID, m.Person.ID))
				for _, e := range a.Entries {
					tx.Audit(audit.For(sys, "journal.create", "journal_entry", e.ID, m.Person.ID))
				}
			}
		}
		for _, s := range h.Situations {
			tx.Audit(audit.For(sys, "situation.create", "situation", s.ID, ""))
		}
	}
}

var taskTitles = []string{"Relancer la CAF pour le dossier RSA", "Envoyer la demande de FSL", "Préparer la commission logement",
	"Vérifier le renouvellement de la CSS", "Rappeler le bailleur (plan d'apurement)", "Compléter le dossier MDPH",
	"Faire le point avant la fin de la mesure", "Transmettre l'attestation de domiciliation"}

// AddTasks gives each sampled accompaniment a task for its referent, due
// around today — some late, most this week or next — so that a worker's
// day is not empty in the demo.
func AddTasks(ctx context.Context, db *store.DB, sample []parcours.Accompaniment, today time.Time) (int, error) {
	sys := parcours.SystemActor()
	var tasks []*parcours.Task
	for i, a := range sample {
		due := today.AddDate(0, 0, i%12-3)
		tasks = append(tasks, &parcours.Task{OrgID: a.OrgID, PersonID: a.PersonID, AccompanimentID: a.ID,
			Title: taskTitles[i%len(taskTitles)], DueDate: due.Format(time.DateOnly), AssigneeID: a.ReferentID,
			Status: "open", CreatedBy: a.ReferentID})
	}
	err := db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertTasks(ctx, tasks...); err != nil {
			return err
		}
		for _, t := range tasks {
			sys.OrgID = t.OrgID
			tx.Audit(audit.For(sys, "task.create", "task", t.ID, t.PersonID))
		}
		return nil
	})
	return len(tasks), err
}
