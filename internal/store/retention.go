package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"parcours/internal/parcours"
)

// Retention (issue 15): rules, plans, batches and the anonymisation that
// follows PersonData. Every query here is organisation-wide and returns
// identifiers and dates only, except RetentionBatchFiles, which shows the
// manager who reviews a batch the names of its files.

// RetentionSettings are an organisation's retention rules.
type RetentionSettings struct {
	OrgID        string
	ActiveMonths int
	// ArchiveMonths per data kind (PersonTable.Kind or a kind an area
	// declares); kinds absent keep no archive.
	ArchiveMonths map[string]int
}

// RetentionSettings returns org's rules; an organisation that never set
// them gets ActiveMonths 0 and no archive rule (the service applies the
// defaults).
func (tx *Tx) RetentionSettings(ctx context.Context, orgID string) (*RetentionSettings, error) {
	s := &RetentionSettings{OrgID: orgID, ArchiveMonths: map[string]int{}}
	err := tx.queryRow(ctx, "SELECT active_months FROM retention_settings WHERE org_id = ?", orgID).Scan(&s.ActiveMonths)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT kind, months FROM retention_archive_rules WHERE org_id = ?", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var m int
		if err := rows.Scan(&k, &m); err != nil {
			return nil, err
		}
		s.ArchiveMonths[k] = m
	}
	return s, rows.Err()
}

// SaveRetentionSettings replaces org's rules.
func (tx *Tx) SaveRetentionSettings(ctx context.Context, s *RetentionSettings, by string) error {
	now := ts(tx.now)
	if _, err := tx.exec(ctx, `INSERT INTO retention_settings (org_id, active_months, updated_by, updated_at) VALUES (?,?,?,?)
		ON CONFLICT (org_id) DO UPDATE SET active_months = excluded.active_months, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
		s.OrgID, s.ActiveMonths, by, now); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM retention_archive_rules WHERE org_id = ?", s.OrgID); err != nil {
		return err
	}
	for k, m := range s.ArchiveMonths {
		if _, err := tx.exec(ctx, "INSERT INTO retention_archive_rules (org_id, kind, months, updated_by, updated_at) VALUES (?,?,?,?,?)",
			s.OrgID, k, m, by, now); err != nil {
			return err
		}
	}
	return nil
}

// RetentionFact is what retention knows of one file: the person (and the
// duplicates merged into them), the last contact, whether an
// accompaniment is open, and the data kinds the file holds.
type RetentionFact struct {
	PersonID    string
	Group       []string // PersonID and the persons merged into it
	LastContact string   // YYYY-MM-DD
	Open        bool
	Archived    bool
	Kinds       map[string]bool
}

// RetentionMerged are the persons of an organisation merged into
// another (rare): id → the person merged into and the household. Read
// once per plan, so that each page of files folds its duplicates in.
type RetentionMerged map[string]MergedPerson

// MergedPerson is a person merged into another.
type MergedPerson struct{ Into, Household string }

// RetentionMerged returns org's merged persons not yet anonymised.
func (tx *Tx) RetentionMerged(ctx context.Context, orgID string) (RetentionMerged, error) {
	rows, err := tx.query(ctx, "SELECT id, merged_into, COALESCE(household_id, '') FROM persons WHERE org_id = ? AND anonymised_at = 0 AND merged_into IS NOT NULL AND merged_into <> ''", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := RetentionMerged{}
	for rows.Next() {
		var id string
		var m MergedPerson
		if err := rows.Scan(&id, &m.Into, &m.Household); err != nil {
			return nil, err
		}
		out[id] = m
	}
	return out, rows.Err()
}

// root is the person id is merged into, at the end of the chain.
func (m RetentionMerged) root(id string) string {
	for i := 0; i < 16; i++ { // merges chain rarely; bounded anyway
		p, ok := m[id]
		if !ok {
			return id
		}
		id = p.Into
	}
	return id
}

// RetentionFactsPage returns the facts of at most limit files of org not
// yet anonymised whose person id comes after after, in id order (keyset
// pagination: the next page starts after the last PersonID). Its cost is
// a constant number of statements per page (one per contact date of
// PersonData), each reading the rows of the page's persons only by the
// tables' person index, so that retention walks a large database in
// short read transactions with memory bounded by the page.
func (tx *Tx) RetentionFactsPage(ctx context.Context, orgID, after string, limit int, merged RetentionMerged) ([]*RetentionFact, error) {
	return tx.retentionRoots(ctx, orgID, merged, `AND id > ? ORDER BY id LIMIT ?`, after, limit)
}

// RetentionFactsOf returns the facts of the files ids of org (persons
// not merged into another, not anonymised; the others are left out), in
// id order: what Apply checks again before it changes a file.
func (tx *Tx) RetentionFactsOf(ctx context.Context, orgID string, ids []string, merged RetentionMerged) ([]*RetentionFact, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	expr, arg := tx.idSet(ids)
	return tx.retentionRoots(ctx, orgID, merged, `AND id IN `+expr+` ORDER BY id`, arg)
}

type retentionRoot struct {
	id, household string
	archived      bool
}

// retentionRoots gathers the facts of org's files not merged into
// another nor anonymised that the rest of the query (its condition and
// order, with args) selects.
func (tx *Tx) retentionRoots(ctx context.Context, orgID string, merged RetentionMerged, rest string, args ...any) ([]*RetentionFact, error) {
	rows, err := tx.query(ctx, `SELECT id, COALESCE(household_id, ''), archived_at FROM persons
		WHERE org_id = ? AND anonymised_at = 0 AND (merged_into IS NULL OR merged_into = '') `+rest, append([]any{orgID}, args...)...)
	if err != nil {
		return nil, err
	}
	var roots []retentionRoot
	for rows.Next() {
		var r retentionRoot
		var archivedAt int64
		if err := rows.Scan(&r.id, &r.household, &archivedAt); err != nil {
			rows.Close()
			return nil, err
		}
		r.archived = archivedAt != 0
		roots = append(roots, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return tx.retentionFacts(ctx, orgID, roots, merged)
}

// retentionFacts gathers the facts of roots (in their order), folding in
// the persons merged into them.
func (tx *Tx) retentionFacts(ctx context.Context, orgID string, roots []retentionRoot, merged RetentionMerged) ([]*RetentionFact, error) {
	if len(roots) == 0 {
		return nil, nil
	}
	facts := make(map[string]*RetentionFact, len(roots))
	out := make([]*RetentionFact, 0, len(roots))
	ids := make([]string, 0, len(roots))
	households := map[string][]*RetentionFact{}
	for _, r := range roots {
		f := &RetentionFact{PersonID: r.id, Group: []string{r.id}, Archived: r.archived, Kinds: map[string]bool{}}
		facts[r.id] = f
		out = append(out, f)
		ids = append(ids, r.id)
		if r.household != "" {
			households[r.household] = append(households[r.household], f)
		}
	}
	for id, m := range merged {
		if f := facts[merged.root(id)]; f != nil {
			f.Group = append(f.Group, id)
			ids = append(ids, id)
			if m.Household != "" {
				households[m.Household] = append(households[m.Household], f)
			}
		}
	}
	for _, f := range out {
		sort.Strings(f.Group)
	}
	expr, arg := tx.idSet(ids)
	for _, t := range PersonData {
		for _, c := range t.Contacts {
			q := fmt.Sprintf("SELECT t.%s, MAX(t.%s) FROM %s t WHERE t.%s IN %s", t.Column, c.Column, t.Table, t.Column, expr)
			if c.Where != "" {
				q += " AND " + strings.ReplaceAll(c.Where, c.Column, "t."+c.Column)
			}
			q += " GROUP BY 1"
			rows, err := tx.query(ctx, q, arg)
			if err != nil {
				return nil, fmt.Errorf("last contact in %s.%s: %w", t.Table, c.Column, err)
			}
			for rows.Next() {
				var id string
				var day string
				if c.Instant {
					var v sql.NullInt64
					if err := rows.Scan(&id, &v); err != nil {
						rows.Close()
						return nil, err
					}
					if !v.Valid || v.Int64 == 0 {
						continue
					}
					day = fromTS(v.Int64).Format(time.DateOnly)
				} else {
					var v sql.NullString
					if err := rows.Scan(&id, &v); err != nil {
						rows.Close()
						return nil, err
					}
					day = v.String
				}
				f := facts[merged.root(id)]
				if f == nil || day == "" {
					continue
				}
				if day > f.LastContact {
					f.LastContact = day
				}
				if t.Kind != "" {
					f.Kinds[t.Kind] = true
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	// Open accompaniments, the person's own or their household's.
	rows, err := tx.query(ctx, "SELECT person_id FROM accompaniments WHERE org_id = ? AND end_date = '' AND person_id IN "+expr, orgID, arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var pid string
		if err := rows.Scan(&pid); err != nil {
			rows.Close()
			return nil, err
		}
		if f := facts[merged.root(pid)]; f != nil {
			f.Open = true
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(households) > 0 {
		hids := make([]string, 0, len(households))
		for h := range households {
			hids = append(hids, h)
		}
		hexpr, harg := tx.idSet(hids)
		rows, err := tx.query(ctx, "SELECT DISTINCT household_id FROM accompaniments WHERE org_id = ? AND end_date = '' AND household_id IN "+hexpr, orgID, harg)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var h string
			if err := rows.Scan(&h); err != nil {
				rows.Close()
				return nil, err
			}
			for _, f := range households[h] {
				f.Open = true
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// RetentionPlan is a dry run's result, stored for a manager's review.
type RetentionPlan struct {
	ID         string
	OrgID      string
	Day        string
	Status     string // open, superseded, done
	PreparedBy string
	CreatedAt  time.Time
	Batches    []*RetentionBatch
}

// RetentionBatch is the files of a plan due for one action.
type RetentionBatch struct {
	ID        string
	PlanID    string
	OrgID     string
	Action    string // archive, anonymise
	Status    string // pending, approved, postponed, applied
	Files     int
	Reason    string
	DecidedBy string
	DecidedAt time.Time
	Applied   int
	AppliedAt time.Time
	Items     []RetentionItem
}

// RetentionItem is a file of a batch.
type RetentionItem struct {
	PersonID    string
	LastContact string
}

// BeginRetentionPlan stores p and its batches (without items) as a plan
// being prepared: hidden from RetentionPlans and, not being open, beyond
// any decision until OpenRetentionPlan. The items are added by
// AddRetentionItems in transactions of their own, so that a plan over a
// large database never holds the write lock long. What an earlier
// preparation of the organisation left when it died (an hour old) is
// deleted first.
func (tx *Tx) BeginRetentionPlan(ctx context.Context, p *RetentionPlan) error {
	stale := "SELECT id FROM retention_plans WHERE org_id = ? AND preparing AND created_at < ?"
	before := ts(tx.now.Add(-time.Hour))
	if _, err := tx.exec(ctx, "DELETE FROM retention_batch_items WHERE batch_id IN (SELECT id FROM retention_batches WHERE plan_id IN ("+stale+"))", p.OrgID, before); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM retention_batches WHERE plan_id IN ("+stale+")", p.OrgID, before); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM retention_plans WHERE org_id = ? AND preparing AND created_at < ?", p.OrgID, before); err != nil {
		return err
	}
	p.ID, p.CreatedAt, p.Status = NewID(), tx.now, "superseded"
	if _, err := tx.exec(ctx, "INSERT INTO retention_plans (id, org_id, day, status, prepared_by, created_at, preparing) VALUES (?,?,?,?,?,?,?)",
		p.ID, p.OrgID, p.Day, p.Status, p.PreparedBy, ts(p.CreatedAt), true); err != nil {
		return err
	}
	for _, b := range p.Batches {
		b.ID, b.PlanID, b.OrgID, b.Status = NewID(), p.ID, p.OrgID, "pending"
		if _, err := tx.exec(ctx, "INSERT INTO retention_batches (id, plan_id, org_id, action, status, files) VALUES (?,?,?,?,?,?)",
			b.ID, b.PlanID, b.OrgID, b.Action, b.Status, 0); err != nil {
			return err
		}
	}
	return nil
}

// AddRetentionItems adds items to batch b of a plan being prepared (the
// caller counts them in b.Files once committed).
func (tx *Tx) AddRetentionItems(ctx context.Context, b *RetentionBatch, items []RetentionItem) error {
	for _, it := range items {
		if _, err := tx.exec(ctx, "INSERT INTO retention_batch_items (batch_id, person_id, last_contact) VALUES (?,?,?)",
			b.ID, it.PersonID, it.LastContact); err != nil {
			return err
		}
	}
	return nil
}

// DropRetentionPlan deletes plan id while it is being prepared (a
// preparation that failed): its items, batches and itself.
func (tx *Tx) DropRetentionPlan(ctx context.Context, id string) error {
	if _, err := tx.exec(ctx, "DELETE FROM retention_batch_items WHERE batch_id IN (SELECT id FROM retention_batches WHERE plan_id = ? AND plan_id IN (SELECT id FROM retention_plans WHERE preparing))", id); err != nil {
		return err
	}
	if _, err := tx.exec(ctx, "DELETE FROM retention_batches WHERE plan_id = ? AND plan_id IN (SELECT id FROM retention_plans WHERE preparing)", id); err != nil {
		return err
	}
	_, err := tx.exec(ctx, "DELETE FROM retention_plans WHERE id = ? AND preparing", id)
	return err
}

// OpenRetentionPlan ends the preparation of p: its batches get their
// counts, it opens, and it supersedes the organisation's earlier open
// plans none of whose batches was decided yet (a decided batch stays
// until applied or replaced by the manager's next decision).
func (tx *Tx) OpenRetentionPlan(ctx context.Context, p *RetentionPlan) error {
	if _, err := tx.exec(ctx, `UPDATE retention_plans SET status = 'superseded' WHERE org_id = ? AND status = 'open'
		AND NOT EXISTS (SELECT 1 FROM retention_batches b WHERE b.plan_id = retention_plans.id AND b.status IN ('approved','applied'))`, p.OrgID); err != nil {
		return err
	}
	for _, b := range p.Batches {
		if _, err := tx.exec(ctx, "UPDATE retention_batches SET files = ? WHERE id = ?", b.Files, b.ID); err != nil {
			return err
		}
	}
	res, err := tx.exec(ctx, "UPDATE retention_plans SET status = 'open', preparing = ? WHERE id = ? AND preparing", false, p.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("store: retention plan %s is no longer being prepared", p.ID))
	}
	p.Status = "open"
	return nil
}

const batchColumns = "id, plan_id, org_id, action, status, files, reason, decided_by, decided_at, applied, applied_at"

func scanBatch(row interface{ Scan(...any) error }) (*RetentionBatch, error) {
	b := &RetentionBatch{}
	var decided, applied int64
	if err := row.Scan(&b.ID, &b.PlanID, &b.OrgID, &b.Action, &b.Status, &b.Files, &b.Reason, &b.DecidedBy, &decided, &b.Applied, &applied); err != nil {
		return nil, err
	}
	b.DecidedAt, b.AppliedAt = fromTS(decided), fromTS(applied)
	return b, nil
}

func (tx *Tx) scanBatches(ctx context.Context, q string, args ...any) ([]*RetentionBatch, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*RetentionBatch
	for rows.Next() {
		b, err := scanBatch(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// RetentionPlans returns org's plans, newest first, with their batches
// (without items).
func (tx *Tx) RetentionPlans(ctx context.Context, orgID string, limit int) ([]*RetentionPlan, error) {
	rows, err := tx.query(ctx, "SELECT id, org_id, day, status, prepared_by, created_at FROM retention_plans WHERE org_id = ? AND NOT preparing ORDER BY created_at DESC, id DESC LIMIT ?", orgID, limit)
	if err != nil {
		return nil, err
	}
	var out []*RetentionPlan
	byID := map[string]*RetentionPlan{}
	for rows.Next() {
		p := &RetentionPlan{}
		var at int64
		if err := rows.Scan(&p.ID, &p.OrgID, &p.Day, &p.Status, &p.PreparedBy, &at); err != nil {
			rows.Close()
			return nil, err
		}
		p.CreatedAt = fromTS(at)
		out = append(out, p)
		byID[p.ID] = p
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	ids := make([]string, len(out))
	for i, p := range out {
		ids[i] = p.ID
	}
	in, arg := tx.inList("plan_id", ids)
	batches, err := tx.scanBatches(ctx, "SELECT "+batchColumns+" FROM retention_batches WHERE "+in+" ORDER BY action", arg)
	if err != nil {
		return nil, err
	}
	for _, b := range batches {
		byID[b.PlanID].Batches = append(byID[b.PlanID].Batches, b)
	}
	return out, nil
}

// RetentionBatch returns a batch with its items.
func (tx *Tx) RetentionBatch(ctx context.Context, id string) (*RetentionBatch, error) {
	b, err := scanBatch(tx.queryRow(ctx, "SELECT "+batchColumns+" FROM retention_batches WHERE id = ?", id))
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT person_id, last_contact FROM retention_batch_items WHERE batch_id = ? ORDER BY last_contact, person_id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var it RetentionItem
		if err := rows.Scan(&it.PersonID, &it.LastContact); err != nil {
			return nil, err
		}
		b.Items = append(b.Items, it)
	}
	return b, rows.Err()
}

// RetentionPlanStatus returns the status of a plan.
func (tx *Tx) RetentionPlanStatus(ctx context.Context, planID string) (string, error) {
	var s string
	err := tx.queryRow(ctx, "SELECT status FROM retention_plans WHERE id = ?", planID).Scan(&s)
	return s, err
}

// RetentionFile is a file of a batch as its reviewer sees it.
type RetentionFile struct {
	PersonID    string
	Name        string
	BirthYear   string
	LastContact string
}

// RetentionBatchFiles returns the files of a batch with the names the
// reviewer needs to recognise them.
func (tx *Tx) RetentionBatchFiles(ctx context.Context, batchID string) ([]RetentionFile, error) {
	rows, err := tx.query(ctx, `SELECT p.id, p.birth_name, p.usage_name, p.first_names, p.birth_date, i.last_contact
		FROM retention_batch_items i JOIN persons p ON p.id = i.person_id WHERE i.batch_id = ? ORDER BY i.last_contact, p.birth_name, p.id`, batchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []RetentionFile
	for rows.Next() {
		var f RetentionFile
		var birth, usage, first, bd string
		if err := rows.Scan(&f.PersonID, &birth, &usage, &first, &bd, &f.LastContact); err != nil {
			return nil, err
		}
		name := strings.ToUpper(birth)
		if usage != "" {
			name = strings.ToUpper(usage) + " (" + strings.ToUpper(birth) + ")"
		}
		f.Name = strings.TrimSpace(name + " " + first)
		if len(bd) >= 4 {
			f.BirthYear = bd[:4]
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// DecideRetentionBatch records a manager's decision on a pending or
// postponed batch of an open plan; it reports false when the batch was
// no longer waiting for one.
func (tx *Tx) DecideRetentionBatch(ctx context.Context, id, status, reason, by string) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE retention_batches SET status = ?, reason = ?, decided_by = ?, decided_at = ?
		WHERE id = ? AND status IN ('pending','postponed','approved')
		AND plan_id IN (SELECT id FROM retention_plans WHERE status = 'open')`, status, reason, by, ts(tx.now), id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ApprovedRetentionBatches returns the approved, not yet applied batches
// of open plans (of org, or of every organisation when org is "").
func (tx *Tx) ApprovedRetentionBatches(ctx context.Context, orgID string) ([]*RetentionBatch, error) {
	q := "SELECT " + batchColumns + " FROM retention_batches WHERE status = 'approved' AND plan_id IN (SELECT id FROM retention_plans WHERE status = 'open')"
	args := []any{}
	if orgID != "" {
		q += " AND org_id = ?"
		args = append(args, orgID)
	}
	return tx.scanBatches(ctx, q+" ORDER BY org_id, action, id", args...)
}

// FinishRetentionBatch marks a batch applied with how many files it
// changed, and its plan done once no batch of it waits any more.
func (tx *Tx) FinishRetentionBatch(ctx context.Context, b *RetentionBatch, applied int) error {
	if _, err := tx.exec(ctx, "UPDATE retention_batches SET status = 'applied', applied = ?, applied_at = ? WHERE id = ? AND status = 'approved'",
		applied, ts(tx.now), b.ID); err != nil {
		return err
	}
	_, err := tx.exec(ctx, `UPDATE retention_plans SET status = 'done' WHERE id = ?
		AND NOT EXISTS (SELECT 1 FROM retention_batches WHERE plan_id = ? AND status IN ('pending','approved'))`, b.PlanID, b.PlanID)
	return err
}

// ArchivePersons marks the files archived (read-only, manager and DPO).
func (tx *Tx) ArchivePersons(ctx context.Context, ids []string) error {
	in, arg := tx.inList("id", ids)
	_, err := tx.exec(ctx, "UPDATE persons SET archived_at = ? WHERE archived_at = 0 AND anonymised_at = 0 AND "+in, ts(tx.now), arg)
	return err
}

// idSet is a set of ids usable as "column IN <expr>", one parameter.
func (tx *Tx) idSet(ids []string) (string, any) {
	if tx.db.dialect == Postgres {
		return "(SELECT unnest(?::text[]))", ids
	}
	b, _ := json.Marshal(ids)
	return "(SELECT value FROM json_each(?))", string(b)
}

// AnonymisePersons anonymises the persons ids (each a whole merge group
// already) following PersonData, and returns the SHA-256 of the document
// contents whose rows it deleted: the caller removes the files no row
// names any more, after the commit. Persons already anonymised are left
// alone.
func (tx *Tx) AnonymisePersons(ctx context.Context, ids []string) (shas []string, err error) {
	if len(ids) == 0 {
		return nil, nil
	}
	expr, arg := tx.idSet(ids)
	// The journal's append-only trigger lets these persons' rows be
	// blanked, in this transaction only.
	sel := strings.TrimSuffix(strings.TrimPrefix(expr, "("), ")")
	if _, err := tx.exec(ctx, "INSERT INTO retention_guard (person_id) "+sel+" WHERE true ON CONFLICT DO NOTHING", arg); err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT DISTINCT sha256 FROM documents WHERE person_id IN "+expr, arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return nil, err
		}
		shas = append(shas, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := tx.unindexPersons(ctx, ids); err != nil {
		return nil, err
	}
	// Households left with no one but anonymised persons lose their name
	// and the health of their situation.
	var households []string
	hrows, err := tx.query(ctx, "SELECT DISTINCT household_id FROM persons WHERE household_id IS NOT NULL AND id IN "+expr, arg)
	if err != nil {
		return nil, err
	}
	for hrows.Next() {
		var h string
		if err := hrows.Scan(&h); err != nil {
			hrows.Close()
			return nil, err
		}
		households = append(households, h)
	}
	hrows.Close()
	for _, t := range PersonData {
		if t.Keep != "" || t.Special != "" {
			continue
		}
		match := t.Match
		if match == "" {
			match = t.Column + " IN {ids}"
		}
		n := strings.Count(match, "{ids}")
		where := strings.ReplaceAll(match, "{ids}", expr)
		args := make([]any, n)
		for i := range args {
			args[i] = arg
		}
		q := "DELETE FROM " + t.Table + " WHERE " + where
		if !t.Delete {
			q = "UPDATE " + t.Table + " SET " + t.Set + " WHERE " + where
		}
		if _, err := tx.exec(ctx, q, args...); err != nil {
			return nil, fmt.Errorf("anonymise %s: %w", t.Table, err)
		}
	}
	// The birth date keeps its year (age bands), as 1 January.
	birthYear := "substr(birth_date, 1, 4) || '-01-01'"
	if _, err := tx.exec(ctx, `UPDATE persons SET birth_name = '', usage_name = '', first_names = '', birth_date = `+birthYear+`,
		birth_place = '', phone = '', email = '', address_line1 = '', address_line2 = '', nir = '', caf_number = '',
		anonymised_at = ?, updated_at = ?, version = version + 1 WHERE anonymised_at = 0 AND id IN `+expr, ts(tx.now), ts(tx.now), arg); err != nil {
		return nil, err
	}
	for _, h := range households {
		var left int
		if err := tx.queryRow(ctx, "SELECT COUNT(*) FROM persons WHERE household_id = ? AND anonymised_at = 0", h).Scan(&left); err != nil {
			return nil, err
		}
		if left > 0 {
			continue
		}
		if _, err := tx.exec(ctx, "UPDATE households SET name = '' WHERE id = ?", h); err != nil {
			return nil, err
		}
		if _, err := tx.exec(ctx, "UPDATE situations SET health = '' WHERE household_id = ?", h); err != nil {
			return nil, err
		}
	}
	if _, err := tx.exec(ctx, "DELETE FROM retention_guard WHERE person_id IN "+expr, arg); err != nil {
		return nil, err
	}
	return shas, nil
}

// unindexPersons removes the persons from the name search: their index
// entries, and the dictionary words and phonetic keys no one else bears.
func (tx *Tx) unindexPersons(ctx context.Context, ids []string) error {
	expr, arg := tx.idSet(ids)
	rows, err := tx.query(ctx, "SELECT DISTINCT person_id, org_id, term, phon FROM person_terms WHERE person_id IN "+expr, arg)
	if err != nil {
		return err
	}
	orgOf := map[string]string{}
	terms, phons := map[string]bool{}, map[string]bool{}
	for rows.Next() {
		var pid, org, term, phon string
		if err := rows.Scan(&pid, &org, &term, &phon); err != nil {
			rows.Close()
			return err
		}
		orgOf[pid] = org
		terms[term], phons[phon] = true, true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for pid, org := range orgOf {
		if err := tx.ReplacePersonTerms(ctx, &parcours.Person{ID: pid, OrgID: org}, nil); err != nil {
			return err
		}
	}
	for t := range terms {
		if tx.db.dialect == SQLite {
			if _, err := tx.exec(ctx, `INSERT INTO search_terms_fts (search_terms_fts, rowid, term)
				SELECT 'delete', rowid, term FROM search_terms WHERE term = ? AND persons <= 0`, t); err != nil {
				return err
			}
		}
		if _, err := tx.exec(ctx, "DELETE FROM search_terms WHERE term = ? AND persons <= 0", t); err != nil {
			return err
		}
	}
	for p := range phons {
		if _, err := tx.exec(ctx, "DELETE FROM search_phons WHERE phon = ? AND persons <= 0", p); err != nil {
			return err
		}
	}
	return nil
}

// DocumentContentsUsed returns which of the contents shas some document
// row still names.
func (tx *Tx) DocumentContentsUsed(ctx context.Context, shas []string) (map[string]bool, error) {
	used := map[string]bool{}
	if len(shas) == 0 {
		return used, nil
	}
	in, arg := tx.inList("sha256", shas)
	rows, err := tx.query(ctx, "SELECT DISTINCT sha256 FROM documents WHERE "+in, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		used[s] = true
	}
	return used, rows.Err()
}
