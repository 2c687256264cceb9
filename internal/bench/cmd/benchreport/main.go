// Command benchreport is `make bench`: for each backend it seeds a fresh
// database with `parcours seed` (timed), starts `parcours serve` on
// 127.0.0.1, drives it with 50 concurrent users per scenario (vegeta),
// times the same reads as raw SQL, reads the server's memory from /proc,
// runs the Go benchmarks, and rewrites BENCHMARKS.md.
//
// Scale and duration come from the environment (or the flags of the same
// name in lower case): BENCH_PERSONS (100000), BENCH_DURATION (15s per
// scenario), BENCH_USERS (50), BENCH_BACKENDS (sqlite,postgres),
// BENCH_GOBENCH (1 to run the Go benchmarks), PARCOURS_TEST_POSTGRES (the
// PostgreSQL server, postgres://postgres@127.0.0.1:5432/postgres by
// default). Every database it creates is thrown away at the end.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"parcours/internal/auth"
	"parcours/internal/bench"
	"parcours/internal/demo/names"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

type config struct {
	persons  int
	duration time.Duration
	users    int
	backends []string
	gobench  bool
	bin      string
	out      string
	pgAdmin  string
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func main() {
	var c config
	var backends string
	persons, _ := strconv.Atoi(envOr("BENCH_PERSONS", "100000"))
	dur, _ := time.ParseDuration(envOr("BENCH_DURATION", "15s"))
	users, _ := strconv.Atoi(envOr("BENCH_USERS", "50"))
	flag.IntVar(&c.persons, "persons", persons, "persons to seed (env BENCH_PERSONS)")
	flag.DurationVar(&c.duration, "duration", dur, "duration of each load scenario (env BENCH_DURATION)")
	flag.IntVar(&c.users, "users", users, "concurrent users (env BENCH_USERS)")
	flag.StringVar(&backends, "backends", envOr("BENCH_BACKENDS", "sqlite,postgres"), "backends to measure (env BENCH_BACKENDS)")
	flag.BoolVar(&c.gobench, "gobench", envOr("BENCH_GOBENCH", "1") == "1", "run the Go benchmarks too (env BENCH_GOBENCH)")
	flag.StringVar(&c.bin, "bin", "bin/parcours", "the parcours binary to measure")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "report to rewrite")
	flag.Parse()
	c.backends = strings.Split(backends, ",")
	c.pgAdmin = envOr("PARCOURS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if c.duration <= 0 || c.duration > 5*time.Minute || c.users < 1 || c.users > 500 || c.persons < 1000 {
		fatal(errors.New("bench: duration must be in (0, 5m], users in [1, 500], persons ≥ 1000"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	started := time.Now()
	rep := &report{cfg: c, machine: bench.ThisMachine(), date: started.UTC(), loadBefore: loadavg()}
	for _, b := range c.backends {
		r, err := runBackend(ctx, c, strings.TrimSpace(b))
		if err != nil {
			fatal(fmt.Errorf("%s: %w", b, err))
		}
		rep.backends = append(rep.backends, r)
	}
	if c.gobench {
		rep.gobench = goBenchmarks(ctx)
	}
	rep.total = time.Since(started)
	rep.loadAfter = loadavg()
	if err := os.WriteFile(c.out, []byte(rep.markdown()), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: %s rewritten in %s\n", c.out, rep.total.Round(time.Second))
}

// loadavg is the 1-minute load average: how busy the shared machine was.
func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "bench: "+format+"\n", args...)
}

// backendResult is what one backend measured.
type backendResult struct {
	name             string
	seed, seedCPU    time.Duration // wall time, and CPU time of the seed process
	persons, entries int
	idleRSS, peakRSS int64
	scenarios        []scenarioResult
	heavyEntries     int
	seedLog          string
	serveLogTail     string
}

type scenarioResult struct {
	name  string
	http  *bench.Latency
	floor *bench.Latency // nil without a raw-SQL equivalent
}

// benchWorker is the worker whose token drives the load: a referent of
// about a third of the département's households (see internal/demo).
const benchWorker = "referent.rsa@rhone.example"

func runBackend(ctx context.Context, c config, backend string) (*backendResult, error) {
	res := &backendResult{name: backend}
	tmp, err := os.MkdirTemp("", "parcours-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	var dsn string
	switch backend {
	case "sqlite":
		dsn = filepath.Join(tmp, "bench.db")
	case "postgres":
		d, drop, err := throwawayPostgres(ctx, c.pgAdmin)
		if err != nil {
			return nil, err
		}
		defer drop()
		dsn = d
	default:
		return nil, fmt.Errorf("unknown backend %q", backend)
	}

	logf("%s: seeding %d persons", backend, c.persons)
	t0 := time.Now()
	var seedErr bytes.Buffer
	cmd := exec.CommandContext(ctx, c.bin, "seed", "--persons", strconv.Itoa(c.persons), "--seed", "1", "--database", dsn)
	cmd.Stderr = io.MultiWriter(&seedErr, os.Stderr)
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	res.seed = time.Since(t0)
	res.seedCPU = cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	res.seedLog = lastLine(seedErr.String())

	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	token, _, err := auth.New(db, slog.New(slog.NewTextHandler(io.Discard, nil))).CreateToken(ctx, parcours.SystemActor(), benchWorker, "bench")
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	fx, err := loadFixtures(ctx, db.SQL(), store.DialectOf(dsn), benchWorker)
	if err != nil {
		return nil, err
	}
	res.persons, res.entries, res.heavyEntries = fx.persons, fx.entries, fx.heavyEntries
	floorDB, err := openFloor(dsn)
	if err != nil {
		return nil, err
	}
	defer floorDB.Close()

	srv, err := startServe(ctx, c.bin, dsn, tmp)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	time.Sleep(3 * time.Second) // let start-up garbage settle
	res.idleRSS, _, _ = bench.ProcMemory(srv.cmd.Process.Pid)
	logf("%s: serve idle RSS %s", backend, bench.MB(res.idleRSS))

	for _, sc := range scenarios(fx, store.DialectOf(dsn)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		logf("%s: %s (%d users, %s)", backend, sc.Name, c.users, c.duration)
		r := scenarioResult{name: sc.Name}
		r.http, err = bench.Load(srv.base, token, sc, c.users, c.duration)
		if err != nil {
			return nil, err
		}
		if sc.SQL != nil {
			r.floor, err = bench.Floor(ctx, floorDB, sc, c.users, min(c.duration, 10*time.Second))
			if err != nil {
				return nil, err
			}
		}
		res.scenarios = append(res.scenarios, r)
	}
	_, res.peakRSS, _ = bench.ProcMemory(srv.cmd.Process.Pid)
	res.serveLogTail = srv.logTail()
	return res, nil
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

// throwawayPostgres creates an empty database on the local server and
// returns its DSN and the function that drops it.
func throwawayPostgres(ctx context.Context, admin string) (string, func(), error) {
	adb, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	name := fmt.Sprintf("parcours_bench_%d", rand.Uint32())
	if _, err := adb.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adb.Close()
		return "", nil, fmt.Errorf("PostgreSQL at %s: %w", redact(admin), err)
	}
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	dsn := u.String()
	// The search migration needs these extensions; create them as the
	// administrator, as an operator would.
	if db, err := sql.Open("pgx", dsn); err == nil {
		_, _ = db.ExecContext(ctx, "CREATE EXTENSION IF NOT EXISTS pg_trgm; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS fuzzystrmatch")
		db.Close()
	}
	return dsn, func() {
		_, _ = adb.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		adb.Close()
	}, nil
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(DSN)"
	}
	return u.Redacted()
}

// openFloor opens the pool the raw-SQL floor uses: like serve's read pool.
func openFloor(dsn string) (*sql.DB, error) {
	if store.DialectOf(dsn) == store.Postgres {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32)
		}
		return db, err
	}
	db, err := sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=query_only(1)")
	if err == nil {
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	return db, err
}

type server struct {
	cmd  *exec.Cmd
	base string
	log  *bytes.Buffer
}

// startServe runs `parcours serve` on a free loopback port and waits
// until /readyz answers.
func startServe(ctx context.Context, bin, dsn, dir string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr, log: &bytes.Buffer{}}
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--database", dsn, "--data-dir", filepath.Join(dir, "data"))
	s.cmd.Stderr = &limitedWriter{w: s.log, max: 1 << 20}
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		if ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	s.stop()
	return nil, fmt.Errorf("serve did not become ready: %s", lastLine(s.log.String()))
}

func (s *server) stop() {
	if s.cmd.ProcessState != nil {
		return
	}
	_ = s.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { s.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		_ = s.cmd.Process.Kill()
		<-done
	}
}

func (s *server) logTail() string {
	lines := strings.Split(strings.TrimSpace(s.log.String()), "\n")
	var errs []string
	for _, l := range lines {
		if strings.Contains(l, `"level":"ERROR"`) {
			errs = append(errs, l)
		}
	}
	return strings.Join(errs[max(0, len(errs)-3):], "\n")
}

// limitedWriter keeps the first max bytes of the server's log.
type limitedWriter struct {
	w   io.Writer
	n   int
	max int
}

func (l *limitedWriter) Write(p []byte) (int, error) {
	if l.n < l.max {
		k := min(len(p), l.max-l.n)
		l.w.Write(p[:k])
		l.n += k
	}
	return len(p), nil
}

// fixtures are the ids the scenarios request, read from the seeded data.
type fixtures struct {
	orgID            string
	personIDs        []string // files the bench worker may open
	heavyIDs         []string // of them, files with ≥ 200 entries
	queries          []string // search strings with typos
	persons, entries int
	heavyEntries     int
}

func loadFixtures(ctx context.Context, db *sql.DB, d store.Dialect, email string) (*fixtures, error) {
	q := func(s string) string {
		if d == store.Postgres {
			return strings.Replace(s, "?", "$1", 1)
		}
		return s
	}
	fx := &fixtures{}
	var workerID string
	if err := db.QueryRowContext(ctx, q("SELECT id, org_id FROM workers WHERE email = ?"), email).Scan(&workerID, &fx.orgID); err != nil {
		return nil, fmt.Errorf("bench worker %s: %w", email, err)
	}
	db.QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&fx.persons)
	db.QueryRowContext(ctx, "SELECT count(*) FROM journal_entries").Scan(&fx.entries)
	rows, err := db.QueryContext(ctx, q(`SELECT p.id, p.birth_name, p.first_names, p.birth_date FROM accompaniments a JOIN persons p ON p.id = a.person_id
		WHERE a.referent_id = ? ORDER BY a.id LIMIT 5000`), workerID)
	if err != nil {
		return nil, err
	}
	m := names.New(99)
	for rows.Next() {
		var id, last, first, birth string
		if err := rows.Scan(&id, &last, &first, &birth); err != nil {
			rows.Close()
			return nil, err
		}
		fx.personIDs = append(fx.personIDs, id)
		if len(fx.queries) < 1000 {
			fx.queries = append(fx.queries, typo(m, names.ASCII(strings.ToLower(last)))+" "+strings.SplitN(first, ",", 2)[0]+" "+birth[:4])
		}
	}
	rows.Close()
	if len(fx.personIDs) == 0 {
		return nil, errors.New("no accompanied person for the bench worker: was the database seeded with journals?")
	}
	rows, err = db.QueryContext(ctx, q(`SELECT e.person_id, count(*) FROM journal_entries e JOIN accompaniments a ON a.id = e.accompaniment_id
		WHERE a.referent_id = ? GROUP BY e.person_id ORDER BY count(*) DESC LIMIT 50`), workerID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		var n int
		rows.Scan(&id, &n)
		if len(fx.heavyIDs) == 0 || n >= 200 {
			fx.heavyIDs = append(fx.heavyIDs, id)
			fx.heavyEntries = max(fx.heavyEntries, n)
		}
	}
	rows.Close()
	return fx, rows.Err()
}

// typo makes one typing mistake in a word of 5 letters or more: a swap
// of two neighbours or a dropped letter, as at a front desk.
func typo(m *names.Model, w string) string {
	r := []rune(w)
	if len(r) < 5 {
		return w
	}
	i := 1 + m.Rand().IntN(len(r)-2)
	if m.Chance(0.5) {
		r[i], r[i+1] = r[i+1], r[i]
		return string(r)
	}
	return string(append(r[:i:i], r[i+1:]...))
}

const personCols = `id, org_id, birth_name, usage_name, first_names, birth_date, birth_place, sex, phone, email,
	address_line1, address_line2, postal_code, city, nir, caf_number, household_id, relationship, created_at, updated_at, version`

const entryCols = `id, org_id, person_id, accompaniment_id, kind, occurred_at, summary, mode, participants, confidentiality,
	team_id, author_id, private_synthesis, amends, created_at`

// drain reads every row of a query, scanning each column, as the server
// does.
func drain(ctx context.Context, db *sql.DB, q string, args ...any) error {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
	}
	return rows.Err()
}

func scenarios(fx *fixtures, d store.Dialect) []bench.Scenario {
	ph := func(n int) string {
		if d == store.Postgres {
			return "$" + strconv.Itoa(n)
		}
		return "?"
	}
	pick := func(ids []string, n uint64) string { return ids[n%uint64(len(ids))] }
	return []bench.Scenario{
		{
			Name: "get a person",
			Next: func(n uint64, t *vegeta.Target) { t.URL = "/api/v1/persons/" + pick(fx.personIDs, n) },
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				return drain(ctx, db, "SELECT "+personCols+" FROM persons WHERE id = "+ph(1), pick(fx.personIDs, n))
			},
		},
		{
			Name: "list persons (50)",
			Next: func(n uint64, t *vegeta.Target) { t.URL = "/api/v1/persons?limit=50" },
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				return drain(ctx, db, "SELECT "+personCols+" FROM persons WHERE org_id = "+ph(1)+" ORDER BY birth_name, first_names, id LIMIT 51", fx.orgID)
			},
		},
		{
			Name: "open a file (journal, 200 entries)",
			Next: func(n uint64, t *vegeta.Target) {
				t.URL = "/api/v1/persons/" + pick(fx.heavyIDs, n) + "/journal?limit=200"
			},
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				return drain(ctx, db, "SELECT "+entryCols+" FROM journal_entries WHERE person_id = "+ph(1)+
					" ORDER BY occurred_at DESC, created_at DESC, id DESC LIMIT 201", pick(fx.heavyIDs, n))
			},
		},
		{
			Name: "search (one typo + first name + year)",
			Next: func(n uint64, t *vegeta.Target) {
				t.URL = "/api/v1/persons?q=" + url.QueryEscape(fx.queries[n%uint64(len(fx.queries))])
			},
		},
		{
			Name: "add a journal entry",
			Next: func(n uint64, t *vegeta.Target) {
				t.Method = http.MethodPost
				t.URL = "/api/v1/persons/" + pick(fx.personIDs, n) + "/journal"
				t.Body = []byte(fmt.Sprintf(`{"kind":"note","summary":"Note de charge n° %d : appel reçu, point sur la demande de logement social."}`, n))
				t.Header = t.Header.Clone()
				t.Header.Set("Content-Type", "application/json")
			},
		},
	}
}

func goBenchmarks(ctx context.Context) string {
	logf("go test -bench")
	cmd := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", ".", "-benchmem", "-benchtime", "1s", "-timeout", "10m", "./...")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	var keep []string
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "Benchmark") || strings.HasPrefix(l, "pkg:") || strings.HasPrefix(l, "FAIL") ||
			strings.HasPrefix(l, "panic:") || strings.HasPrefix(l, "--- FAIL") {
			keep = append(keep, l)
		}
	}
	if err != nil {
		keep = append(keep, "(go test -bench failed: "+err.Error()+")")
	}
	return strings.Join(keep, "\n")
}
