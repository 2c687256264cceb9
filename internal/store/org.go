package store

import (
	"context"
	"strings"

	"parcours/internal/parcours"
)

// InsertOrganization stores a new organisation; o.ID and CreatedAt are set.
func (tx *Tx) InsertOrganization(ctx context.Context, o *parcours.Organization) error {
	if o.ID == "" {
		o.ID = NewID()
	}
	o.CreatedAt = tx.now
	if o.RenewalReminderDays == 0 {
		o.RenewalReminderDays = parcours.DefaultRenewalDays
	}
	_, err := tx.exec(ctx, `INSERT INTO organizations (id, name, kind, siret, totp_optional, show_worker_names, renewal_reminder_days, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, o.ID, o.Name, string(o.Kind), o.SIRET, o.TOTPOptional, o.ShowWorkerNames, o.RenewalReminderDays, ts(o.CreatedAt))
	return err
}

// UpdateOrganization saves the settings of o.
func (tx *Tx) UpdateOrganization(ctx context.Context, o *parcours.Organization) error {
	_, err := tx.exec(ctx, `UPDATE organizations SET name = ?, kind = ?, siret = ?, totp_optional = ?, show_worker_names = ?, renewal_reminder_days = ? WHERE id = ?`,
		o.Name, string(o.Kind), o.SIRET, o.TOTPOptional, o.ShowWorkerNames, o.RenewalReminderDays, o.ID)
	return err
}

const orgColumns = "id, name, kind, siret, totp_optional, show_worker_names, created_at, renewal_reminder_days"

func scanOrg(row interface{ Scan(...any) error }) (*parcours.Organization, error) {
	var o parcours.Organization
	var kind string
	var created int64
	if err := row.Scan(&o.ID, &o.Name, &kind, &o.SIRET, &o.TOTPOptional, &o.ShowWorkerNames, &created, &o.RenewalReminderDays); err != nil {
		return nil, err
	}
	o.Kind = parcours.OrgKind(kind)
	o.CreatedAt = fromTS(created)
	return &o, nil
}

// Organization returns the organisation with that id or, failing that,
// that exact name. ErrNoRows when none.
func (tx *Tx) Organization(ctx context.Context, idOrName string) (*parcours.Organization, error) {
	return scanOrg(tx.queryRow(ctx, "SELECT "+orgColumns+" FROM organizations WHERE id = ? OR name = ? ORDER BY (id = ?) DESC LIMIT 1", idOrName, idOrName, idOrName))
}

// Organizations lists every organisation by name.
func (tx *Tx) Organizations(ctx context.Context) ([]*parcours.Organization, error) {
	rows, err := tx.query(ctx, "SELECT "+orgColumns+" FROM organizations ORDER BY name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Organization
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// InsertTeam stores a new team.
func (tx *Tx) InsertTeam(ctx context.Context, t *parcours.Team) error {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO teams (id, org_id, name, created_at) VALUES (?,?,?,?)", t.ID, t.OrgID, t.Name, ts(t.CreatedAt))
	return err
}

// Team returns the team of org with that id or name.
func (tx *Tx) Team(ctx context.Context, orgID, idOrName string) (*parcours.Team, error) {
	var t parcours.Team
	var created int64
	err := tx.queryRow(ctx, "SELECT id, org_id, name, created_at FROM teams WHERE org_id = ? AND (id = ? OR name = ?) ORDER BY (id = ?) DESC LIMIT 1",
		orgID, idOrName, idOrName, idOrName).Scan(&t.ID, &t.OrgID, &t.Name, &created)
	if err != nil {
		return nil, err
	}
	t.CreatedAt = fromTS(created)
	return &t, nil
}

// Teams lists the teams of an organisation by name.
func (tx *Tx) Teams(ctx context.Context, orgID string) ([]*parcours.Team, error) {
	rows, err := tx.query(ctx, "SELECT id, org_id, name, created_at FROM teams WHERE org_id = ? ORDER BY name", orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Team
	for rows.Next() {
		var t parcours.Team
		var created int64
		if err := rows.Scan(&t.ID, &t.OrgID, &t.Name, &created); err != nil {
			return nil, err
		}
		t.CreatedAt = fromTS(created)
		out = append(out, &t)
	}
	return out, rows.Err()
}

// WorkerSecrets are the credentials of a worker; they never leave the
// auth service.
type WorkerSecrets struct {
	PasswordHash      string
	PasswordChangedAt int64
	TOTPSecret        string
	TOTPLastStep      int64
}

// InsertWorker stores a new worker with its credentials and teams.
func (tx *Tx) InsertWorker(ctx context.Context, w *parcours.Worker, passwordHash string) error {
	if w.ID == "" {
		w.ID = NewID()
	}
	w.Email = strings.ToLower(strings.TrimSpace(w.Email))
	w.CreatedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO workers (id, org_id, email, first_name, last_name, role, password_hash, password_changed_at, disabled, language, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?)`, w.ID, w.OrgID, w.Email, w.FirstName, w.LastName, string(w.Role), passwordHash, ts(tx.now), w.Disabled, w.Language, ts(w.CreatedAt)); err != nil {
		return err
	}
	return tx.SetWorkerTeams(ctx, w.ID, w.TeamIDs)
}

// SetWorkerTeams replaces the team memberships of a worker.
func (tx *Tx) SetWorkerTeams(ctx context.Context, workerID string, teamIDs []string) error {
	tx.markActorChanged(workerID)
	if _, err := tx.exec(ctx, "DELETE FROM worker_teams WHERE worker_id = ?", workerID); err != nil {
		return err
	}
	for _, t := range teamIDs {
		if _, err := tx.exec(ctx, "INSERT INTO worker_teams (worker_id, team_id) VALUES (?, ?)", workerID, t); err != nil {
			return err
		}
	}
	return nil
}

// UpdateWorker saves the profile fields of w (not credentials).
func (tx *Tx) UpdateWorker(ctx context.Context, w *parcours.Worker) error {
	tx.markActorChanged(w.ID)
	_, err := tx.exec(ctx, `UPDATE workers SET first_name = ?, last_name = ?, role = ?, disabled = ?, language = ? WHERE id = ?`,
		w.FirstName, w.LastName, string(w.Role), w.Disabled, w.Language, w.ID)
	return err
}

const workerColumns = "id, org_id, email, first_name, last_name, role, disabled, language, totp_enabled, created_at"

func (tx *Tx) scanWorkers(ctx context.Context, q string, args ...any) ([]*parcours.Worker, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	var out []*parcours.Worker
	for rows.Next() {
		var w parcours.Worker
		var role string
		var created int64
		if err := rows.Scan(&w.ID, &w.OrgID, &w.Email, &w.FirstName, &w.LastName, &role, &w.Disabled, &w.Language, &w.TOTPEnabled, &created); err != nil {
			rows.Close()
			return nil, err
		}
		w.Role = parcours.Role(role)
		w.CreatedAt = fromTS(created)
		w.TeamIDs = []string{}
		out = append(out, &w)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, w := range out {
		trows, err := tx.query(ctx, "SELECT team_id FROM worker_teams WHERE worker_id = ? ORDER BY team_id", w.ID)
		if err != nil {
			return nil, err
		}
		for trows.Next() {
			var id string
			if err := trows.Scan(&id); err != nil {
				trows.Close()
				return nil, err
			}
			w.TeamIDs = append(w.TeamIDs, id)
		}
		trows.Close()
	}
	return out, nil
}

func (tx *Tx) oneWorker(ctx context.Context, q string, args ...any) (*parcours.Worker, error) {
	ws, err := tx.scanWorkers(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	if len(ws) == 0 {
		return nil, ErrNoRows
	}
	return ws[0], nil
}

// Worker returns a worker by id.
func (tx *Tx) Worker(ctx context.Context, id string) (*parcours.Worker, error) {
	return tx.oneWorker(ctx, "SELECT "+workerColumns+" FROM workers WHERE id = ?", id)
}

// WorkerByEmail returns a worker by e-mail, case-insensitively.
func (tx *Tx) WorkerByEmail(ctx context.Context, email string) (*parcours.Worker, error) {
	return tx.oneWorker(ctx, "SELECT "+workerColumns+" FROM workers WHERE email = ?", strings.ToLower(strings.TrimSpace(email)))
}

// Workers lists the workers of an organisation by name.
func (tx *Tx) Workers(ctx context.Context, orgID string) ([]*parcours.Worker, error) {
	return tx.scanWorkers(ctx, "SELECT "+workerColumns+" FROM workers WHERE org_id = ? ORDER BY last_name, first_name, email", orgID)
}

// WorkerSecrets returns the credentials of a worker.
func (tx *Tx) WorkerSecrets(ctx context.Context, id string) (*WorkerSecrets, error) {
	var s WorkerSecrets
	err := tx.queryRow(ctx, "SELECT password_hash, password_changed_at, totp_secret, totp_last_step FROM workers WHERE id = ?", id).
		Scan(&s.PasswordHash, &s.PasswordChangedAt, &s.TOTPSecret, &s.TOTPLastStep)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// SetPassword replaces a worker's password hash.
func (tx *Tx) SetPassword(ctx context.Context, workerID, hash string) error {
	tx.markActorChanged(workerID)
	_, err := tx.exec(ctx, "UPDATE workers SET password_hash = ?, password_changed_at = ? WHERE id = ?", hash, ts(tx.now), workerID)
	return err
}

// SetTOTP stores (or clears, with secret "") a worker's TOTP secret.
func (tx *Tx) SetTOTP(ctx context.Context, workerID, secret string, enabled bool) error {
	tx.markActorChanged(workerID)
	_, err := tx.exec(ctx, "UPDATE workers SET totp_secret = ?, totp_enabled = ?, totp_last_step = 0 WHERE id = ?", secret, enabled, workerID)
	return err
}

// UseTOTPStep records the last accepted TOTP time step, refusing a replay:
// it returns false when step is not newer than the last one used.
func (tx *Tx) UseTOTPStep(ctx context.Context, workerID string, step int64) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE workers SET totp_last_step = ? WHERE id = ? AND totp_last_step < ?", step, workerID, step)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
