package retention_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/parcours"
	"parcours/internal/retention"
	"parcours/internal/store"
)

// The child process of TestRetention_KillDuringApply: it applies the
// approved batches of the database named by PARCOURS_KILL_DSN and, at
// the stage PARCOURS_KILL_STAGE, says so on stdout and waits to be
// killed.
func TestRetentionKillChild(t *testing.T) {
	dsn, stage, dir := os.Getenv("PARCOURS_KILL_DSN"), os.Getenv("PARCOURS_KILL_STAGE"), os.Getenv("PARCOURS_KILL_DATA")
	if dsn == "" {
		t.Skip("the child of TestRetention_KillDuringApply")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	svc := retention.New(db, dir)
	svc.SetStage(func(s string) {
		if s == stage {
			fmt.Println("STAGE", s)
			time.Sleep(time.Hour) // killed here
		}
	})
	_, err = svc.Apply(ctx, parcours.SystemActor())
	fmt.Println("applied", err)
	os.Exit(3)
}

// TestRetention_KillDuringApply kills (SIGKILL) a real "retention apply"
// process inside the anonymisation's transaction, then just after its
// commit: the first leaves the file whole (nothing anonymised, every
// document row and content in place), the second a file anonymised whose
// own document content is still on disk, which the next run sweeps. A
// backup taken before the apply is still restored whole.
func TestRetention_KillDuringApply(t *testing.T) {
	t.Parallel()
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		ctx := context.Background()
		w := build(t, e)
		var plan planOut
		call(t, e, "POST", "/api/v1/retention/plans", "manager", nil, 201, &plan)
		anonID, _ := plan.batch(t, retention.ActionAnonymise)
		call(t, e, "POST", "/api/v1/retention/batches/"+anonID+"/decision", "manager", map[string]any{"decision": "approve", "reason": "Revu en réunion d'équipe"}, 200, nil)
		backup := filepath.Join(t.TempDir(), "avant-purge.backup")
		if err := e.App.DB.Backup(ctx, backup); err != nil {
			t.Fatalf("backup: %v", err)
		}

		db := e.App.DB.SQL()
		state := func() (name string, docs int, status string) {
			t.Helper()
			if err := db.QueryRow(rebind(e, "SELECT birth_name FROM persons WHERE id = ?"), w.old.ID).Scan(&name); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(rebind(e, "SELECT COUNT(*) FROM documents WHERE person_id = ?"), w.old.ID).Scan(&docs); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(rebind(e, "SELECT status FROM retention_batches WHERE id = ?"), anonID).Scan(&status); err != nil {
				t.Fatal(err)
			}
			return
		}
		onDisk := func(sha string) bool {
			_, err := os.Stat(w.contentPath(sha))
			return err == nil
		}
		kill := func(stage string) {
			t.Helper()
			cmd := exec.Command(os.Args[0], "-test.run=^TestRetentionKillChild$", "-test.v")
			cmd.Env = append(os.Environ(), "PARCOURS_KILL_DSN="+e.DSN, "PARCOURS_KILL_STAGE="+stage, "PARCOURS_KILL_DATA="+e.App.Config.DataDir)
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			reached := false
			var seen []string
			for sc.Scan() {
				seen = append(seen, sc.Text())
				if sc.Text() == "STAGE "+stage {
					reached = true
					break
				}
			}
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if !reached {
				t.Fatalf("the child never reached %s: %s", stage, strings.Join(seen, "\n"))
			}
		}

		// Killed inside the transaction: nothing happened.
		kill("in-transaction")
		if name, docs, status := state(); name != w.old.BirthName || docs != 2 || status != "approved" {
			t.Fatalf("after a kill inside the transaction: name %q, %d documents, batch %s; want the file whole", name, docs, status)
		}
		if !onDisk(w.uniqueSHA) || !onDisk(w.sharedSHA) {
			t.Fatal("a document content was removed by a rolled-back anonymisation")
		}

		// Killed right after the commit: anonymised, the content left over.
		kill("committed")
		if name, docs, _ := state(); name != "" || docs != 0 {
			t.Fatalf("after a kill past the commit: name %q, %d documents; want the file anonymised", name, docs)
		}
		if !onDisk(w.uniqueSHA) {
			t.Fatal("the content was removed before the kill: the test did not stop where it meant to")
		}
		// The next run sweeps the leftover (past its grace) and finishes
		// the batch; the shared content stays.
		e.App.Retention.SetClock(func() time.Time { return time.Now().UTC().Add(2 * time.Hour) })
		res, err := e.App.Retention.Apply(ctx, parcours.SystemActor())
		if err != nil || res.Removed != 1 || res.Anonymised != 0 {
			t.Fatalf("apply after the kill = %+v, %v; want the leftover swept and nothing anonymised twice", res, err)
		}
		if onDisk(w.uniqueSHA) || !onDisk(w.sharedSHA) {
			t.Error("leftover not swept, or the shared content removed")
		}
		if _, _, status := state(); status != "applied" {
			t.Errorf("batch %s after the next run, want applied", status)
		}
		if rep, err := e.App.DB.VerifyAudit(ctx, e.App.AuditKey); err != nil || rep.Problem != nil {
			t.Errorf("audit verify after the kills: %v %+v", err, rep)
		}

		// The backup taken before the apply restores the file whole.
		e.App.DB.Close()
		if err := store.Restore(ctx, e.DSN, backup, true); err != nil {
			t.Fatalf("restore: %v", err)
		}
		restored, err := store.Open(ctx, e.DSN)
		if err != nil {
			t.Fatal(err)
		}
		defer restored.Close()
		var name string
		var docs int
		if err := restored.SQL().QueryRow(rebind(e, "SELECT birth_name FROM persons WHERE id = ?"), w.old.ID).Scan(&name); err != nil || name != w.old.BirthName {
			t.Errorf("restored person: %q %v", name, err)
		}
		if err := restored.SQL().QueryRow(rebind(e, "SELECT COUNT(*) FROM documents WHERE person_id = ?"), w.old.ID).Scan(&docs); err != nil || docs != 2 {
			t.Errorf("restored documents: %d %v", docs, err)
		}
	})
}
