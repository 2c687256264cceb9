package store

import (
	"context"
	"time"

	"parcours/internal/parcours"
)

// Accompaniments, their kinds, goals, referents and handovers; the last
// visit of a worker to a file. The journal, tasks and documents have files
// of their own.

// AccompanimentKinds returns the catalogue of an organisation, or nil when
// it has never been written (the caller then uses the defaults).
func (tx *Tx) AccompanimentKinds(ctx context.Context, orgID string) ([]parcours.AccompanimentKind, error) {
	rows, err := tx.query(ctx, "SELECT code, label, active FROM accompaniment_kinds WHERE org_id = ? ORDER BY created_at, code", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parcours.AccompanimentKind
	for rows.Next() {
		var k parcours.AccompanimentKind
		if err := rows.Scan(&k.Code, &k.Label, &k.Active); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// PutAccompanimentKind inserts or replaces one kind of an organisation's
// catalogue.
func (tx *Tx) PutAccompanimentKind(ctx context.Context, orgID string, k parcours.AccompanimentKind) error {
	_, err := tx.exec(ctx, `INSERT INTO accompaniment_kinds (org_id, code, label, active, created_at) VALUES (?,?,?,?,?)
		ON CONFLICT (org_id, code) DO UPDATE SET label = excluded.label, active = excluded.active`,
		orgID, k.Code, k.Label, k.Active, ts(tx.now))
	return err
}

// InsertAccompaniment stores a new accompaniment, its first referent
// period and its goals. ID and CreatedAt are set when empty.
func (tx *Tx) InsertAccompaniment(ctx context.Context, a *parcours.Accompaniment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	if a.CreatedAt.IsZero() {
		a.CreatedAt = tx.now
	}
	if _, err := tx.exec(ctx, `INSERT INTO accompaniments (id, org_id, person_id, household_id, team_id, referent_id, kind, start_date, end_date, end_reason, end_proof_document_id, created_by, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`, a.ID, a.OrgID, a.PersonID, a.HouseholdID, a.TeamID, a.ReferentID, a.Kind, a.StartDate, a.EndDate, a.EndReason,
		a.EndProofDocumentID, a.CreatedBy, ts(a.CreatedAt)); err != nil {
		return err
	}
	p := parcours.ReferentPeriod{WorkerID: a.ReferentID, TeamID: a.TeamID, From: a.CreatedAt}
	if _, err := tx.exec(ctx, "INSERT INTO accompaniment_referents (accompaniment_id, worker_id, team_id, from_at, until_at) VALUES (?,?,?,?,0)",
		a.ID, p.WorkerID, p.TeamID, ts(p.From)); err != nil {
		return err
	}
	a.Referents = []parcours.ReferentPeriod{p}
	for i := range a.Goals {
		a.Goals[i].AccompanimentID = a.ID
		if err := tx.InsertGoal(ctx, &a.Goals[i]); err != nil {
			return err
		}
	}
	return nil
}

const accompanimentColumns = "id, org_id, person_id, household_id, team_id, referent_id, kind, start_date, end_date, end_reason, end_proof_document_id, created_by, created_at"

func scanAccompaniment(row interface{ Scan(...any) error }) (*parcours.Accompaniment, error) {
	var a parcours.Accompaniment
	var created int64
	if err := row.Scan(&a.ID, &a.OrgID, &a.PersonID, &a.HouseholdID, &a.TeamID, &a.ReferentID, &a.Kind, &a.StartDate, &a.EndDate, &a.EndReason,
		&a.EndProofDocumentID, &a.CreatedBy, &created); err != nil {
		return nil, err
	}
	a.CreatedAt = fromTS(created)
	a.Goals = []parcours.Goal{}
	a.Referents = []parcours.ReferentPeriod{}
	return &a, nil
}

// Accompaniment returns one accompaniment with its goals and referents.
func (tx *Tx) Accompaniment(ctx context.Context, id string) (*parcours.Accompaniment, error) {
	a, err := scanAccompaniment(tx.queryRow(ctx, "SELECT "+accompanimentColumns+" FROM accompaniments WHERE id = ?", id))
	if err != nil {
		return nil, err
	}
	return a, tx.loadAccompaniments(ctx, []*parcours.Accompaniment{a}, "accompaniment_id = ?", id)
}

// personIn is the condition "col IN (?,…)" over personIDs, with its
// arguments. A person's file is read over the person and every person
// merged into it (MergedIDs), in one query per list, never one per person.
func personIn(col string, personIDs []string) (string, []any) {
	if len(personIDs) == 0 {
		return "1 = 0", nil
	}
	args := make([]any, len(personIDs))
	for i, id := range personIDs {
		args[i] = id
	}
	return col + " IN (" + placeholders(len(personIDs)) + ")", args
}

// coveringAccompaniments returns the condition selecting the
// accompaniments that make up the file of personIDs: their own, and those
// covering the household any of them belongs to now. The households are
// looked up first so that both halves of the condition are plain lists
// each index can serve (PostgreSQL cannot use an index for an IN
// sub-select under OR, and scanned every accompaniment).
func (tx *Tx) coveringAccompaniments(ctx context.Context, personIDs []string) (string, []any, error) {
	in, args := personIn("person_id", personIDs)
	pin, pargs := personIn("id", personIDs)
	households, err := tx.stringList(ctx, "SELECT DISTINCT household_id FROM persons WHERE "+pin+" AND household_id IS NOT NULL", pargs...)
	if err != nil || len(households) == 0 {
		return in, args, err
	}
	hin, hargs := personIn("household_id", households)
	// household_id <> '' repeats the predicate of the partial index so
	// the planner may use it.
	return "(" + in + " OR (household_id <> '' AND " + hin + "))", append(args, hargs...), nil
}

// PersonNames maps persons to their display names, in one query: the
// persons a merged file points to.
func (tx *Tx) PersonNames(ctx context.Context, personIDs []string) (map[string]string, error) {
	in, args := personIn("id", personIDs)
	rows, err := tx.query(ctx, "SELECT id, birth_name, usage_name, first_names FROM persons WHERE "+in, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var p parcours.Person
		if err := rows.Scan(&p.ID, &p.BirthName, &p.UsageName, &p.FirstNames); err != nil {
			return nil, err
		}
		out[p.ID] = p.DisplayName()
	}
	return out, rows.Err()
}

// PersonAccompaniments returns every accompaniment of the persons of a
// file (a person and those merged into it), active ones first, then by
// start date, newest first; with goals and referents loaded in one query
// each.
func (tx *Tx) PersonAccompaniments(ctx context.Context, personIDs []string) ([]*parcours.Accompaniment, error) {
	in, args, err := tx.coveringAccompaniments(ctx, personIDs)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT "+accompanimentColumns+" FROM accompaniments WHERE "+in+" ORDER BY (end_date = '') DESC, start_date DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	var out []*parcours.Accompaniment
	for rows.Next() {
		a, err := scanAccompaniment(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, tx.loadAccompaniments(ctx, out, "accompaniment_id IN (SELECT id FROM accompaniments WHERE "+in+")", args...)
}

// loadAccompaniments fills goals and referents of as; where selects the
// rows by accompaniment_id with args.
func (tx *Tx) loadAccompaniments(ctx context.Context, as []*parcours.Accompaniment, where string, args ...any) error {
	byID := make(map[string]*parcours.Accompaniment, len(as))
	for _, a := range as {
		byID[a.ID] = a
	}
	rows, err := tx.query(ctx, "SELECT "+goalColumns+" FROM goals WHERE "+where+" ORDER BY created_at, id", args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		g, err := scanGoal(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if a := byID[g.AccompanimentID]; a != nil {
			a.Goals = append(a.Goals, *g)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	rows, err = tx.query(ctx, "SELECT accompaniment_id, worker_id, team_id, from_at, until_at FROM accompaniment_referents WHERE "+where+" ORDER BY from_at, worker_id", args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var p parcours.ReferentPeriod
		var from, until int64
		if err := rows.Scan(&id, &p.WorkerID, &p.TeamID, &from, &until); err != nil {
			return err
		}
		p.From, p.Until = fromTS(from), fromTS(until)
		if a := byID[id]; a != nil {
			a.Referents = append(a.Referents, p)
		}
	}
	return rows.Err()
}

// ActiveAccompanimentsOf returns the active accompaniments of the persons
// of a file without goals or referent history: the facts access decisions
// need.
func (tx *Tx) ActiveAccompanimentsOf(ctx context.Context, personIDs []string) ([]*parcours.Accompaniment, error) {
	in, args, err := tx.coveringAccompaniments(ctx, personIDs)
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT "+accompanimentColumns+" FROM accompaniments WHERE "+in+" AND end_date = '' ORDER BY start_date, id", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Accompaniment
	for rows.Next() {
		a, err := scanAccompaniment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// EndAccompaniment records the end of an accompaniment and closes its
// current referent period. It returns false when it had already ended.
func (tx *Tx) EndAccompaniment(ctx context.Context, id, endDate, reason, proofDocumentID string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE accompaniments SET end_date = ?, end_reason = ?, end_proof_document_id = ? WHERE id = ? AND end_date = ''",
		endDate, reason, proofDocumentID, id)
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return false, err
	}
	_, err = tx.exec(ctx, "UPDATE accompaniment_referents SET until_at = ? WHERE accompaniment_id = ? AND until_at = 0", ts(tx.now), id)
	return true, err
}

// ChangeReferent hands an accompaniment over to a new referent and team:
// the current referent period is closed and a new one opened, so the
// successive referents are kept.
func (tx *Tx) ChangeReferent(ctx context.Context, id, workerID, teamID string) error {
	if _, err := tx.exec(ctx, "UPDATE accompaniments SET referent_id = ?, team_id = ? WHERE id = ?", workerID, teamID, id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "UPDATE accompaniment_referents SET until_at = ? WHERE accompaniment_id = ? AND until_at = 0", ts(tx.now), id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "INSERT INTO accompaniment_referents (accompaniment_id, worker_id, team_id, from_at, until_at) VALUES (?,?,?,?,0)",
		id, workerID, teamID, ts(tx.now))
	return err
}

const goalColumns = "id, accompaniment_id, title, status, start_date, target_date, closed_date, created_at"

func scanGoal(row interface{ Scan(...any) error }) (*parcours.Goal, error) {
	var g parcours.Goal
	var created int64
	if err := row.Scan(&g.ID, &g.AccompanimentID, &g.Title, &g.Status, &g.StartDate, &g.TargetDate, &g.ClosedDate, &created); err != nil {
		return nil, err
	}
	g.CreatedAt = fromTS(created)
	return &g, nil
}

// InsertGoal stores a goal of an accompaniment.
func (tx *Tx) InsertGoal(ctx context.Context, g *parcours.Goal) error {
	if g.ID == "" {
		g.ID = NewID()
	}
	if g.CreatedAt.IsZero() {
		g.CreatedAt = tx.now
	}
	_, err := tx.exec(ctx, "INSERT INTO goals ("+goalColumns+") VALUES (?,?,?,?,?,?,?,?)",
		g.ID, g.AccompanimentID, g.Title, g.Status, g.StartDate, g.TargetDate, g.ClosedDate, ts(g.CreatedAt))
	return err
}

// Goal returns one goal.
func (tx *Tx) Goal(ctx context.Context, id string) (*parcours.Goal, error) {
	return scanGoal(tx.queryRow(ctx, "SELECT "+goalColumns+" FROM goals WHERE id = ?", id))
}

// UpdateGoal saves the status, title and dates of a goal.
func (tx *Tx) UpdateGoal(ctx context.Context, g *parcours.Goal) error {
	_, err := tx.exec(ctx, "UPDATE goals SET title = ?, status = ?, target_date = ?, closed_date = ? WHERE id = ?",
		g.Title, g.Status, g.TargetDate, g.ClosedDate, g.ID)
	return err
}

// InsertHandover stores a handover.
func (tx *Tx) InsertHandover(ctx context.Context, h *parcours.Handover) error {
	if h.ID == "" {
		h.ID = NewID()
	}
	h.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO handovers ("+handoverColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,0)",
		h.ID, h.OrgID, h.PersonID, h.AccompanimentID, h.FromReferentID, h.ToReferentID, h.FromTeamID, h.ToTeamID,
		h.Synthesis, h.Note, h.CreatedBy, ts(h.CreatedAt))
	return err
}

const handoverColumns = "id, org_id, person_id, accompaniment_id, from_referent_id, to_referent_id, from_team_id, to_team_id, synthesis, note, created_by, created_at, acknowledged_at"

func scanHandover(row interface{ Scan(...any) error }) (*parcours.Handover, error) {
	var h parcours.Handover
	var created, acked int64
	if err := row.Scan(&h.ID, &h.OrgID, &h.PersonID, &h.AccompanimentID, &h.FromReferentID, &h.ToReferentID, &h.FromTeamID, &h.ToTeamID,
		&h.Synthesis, &h.Note, &h.CreatedBy, &created, &acked); err != nil {
		return nil, err
	}
	h.CreatedAt, h.AcknowledgedAt = fromTS(created), fromTS(acked)
	return &h, nil
}

// Handover returns one handover.
func (tx *Tx) Handover(ctx context.Context, id string) (*parcours.Handover, error) {
	return scanHandover(tx.queryRow(ctx, "SELECT "+handoverColumns+" FROM handovers WHERE id = ?", id))
}

// PersonHandovers returns the handovers of the accompaniments of the
// persons of a file, newest first.
func (tx *Tx) PersonHandovers(ctx context.Context, personIDs []string) ([]*parcours.Handover, error) {
	in, args := personIn("person_id", personIDs)
	rows, err := tx.query(ctx, "SELECT "+handoverColumns+" FROM handovers WHERE "+in+" ORDER BY created_at DESC, id DESC", args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Handover
	for rows.Next() {
		h, err := scanHandover(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// AcknowledgeHandover marks a handover as read by the new referent; false
// when it already was.
func (tx *Tx) AcknowledgeHandover(ctx context.Context, id string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE handovers SET acknowledged_at = ? WHERE id = ? AND acknowledged_at = 0", ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// WorkerNames maps the workers of an organisation to their display names,
// in one query, for showing authors and referents.
func (tx *Tx) WorkerNames(ctx context.Context, orgID string) (map[string]string, error) {
	rows, err := tx.query(ctx, "SELECT id, email, first_name, last_name FROM workers WHERE org_id = ?", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var w parcours.Worker
		if err := rows.Scan(&w.ID, &w.Email, &w.FirstName, &w.LastName); err != nil {
			return nil, err
		}
		out[w.ID] = w.DisplayName()
	}
	return out, rows.Err()
}

// CaseWorkers lists the enabled workers and managers of an organisation,
// by name: who may be a referent or be assigned a task.
func (tx *Tx) CaseWorkers(ctx context.Context, orgID string) ([]parcours.Worker, error) {
	rows, err := tx.query(ctx, `SELECT id, email, first_name, last_name FROM workers
		WHERE org_id = ? AND role IN ('worker','manager') AND NOT disabled ORDER BY last_name, first_name, email`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []parcours.Worker
	for rows.Next() {
		var w parcours.Worker
		if err := rows.Scan(&w.ID, &w.Email, &w.FirstName, &w.LastName); err != nil {
			return nil, err
		}
		w.OrgID = orgID
		out = append(out, w)
	}
	return out, rows.Err()
}

// PersonTask is a task with the display name of its person, for lists
// across files ("Ma journée").
type PersonTask struct {
	parcours.Task
	PersonName string
}

// OpenTasksWithPersons returns the open tasks of an assignee due on or
// before until, soonest first, with their person's name, in one query.
func (tx *Tx) OpenTasksWithPersons(ctx context.Context, assigneeID, until string, limit int) ([]PersonTask, error) {
	rows, err := tx.query(ctx, `SELECT t.id, t.person_id, t.title, t.due_date, p.birth_name, p.usage_name, p.first_names
		FROM tasks t JOIN persons p ON p.id = t.person_id
		WHERE t.assignee_id = ? AND t.status = 'open' AND t.due_date <= ? ORDER BY t.due_date, t.id LIMIT ?`, assigneeID, until, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PersonTask
	for rows.Next() {
		var pt PersonTask
		var p parcours.Person
		if err := rows.Scan(&pt.ID, &pt.PersonID, &pt.Title, &pt.DueDate, &p.BirthName, &p.UsageName, &p.FirstNames); err != nil {
			return nil, err
		}
		pt.AssigneeID, pt.Status, pt.PersonName = assigneeID, parcours.TaskOpen, p.DisplayName()
		out = append(out, pt)
	}
	return out, rows.Err()
}

// RecentVisit is a file a worker opened, with when.
type RecentVisit struct {
	PersonID   string
	PersonName string
	VisitedAt  time.Time
}

// RecentVisits returns the files a worker opened most recently.
func (tx *Tx) RecentVisits(ctx context.Context, workerID string, limit int) ([]RecentVisit, error) {
	rows, err := tx.query(ctx, `SELECT v.person_id, v.visited_at, p.birth_name, p.usage_name, p.first_names
		FROM casefile_visits v JOIN persons p ON p.id = v.person_id
		WHERE v.worker_id = ? ORDER BY v.visited_at DESC LIMIT ?`, workerID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RecentVisit
	for rows.Next() {
		var v RecentVisit
		var p parcours.Person
		var at int64
		if err := rows.Scan(&v.PersonID, &at, &p.BirthName, &p.UsageName, &p.FirstNames); err != nil {
			return nil, err
		}
		v.VisitedAt, v.PersonName = fromTS(at), p.DisplayName()
		out = append(out, v)
	}
	return out, rows.Err()
}
