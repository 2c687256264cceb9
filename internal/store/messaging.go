package store

import (
	"context"
	"fmt"
	"time"

	"parcours/internal/parcours"
)

// Secure messaging between professionals (issue 11): threads on a
// person's file, their participants with read receipts, their messages.
// Called by the door only (package file).

// InsertThread stores a thread and its participants; ID, CreatedAt and
// LastMessageAt are set.
func (tx *Tx) InsertThread(ctx context.Context, t *parcours.Thread) error {
	if t.ID == "" {
		t.ID = NewID()
	}
	t.CreatedAt, t.LastMessageAt = tx.now, tx.now
	if _, err := tx.exec(ctx, `INSERT INTO message_threads (id, org_id, person_id, subject, created_by, created_at, last_message_at, referral_id)
		VALUES (?,?,?,?,?,?,?,?)`, t.ID, t.OrgID, t.PersonID, t.Subject, t.CreatedBy, ts(t.CreatedAt), ts(t.LastMessageAt), nullString(t.ReferralID)); err != nil {
		return fmt.Errorf("store: insert thread: %w", err)
	}
	for _, p := range t.Participants {
		p.AddedAt = tx.now
		if _, err := tx.exec(ctx, `INSERT INTO thread_participants (thread_id, person_id, participant_kind, participant_id, added_at, last_read_at)
			VALUES (?,?,?,?,?,?)`, t.ID, t.PersonID, p.Kind, p.ID, ts(p.AddedAt), ts(p.LastReadAt)); err != nil {
			return fmt.Errorf("store: insert thread participant: %w", err)
		}
	}
	return nil
}

// Thread returns one thread with its participants (ErrNoRows when none).
func (tx *Tx) Thread(ctx context.Context, id string) (*parcours.Thread, error) {
	t := &parcours.Thread{}
	var created, last int64
	err := tx.queryRow(ctx, `SELECT id, org_id, person_id, subject, created_by, created_at, last_message_at, COALESCE(referral_id, '')
		FROM message_threads WHERE id = ?`, id).
		Scan(&t.ID, &t.OrgID, &t.PersonID, &t.Subject, &t.CreatedBy, &created, &last, &t.ReferralID)
	if err != nil {
		return nil, err
	}
	t.CreatedAt, t.LastMessageAt = fromTS(created), fromTS(last)
	ps, err := tx.threadParticipants(ctx, []string{t.ID})
	if err != nil {
		return nil, err
	}
	t.Participants = ps[t.ID]
	return t, nil
}

func (tx *Tx) threadParticipants(ctx context.Context, ids []string) (map[string][]*parcours.ThreadParticipant, error) {
	out := map[string][]*parcours.ThreadParticipant{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := tx.query(ctx, `SELECT thread_id, participant_kind, participant_id, added_at, last_read_at FROM thread_participants
		WHERE thread_id IN (`+placeholders(len(ids))+`) ORDER BY added_at, participant_kind, participant_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: thread participants: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var tid string
		var added, read int64
		p := &parcours.ThreadParticipant{}
		if err := rows.Scan(&tid, &p.Kind, &p.ID, &added, &read); err != nil {
			return nil, err
		}
		p.AddedAt, p.LastReadAt = fromTS(added), fromTS(read)
		out[tid] = append(out[tid], p)
	}
	return out, rows.Err()
}

// ParticipantThreads returns the threads on the persons' rows (a merge
// group) in which the participant takes part, latest message first, with
// their unread counts for that participant.
func (tx *Tx) ParticipantThreads(ctx context.Context, personIDs []string, kind, participantID string, limit int) ([]*parcours.Thread, error) {
	if len(personIDs) == 0 {
		return []*parcours.Thread{}, nil
	}
	args := []any{kind, participantID}
	for _, id := range personIDs {
		args = append(args, id)
	}
	args = append(args, limit)
	rows, err := tx.query(ctx, `SELECT t.id, t.org_id, t.person_id, t.subject, t.created_by, t.created_at, t.last_message_at, COALESCE(t.referral_id, ''),
		(SELECT COUNT(*) FROM thread_messages m WHERE m.thread_id = t.id AND m.created_at > p.last_read_at
			AND m.created_at >= p.added_at AND NOT (m.author_kind = p.participant_kind AND m.author_id = p.participant_id))
		FROM message_threads t JOIN thread_participants p ON p.thread_id = t.id AND p.participant_kind = ? AND p.participant_id = ?
		WHERE t.person_id IN (`+placeholders(len(personIDs))+`) ORDER BY t.last_message_at DESC, t.id DESC LIMIT ?`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: threads: %w", err)
	}
	out := []*parcours.Thread{}
	var ids []string
	for rows.Next() {
		t := &parcours.Thread{}
		var created, last int64
		if err := rows.Scan(&t.ID, &t.OrgID, &t.PersonID, &t.Subject, &t.CreatedBy, &created, &last, &t.ReferralID, &t.Unread); err != nil {
			rows.Close()
			return nil, err
		}
		t.CreatedAt, t.LastMessageAt = fromTS(created), fromTS(last)
		out = append(out, t)
		ids = append(ids, t.ID)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return nil, err
	}
	rows.Close()
	ps, err := tx.threadParticipants(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, t := range out {
		t.Participants = ps[t.ID]
	}
	return out, nil
}

// InsertThreadMessage stores a message and moves the thread's last
// message time; ID and CreatedAt are set.
func (tx *Tx) InsertThreadMessage(ctx context.Context, personID string, m *parcours.ThreadMessage) error {
	if m.ID == "" {
		m.ID = NewID()
	}
	m.CreatedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO thread_messages (id, thread_id, person_id, author_kind, author_id, body, document_id, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, m.ID, m.ThreadID, personID, m.AuthorKind, m.AuthorID, m.Body, m.DocumentID, ts(m.CreatedAt)); err != nil {
		return fmt.Errorf("store: insert thread message: %w", err)
	}
	if _, err := tx.exec(ctx, `UPDATE message_threads SET last_message_at = ? WHERE id = ?`, ts(m.CreatedAt), m.ThreadID); err != nil {
		return fmt.Errorf("store: thread last message: %w", err)
	}
	return nil
}

// ThreadMessages returns a thread's messages, oldest first.
func (tx *Tx) ThreadMessages(ctx context.Context, threadID string) ([]*parcours.ThreadMessage, error) {
	rows, err := tx.query(ctx, `SELECT id, thread_id, author_kind, author_id, body, document_id, created_at FROM thread_messages
		WHERE thread_id = ? ORDER BY created_at, id`, threadID)
	if err != nil {
		return nil, fmt.Errorf("store: thread messages: %w", err)
	}
	defer rows.Close()
	out := []*parcours.ThreadMessage{}
	for rows.Next() {
		m := &parcours.ThreadMessage{}
		var created int64
		if err := rows.Scan(&m.ID, &m.ThreadID, &m.AuthorKind, &m.AuthorID, &m.Body, &m.DocumentID, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = fromTS(created)
		out = append(out, m)
	}
	return out, rows.Err()
}

// MarkThreadRead records a participant's read receipt: they read up to
// at (never moved backwards).
func (tx *Tx) MarkThreadRead(ctx context.Context, threadID, kind, participantID string, at time.Time) error {
	_, err := tx.exec(ctx, `UPDATE thread_participants SET last_read_at = ? WHERE thread_id = ? AND participant_kind = ?
		AND participant_id = ? AND last_read_at < ?`, ts(at), threadID, kind, participantID, ts(at))
	if err != nil {
		return fmt.Errorf("store: mark thread read: %w", err)
	}
	return nil
}

// ThreadHasDocument reports whether a message of the thread written
// since that instant carries the document.
func (tx *Tx) ThreadHasDocument(ctx context.Context, threadID, documentID string, since time.Time) (bool, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM thread_messages WHERE thread_id = ? AND document_id = ? AND created_at >= ?`,
		threadID, documentID, ts(since)).Scan(&n); err != nil {
		return false, fmt.Errorf("store: thread document: %w", err)
	}
	return n > 0, nil
}

// MarkThreadNotificationsRead marks read the worker's unread
// notifications of new messages in the thread: reading the thread is
// reading them.
func (tx *Tx) MarkThreadNotificationsRead(ctx context.Context, workerID, threadID string) error {
	if _, err := tx.exec(ctx, `UPDATE notifications SET read_at = ? WHERE worker_id = ? AND kind = 'message' AND object_id = ? AND read_at = 0`,
		ts(tx.now), workerID, threadID); err != nil {
		return fmt.Errorf("store: mark thread notifications read: %w", err)
	}
	return nil
}

// AddThreadParticipant adds a participant to a thread, from now on;
// it reports false when they took part already (nothing changes).
func (tx *Tx) AddThreadParticipant(ctx context.Context, t *parcours.Thread, p *parcours.ThreadParticipant) (bool, error) {
	if t.Takes(p.Kind, p.ID) {
		return false, nil
	}
	p.AddedAt = tx.now
	if _, err := tx.exec(ctx, `INSERT INTO thread_participants (thread_id, person_id, participant_kind, participant_id, added_at, last_read_at)
		VALUES (?,?,?,?,?,?)`, t.ID, t.PersonID, p.Kind, p.ID, ts(p.AddedAt), ts(p.LastReadAt)); err != nil {
		return false, fmt.Errorf("store: add thread participant: %w", err)
	}
	t.Participants = append(t.Participants, p)
	return true, nil
}

// ThreadMessagesBefore counts a thread's messages written before at.
func (tx *Tx) ThreadMessagesBefore(ctx context.Context, threadID string, at time.Time) (int, error) {
	var n int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM thread_messages WHERE thread_id = ? AND created_at < ?`, threadID, ts(at)).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: earlier thread messages: %w", err)
	}
	return n, nil
}
