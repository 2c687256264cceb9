package store

// PersonData is the one list of where a person's data lives. Retention
// reads it twice: to find a file's last contact (the dates each area
// records) and to anonymise a file (what each table keeps, blanks or
// deletes). An area that adds a table with a person_id column (or a
// reference to persons) adds its line here, in the same change:
// TestPersonData_CoversEveryPersonTable fails otherwise, so that no
// table escapes the purge.
//
// Anonymisation keeps what the statistics need (birth year, sex, commune,
// household composition, accompaniment kinds and dates, journal entry
// kinds and dates, task and handover dates) and deletes or blanks the
// rest (names, contact, NIR and CAF numbers, texts, documents).
var PersonData = []PersonTable{
	{Table: "persons", Column: "id", Kind: "identity",
		Contacts: []Contact{{Column: "created_at", Instant: true}},
		// Handled by anonymisePersons: the birth date keeps its year,
		// postal code and city are the commune.
		Special: "names, birth place, contact, NIR and CAF numbers blanked; birth date cut to the year"},
	{Table: "persons", Column: "merged_into", Keep: "the merge pointer: a merge group is anonymised as a whole"},
	{Table: "accompaniments", Column: "person_id", Kind: "accompaniments",
		Contacts: []Contact{{Column: "start_date"}, {Column: "end_date", Where: "end_date <> ''"}},
		Set:      "end_proof_document_id = ''"},
	{Table: "journal_entries", Column: "person_id", Kind: "journal",
		Contacts: []Contact{{Column: "occurred_at"}},
		Set:      "summary = '', participants = '[]', private_synthesis = ''"},
	{Table: "tasks", Column: "person_id", Kind: "tasks",
		Contacts: []Contact{{Column: "done_at", Instant: true, Where: "status = 'done'"}},
		Set:      "title = ''"},
	// Which documents are a mandate's scans (migration 0320) and which
	// support an aid request (0321): links to documents, deleted before
	// them.
	{Table: "mandate_scans", Column: "person_id", Delete: true},
	{Table: "aid_request_documents", Column: "person_id", Delete: true},
	{Table: "documents", Column: "person_id", Kind: "documents",
		Contacts: []Contact{{Column: "created_at", Instant: true}},
		// Their contents are removed from the data dir after the commit,
		// when no other row names the same content.
		Delete: true},
	{Table: "handovers", Column: "person_id", Set: "synthesis = '', note = ''"},
	{Table: "casefile_visits", Column: "person_id", Delete: true},
	{Table: "consents", Column: "person_id", Delete: true},
	{Table: "consent_objections", Column: "person_id", Delete: true},
	{Table: "break_glass", Column: "person_id", Set: "reason = '', review_note = ''"},
	{Table: "notifications", Column: "person_id", Delete: true},
	// Messaging between professionals (issue 11): the messages, then the
	// participants and read receipts, then the threads themselves.
	{Table: "thread_messages", Column: "person_id", Delete: true},
	{Table: "thread_participants", Column: "person_id", Delete: true},
	{Table: "message_threads", Column: "person_id", Delete: true},
	{Table: "person_recorders", Column: "person_id", Delete: true},
	{Table: "person_terms", Column: "person_id",
		Special: "the search index: entries deleted and the dictionaries' counts kept in step (words no one bears any more removed)"},
	{Table: "person_merges", Column: "kept_id", Set: "reason = '', undo_reason = ''",
		Match: "kept_id IN {ids} OR absorbed_id IN {ids}"},
	{Table: "person_merges", Column: "absorbed_id", Keep: "anonymised with kept_id"},
	{Table: "person_not_duplicates", Column: "person_id", Delete: true, Match: "person_id IN {ids} OR candidate_id IN {ids}"},
	{Table: "person_not_duplicates", Column: "candidate_id", Keep: "deleted with person_id (either side)"},
	{Table: "import_keys", Column: "object_id", Delete: true, Match: "kind = 'person' AND object_id IN {ids}"},
	{Table: "goals", Column: "accompaniment_id", Set: "title = ''",
		Match: "accompaniment_id IN (SELECT id FROM accompaniments WHERE person_id IN {ids})"},
	// Access to rights (issue 12): procedures and mandates count as
	// contacts; their codes, statuses, help levels, obstacles and amounts
	// stay for statistics, free text goes. A procedure's aid decision may
	// need an intermediate archive (10 years for accounting): kind
	// "procedures".
	{Table: "procedures", Column: "person_id", Kind: "procedures",
		Contacts: []Contact{{Column: "updated_at", Instant: true}},
		Set:      "next_step = '', note = ''"},
	{Table: "mandates", Column: "person_id", Kind: "mandates",
		Contacts: []Contact{{Column: "start_date"}},
		Set:      "document_id = NULL, revocation_note = ''"},
	{Table: "autonomy_checks", Column: "person_id", Kind: "procedures",
		Contacts: []Contact{{Column: "checked_on"}},
		Keep:     "answers are codes (equipment, connection, …), kept for the digital obstacles statistics"},
	// Aid requests (issue 12): the request counts as a contact; aid,
	// amounts, statuses and dates stay (accounting, statistics), the
	// reasons and the creditor's name go.
	{Table: "aid_requests", Column: "person_id", Kind: "procedures",
		Contacts: []Contact{{Column: "created_at", Instant: true}},
		Set:      "reason = '', motive = '', creditor_name = ''"},
	// Domiciliation (CASF L264-1): the application and its dates stay
	// (the structure's legal register), motives go; the mail log's
	// senders go.
	{Table: "domiciliations", Column: "person_id", Kind: "procedures",
		Contacts: []Contact{{Column: "applied_on"}},
		Set:      "motive = '', end_reason = ''"},
	// Pre-screening answers (issue 13): what the worker did with a result
	// (codes and dates stay for the non-take-up statistics; the reason
	// goes).
	{Table: "prescreen_outcomes", Column: "person_id", Kind: "procedures",
		Contacts: []Contact{{Column: "created_at", Instant: true}},
		Set:      "reason = ''"},
	{Table: "domiciliation_mail", Column: "person_id",
		Contacts: []Contact{{Column: "received_on"}},
		Set:      "sender = ''"},
	// A budget line paid to a member: category and amount stay with the
	// household's budget, the free label goes.
	{Table: "budget_lines", Column: "person_id", Set: "label = ''"},
	// Requests about one's data (RGPD art. 15-21): what was asked, when
	// and how it was answered stays, as proof the organisation answered
	// in time; the person's words and the answer's text go.
	{Table: "data_requests", Column: "person_id", Contacts: []Contact{{Column: "received_on"}},
		Set: "details = '', answer = '', extended_reason = ''"},
	// Referrals (issue 10): who sent the person where, when and with what
	// answer stays for the statistics; the free text goes. Their extract
	// (referral_items) holds object ids only.
	{Table: "referrals", Column: "person_id", Set: "reason = '', note = '', refusal_reason = '', legal_ground = ''"},
	// Outgoing messages (issue 11): who was written to, when and how it
	// went stays (proof a reminder was sent); the address and the text go,
	// and an unsent message is cancelled.
	{Table: "outbox_messages", Column: "person_id",
		Set: "recipient = '', subject = '', body = '', secret = '', status = CASE WHEN status IN ('queued','sending') THEN 'cancelled' ELSE status END"},
	{Table: "reminder_preferences", Column: "person_id", Delete: true},
	// The agenda (issue 11): an honoured appointment and a visit to the
	// front desk are contacts; dates, statuses and places' kinds stay for
	// the statistics (honoured and missed appointments), free text goes.
	{Table: "appointments", Column: "person_id",
		Contacts: []Contact{{Column: "starts_at", Instant: true, Where: "status = 'honoured'"}},
		Set:      "place = '', theme = '', cancel_reason = ''"},
	{Table: "desk_visits", Column: "person_id",
		Contacts: []Contact{{Column: "came_at", Instant: true}},
		Set:      "visitor = '', motive = '', message = ''"},
	// The person portal (issue 14): accounts and invitations are deleted
	// with the file (nobody may sign in to an anonymised file; sessions go
	// with their accounts), the journal's disclosure decisions with their
	// reasons.
	{Table: "portal_invitations", Column: "person_id", Delete: true},
	{Table: "portal_accounts", Column: "person_id", Delete: true},
	{Table: "journal_disclosures", Column: "person_id", Delete: true},
	// Which documents the person sees in their portal (migration 0190).
	{Table: "document_shares", Column: "person_id", Delete: true},
	{Table: "audit_pending", Column: "person_id", Keep: "audit events waiting to be sealed: identifiers only"},
	{Table: "audit_events", Column: "person_id", Keep: "identifiers only; the hash chain must stay verifiable"},
	{Table: "retention_batch_items", Column: "person_id", Keep: "identifiers and dates only: the record of what retention did"},
	{Table: "retention_guard", Column: "person_id", Keep: "rows exist only inside the anonymisation's transaction"},
}

// PersonTable is one table holding a person's data.
type PersonTable struct {
	Table string
	// Column names the person (a persons.id).
	Column string
	// Kind is the data kind of the rows for the intermediate archive
	// durations (retention_archive_rules); tables without contact dates
	// leave it empty.
	Kind string
	// Contacts are the dates of the rows that count as a contact with
	// the person (their latest is the file's last contact).
	Contacts []Contact
	// What anonymisation does, exactly one of: Delete the rows; Set
	// (SQL assignments blanking free text); Special (done by code in
	// retention.go, described); Keep (why nothing changes).
	Delete  bool
	Set     string
	Special string
	Keep    string
	// Match selects the rows of the persons when Column alone does not:
	// SQL where {ids} is the set of person ids. Default: Column IN {ids}.
	Match string
}

// Contact is a date column counting as a contact with the person.
type Contact struct {
	Column string
	// Instant: a BIGINT microseconds column; else a TEXT YYYY-MM-DD date.
	Instant bool
	// Where narrows the rows (SQL over the table's columns).
	Where string
}
