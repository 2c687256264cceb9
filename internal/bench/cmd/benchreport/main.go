// Command benchreport is `make bench`: for each backend it takes a seeded
// database from the cache (seeding and caching it the first time), works
// on a throwaway copy of it, starts `parcours serve` on 127.0.0.1 and, for
// each scenario, measures after a warm-up: one user's latency, the
// capacity (closed-loop saturation throughput) with the CPU each request
// costs serve and the database, an open loop at 60 % of that capacity
// (vegeta's rate mode), and the same reads as raw SQL (latency, capacity,
// CPU). The load average is recorded with every figure. It rewrites
// BENCHMARKS.md after each backend, so that a run cut short keeps what
// it measured.
//
// Scale and duration come from the environment (or the flags of the same
// name in lower case): BENCH_PERSONS (500000), BENCH_DURATION (10s per
// measure), BENCH_WARMUP (3s), BENCH_USERS (16, the closed loop of the
// capacity run), BENCH_OPEN_WINDOWS (3: the open loop runs a warm-up
// then this many windows of BENCH_DURATION, and the window of the median
// p99 is reported with every window's p99), BENCH_BACKENDS (sqlite,postgres), BENCH_GOBENCH (0; 1
// runs the Go benchmarks too), BENCH_SCENARIOS (parts of the names of
// the scenarios to run, e.g. "search,add"; all by default), BENCH_ONLY ("export": only the export
// step, export.go, written to docs/export-memory.md), BENCH_CACHE (the cached databases;
// $XDG_CACHE_HOME/parcours-bench or ~/.cache/parcours-bench, outside the
// repository), PARCOURS_TEST_POSTGRES (the PostgreSQL server,
// postgres://postgres@127.0.0.1:5432/postgres by default).
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
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
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"parcours/internal/auth"
	"parcours/internal/bench"
	"parcours/internal/demo/names"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// seedVersion names the cached databases: bump it when what `parcours
// seed` writes changes (generator, bulk loader, index layout), so that
// the next run seeds afresh instead of measuring stale data.
const seedVersion = 4 // 4: the journal's full-text index merged by the bulk load

type config struct {
	persons  int
	duration time.Duration
	warmup   time.Duration
	users    int
	// openWindows is how many windows of duration the open loop is cut
	// into, after a warm-up; the median window is the figure.
	openWindows int
	backends    []string
	gobench     bool
	bin         string
	out         string
	pgAdmin     string
	cache       string
	seedOnly    bool
	only        string
	// pick keeps the scenarios whose name contains one of these (all
	// when empty): a quick measure of the one being worked on.
	pick []string
}

func (c *config) picked(name string) bool {
	if len(c.pick) == 0 {
		return true
	}
	for _, p := range c.pick {
		if p = strings.TrimSpace(p); p != "" && strings.Contains(name, p) {
			return true
		}
	}
	return false
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func defaultCache() string {
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "parcours-bench")
	}
	if h, err := os.UserHomeDir(); err == nil {
		return filepath.Join(h, ".cache", "parcours-bench")
	}
	return filepath.Join(os.TempDir(), "parcours-bench")
}

func main() {
	// The load generator (vegeta, in this process) times each request
	// from its own goroutines: its collector's pauses and assists would
	// count as serve's latency. Its heap is small; a collection every
	// four times the live heap instead of every time it doubles costs
	// this process some megabytes and takes most of them out of the
	// measure.
	debug.SetGCPercent(400)
	var c config
	var backends string
	persons, _ := strconv.Atoi(envOr("BENCH_PERSONS", "500000"))
	dur, _ := time.ParseDuration(envOr("BENCH_DURATION", "10s"))
	warm, _ := time.ParseDuration(envOr("BENCH_WARMUP", "3s"))
	users, _ := strconv.Atoi(envOr("BENCH_USERS", "16"))
	windows, _ := strconv.Atoi(envOr("BENCH_OPEN_WINDOWS", "3"))
	flag.IntVar(&c.persons, "persons", persons, "persons in the seeded database (env BENCH_PERSONS)")
	flag.DurationVar(&c.duration, "duration", dur, "duration of each measure (env BENCH_DURATION)")
	flag.DurationVar(&c.warmup, "warmup", warm, "warm-up before each scenario, not measured (env BENCH_WARMUP)")
	flag.IntVar(&c.users, "users", users, "concurrent users of the capacity run (env BENCH_USERS)")
	flag.IntVar(&c.openWindows, "open-windows", windows, "windows of -duration the open loop is cut into after its warm-up; the median one is reported (env BENCH_OPEN_WINDOWS)")
	flag.StringVar(&backends, "backends", envOr("BENCH_BACKENDS", "sqlite,postgres"), "backends to measure (env BENCH_BACKENDS)")
	flag.BoolVar(&c.gobench, "gobench", envOr("BENCH_GOBENCH", "0") == "1", "run the Go benchmarks too (env BENCH_GOBENCH)")
	flag.StringVar(&c.bin, "bin", "bin/parcours", "the parcours binary to measure")
	flag.StringVar(&c.out, "out", "BENCHMARKS.md", "report to rewrite")
	flag.StringVar(&c.cache, "cache", envOr("BENCH_CACHE", defaultCache()), "directory of the cached seeded databases (env BENCH_CACHE)")
	flag.BoolVar(&c.seedOnly, "seed-only", envOr("BENCH_SEED_ONLY", "0") == "1", "only make sure the cached databases exist (seeding the missing ones), measure nothing (env BENCH_SEED_ONLY)")
	flag.StringVar(&c.only, "only", envOr("BENCH_ONLY", ""), `run one step alone: "export" (the 500,000-row export's peak memory, written to docs/export-memory.md; env BENCH_ONLY)`)
	scen := flag.String("scenarios", envOr("BENCH_SCENARIOS", ""), `comma-separated parts of scenario names to run, e.g. "search,add" (all when empty; env BENCH_SCENARIOS)`)
	flag.Parse()
	c.backends = strings.Split(backends, ",")
	if *scen != "" {
		c.pick = strings.Split(*scen, ",")
	}
	c.pgAdmin = envOr("PARCOURS_TEST_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable")
	if c.duration <= 0 || c.duration > 5*time.Minute || c.warmup < 0 || c.users < 1 || c.users > 500 || c.persons < 1000 || c.openWindows < 1 || c.openWindows > 9 {
		fatal(errors.New("bench: duration must be in (0, 5m], users in [1, 500], persons ≥ 1000, open windows in [1, 9]"))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	switch c.only {
	case "":
	case "export":
		// One step, without the backends' runs: BENCHMARKS.md is left
		// to the full run, which measures this step too.
		r := runExport(ctx)
		doc := "# Export memory\n\n_Written by `BENCH_ONLY=export make bench` (internal/bench/cmd/benchreport/export.go); `make bench` writes the same section in BENCHMARKS.md._\n\n" + r.markdown(2)
		if err := os.WriteFile(exportDoc, []byte(doc), 0o644); err != nil {
			fatal(err)
		}
		fmt.Print(doc)
		if r.failure != "" {
			os.Exit(1)
		}
		return
	default:
		fatal(fmt.Errorf("bench: BENCH_ONLY=%q: the only step that runs alone is \"export\"", c.only))
	}
	if c.seedOnly {
		// Seed ahead of a measure (a quiet moment for the measure, the
		// seed earlier): BENCHMARKS.md is left alone.
		for _, b := range trimAll(c.backends) {
			if _, rec, err := cached(ctx, c, b); err != nil {
				fatal(fmt.Errorf("%s: %w", b, err))
			} else {
				logf("%s: cached, seeded %s in %.0f s (load %s → %s)", b, rec.Started, rec.WallSeconds, rec.LoadStart, rec.LoadEnd)
			}
		}
		return
	}
	started := time.Now()
	rep := &report{cfg: c, machine: bench.ThisMachine(), date: started.UTC(), loadBefore: bench.LoadAvg()}
	rep.machine.Calibrate()
	write := func() {
		rep.total, rep.loadAfter = time.Since(started), bench.LoadAvg()
		if err := os.WriteFile(c.out, []byte(rep.markdown()), 0o644); err != nil {
			fatal(err)
		}
	}
	for pending := trimAll(c.backends); len(pending) > 0; {
		// Written before each backend too, so that a run stopped midway
		// says which backends it did not get to.
		rep.pending = slices.Clone(pending)
		write()
		b := nextBackend(ctx, c, pending)
		pending = slices.DeleteFunc(pending, func(x string) bool { return x == b })
		rep.pending = slices.Clone(pending)
		r, err := runBackend(ctx, c, b)
		if err != nil {
			logf("%s: %v", b, err)
			rep.failed = append(rep.failed, fmt.Sprintf("%s: %v", b, err))
		} else {
			rep.backends = append(rep.backends, r)
		}
		write()
	}
	if c.picked("export") {
		rep.export = runExport(ctx)
		write()
	}
	if c.gobench {
		rep.gobench = goBenchmarks(ctx)
	}
	rep.total, rep.loadAfter = time.Since(started), bench.LoadAvg()
	if err := os.WriteFile(c.out, []byte(rep.markdown()), 0o644); err != nil {
		fatal(err)
	}
	fmt.Fprintf(os.Stderr, "bench: %s rewritten in %s\n", c.out, rep.total.Round(time.Second))
	if len(rep.failed) > 0 {
		os.Exit(1)
	}
}

func trimAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// nextBackend picks the backend to measure next: the first whose cached
// database is ready; while others are being seeded (by another run),
// it waits for one of them rather than queue behind the slowest; else
// the first, which this run then seeds.
func nextBackend(ctx context.Context, c config, pending []string) string {
	for {
		seeding := false
		for _, b := range pending {
			key := cacheKey(b, c.persons)
			if _, err := os.Stat(filepath.Join(c.cache, key+".json")); err == nil {
				return b
			}
			if f, err := os.OpenFile(filepath.Join(c.cache, key+".lock"), os.O_CREATE|os.O_RDWR, 0o644); err == nil {
				if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
					seeding = true
				}
				f.Close() // closing releases the lock if it was taken
			}
		}
		if !seeding || ctx.Err() != nil {
			return pending[0]
		}
		logf("waiting for a cached database being seeded (%s)", strings.Join(pending, ", "))
		select {
		case <-ctx.Done():
		case <-time.After(15 * time.Second):
		}
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, time.Now().UTC().Format("15:04:05")+" bench: "+format+"\n", args...)
}

// backendResult is what one backend measured.
type backendResult struct {
	name             string
	seed             *seedRecord
	persons, entries int
	idleRSS, peakRSS int64
	scenarios        []scenarioResult
	heavyEntries     int
	serveLogTail     string
	overhead         *overhead
	verify           *auditVerify
	overload         *overload
}

// overload is get a person sent at twice its capacity (open loop), after
// the scenarios: what serve answers when more comes than it can serve.
type overload struct {
	capacity, offered float64
	lat               *bench.Latency
	load              string
	peakRSS           int64 // serve's VmHWM at its end
}

// measure is one run of a scenario, with the load average at its end.
type measure struct {
	lat  *bench.Latency
	cpu  time.Duration // CPU per request (serve + database, or client + database for the floor)
	load string
}

type scenarioResult struct {
	name        string
	single      measure  // one user, closed loop
	capacity    measure  // c.users users, closed loop
	open        *measure // open loop at 60 % of capacity: its median window
	openRate    float64
	openWindows []bench.Window // all the open loop's windows, in order
	floorSingle *measure       // raw SQL, one user; nil without an equivalent
	floorCap    *measure       // raw SQL, c.users users
}

// seedRecord is how a cached database was made; it is written next to
// the database once the seed finished, and read by later runs.
type seedRecord struct {
	Backend     string  `json:"backend"`
	Persons     int     `json:"persons"`
	SeedVersion int     `json:"seed_version"`
	WallSeconds float64 `json:"wall_seconds"`
	CPUSeconds  float64 `json:"cpu_seconds"` // of the seed process
	Log         string  `json:"log"`
	Started     string  `json:"started"`
	LoadStart   string  `json:"load_start"`
	LoadEnd     string  `json:"load_end"`
	reused      bool
}

// benchWorker is the worker whose token drives the load: a referent of
// about a third of the département's households (see internal/demo).
const benchWorker = "referent.rsa@rhone.example"

func cacheKey(backend string, persons int) string {
	return fmt.Sprintf("%s-v%d-p%d", backend, seedVersion, persons)
}

func pgCacheName(persons int) string {
	return fmt.Sprintf("parcours_bench_v%d_p%d", seedVersion, persons)
}

// cached returns the cached database of backend at c.persons, seeding it
// first when it is not there. A lock file keeps two runs from seeding the
// same database; the record is written last, so a seed cut short is
// never taken for a finished one.
func cached(ctx context.Context, c config, backend string) (dsn string, rec *seedRecord, err error) {
	if err := os.MkdirAll(c.cache, 0o755); err != nil {
		return "", nil, err
	}
	key := cacheKey(backend, c.persons)
	lock, err := os.OpenFile(filepath.Join(c.cache, key+".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return "", nil, err
	}
	defer lock.Close()
	logf("%s: waiting for the cache lock %s", backend, lock.Name())
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX); err != nil {
		return "", nil, err
	}
	defer syscall.Flock(int(lock.Fd()), syscall.LOCK_UN)
	recPath := filepath.Join(c.cache, key+".json")
	final := filepath.Join(c.cache, key+".db")
	if backend == "postgres" {
		final = pgDSN(c.pgAdmin, pgCacheName(c.persons))
	}
	if b, err := os.ReadFile(recPath); err == nil {
		rec = &seedRecord{}
		if err := json.Unmarshal(b, rec); err == nil && exists(ctx, c, backend, final) {
			rec.reused = true
			logf("%s: reusing the cached database %s (seeded %s in %.0f s)", backend, key, rec.Started, rec.WallSeconds)
			return final, rec, nil
		}
	}
	var tmp string
	switch backend {
	case "sqlite":
		tmp = final + ".tmp"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
	case "postgres":
		name := pgCacheName(c.persons) + "_tmp"
		if err := pgExec(ctx, c.pgAdmin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)", "CREATE DATABASE "+name); err != nil {
			return "", nil, err
		}
		tmp = pgDSN(c.pgAdmin, name)
		// The search migration needs these extensions; create them as
		// the administrator, as an operator would.
		if err := pgExec(ctx, tmp, "CREATE EXTENSION IF NOT EXISTS pg_trgm", "CREATE EXTENSION IF NOT EXISTS unaccent"); err != nil {
			return "", nil, err
		}
	default:
		return "", nil, fmt.Errorf("unknown backend %q", backend)
	}
	logf("%s: seeding %d persons into the cache (%s)", backend, c.persons, key)
	rec = &seedRecord{Backend: backend, Persons: c.persons, SeedVersion: seedVersion, Started: time.Now().UTC().Format(time.RFC3339), LoadStart: bench.LoadAvg()}
	t0 := time.Now()
	var seedErr bytes.Buffer
	cmd := exec.CommandContext(ctx, c.bin, "seed", "--persons", strconv.Itoa(c.persons), "--seed", "1", "--database", tmp)
	cmd.Stderr = io.MultiWriter(&seedErr, os.Stderr)
	if err := cmd.Run(); err != nil {
		return "", nil, fmt.Errorf("seed: %w", err)
	}
	rec.WallSeconds = time.Since(t0).Seconds()
	rec.CPUSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	rec.Log, rec.LoadEnd = lastLine(seedErr.String()), bench.LoadAvg()
	switch backend {
	case "sqlite":
		// The seed closed the database, which folds the write-ahead log
		// into it; a log left over goes with it all the same.
		for _, suffix := range []string{"-wal", "-shm", ""} {
			if err := os.Rename(tmp+suffix, final+suffix); err != nil && (suffix == "" || !os.IsNotExist(err)) {
				return "", nil, err
			}
		}
	case "postgres":
		if err := pgExec(ctx, c.pgAdmin, "DROP DATABASE IF EXISTS "+pgCacheName(c.persons)+" WITH (FORCE)",
			"ALTER DATABASE "+pgCacheName(c.persons)+"_tmp RENAME TO "+pgCacheName(c.persons)); err != nil {
			return "", nil, err
		}
	}
	b, _ := json.Marshal(rec)
	return final, rec, os.WriteFile(recPath, b, 0o644)
}

func exists(ctx context.Context, c config, backend, dsn string) bool {
	if backend == "sqlite" {
		_, err := os.Stat(dsn)
		return err == nil
	}
	db, err := sql.Open("pgx", c.pgAdmin)
	if err != nil {
		return false
	}
	defer db.Close()
	var n int
	u, _ := url.Parse(dsn)
	err = db.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", strings.TrimPrefix(u.Path, "/")).Scan(&n)
	return err == nil && n == 1
}

func pgDSN(admin, name string) string {
	u, _ := url.Parse(admin)
	u.Path = "/" + name
	return u.String()
}

func pgExec(ctx context.Context, dsn string, stmts ...string) error {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("PostgreSQL at %s: %w", redact(dsn), err)
		}
	}
	return nil
}

// workingCopy copies the cached database so that the writes of a run
// never change the cache: a file copy on SQLite, a database made from the
// cached one as template on PostgreSQL. It returns the copy's DSN, its
// database name on PostgreSQL, and what removes it.
func workingCopy(ctx context.Context, c config, backend, cachedDSN, dir string) (string, string, func(), error) {
	if backend == "sqlite" {
		dst := filepath.Join(dir, "bench.db")
		in, err := os.Open(cachedDSN)
		if err != nil {
			return "", "", nil, err
		}
		defer in.Close()
		out, err := os.Create(dst)
		if err != nil {
			return "", "", nil, err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return "", "", nil, err
		}
		return dst, "", func() {}, out.Close()
	}
	name := fmt.Sprintf("parcours_bench_run_%d", rand.Uint32())
	// FILE_COPY copies the files as they are (visibility map included)
	// instead of writing every block to the WAL.
	if err := pgExec(ctx, c.pgAdmin, "CREATE DATABASE "+name+" TEMPLATE "+pgCacheName(c.persons)+" STRATEGY FILE_COPY"); err != nil {
		return "", "", nil, err
	}
	drop := func() { _ = pgExec(context.Background(), c.pgAdmin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)") }
	return pgDSN(c.pgAdmin, name), name, drop, nil
}

// cpuMeter reads the CPU used so far by the processes a measure counts:
// a process (serve, or this one for the raw-SQL floor) and, on
// PostgreSQL, the server processes connected to the run's database.
type cpuMeter struct {
	pid    int
	admin  *sql.DB // nil on SQLite, where the database is in the process
	dbName string
}

func (m *cpuMeter) sample(ctx context.Context) (proc time.Duration, backends map[int]time.Duration) {
	proc, _ = bench.ProcCPU(m.pid)
	backends = map[int]time.Duration{}
	if m.admin == nil {
		return proc, backends
	}
	rows, err := m.admin.QueryContext(ctx, "SELECT pid FROM pg_stat_activity WHERE datname = $1", m.dbName)
	if err != nil {
		return proc, backends
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			if t, err := bench.ProcCPU(pid); err == nil {
				backends[pid] = t
			}
		}
	}
	return proc, backends
}

// during runs f and returns the CPU the counted processes used meanwhile.
// Server processes that start during f count from zero; those that end
// during it are missed (the pools keep theirs open).
func (m *cpuMeter) during(ctx context.Context, f func() error) (time.Duration, error) {
	p0, b0 := m.sample(ctx)
	err := f()
	p1, b1 := m.sample(ctx)
	total := p1 - p0
	for pid, t := range b1 {
		total += t - b0[pid]
	}
	return total, err
}

func perRequest(cpu time.Duration, l *bench.Latency) time.Duration {
	if l == nil || l.Requests == 0 {
		return 0
	}
	return cpu / time.Duration(l.Requests)
}

func runBackend(ctx context.Context, c config, backend string) (*backendResult, error) {
	res := &backendResult{name: backend}
	cachedDSN, rec, err := cached(ctx, c, backend)
	if err != nil {
		return nil, err
	}
	res.seed = rec
	tmp, err := os.MkdirTemp("", "parcours-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	logf("%s: copying the cached database", backend)
	dsn, dbName, drop, err := workingCopy(ctx, c, backend, cachedDSN, tmp)
	if err != nil {
		return nil, err
	}
	defer drop()

	db, err := store.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil { // a cache made before a later migration
		return nil, err
	}
	authn := auth.New(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	token, _, err := authn.CreateToken(ctx, parcours.SystemActor(), benchWorker, "bench")
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	fx, err := loadFixtures(ctx, db.SQL(), store.DialectOf(dsn), benchWorker)
	if err != nil {
		return nil, err
	}
	sess, err := authn.NewSession(ctx, fx.workerID, true)
	if err != nil {
		return nil, fmt.Errorf("session: %w", err)
	}
	fx.cookie = auth.SessionCookie + "=" + sess.Secret
	res.persons, res.entries, res.heavyEntries = fx.persons, fx.entries, fx.heavyEntries
	floorDB, floorWrite, err := openFloor(dsn)
	if err != nil {
		return nil, err
	}
	defer floorDB.Close()
	defer floorWrite.Close()
	var admin *sql.DB
	if backend == "postgres" {
		if admin, err = sql.Open("pgx", c.pgAdmin); err != nil {
			return nil, err
		}
		defer admin.Close()
	}

	srv, err := startServe(ctx, c.bin, dsn, tmp)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	// serve builds its in-process search index in the background; the
	// measures start once it is ready (or after two minutes, for a binary
	// without one).
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline) && ctx.Err() == nil; time.Sleep(200 * time.Millisecond) {
		if srv.logged("search index ready") {
			logf("%s: serve's search index is ready", backend)
			break
		}
	}
	time.Sleep(3 * time.Second) // let start-up garbage settle
	res.idleRSS, _, _ = bench.ProcMemory(srv.cmd.Process.Pid)
	logf("%s: serve idle RSS %s", backend, bench.MB(res.idleRSS))
	serveCPU := &cpuMeter{pid: srv.cmd.Process.Pid, admin: admin, dbName: dbName}
	floorCPU := &cpuMeter{pid: os.Getpid(), admin: admin, dbName: dbName}

	for _, sc := range scenarios(fx, store.DialectOf(dsn)) {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !c.picked(sc.Name) {
			continue
		}
		r := scenarioResult{name: sc.Name}
		logf("%s: %s: warm-up %s", backend, sc.Name, c.warmup)
		if c.warmup > 0 {
			if _, err := bench.Attack(srv.base, token, sc, c.users, 0, c.warmup); err != nil {
				return nil, err
			}
		}
		logf("%s: %s: one user", backend, sc.Name)
		if r.single.lat, err = bench.Attack(srv.base, token, sc, 1, 0, c.duration); err != nil {
			return nil, err
		}
		r.single.load = bench.LoadAvg()
		logf("%s: %s: capacity (%d users)", backend, sc.Name, c.users)
		cpu, err := serveCPU.during(ctx, func() error {
			var err error
			r.capacity.lat, err = bench.Attack(srv.base, token, sc, c.users, 0, c.duration)
			return err
		})
		if err != nil {
			return nil, err
		}
		r.capacity.cpu, r.capacity.load = perRequest(cpu, r.capacity.lat), bench.LoadAvg()
		r.openRate = 0.6 * r.capacity.lat.Throughput
		if r.openRate >= 1 {
			logf("%s: %s: open loop at %.0f/s (%s warm-up, %d × %s)", backend, sc.Name, r.openRate, c.warmup, c.openWindows, c.duration)
			ws, err := bench.AttackWindows(srv.base, token, sc, c.users, r.openRate, c.warmup, c.duration, c.openWindows)
			if err != nil {
				return nil, err
			}
			r.openWindows = ws
			med := medianWindow(ws)
			r.open = &measure{lat: med.Lat, load: med.Load}
		}
		if sc.SQL != nil {
			logf("%s: %s: raw SQL", backend, sc.Name)
			fd := max(c.duration/2, time.Second)
			fdb := floorDB
			if sc.Writes {
				fdb = floorWrite
			}
			l, err := bench.Floor(ctx, fdb, sc, 1, fd)
			if err != nil {
				return nil, err
			}
			r.floorSingle = &measure{lat: l, load: bench.LoadAvg()}
			var lc *bench.Latency
			cpu, err := floorCPU.during(ctx, func() error {
				var err error
				lc, err = bench.Floor(ctx, fdb, sc, c.users, fd)
				return err
			})
			if err != nil {
				return nil, err
			}
			r.floorCap = &measure{lat: lc, cpu: perRequest(cpu, lc), load: bench.LoadAvg()}
		}
		res.scenarios = append(res.scenarios, r)
	}
	_, res.peakRSS, _ = bench.ProcMemory(srv.cmd.Process.Pid)
	if c.picked("overload") {
		if res.overload, err = runOverload(c, backend, srv, token, fx, store.DialectOf(dsn), res.scenarios); err != nil {
			return nil, err
		}
	}
	res.serveLogTail = srv.logTail()
	srv.stop()
	if c.picked("audit overhead") {
		res.overhead = auditOverhead(ctx, c, backend)
	}
	if c.picked("audit verify") {
		res.verify = runAuditVerify(ctx, c, backend)
	}
	return res, nil
}

// runOverload sends get a person at twice the capacity measured for it
// (its own closed loop when the scenario did not run) for the measure's
// duration, after a warm-up at the same rate: serve should go on
// answering at about its capacity and refuse the rest at once (503,
// web.Admission), not slow down for everyone.
func runOverload(c config, backend string, srv *server, token string, fx *fixtures, d store.Dialect, done []scenarioResult) (*overload, error) {
	var sc bench.Scenario
	for _, s := range scenarios(fx, d) {
		if strings.HasPrefix(s.Name, "get a person") {
			sc = s
		}
	}
	o := &overload{}
	for _, r := range done {
		if r.name == sc.Name {
			o.capacity = r.capacity.lat.Throughput
		}
	}
	if o.capacity == 0 {
		l, err := bench.Attack(srv.base, token, sc, c.users, 0, c.duration)
		if err != nil {
			return nil, err
		}
		o.capacity = l.Throughput
	}
	o.offered = 2 * o.capacity
	logf("%s: overload: get a person at %.0f/s (twice its capacity; %s warm-up, then %s)", backend, o.offered, c.warmup, c.duration)
	ws, err := bench.AttackWindows(srv.base, token, sc, c.users, o.offered, c.warmup, c.duration, 1)
	if err != nil {
		return nil, err
	}
	o.lat, o.load = ws[0].Lat, ws[0].Load
	_, o.peakRSS, _ = bench.ProcMemory(srv.cmd.Process.Pid)
	return o, nil
}

// medianWindow is the window of the median p99 (of two, the worse).
func medianWindow(ws []bench.Window) bench.Window {
	sorted := slices.Clone(ws)
	slices.SortStableFunc(sorted, func(a, b bench.Window) int { return cmp.Compare(a.Lat.P99, b.Lat.P99) })
	return sorted[len(sorted)/2]
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.LastIndexByte(s, '\n'); i >= 0 {
		return s[i+1:]
	}
	return s
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(DSN)"
	}
	return u.Redacted()
}

// openFloor opens the pools the raw-SQL floor uses: like serve's read
// pool, and a pool for writes (one connection on SQLite, which has one
// writer).
func openFloor(dsn string) (read, write *sql.DB, err error) {
	if store.DialectOf(dsn) == store.Postgres {
		db, err := sql.Open("pgx", dsn)
		if err == nil {
			db.SetMaxOpenConns(32)
			db.SetMaxIdleConns(32)
		}
		return db, db, err
	}
	read, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=query_only(1)")
	if err != nil {
		return nil, nil, err
	}
	read.SetMaxOpenConns(8)
	read.SetMaxIdleConns(8)
	write, err = sql.Open("sqlite", "file:"+dsn+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		read.Close()
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	return read, write, nil
}

type server struct {
	cmd  *exec.Cmd
	base string
	// log is the file serve's standard error goes to.
	log string
}

// startServe runs `parcours serve` on a free loopback port and waits
// until /readyz answers. Its log (a JSON line per request) goes to a file
// in dir, as it would to a log file: not through a pipe read by this
// process, whose goroutines also send the load. Through a pipe, a
// request's log line waits for this process to read the one before when
// the pipe is full (64 KiB, a few hundred lines), and every line wakes the
// reader: serve's answers then waited on the load generator.
func startServe(ctx context.Context, bin, dsn, dir string) (*server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s := &server{base: "http://" + addr, log: filepath.Join(dir, "serve.log")}
	logFile, err := os.Create(s.log)
	if err != nil {
		return nil, err
	}
	defer logFile.Close() // serve has its own descriptor once started
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--database", dsn, "--data-dir", filepath.Join(dir, "data"))
	// The background jobs would start one to two minutes in, inside the
	// later scenarios (the retention plan reads all 500,000 files): the
	// measure is of the requests, as on a serving instance whose jobs run
	// elsewhere or at night. The audit sealer runs as always.
	s.cmd.Env = append(os.Environ(), "PARCOURS_JOBS=off")
	s.cmd.Stderr = logFile
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
	b, _ := os.ReadFile(s.log)
	return nil, fmt.Errorf("serve did not become ready: %s", lastLine(string(b)))
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

// eachLogLine calls f with each line of the server's log until f returns
// false.
func (s *server) eachLogLine(f func(string) bool) {
	file, err := os.Open(s.log)
	if err != nil {
		return
	}
	defer file.Close()
	sc := bufio.NewScanner(file)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() && f(sc.Text()) {
	}
}

// logged reports whether the server's log has a line containing msg.
func (s *server) logged(msg string) bool {
	found := false
	s.eachLogLine(func(l string) bool {
		found = strings.Contains(l, msg)
		return !found
	})
	return found
}

// logTail is the last three errors of the server's log.
func (s *server) logTail() string {
	var errs []string
	s.eachLogLine(func(l string) bool {
		if strings.Contains(l, `"level":"ERROR"`) {
			errs = append(errs[max(0, len(errs)-2):], l)
		}
		return true
	})
	return strings.Join(errs, "\n")
}

// fixtures are the ids the scenarios request, read from the seeded data.
type fixtures struct {
	orgID, workerID  string
	cookie           string   // the bench worker's browser session
	personIDs        []string // files the bench worker may open
	accIDs, teamIDs  []string // an accompaniment of each, and its team
	heavyIDs         []string // of them, files with ≥ 200 entries
	searches         []searchFixture
	persons, entries int
	heavyEntries     int
}

// searchFixture is a search as typed at a front desk (a typo in the
// surname, a first name, the birth year) and, for the raw-SQL floor, the
// surname's index token and the year.
type searchFixture struct {
	q, term, from, before string
}

func loadFixtures(ctx context.Context, db *sql.DB, d store.Dialect, email string) (*fixtures, error) {
	q := func(s string) string {
		if d == store.Postgres {
			return strings.Replace(s, "?", "$1", 1)
		}
		return s
	}
	fx := &fixtures{}
	if err := db.QueryRowContext(ctx, q("SELECT id, org_id FROM workers WHERE email = ?"), email).Scan(&fx.workerID, &fx.orgID); err != nil {
		return nil, fmt.Errorf("bench worker %s: %w", email, err)
	}
	db.QueryRowContext(ctx, "SELECT count(*) FROM persons").Scan(&fx.persons)
	db.QueryRowContext(ctx, "SELECT count(*) FROM journal_entries").Scan(&fx.entries)
	rows, err := db.QueryContext(ctx, q(`SELECT p.id, p.birth_name, p.first_names, p.birth_date, a.id, a.team_id FROM accompaniments a
		JOIN persons p ON p.id = a.person_id WHERE a.referent_id = ? AND a.end_date = '' ORDER BY a.id LIMIT 5000`), fx.workerID)
	if err != nil {
		return nil, err
	}
	m := names.New(99)
	for rows.Next() {
		var id, last, first, birth, acc, team string
		if err := rows.Scan(&id, &last, &first, &birth, &acc, &team); err != nil {
			rows.Close()
			return nil, err
		}
		fx.personIDs, fx.accIDs, fx.teamIDs = append(fx.personIDs, id), append(fx.accIDs, acc), append(fx.teamIDs, team)
		toks := namekey.Tokens(last)
		if len(fx.searches) < 1000 && len(toks) > 0 && len(birth) >= 4 {
			year, _ := strconv.Atoi(birth[:4])
			fx.searches = append(fx.searches, searchFixture{
				q:    m.Typo(names.ASCII(strings.ToLower(last))) + " " + strings.SplitN(first, ",", 2)[0] + " " + birth[:4],
				term: toks[0], from: strconv.Itoa(year), before: strconv.Itoa(year + 1),
			})
		}
	}
	rows.Close()
	if len(fx.personIDs) == 0 || len(fx.searches) == 0 {
		return nil, errors.New("no accompanied person for the bench worker: was the database seeded with journals?")
	}
	rows, err = db.QueryContext(ctx, q(`SELECT e.person_id, count(*) FROM journal_entries e JOIN accompaniments a ON a.id = e.accompaniment_id
		WHERE a.referent_id = ? AND a.end_date = '' GROUP BY e.person_id ORDER BY count(*) DESC LIMIT 50`), fx.workerID)
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
	html := http.Header{"Cookie": {fx.cookie}, "Accept": {"text/html"}, "Accept-Encoding": {"identity"}}
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
				t.URL = "/api/v1/persons?q=" + url.QueryEscape(fx.searches[n%uint64(len(fx.searches))].q)
			},
			// The floor reads the persons indexed under the surname as it
			// should have been typed, born that year: what a search that
			// knew the answer would read.
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				s := fx.searches[n%uint64(len(fx.searches))]
				return drain(ctx, db, "SELECT "+prefixed("p.", personCols)+" FROM person_terms t JOIN persons p ON p.id = t.person_id WHERE t.term = "+ph(1)+
					" AND t.org_id = "+ph(2)+" AND t.birth_date >= "+ph(3)+" AND t.birth_date < "+ph(4)+" LIMIT 20", s.term, fx.orgID, s.from, s.before)
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
			// The floor inserts the same row, unaudited, in its own
			// transaction.
			Writes: true,
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				i := n % uint64(len(fx.personIDs))
				_, err := db.ExecContext(ctx, `INSERT INTO journal_entries (id, org_id, person_id, accompaniment_id, kind, occurred_at, summary,
					confidentiality, team_id, author_id, created_at) VALUES (`+ph(1)+", "+ph(2)+", "+ph(3)+", "+ph(4)+", 'note', "+ph(5)+", "+ph(6)+
					", 'team', "+ph(7)+", "+ph(8)+", "+ph(9)+")",
					store.NewID(), fx.orgID, fx.personIDs[i], fx.accIDs[i], time.Now().UTC().Format(time.DateOnly),
					fmt.Sprintf("Note de charge n° %d : appel reçu, point sur la demande de logement social.", n), fx.teamIDs[i], fx.workerID, time.Now().UnixMicro())
				return err
			},
		},
		{
			Name: "person page (HTML)",
			Next: func(n uint64, t *vegeta.Target) {
				t.URL = "/persons/" + pick(fx.personIDs, n)
				t.Header = html
			},
			// The floor reads what the page shows: the person, their
			// accompaniments and the first page of their journal.
			SQL: func(ctx context.Context, db *sql.DB, n uint64) error {
				id := pick(fx.personIDs, n)
				if err := drain(ctx, db, "SELECT "+personCols+" FROM persons WHERE id = "+ph(1), id); err != nil {
					return err
				}
				if err := drain(ctx, db, "SELECT * FROM accompaniments WHERE person_id = "+ph(1), id); err != nil {
					return err
				}
				return drain(ctx, db, "SELECT "+entryCols+" FROM journal_entries WHERE person_id = "+ph(1)+
					" ORDER BY occurred_at DESC, created_at DESC, id DESC LIMIT 51", id)
			},
		},
	}
}

// prefixed qualifies each column of a comma-separated list.
func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = prefix + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
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
