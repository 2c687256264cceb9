package store

import (
	"context"

	"parcours/internal/parcours"
)

const taskColumns = "id, org_id, person_id, accompaniment_id, journal_entry_id, title, due_date, assignee_id, status, created_by, created_at, done_at"

// InsertTasks stores new tasks; IDs and CreatedAt are set when empty.
func (tx *Tx) InsertTasks(ctx context.Context, tasks ...*parcours.Task) error {
	for _, t := range tasks {
		if t.ID == "" {
			t.ID = NewID()
		}
		if t.CreatedAt.IsZero() {
			t.CreatedAt = tx.now
		}
		if _, err := tx.exec(ctx, "INSERT INTO tasks ("+taskColumns+") VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
			t.ID, t.OrgID, t.PersonID, nullString(t.AccompanimentID), nullString(t.JournalEntryID), t.Title, t.DueDate,
			t.AssigneeID, t.Status, t.CreatedBy, ts(t.CreatedAt), ts(t.DoneAt)); err != nil {
			return err
		}
	}
	return nil
}

func scanTask(row interface{ Scan(...any) error }) (*parcours.Task, error) {
	var t parcours.Task
	var acc, entry cfNullString
	var created, done int64
	if err := row.Scan(&t.ID, &t.OrgID, &t.PersonID, &acc, &entry, &t.Title, &t.DueDate, &t.AssigneeID, &t.Status,
		&t.CreatedBy, &created, &done); err != nil {
		return nil, err
	}
	t.AccompanimentID, t.JournalEntryID = string(acc), string(entry)
	t.CreatedAt, t.DoneAt = fromTS(created), fromTS(done)
	return &t, nil
}

func (tx *Tx) scanTasks(ctx context.Context, q string, args ...any) ([]*parcours.Task, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*parcours.Task{}
	for rows.Next() {
		t, err := scanTask(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Task returns one task.
func (tx *Tx) Task(ctx context.Context, id string) (*parcours.Task, error) {
	list, err := tx.scanTasks(ctx, "SELECT "+taskColumns+" FROM tasks WHERE id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, ErrNoRows
	}
	return list[0], nil
}

// PersonTasks returns up to limit tasks of the persons of a file by due
// date after the key (due_date, id); open ones only when openOnly.
func (tx *Tx) PersonTasks(ctx context.Context, personIDs []string, openOnly bool, after []string, limit int) ([]*parcours.Task, error) {
	in, args := personIn("person_id", personIDs)
	q := "SELECT " + taskColumns + " FROM tasks WHERE " + in
	if openOnly {
		q += " AND status = 'open'"
	}
	if len(after) == 2 {
		q += " AND (due_date > ? OR (due_date = ? AND id > ?))"
		args = append(args, after[0], after[0], after[1])
	}
	q += " ORDER BY due_date, id LIMIT ?"
	return tx.scanTasks(ctx, q, append(args, limit)...)
}

// OpenTasksOf returns the open tasks of an assignee due on or before
// until, by due date: what "my tasks" shows.
func (tx *Tx) OpenTasksOf(ctx context.Context, assigneeID, until string) ([]*parcours.Task, error) {
	return tx.scanTasks(ctx, "SELECT "+taskColumns+" FROM tasks WHERE assignee_id = ? AND status = 'open' AND due_date <= ? ORDER BY due_date, id",
		assigneeID, until)
}

// SetTaskStatus changes a task's status; done_at is set when done.
func (tx *Tx) SetTaskStatus(ctx context.Context, id, status string) error {
	var done int64
	if status == parcours.TaskDone {
		done = ts(tx.now)
	}
	_, err := tx.exec(ctx, "UPDATE tasks SET status = ?, done_at = ? WHERE id = ?", status, done, id)
	return err
}

// OpenTasksAssigned returns the open tasks of the persons of a file
// assigned to assigneeID, by due date: the work a handover moves.
func (tx *Tx) OpenTasksAssigned(ctx context.Context, personIDs []string, assigneeID string) ([]*parcours.Task, error) {
	in, args := personIn("person_id", personIDs)
	return tx.scanTasks(ctx, "SELECT "+taskColumns+" FROM tasks WHERE "+in+" AND assignee_id = ? AND status = 'open' ORDER BY due_date, id",
		append(args, assigneeID)...)
}

// ReassignTask gives an open task to another assignee. It returns false
// when the task is no longer open or no longer assigned to from.
func (tx *Tx) ReassignTask(ctx context.Context, id, from, to string) (bool, error) {
	res, err := tx.exec(ctx, "UPDATE tasks SET assignee_id = ? WHERE id = ? AND assignee_id = ? AND status = 'open'", to, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
