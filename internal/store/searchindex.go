package store

import "context"

// Search index changes: what an in-process copy of the search index
// (package search) must hear of to stay current.
//
// ReplacePersonTerms and InsertPersonTermsBulk — every writer of
// person_terms but the offline seed — mark the persons in their
// transaction. At commit this instance's subscribers are told, and on
// PostgreSQL a NOTIFY on searchChannel, sent by the same transaction (so
// never for a change rolled back), tells every other instance through the
// listener of actors.go. When that listener (re)connects, the subscribers
// are told that anything may have changed (nil), since notifications may
// have been missed meanwhile.

// searchChannel is the PostgreSQL notification channel of search index
// changes; the payload is person ids separated by commas.
const searchChannel = "parcours_search"

// OnSearchChange subscribes fn to search index changes: fn(ids) after a
// commit changed those persons' index entries, fn(nil) when anything may
// have changed. On PostgreSQL it starts this instance's listener.
func (db *DB) OnSearchChange(fn func(personIDs []string)) { db.subscribeIDs(&db.actors.search, fn) }

// SearchChangesHeard reports whether this instance hears of every search
// index change now: always on SQLite, on PostgreSQL while the listener is
// connected.
func (db *DB) SearchChangesHeard() bool { return db.ActorCacheUsable() }

func (db *DB) searchChanged(ids []string) { db.tellIDs(&db.actors.search, ids) }

// notifySearch sends the NOTIFYs of the persons tx reindexed, in tx.
func (tx *Tx) notifySearch(ctx context.Context) error {
	return tx.notifyIDs(ctx, searchChannel, tx.searchChanged)
}

// EachIndexedPerson calls fn with every person of the search index and
// their entries, in id order, streaming (one statement, no transaction
// held by the caller): what an in-process index is built from.
func (db *DB) EachIndexedPerson(ctx context.Context, fn func(*IndexedPerson) error) error {
	rows, err := db.r.QueryContext(ctx, "SELECT person_id, org_id, birth_date, field, term, phon FROM person_terms ORDER BY person_id, field, term")
	if err != nil {
		return wrapQuery("SELECT … FROM person_terms", err)
	}
	defer rows.Close()
	var cur *IndexedPerson
	for rows.Next() {
		var id, org, birth string
		var t PersonTerm
		if err := rows.Scan(&id, &org, &birth, &t.Field, &t.Term, &t.Phon); err != nil {
			return err
		}
		if cur == nil || cur.ID != id {
			if cur != nil {
				if err := fn(cur); err != nil {
					return err
				}
			}
			cur = &IndexedPerson{ID: id, OrgID: org, BirthDate: birth}
		}
		cur.Terms = append(cur.Terms, t)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if cur != nil {
		return fn(cur)
	}
	return nil
}

// IndexedPersons returns the search index entries of ids, by id; a person
// without entries (merged, purged) is absent.
func (db *DB) IndexedPersons(ctx context.Context, ids []string) (map[string]*IndexedPerson, error) {
	out := map[string]*IndexedPerson{}
	err := db.View(ctx, func(tx *Tx) error {
		in, arg := tx.inList("person_id", ids)
		rows, err := tx.query(ctx, "SELECT person_id, org_id, birth_date, field, term, phon FROM person_terms WHERE "+in+" ORDER BY person_id, field, term", arg)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, org, birth string
			var t PersonTerm
			if err := rows.Scan(&id, &org, &birth, &t.Field, &t.Term, &t.Phon); err != nil {
				return err
			}
			p := out[id]
			if p == nil {
				p = &IndexedPerson{ID: id, OrgID: org, BirthDate: birth}
				out[id] = p
			}
			p.Terms = append(p.Terms, t)
		}
		return rows.Err()
	})
	return out, err
}
