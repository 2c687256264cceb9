package store

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/parcours"
)

// The agenda (issue 11): appointments and their workers, the services'
// working hours and closed days, the front desk's visits and the
// calendar tokens. The per-person reads (Appointment,
// PersonAppointments, WorkerAppointments, NextAppointments, DeskVisit,
// PersonDeskVisits, DeskVisitsBetween) are called by the door only.
// AppointmentsStarting is the reminder scheduler's (a system job): it
// returns the planned appointments of every organisation in a window.

const apptColumns = "id, org_id, person_id, household_id, team_id, starts_at, ends_at, place_kind, service_id, place, theme, status, " +
	"cancelled_by, cancel_reason, rescheduled_to, journal_entry_id, booked_by_desk, created_by, created_at, updated_at"

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// InsertAppointment stores a new appointment and its workers; ID,
// CreatedAt and UpdatedAt are set.
func (tx *Tx) InsertAppointment(ctx context.Context, a *parcours.Appointment) error {
	if a.ID == "" {
		a.ID = NewID()
	}
	a.CreatedAt, a.UpdatedAt = tx.now, tx.now
	_, err := tx.exec(ctx, "INSERT INTO appointments ("+apptColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
		a.ID, a.OrgID, a.PersonID, a.HouseholdID, a.TeamID, ts(a.StartsAt), ts(a.EndsAt), a.PlaceKind, a.ServiceID, a.Place, a.Theme, a.Status,
		a.CancelledBy, a.CancelReason, a.RescheduledTo, a.JournalEntryID, b2i(a.BookedByDesk), a.CreatedBy, ts(a.CreatedAt), ts(a.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: insert appointment: %w", err)
	}
	for _, w := range a.WorkerIDs {
		if _, err := tx.exec(ctx, "INSERT INTO appointment_workers (appointment_id, worker_id, starts_at, ends_at) VALUES (?,?,?,?)",
			a.ID, w, ts(a.StartsAt), ts(a.EndsAt)); err != nil {
			return fmt.Errorf("store: insert appointment worker: %w", err)
		}
	}
	return nil
}

// CloseAppointment records the outcome of a planned appointment (honoured,
// missed, cancelled with who and why, postponed to another); false when
// it was no longer planned.
func (tx *Tx) CloseAppointment(ctx context.Context, a *parcours.Appointment) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE appointments SET status = ?, cancelled_by = ?, cancel_reason = ?, rescheduled_to = ?, updated_at = ?
		WHERE id = ? AND status = 'planned'`, a.Status, a.CancelledBy, a.CancelReason, a.RescheduledTo, ts(tx.now), a.ID)
	if err != nil {
		return false, fmt.Errorf("store: close appointment: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// SetAppointmentJournal links the journal entry written from an
// appointment's outcome; false when one is linked already.
func (tx *Tx) SetAppointmentJournal(ctx context.Context, id, entryID string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE appointments SET journal_entry_id = ?, updated_at = ? WHERE id = ? AND journal_entry_id = ''", entryID, ts(tx.now), id)
	if err != nil {
		return false, fmt.Errorf("store: appointment journal: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func (tx *Tx) scanAppointments(ctx context.Context, q string, args ...any) ([]*parcours.Appointment, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: appointments: %w", err)
	}
	out := []*parcours.Appointment{}
	byID := map[string]*parcours.Appointment{}
	for rows.Next() {
		var a parcours.Appointment
		var starts, ends, created, updated int64
		var desk int
		if err := rows.Scan(&a.ID, &a.OrgID, &a.PersonID, &a.HouseholdID, &a.TeamID, &starts, &ends, &a.PlaceKind, &a.ServiceID, &a.Place,
			&a.Theme, &a.Status, &a.CancelledBy, &a.CancelReason, &a.RescheduledTo, &a.JournalEntryID, &desk, &a.CreatedBy, &created, &updated); err != nil {
			rows.Close()
			return nil, err
		}
		a.StartsAt, a.EndsAt, a.CreatedAt, a.UpdatedAt = fromTS(starts), fromTS(ends), fromTS(created), fromTS(updated)
		a.BookedByDesk = desk != 0
		a.WorkerIDs = []string{}
		out = append(out, &a)
		byID[a.ID] = &a
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(out))
	for _, a := range out {
		ids = append(ids, a.ID)
	}
	in, inArgs := personIn("appointment_id", ids)
	wr, err := tx.query(ctx, "SELECT appointment_id, worker_id FROM appointment_workers WHERE "+in+" ORDER BY appointment_id, worker_id", inArgs...)
	if err != nil {
		return nil, fmt.Errorf("store: appointment workers: %w", err)
	}
	defer wr.Close()
	for wr.Next() {
		var aid, wid string
		if err := wr.Scan(&aid, &wid); err != nil {
			return nil, err
		}
		if a := byID[aid]; a != nil {
			a.WorkerIDs = append(a.WorkerIDs, wid)
		}
	}
	return out, wr.Err()
}

// Appointment returns one appointment.
func (tx *Tx) Appointment(ctx context.Context, id string) (*parcours.Appointment, error) {
	list, err := tx.scanAppointments(ctx, "SELECT "+apptColumns+" FROM appointments WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// PersonAppointments returns the appointments of the persons of a file,
// the latest first.
func (tx *Tx) PersonAppointments(ctx context.Context, personIDs []string) ([]*parcours.Appointment, error) {
	in, args := personIn("person_id", personIDs)
	return tx.scanAppointments(ctx, "SELECT "+apptColumns+" FROM appointments WHERE "+in+" ORDER BY starts_at DESC, id", args...)
}

// WorkerAppointments returns the appointments of any of workerIDs
// starting in [from, to), every status, by start: a worker's or a team's
// agenda.
func (tx *Tx) WorkerAppointments(ctx context.Context, orgID string, workerIDs []string, from, to time.Time) ([]*parcours.Appointment, error) {
	in, args := personIn("w.worker_id", workerIDs)
	args = append([]any{orgID}, args...)
	args = append(args, ts(from), ts(to))
	return tx.scanAppointments(ctx, "SELECT "+prefixed("a.", apptColumns)+" FROM appointments a WHERE a.org_id = ? AND a.id IN (SELECT w.appointment_id FROM appointment_workers w WHERE "+
		in+" AND w.starts_at >= ? AND w.starts_at < ?) ORDER BY a.starts_at, a.id", args...)
}

// AppointmentsStarting returns the planned appointments of every
// organisation starting in [from, to), by start: what the reminder
// scheduler reads (a system job; it reaches persons' contact details
// through the door only).
func (tx *Tx) AppointmentsStarting(ctx context.Context, from, to time.Time) ([]*parcours.Appointment, error) {
	return tx.scanAppointments(ctx, "SELECT "+apptColumns+" FROM appointments WHERE status = 'planned' AND starts_at >= ? AND starts_at < ? ORDER BY starts_at, id",
		ts(from), ts(to))
}

// AppointmentsStartingAfter is AppointmentsStarting one page at a time:
// at most limit appointments coming after after (by start, then id; nil:
// from the first), so that the reminder job works in short
// transactions however many appointments a département plans.
func (tx *Tx) AppointmentsStartingAfter(ctx context.Context, from, to time.Time, after *parcours.Appointment, limit int) ([]*parcours.Appointment, error) {
	afterAt, afterID := ts(from)-1, ""
	if after != nil {
		afterAt, afterID = ts(after.StartsAt), after.ID
	}
	return tx.scanAppointments(ctx, "SELECT "+apptColumns+` FROM appointments WHERE status = 'planned' AND starts_at >= ? AND starts_at < ?
		AND (starts_at > ? OR (starts_at = ? AND id > ?)) ORDER BY starts_at, id LIMIT ?`,
		ts(from), ts(to), afterAt, afterAt, afterID, limit)
}

// Busy is a worker's planned appointment, without anything of its
// person: for conflicts and free slots.
type Busy struct {
	AppointmentID string
	WorkerID      string
	StartsAt      time.Time
	EndsAt        time.Time
}

// WorkerBusy returns the planned appointments of workerIDs overlapping
// [from, to), except except (the appointment being moved, or "").
func (tx *Tx) WorkerBusy(ctx context.Context, workerIDs []string, from, to time.Time, except string) ([]Busy, error) {
	in, args := personIn("w.worker_id", workerIDs)
	args = append(args, ts(to), ts(from), except)
	rows, err := tx.query(ctx, `SELECT w.appointment_id, w.worker_id, w.starts_at, w.ends_at FROM appointment_workers w
		JOIN appointments a ON a.id = w.appointment_id
		WHERE `+in+` AND w.starts_at < ? AND w.ends_at > ? AND a.status = 'planned' AND w.appointment_id <> ?
		ORDER BY w.starts_at, w.worker_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: worker busy: %w", err)
	}
	defer rows.Close()
	out := []Busy{}
	for rows.Next() {
		var b Busy
		var s, e int64
		if err := rows.Scan(&b.AppointmentID, &b.WorkerID, &s, &e); err != nil {
			return nil, err
		}
		b.StartsAt, b.EndsAt = fromTS(s), fromTS(e)
		out = append(out, b)
	}
	return out, rows.Err()
}

// NextAppointments returns, by person, the start of the next planned
// appointment at or after after of each of personIDs (the caseload's
// « prochain rendez-vous »).
func (tx *Tx) NextAppointments(ctx context.Context, personIDs []string, after time.Time) (map[string]time.Time, error) {
	out := map[string]time.Time{}
	if len(personIDs) == 0 {
		return out, nil
	}
	in, args := personIn("person_id", personIDs)
	args = append(args, ts(after))
	rows, err := tx.query(ctx, "SELECT person_id, MIN(starts_at) FROM appointments WHERE "+in+" AND status = 'planned' AND starts_at >= ? GROUP BY person_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: next appointments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var s int64
		if err := rows.Scan(&id, &s); err != nil {
			return nil, err
		}
		out[id] = fromTS(s)
	}
	return out, rows.Err()
}

// AppointmentCount is a number of appointments of a team with a status.
type AppointmentCount struct {
	TeamID string
	Status string
	N      int
}

// AppointmentOutcomes counts an organisation's appointments that started
// in [from, to) by team and status: honoured and missed appointments for
// the statistics (no person data).
func (tx *Tx) AppointmentOutcomes(ctx context.Context, orgID string, from, to time.Time) ([]AppointmentCount, error) {
	rows, err := tx.query(ctx, `SELECT team_id, status, COUNT(*) FROM appointments WHERE org_id = ? AND starts_at >= ? AND starts_at < ?
		GROUP BY team_id, status ORDER BY team_id, status`, orgID, ts(from), ts(to))
	if err != nil {
		return nil, fmt.Errorf("store: appointment outcomes: %w", err)
	}
	defer rows.Close()
	out := []AppointmentCount{}
	for rows.Next() {
		var c AppointmentCount
		if err := rows.Scan(&c.TeamID, &c.Status, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// TeamHours returns a service's opening ranges by weekday and time.
func (tx *Tx) TeamHours(ctx context.Context, teamID string) ([]parcours.OpeningHours, error) {
	rows, err := tx.query(ctx, "SELECT weekday, opens, closes FROM team_hours WHERE team_id = ? ORDER BY weekday, opens", teamID)
	if err != nil {
		return nil, fmt.Errorf("store: team hours: %w", err)
	}
	defer rows.Close()
	out := []parcours.OpeningHours{}
	for rows.Next() {
		var h parcours.OpeningHours
		if err := rows.Scan(&h.Weekday, &h.Opens, &h.Closes); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SetTeamHours replaces a service's opening ranges.
func (tx *Tx) SetTeamHours(ctx context.Context, teamID string, hours []parcours.OpeningHours) error {
	if _, err := tx.exec(ctx, "DELETE FROM team_hours WHERE team_id = ?", teamID); err != nil {
		return fmt.Errorf("store: team hours: %w", err)
	}
	for _, h := range hours {
		if _, err := tx.exec(ctx, "INSERT INTO team_hours (team_id, weekday, opens, closes) VALUES (?,?,?,?)", teamID, h.Weekday, h.Opens, h.Closes); err != nil {
			return fmt.Errorf("store: team hours: %w", err)
		}
	}
	return nil
}

// TeamClosedDays returns a service's closed days from from (YYYY-MM-DD)
// on, by day.
func (tx *Tx) TeamClosedDays(ctx context.Context, teamID, from string) ([]parcours.ClosedDay, error) {
	rows, err := tx.query(ctx, "SELECT day, label FROM team_closed_days WHERE team_id = ? AND day >= ? ORDER BY day", teamID, from)
	if err != nil {
		return nil, fmt.Errorf("store: closed days: %w", err)
	}
	defer rows.Close()
	out := []parcours.ClosedDay{}
	for rows.Next() {
		var d parcours.ClosedDay
		if err := rows.Scan(&d.Day, &d.Label); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// AddClosedDay records a closed day (its label replaced if it exists).
func (tx *Tx) AddClosedDay(ctx context.Context, teamID string, d parcours.ClosedDay) error {
	if _, err := tx.exec(ctx, "DELETE FROM team_closed_days WHERE team_id = ? AND day = ?", teamID, d.Day); err != nil {
		return fmt.Errorf("store: closed day: %w", err)
	}
	if _, err := tx.exec(ctx, "INSERT INTO team_closed_days (team_id, day, label) VALUES (?,?,?)", teamID, d.Day, d.Label); err != nil {
		return fmt.Errorf("store: closed day: %w", err)
	}
	return nil
}

// RemoveClosedDay opens a closed day again.
func (tx *Tx) RemoveClosedDay(ctx context.Context, teamID, day string) error {
	if _, err := tx.exec(ctx, "DELETE FROM team_closed_days WHERE team_id = ? AND day = ?", teamID, day); err != nil {
		return fmt.Errorf("store: closed day: %w", err)
	}
	return nil
}

const visitColumns = "id, org_id, person_id, visitor, for_worker_id, motive, message, needs_appointment, appointment_id, came_at, created_by, created_at"

// InsertDeskVisit records a visit at the front desk.
func (tx *Tx) InsertDeskVisit(ctx context.Context, v *parcours.DeskVisit) error {
	if v.ID == "" {
		v.ID = NewID()
	}
	v.CreatedAt = tx.now
	if v.CameAt.IsZero() {
		v.CameAt = tx.now
	}
	_, err := tx.exec(ctx, "INSERT INTO desk_visits ("+visitColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
		v.ID, v.OrgID, v.PersonID, v.Visitor, v.ForWorkerID, v.Motive, v.Message, b2i(v.NeedsAppointment), v.AppointmentID,
		ts(v.CameAt), v.CreatedBy, ts(v.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: insert desk visit: %w", err)
	}
	return nil
}

// SetDeskVisitAppointment links the appointment booked for a visit.
func (tx *Tx) SetDeskVisitAppointment(ctx context.Context, id, appointmentID string) error {
	if _, err := tx.exec(ctx, "UPDATE desk_visits SET appointment_id = ? WHERE id = ?", appointmentID, id); err != nil {
		return fmt.Errorf("store: desk visit appointment: %w", err)
	}
	return nil
}

func (tx *Tx) scanVisits(ctx context.Context, q string, args ...any) ([]*parcours.DeskVisit, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: desk visits: %w", err)
	}
	defer rows.Close()
	out := []*parcours.DeskVisit{}
	for rows.Next() {
		var v parcours.DeskVisit
		var came, created int64
		var needs int
		if err := rows.Scan(&v.ID, &v.OrgID, &v.PersonID, &v.Visitor, &v.ForWorkerID, &v.Motive, &v.Message, &needs, &v.AppointmentID,
			&came, &v.CreatedBy, &created); err != nil {
			return nil, err
		}
		v.NeedsAppointment = needs != 0
		v.CameAt, v.CreatedAt = fromTS(came), fromTS(created)
		out = append(out, &v)
	}
	return out, rows.Err()
}

// DeskVisit returns one visit.
func (tx *Tx) DeskVisit(ctx context.Context, id string) (*parcours.DeskVisit, error) {
	list, err := tx.scanVisits(ctx, "SELECT "+visitColumns+" FROM desk_visits WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// PersonDeskVisits returns the visits of the persons of a file, newest
// first.
func (tx *Tx) PersonDeskVisits(ctx context.Context, personIDs []string) ([]*parcours.DeskVisit, error) {
	in, args := personIn("person_id", personIDs)
	return tx.scanVisits(ctx, "SELECT "+visitColumns+" FROM desk_visits WHERE "+in+" ORDER BY came_at DESC, id DESC", args...)
}

// DeskVisitsBetween returns an organisation's visits in [from, to),
// newest first: the front desk's day.
func (tx *Tx) DeskVisitsBetween(ctx context.Context, orgID string, from, to time.Time) ([]*parcours.DeskVisit, error) {
	return tx.scanVisits(ctx, "SELECT "+visitColumns+" FROM desk_visits WHERE org_id = ? AND came_at >= ? AND came_at < ? ORDER BY came_at DESC, id DESC",
		orgID, ts(from), ts(to))
}

// NewCalendarToken revokes a worker's calendar tokens and records a new
// one by its hash.
func (tx *Tx) NewCalendarToken(ctx context.Context, workerID, hash string) (*parcours.CalendarToken, error) {
	if err := tx.RevokeCalendarTokens(ctx, workerID); err != nil {
		return nil, err
	}
	c := &parcours.CalendarToken{ID: NewID(), WorkerID: workerID, CreatedAt: tx.now}
	if _, err := tx.exec(ctx, "INSERT INTO calendar_tokens (id, worker_id, token_hash, created_at) VALUES (?,?,?,?)", c.ID, workerID, hash, ts(c.CreatedAt)); err != nil {
		return nil, fmt.Errorf("store: calendar token: %w", err)
	}
	return c, nil
}

// RevokeCalendarTokens revokes a worker's calendar tokens.
func (tx *Tx) RevokeCalendarTokens(ctx context.Context, workerID string) error {
	if _, err := tx.exec(ctx, "UPDATE calendar_tokens SET revoked_at = ? WHERE worker_id = ? AND revoked_at = 0", ts(tx.now), workerID); err != nil {
		return fmt.Errorf("store: revoke calendar tokens: %w", err)
	}
	return nil
}

// ActiveCalendarToken returns a worker's calendar token in force, nil if
// none.
func (tx *Tx) ActiveCalendarToken(ctx context.Context, workerID string) (*parcours.CalendarToken, error) {
	var c parcours.CalendarToken
	var created int64
	err := tx.queryRow(ctx, "SELECT id, worker_id, created_at FROM calendar_tokens WHERE worker_id = ? AND revoked_at = 0 ORDER BY created_at DESC LIMIT 1", workerID).
		Scan(&c.ID, &c.WorkerID, &created)
	if err == ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("store: calendar token: %w", err)
	}
	c.CreatedAt = fromTS(created)
	return &c, nil
}

// CalendarTokenWorker returns the worker of a calendar token in force by
// its hash, ErrNoRows when none.
func (tx *Tx) CalendarTokenWorker(ctx context.Context, hash string) (string, error) {
	var id string
	err := tx.queryRow(ctx, "SELECT worker_id FROM calendar_tokens WHERE token_hash = ? AND revoked_at = 0", hash).Scan(&id)
	return id, err
}

// OverdueTaskCounts returns, by person, the open tasks due before today
// (YYYY-MM-DD) of personIDs: the alerts « Ma journée » shows beside an
// appointment.
func (tx *Tx) OverdueTaskCounts(ctx context.Context, personIDs []string, today string) (map[string]int, error) {
	out := map[string]int{}
	if len(personIDs) == 0 {
		return out, nil
	}
	in, args := personIn("person_id", personIDs)
	args = append(args, today)
	rows, err := tx.query(ctx, "SELECT person_id, COUNT(*) FROM tasks WHERE "+in+" AND status = 'open' AND due_date < ? GROUP BY person_id", args...)
	if err != nil {
		return nil, fmt.Errorf("store: overdue tasks: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
