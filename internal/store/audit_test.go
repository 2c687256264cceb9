package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"parcours/internal/audit"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

// writeEvents appends n audit events, one transaction each.
func writeEvents(t *testing.T, db *store.DB, n int) {
	t.Helper()
	for i := range n {
		err := db.Transact(context.Background(), func(tx *store.Tx) error {
			tx.Audit(audit.Event{ActorID: "w1", OrgID: "o1", Role: "worker", Action: "person.read",
				ObjectType: "person", ObjectID: fmt.Sprint("p", i), PersonID: fmt.Sprint("p", i), RequestID: "r"})
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func verify(t *testing.T, db *store.DB, key []byte) *store.AuditReport {
	t.Helper()
	rep, err := db.VerifyAudit(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// disableGuards plays the attacker with direct database access: the
// append-only triggers are removed so the table can be altered.
func disableGuards(t *testing.T, db *store.DB) {
	t.Helper()
	stmts := []string{"ALTER TABLE audit_events DISABLE TRIGGER USER", "ALTER TABLE audit_checkpoints DISABLE TRIGGER USER"}
	if db.Dialect() == store.SQLite {
		stmts = []string{"DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete",
			"DROP TRIGGER audit_checkpoints_no_update", "DROP TRIGGER audit_checkpoints_no_delete"}
	}
	for _, s := range stmts {
		if _, err := db.SQL().Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAudit_DatabaseRefusesUpdateAndDelete(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		writeEvents(t, db, 3)
		for _, q := range []string{
			"UPDATE audit_events SET person_id = 'someone-else' WHERE seq = 2",
			"DELETE FROM audit_events WHERE seq = 3",
			"DELETE FROM audit_events",
			"INSERT INTO audit_purge_guard (last_seq) VALUES (3)", // a guard needs its checkpoint
		} {
			if _, err := db.SQL().Exec(q); err == nil {
				t.Errorf("%s: accepted, want refused by the database", q)
			} else if !strings.Contains(err.Error(), "append-only") && !strings.Contains(err.Error(), "checkpoint") {
				t.Errorf("%s: refused with %v, want the append-only trigger", q, err)
			}
		}
		if db.Dialect() == store.Postgres {
			if _, err := db.SQL().Exec("TRUNCATE audit_events"); err == nil {
				t.Error("TRUNCATE accepted, want refused")
			}
		}
		rep := verify(t, db, nil)
		if rep.Problem != nil || rep.Checked != 3 {
			t.Fatalf("after refused changes: %+v, want 3 intact events", rep)
		}
	})
}

func TestAuditVerify_CatchesEachKindOfTampering(t *testing.T) {
	forged := audit.Event{ID: "forged", At: time.Now(), ActorID: "intruder", Action: "person.read"}
	tests := []struct {
		name    string
		tamper  []string
		wantSeq int64
		reason  string
	}{
		{"modified field", []string{"UPDATE audit_events SET person_id = 'p-other' WHERE seq = 4"}, 4, "modified"},
		{"modified actor", []string{"UPDATE audit_events SET actor_id = 'w2' WHERE seq = 7"}, 7, "modified"},
		{"deleted row", []string{"DELETE FROM audit_events WHERE seq = 4"}, 5, "sequence gap"},
		{"deleted first row", []string{"DELETE FROM audit_events WHERE seq = 1"}, 2, "sequence gap"},
		{"deleted and renumbered", []string{
			"DELETE FROM audit_events WHERE seq = 4",
			"UPDATE audit_events SET seq = seq + 1000 WHERE seq > 4",
			"UPDATE audit_events SET seq = seq - 1001 WHERE seq > 1000",
		}, 4, "previous hash"},
		{"reordered", []string{
			"UPDATE audit_events SET seq = -1 WHERE seq = 3",
			"UPDATE audit_events SET seq = 3 WHERE seq = 4",
			"UPDATE audit_events SET seq = 4 WHERE seq = -1",
		}, 3, "previous hash"},
		{"broken prev_hash", []string{"UPDATE audit_events SET prev_hash = '" + strings.Repeat("ab", 32) + "' WHERE seq = 6"}, 6, "previous hash"},
		{"inserted row", nil, 6, "previous hash"}, // built below: needs the real hash of event 4
		{"forged checkpoint", []string{
			"INSERT INTO audit_checkpoints (last_seq, last_hash, purged, created_at, signature) VALUES (3, 'x', 3, 1, 'deadbeef')",
		}, 3, "checkpoint signature"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			storetest.ForEach(t, func(t *testing.T, db *store.DB) {
				writeEvents(t, db, 10)
				key := []byte(strings.Repeat("k", 32))
				if rep := verify(t, db, key); rep.Problem != nil || rep.Checked != 10 {
					t.Fatalf("before tampering: %+v", rep)
				}
				disableGuards(t, db)
				stmts := tc.tamper
				if tc.name == "inserted row" {
					// A well-formed event slipped in after event 4, the
					// following ones pushed down: the next link breaks.
					var h string
					if err := db.SQL().QueryRow("SELECT hash FROM audit_events WHERE seq = 4").Scan(&h); err != nil {
						t.Fatal(err)
					}
					ev := forged
					ev.Seal(4, h)
					stmts = []string{
						"UPDATE audit_events SET seq = seq + 1000 WHERE seq > 4",
						"UPDATE audit_events SET seq = seq - 999 WHERE seq > 1000",
						fmt.Sprintf(`INSERT INTO audit_events (seq, id, at, actor_id, action, prev_hash, hash)
							VALUES (5, 'forged', %d, 'intruder', 'person.read', '%s', '%s')`, ev.At.UnixMicro(), ev.PrevHash, ev.Hash),
					}
				}
				for _, s := range stmts {
					if _, err := db.SQL().Exec(s); err != nil {
						t.Fatalf("%s: %v", s, err)
					}
				}
				rep := verify(t, db, key)
				if rep.Problem == nil {
					t.Fatalf("tampering not detected: %+v", rep)
				}
				if rep.Problem.Seq != tc.wantSeq || !strings.Contains(rep.Problem.Reason, tc.reason) {
					t.Fatalf("problem %v, want event %d (%s)", rep.Problem, tc.wantSeq, tc.reason)
				}
			})
		})
	}
}

func TestAuditPurge_LeavesSignedCheckpointAndChainContinues(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		key := []byte(strings.Repeat("s", 32))
		base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
		clock := base
		db.Now = func() time.Time { return clock }
		writeEvents(t, db, 4) // old
		clock = base.AddDate(1, 1, 0)
		writeEvents(t, db, 3) // recent
		cp, err := db.PurgeAudit(ctx, base.AddDate(0, 6, 0), key)
		if err != nil {
			t.Fatal(err)
		}
		if cp == nil || cp.LastSeq != 4 || cp.Purged != 4 || !cp.Valid(key) {
			t.Fatalf("checkpoint %+v, want last_seq 4, 4 purged, valid signature", cp)
		}
		var n int
		if err := db.SQL().QueryRow("SELECT COUNT(*) FROM audit_events").Scan(&n); err != nil || n != 3 {
			t.Fatalf("%d events left (%v), want 3", n, err)
		}
		writeEvents(t, db, 2)
		rep := verify(t, db, key)
		if rep.Problem != nil || rep.Checked != 5 || rep.FirstSeq != 5 || rep.LastSeq != 9 || rep.Checkpoints != 1 {
			t.Fatalf("after purge: %+v (problem %v)", rep, rep.Problem)
		}
		if _, err := db.VerifyAudit(ctx, nil); err == nil {
			t.Fatal("verify without the key accepted a checkpoint it cannot check")
		}
		if rep := verify(t, db, []byte(strings.Repeat("x", 32))); rep.Problem == nil {
			t.Fatal("checkpoint accepted under another key")
		}
		// Nothing older than the cutoff left: a second purge is a no-op.
		if cp, err := db.PurgeAudit(ctx, base.AddDate(0, 6, 0), key); err != nil || cp != nil {
			t.Fatalf("second purge: %+v, %v", cp, err)
		}
		// The checkpoint itself cannot be removed or altered.
		if _, err := db.SQL().Exec("DELETE FROM audit_checkpoints"); err == nil {
			t.Fatal("checkpoint deleted")
		}
	})
}

func TestParseRetention_BoundsSixMonthsToThreeYears(t *testing.T) {
	for in, ok := range map[string]bool{"": true, "1y": true, "6m": true, "3y": true, "18m": true, "540d": true,
		"5m": false, "4y": false, "1w": false, "abc": false, "-1y": false} {
		_, err := audit.ParseRetention(in)
		if (err == nil) != ok {
			t.Errorf("ParseRetention(%q): err %v, want ok=%v", in, err, ok)
		}
	}
}
