package store

import (
	"context"
	"slices"
	"time"

	"parcours/internal/parcours"
)

// Referrals (package referral) and the share they open (ActiveShare,
// called by the door only).

const referralColumns = `r.id, r.person_id, r.from_org_id, r.sent_by, r.service_id, s.nom, r.to_org_id, r.reason, r.note, r.status, r.basis,
	r.consent_on, r.consent_how, r.legal_ground, r.situation_parts, r.created_at, r.received_at, r.answered_at, r.answered_by,
	r.refusal_reason, r.ended_at, r.ended_by, r.expires_at, r.reminded_at, r.accompaniment_id`

const referralFrom = ` FROM referrals r JOIN directory_services s ON s.id = r.service_id`

func scanReferral(row interface{ Scan(...any) error }) (*parcours.Referral, error) {
	var r parcours.Referral
	var parts string
	var created, received, answered, ended, expires, reminded int64
	if err := row.Scan(&r.ID, &r.PersonID, &r.FromOrgID, &r.SentBy, &r.ServiceID, &r.ServiceNom, &r.ToOrgID, &r.Reason, &r.Note,
		&r.Status, &r.Basis, &r.ConsentOn, &r.ConsentHow, &r.LegalGround, &parts, &created, &received, &answered, &r.AnsweredBy,
		&r.RefusalReason, &ended, &r.EndedBy, &expires, &reminded, &r.AccompanimentID); err != nil {
		return nil, err
	}
	r.SituationParts = unbars(parts)
	r.CreatedAt, r.ExpiresAt = fromTS(created), fromTS(expires)
	opt := func(v int64) time.Time {
		if v == 0 {
			return time.Time{}
		}
		return fromTS(v)
	}
	r.ReceivedAt, r.AnsweredAt, r.EndedAt, r.RemindedAt = opt(received), opt(answered), opt(ended), opt(reminded)
	r.EntryIDs, r.DocumentIDs, r.TaskIDs = []string{}, []string{}, []string{}
	return &r, nil
}

func optTS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ts(t)
}

// InsertReferral records a referral and its extract.
func (tx *Tx) InsertReferral(ctx context.Context, r *parcours.Referral) (err error) {
	defer wrap(&err, "store: insert referral")
	if r.ID == "" {
		r.ID = NewID()
	}
	r.CreatedAt = tx.now.Truncate(time.Microsecond)
	if _, err := tx.exec(ctx, `INSERT INTO referrals (id, person_id, from_org_id, sent_by, service_id, to_org_id, reason, note, status, basis,
		consent_on, consent_how, legal_ground, situation_parts, created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		r.ID, r.PersonID, r.FromOrgID, r.SentBy, r.ServiceID, r.ToOrgID, r.Reason, r.Note, r.Status, r.Basis, r.ConsentOn, r.ConsentHow,
		r.LegalGround, bars(r.SituationParts), ts(r.CreatedAt), ts(r.ExpiresAt)); err != nil {
		return err
	}
	for kind, ids := range map[string][]string{"entry": r.EntryIDs, "document": r.DocumentIDs, "task": r.TaskIDs} {
		for _, id := range slices.Compact(slices.Sorted(slices.Values(ids))) {
			if _, err := tx.exec(ctx, "INSERT INTO referral_items (referral_id, kind, object_id) VALUES (?,?,?)", r.ID, kind, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// UpdateReferral writes a referral's status and its answer, end and
// reminder.
func (tx *Tx) UpdateReferral(ctx context.Context, r *parcours.Referral) (err error) {
	defer wrap(&err, "store: update referral")
	_, err = tx.exec(ctx, `UPDATE referrals SET status = ?, received_at = ?, answered_at = ?, answered_by = ?, refusal_reason = ?,
		ended_at = ?, ended_by = ?, reminded_at = ?, accompaniment_id = ? WHERE id = ?`, r.Status, optTS(r.ReceivedAt), optTS(r.AnsweredAt), r.AnsweredBy,
		r.RefusalReason, optTS(r.EndedAt), r.EndedBy, optTS(r.RemindedAt), r.AccompanimentID, r.ID)
	return err
}

// Referral returns one referral with its extract.
func (tx *Tx) Referral(ctx context.Context, id string) (_ *parcours.Referral, err error) {
	defer wrap(&err, "store: referral")
	r, err := scanReferral(tx.queryRow(ctx, "SELECT "+referralColumns+referralFrom+" WHERE r.id = ?", id))
	if err != nil {
		return nil, err
	}
	rows, err := tx.query(ctx, "SELECT kind, object_id FROM referral_items WHERE referral_id = ? ORDER BY kind, object_id", id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind, oid string
		if err := rows.Scan(&kind, &oid); err != nil {
			return nil, err
		}
		switch kind {
		case "entry":
			r.EntryIDs = append(r.EntryIDs, oid)
		case "document":
			r.DocumentIDs = append(r.DocumentIDs, oid)
		case "task":
			r.TaskIDs = append(r.TaskIDs, oid)
		}
	}
	return r, rows.Err()
}

// ReferralOfAccompaniment returns the accepted referral whose follow-up
// is the accompaniment id, or ErrNoRows.
func (tx *Tx) ReferralOfAccompaniment(ctx context.Context, id string) (_ *parcours.Referral, err error) {
	defer wrap(&err, "store: referral of accompaniment")
	if id == "" {
		return nil, ErrNoRows
	}
	return scanReferral(tx.queryRow(ctx, "SELECT "+referralColumns+referralFrom+" WHERE r.accompaniment_id = ? AND r.status = 'accepted'", id))
}

// ReferralFilter selects referrals for the boxes: those a worker sent
// (SentBy), or those sent to an organisation (ToOrgID); Status one
// status; From/To the instant they were sent.
type ReferralFilter struct {
	SentBy   string
	FromOrg  string
	ToOrgID  string
	Status   string
	From, To time.Time
	Limit    int
	// PersonIDs: the referrals of these persons (a merge group) only.
	PersonIDs []string
}

// Referrals lists referrals, newest first, without their extract.
func (tx *Tx) Referrals(ctx context.Context, f ReferralFilter) (_ []*parcours.Referral, err error) {
	defer wrap(&err, "store: referrals")
	q := "SELECT " + referralColumns + referralFrom + " WHERE 1=1"
	var args []any
	for _, c := range []struct{ col, v string }{{"r.sent_by", f.SentBy}, {"r.from_org_id", f.FromOrg}, {"r.to_org_id", f.ToOrgID}, {"r.status", f.Status}} {
		if c.v != "" {
			q += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	if f.PersonIDs != nil {
		in, pargs := personIn("r.person_id", f.PersonIDs)
		q += " AND " + in
		args = append(args, pargs...)
	}
	if !f.From.IsZero() {
		q += " AND r.created_at >= ?"
		args = append(args, ts(f.From))
	}
	if !f.To.IsZero() {
		q += " AND r.created_at < ?"
		args = append(args, ts(f.To))
	}
	if f.Limit <= 0 {
		f.Limit = 200
	}
	q += " ORDER BY r.created_at DESC, r.id DESC LIMIT ?"
	args = append(args, f.Limit)
	return tx.referrals(ctx, q, args...)
}

// referrals runs a query of referralColumns and returns its rows (an
// empty list, not nil, when there are none: the API lists them).
func (tx *Tx) referrals(ctx context.Context, q string, args ...any) ([]*parcours.Referral, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Referral{}
	for rows.Next() {
		r, err := scanReferral(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ActiveShare gathers what the file of personIDs (a merge group) shares
// with organisation orgID through its open referrals: pending and not
// expired at the transaction's instant, or accepted and not ended. Nil
// when nothing is shared. One statement.
func (tx *Tx) ActiveShare(ctx context.Context, personIDs []string, orgID string) (_ *parcours.Share, err error) {
	defer wrap(&err, "store: active share")
	if len(personIDs) == 0 || orgID == "" {
		return nil, nil
	}
	in, args := personIn("r.person_id", personIDs)
	args = append(args, orgID, ts(tx.now))
	rows, err := tx.query(ctx, `SELECT r.id, r.status, r.situation_parts, COALESCE(i.kind, ''), COALESCE(i.object_id, '')
		FROM referrals r LEFT JOIN referral_items i ON i.referral_id = r.id
		WHERE `+in+` AND r.to_org_id = ?
		AND ((r.status IN ('sent','received') AND r.expires_at > ?) OR r.status = 'accepted')
		ORDER BY r.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var sh *parcours.Share
	for rows.Next() {
		var id, status, parts, kind, oid string
		if err := rows.Scan(&id, &status, &parts, &kind, &oid); err != nil {
			return nil, err
		}
		if sh == nil {
			sh = &parcours.Share{OrgID: orgID}
		}
		if !slices.Contains(sh.ReferralIDs, id) {
			sh.ReferralIDs = append(sh.ReferralIDs, id)
			sh.Accepted = sh.Accepted || status == parcours.ReferralAccepted
			for _, p := range unbars(parts) {
				if !slices.Contains(sh.SituationParts, p) {
					sh.SituationParts = append(sh.SituationParts, p)
				}
			}
		}
		switch kind {
		case "entry":
			sh.EntryIDs = append(sh.EntryIDs, oid)
		case "document":
			sh.DocumentIDs = append(sh.DocumentIDs, oid)
		case "task":
			sh.TaskIDs = append(sh.TaskIDs, oid)
		}
	}
	return sh, rows.Err()
}

// ReferralsToRemind returns the pending referrals older than their
// sending organisation's reminder delay (in days) that were not reminded
// yet, oldest first.
func (tx *Tx) ReferralsToRemind(ctx context.Context, limit int) (_ []*parcours.Referral, err error) {
	defer wrap(&err, "store: referrals to remind")
	return tx.referrals(ctx, "SELECT "+referralColumns+referralFrom+` JOIN organizations o ON o.id = r.from_org_id
		WHERE r.status IN ('sent','received') AND r.reminded_at = 0 AND r.expires_at > ?
		AND r.created_at + CAST(o.referral_reminder_days AS BIGINT) * 86400000000 <= ?
		ORDER BY r.created_at, r.id LIMIT ?`, ts(tx.now), ts(tx.now), limit)
}

// ExpireReferrals marks expired the pending referrals whose expiry has
// passed and returns them. (The share of such a referral already ended at
// its expiry: ActiveShare compares with the instant.)
func (tx *Tx) ExpireReferrals(ctx context.Context, limit int) (_ []*parcours.Referral, err error) {
	defer wrap(&err, "store: expire referrals")
	// Read to the end before the updates: one statement at a time.
	out, err := tx.referrals(ctx, "SELECT "+referralColumns+referralFrom+` WHERE r.status IN ('sent','received') AND r.expires_at <= ?
		ORDER BY r.expires_at, r.id LIMIT ?`, ts(tx.now), limit)
	if err != nil {
		return nil, err
	}
	for _, r := range out {
		r.Status = parcours.ReferralExpired
		if err := tx.UpdateReferral(ctx, r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ReferralRecipients are the enabled case workers (workers, managers) of
// an organisation who receive a service's referrals: the service's team
// when it names one, else the whole organisation.
func (tx *Tx) ReferralRecipients(ctx context.Context, orgID, teamID string) (_ []string, err error) {
	defer wrap(&err, "store: referral recipients")
	q := `SELECT w.id FROM workers w WHERE w.org_id = ? AND NOT w.disabled AND w.role IN ('worker','manager')`
	args := []any{orgID}
	if teamID != "" {
		q += " AND EXISTS (SELECT 1 FROM worker_teams wt WHERE wt.worker_id = w.id AND wt.team_id = ?)"
		args = append(args, teamID)
	}
	return tx.strings(ctx, q+" ORDER BY w.id", args...)
}

// ReferralReminderDays returns an organisation's reminder delay.
func (tx *Tx) ReferralReminderDays(ctx context.Context, orgID string) (int, error) {
	var n int
	err := tx.queryRow(ctx, "SELECT referral_reminder_days FROM organizations WHERE id = ?", orgID).Scan(&n)
	return n, err
}

// SetReferralReminderDays sets an organisation's reminder delay.
func (tx *Tx) SetReferralReminderDays(ctx context.Context, orgID string, days int) error {
	_, err := tx.exec(ctx, "UPDATE organizations SET referral_reminder_days = ? WHERE id = ?", days, orgID)
	return err
}

// referralOrgsClause is the access log's condition for the events of an
// organisation a file was referred to (its reads of the extract).
const referralOrgsClause = `EXISTS (SELECT 1 FROM referrals rf WHERE rf.person_id = e.person_id AND rf.to_org_id = e.org_id AND rf.to_org_id <> '')`

// ReferentPersons returns up to limit ids of the persons whose active
// accompaniment has worker as referent (the demo's referrals start from
// them), oldest accompaniment first.
func (tx *Tx) ReferentPersons(ctx context.Context, workerID string, limit int) ([]string, error) {
	return tx.strings(ctx, `SELECT person_id FROM accompaniments WHERE referent_id = ? AND end_date = ''
		GROUP BY person_id ORDER BY MIN(start_date), person_id LIMIT ?`, workerID, limit)
}

// PersonOrg returns the organisation a person belongs to, or ErrNoRows.
func (tx *Tx) PersonOrg(ctx context.Context, personID string) (_ string, err error) {
	defer wrap(&err, "store: person organisation")
	var org string
	err = tx.queryRow(ctx, "SELECT org_id FROM persons WHERE id = ?", personID).Scan(&org)
	return org, err
}

// ReferralShares reports whether referral id still shares its file with
// the receiving organisation: pending and not expired, or accepted and
// not ended — the condition of ActiveShare.
func (tx *Tx) ReferralShares(ctx context.Context, id string) (_ bool, err error) {
	defer wrap(&err, "store: referral shares")
	var n int
	err = tx.queryRow(ctx, `SELECT COUNT(*) FROM referrals WHERE id = ?
		AND ((status IN ('sent','received') AND expires_at > ?) OR status = 'accepted')`, id, ts(tx.now)).Scan(&n)
	return n > 0, err
}
