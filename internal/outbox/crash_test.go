package outbox_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
)

// The outbox's promise after a crash, as package outbox documents it: a
// message is sent at most once without a human decision, and never lost
// silently — one whose sender died between the send and the sent marker
// is shown « incertain » and goes again only when an admin requeues it.
// Here a real `parcours jobs run-once --job outbox` process, built from
// this module, is killed (SIGKILL) in the middle of its batch, while the
// SMTP server (the in-process catcher) already holds the message it is
// sending but has not answered yet — the worst moment: the message left,
// and the process never learnt it.

// parcoursBinary builds cmd/parcours once for the tests of this package.
var parcoursBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "parcours-bin-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "parcours")
	out, err := exec.Command("go", "build", "-o", bin, "parcours/cmd/parcours").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

func TestOutbox_RealProcessKilledMidBatchSendsNothingTwice(t *testing.T) {
	t.Parallel()
	bin, err := parcoursBinary()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = os.RemoveAll(filepath.Dir(bin)) })
	apptest.ForEach(t, func(t *testing.T, e *apptest.Env) {
		c, err := outbox.NewCatcher("127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// The third message the server gets is held: the test kills the
		// sender while it waits for the answer.
		held, release := make(chan string, 1), make(chan struct{})
		var n int
		var mu sync.Mutex
		c.Hold = func(m outbox.CaughtMail) {
			mu.Lock()
			n++
			third := n == 3
			mu.Unlock()
			if third {
				held <- m.Body
				<-release
			}
		}
		defer close(release)
		configure(t, e, c.Addr, "", "")
		const total = 6
		for i := 1; i <= total; i++ {
			enqueue(t, e, outbox.Message{OrgID: e.OrgA.ID, Key: fmt.Sprintf("crash:%d", i), Channel: parcours.ChannelEmail, Kind: "test",
				To: fmt.Sprintf("personne%d@exemple.test", i), Subject: "Rappel", Body: fmt.Sprintf("message %d", i)})
		}

		// run starts the real process on the test's database.
		run := func() *exec.Cmd {
			cmd := exec.Command(bin, "jobs", "run-once", "--job", "outbox", "--database", e.DSN, "--data-dir", e.App.Config.DataDir)
			cmd.Env = append(os.Environ(), "PARCOURS_ADDR=127.0.0.1:0")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() {
				if t.Failed() {
					t.Logf("parcours output:\n%s", out.String())
				}
			})
			return cmd
		}

		// 1. The process sends two messages, then the third reaches the
		// server, which holds it: kill -9 there.
		first := run()
		exited := make(chan error, 1)
		go func() { exited <- first.Wait() }()
		var inFlight string
		select {
		case inFlight = <-held:
		case err := <-exited:
			t.Fatalf("the process ended before the third message: %v", err)
		case <-time.After(2 * time.Minute):
			t.Fatal("the third message never reached the server")
		}
		if err := first.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		if err := <-exited; err == nil {
			t.Fatal("the killed process exited cleanly")
		}
		statuses := func() map[string]string {
			out := map[string]string{}
			for i := 1; i <= total; i++ {
				m := message(t, e, fmt.Sprintf("crash:%d", i))
				out[m.Body] = m.Status
			}
			return out
		}
		st := statuses()
		if st[inFlight] != parcours.OutboxSending {
			t.Fatalf("the message in flight is %q after the kill, want sending: %v", st[inFlight], st)
		}
		if got := len(c.Mail()); got != 3 {
			t.Fatalf("%d messages reached the server before the kill, want 3", got)
		}

		// 2. Time passes: the dead process's leases run out — the outbox
		// job's (10 minutes) and its claim on the message in flight (2
		// minutes). The database clock is not the process's to set, so
		// the test ages the leases as the minutes would.
		db := e.App.DB.SQL()
		for _, q := range []string{
			"UPDATE job_leases SET expires_at = 1 WHERE name = 'outbox'",
			"UPDATE outbox_messages SET lease_until = 1 WHERE status = 'sending'",
		} {
			if _, err := db.ExecContext(context.Background(), q); err != nil {
				t.Fatal(err)
			}
		}

		// 3. A new process: it sends the rest, and declares the message
		// in flight uncertain rather than sending it again.
		second := run()
		if err := second.Wait(); err != nil {
			t.Fatalf("restart: %v", err)
		}
		delivered := map[string]int{}
		for _, m := range c.Mail() {
			delivered[m.Body]++
		}
		st = statuses()
		for i := 1; i <= total; i++ {
			body := fmt.Sprintf("message %d", i)
			want := parcours.OutboxSent
			if body == inFlight {
				want = parcours.OutboxUncertain
			}
			if delivered[body] != 1 || st[body] != want {
				t.Errorf("%s: delivered %d time(s), status %s; want once, %s", body, delivered[body], st[body], want)
			}
		}
		// The uncertain one is on the admin's outbox, with why.
		r := e.Do("GET", "/api/v1/outbox?status=uncertain", "admin", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), inFlight) {
			t.Fatalf("outbox list of uncertain messages: %d %s", r.Status, r.Body)
		}

		// 4. Only an admin's decision sends it again.
		m := message(t, e, "crash:"+strings.TrimPrefix(inFlight, "message "))
		if r := e.Do("POST", "/api/v1/outbox/"+m.ID+"/requeue", "admin", nil); r.Status >= 300 {
			t.Fatalf("requeue: %d %s", r.Status, r.Body)
		}
		third := run()
		if err := third.Wait(); err != nil {
			t.Fatalf("after the requeue: %v", err)
		}
		again := 0
		for _, m := range c.Mail() {
			if m.Body == inFlight {
				again++
			}
		}
		if len(c.Mail()) != total+1 || again != 2 {
			t.Fatalf("after the requeue: %d messages, %d of the uncertain one; want %d and 2", len(c.Mail()), again, total+1)
		}
	})
}
