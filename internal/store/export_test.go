package store

// SetReadAuditHook makes the read-audit writer call hook before each
// group's transaction, with the group's size (reads, events); the hook may
// block to let reads pile up. Set it before the first read.
func (db *DB) SetReadAuditHook(hook func(reads, rows int)) {
	db.reads.mu.Lock()
	defer db.reads.mu.Unlock()
	db.reads.beforeCommit = hook
}

// SetAuditDiscard turns the no-op audit sink on or off: every audit event
// is dropped instead of written (the overhead benchmark's baseline).
func (db *DB) SetAuditDiscard(on bool) { db.discardAudit.Store(on) }
