// Package bench measures Parcours the way issue 2 and issue 5 state their
// goals: a real `parcours serve` process driven over loopback by vegeta
// (as a library) with a fixed number of concurrent users, the same reads
// issued as raw SQL for the floor, the process's memory from /proc, and
// the time `parcours seed` takes. The driver (cmd/benchreport) runs it for
// each backend and rewrites BENCHMARKS.md.
//
// It only ever sends load to 127.0.0.1, for a bounded duration.
package bench

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Scenario is one kind of request, sent by every simulated user in a
// loop, with its raw-SQL equivalent when there is one.
type Scenario struct {
	Name string // "get person"
	// Next fills the next request; it is called concurrently.
	Next func(n uint64, t *vegeta.Target)
	// SQL runs the same read against the database directly, for the
	// floor; nil when there is no meaningful equivalent (writes).
	SQL func(ctx context.Context, db *sql.DB, n uint64) error
	// Writes says SQL writes: it then gets a pool that may.
	Writes bool
}

// Latency summarises one run.
type Latency struct {
	Requests      uint64
	P50, P95, P99 time.Duration
	Throughput    float64 // successful requests per second
	Success       float64 // 0..1
	Errors        []string
}

// Load sends sc to base (which must be a loopback URL) with users
// concurrent users for d, each user sending its next request as soon as
// the previous one is answered (a closed loop).
func Load(base, token string, sc Scenario, users int, d time.Duration) (*Latency, error) {
	return Attack(base, token, sc, users, 0, d)
}

// Attack sends sc to base (which must be a loopback URL) for d. With rate
// 0 it is a closed loop of users concurrent users; with a rate it is an
// open loop: requests leave at that many per second whatever the answers
// (vegeta's rate mode, up to 50 × users in flight), so latencies measure
// the service, not a queue of users waiting on each other.
func Attack(base, token string, sc Scenario, users int, rate float64, d time.Duration) (*Latency, error) {
	var m vegeta.Metrics
	if err := attack(base, token, sc, users, rate, d, func(res *vegeta.Result) { m.Add(res) }); err != nil {
		return nil, err
	}
	return summary(&m), nil
}

// Window is one stretch of an open loop (AttackWindows): its latencies
// and the load average at its end.
type Window struct {
	Lat  *Latency
	Load string
}

// AttackWindows runs Attack's open loop at rate for warm + n×d without a
// break, and cuts its results by the instant each request was sent:
// those sent in the first warm are not counted (vegeta's connections and
// workers starting, serve's goroutines for them), the others make n
// consecutive windows of d, each summarised on its own. One burst of
// another process's load then spoils one window, not the measure: the
// caller may take the median window and show all of them.
func AttackWindows(base, token string, sc Scenario, users int, rate float64, warm, d time.Duration, n int) ([]Window, error) {
	if rate <= 0 || n < 1 {
		return nil, fmt.Errorf("bench: windows need a rate and at least one window")
	}
	ms := make([]vegeta.Metrics, n)
	loads := make([]string, n)
	start := time.Now()
	last := -1
	err := attack(base, token, sc, users, rate, warm+time.Duration(n)*d, func(res *vegeta.Result) {
		since := res.Timestamp.Sub(start) - warm
		if since < 0 {
			return
		}
		i := min(n-1, int(since/d))
		for ; last < i; last++ {
			if last >= 0 {
				loads[last] = LoadAvg() // the first answer of the next window
			}
		}
		ms[i].Add(res)
	})
	if err != nil {
		return nil, err
	}
	out := make([]Window, n)
	for i := range ms {
		if loads[i] == "" {
			loads[i] = LoadAvg()
		}
		out[i] = Window{Lat: summary(&ms[i]), Load: loads[i]}
	}
	return out, nil
}

func summary(m *vegeta.Metrics) *Latency {
	m.Close()
	return &Latency{Requests: m.Requests, P50: m.Latencies.P50, P95: m.Latencies.P95, P99: m.Latencies.P99,
		Throughput: m.Throughput, Success: m.Success, Errors: first(m.Errors, 3)}
}

// attack sends sc's requests for d and hands each result to add. It asks
// for answers uncompressed: the figures are those of the code reading and
// writing, which the raw-SQL floor they are compared with does too, not of
// gzip, which a browser adds (the report says how much).
func attack(base, token string, sc Scenario, users int, rate float64, d time.Duration, add func(*vegeta.Result)) error {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() != "127.0.0.1" {
		return fmt.Errorf("bench: refusing to send load to %q: only 127.0.0.1", base)
	}
	var n atomic.Uint64
	hdr := http.Header{"Authorization": {"Bearer " + token}, "Accept": {"application/json"}, "Accept-Encoding": {"identity"}}
	targeter := func(t *vegeta.Target) error {
		t.Header = hdr
		t.Method = http.MethodGet
		sc.Next(n.Add(1), t)
		t.URL = base + t.URL
		return nil
	}
	// The attack's own transport, closed when it ends: vegeta never
	// closes its keep-alive connections, and serve keeps an idle one for
	// its IdleTimeout (2 minutes) with a goroutine and its buffers. An
	// open loop that fell behind opens up to 50 × users of them; left
	// open they were the next scenarios' to carry: at 500,000 persons on
	// SQLite, "add a journal entry" after "search" ran with ~10 MB more
	// live heap and ~10 MB more stacks and runtime memory under the
	// 80 MiB limit, the collector 20 times a second instead of 2, and
	// 0.69 ms of CPU per write instead of 0.48 (issue 17). A scenario
	// starts from a server its predecessors' clients have left, as they
	// would by going away.
	tr := &http.Transport{
		DialContext:     (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext,
		MaxConnsPerHost: vegeta.DefaultMaxConnections,
	}
	defer tr.CloseIdleConnections()
	opts := []func(*vegeta.Attacker){vegeta.Client(&http.Client{Transport: tr}), vegeta.Workers(uint64(users)),
		vegeta.MaxWorkers(uint64(users)), vegeta.Connections(users), vegeta.KeepAlive(true), vegeta.Timeout(30 * time.Second)}
	pace := vegeta.Rate{Freq: 0}
	if rate > 0 {
		pace = vegeta.Rate{Freq: max(1, int(rate+0.5)), Per: time.Second}
		opts = append(opts[:2], vegeta.MaxWorkers(uint64(50*users)),
			vegeta.Connections(50*users), vegeta.KeepAlive(true), vegeta.Timeout(30*time.Second))
	}
	atk := vegeta.NewAttacker(opts...)
	for res := range atk.Attack(targeter, pace, d, sc.Name) {
		add(res)
	}
	return nil
}

// ProcCPU is the CPU time (user + system) a process has used so far,
// from /proc/PID/stat.
func ProcCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// The command name (field 2) may hold spaces: fields count from the
	// closing parenthesis.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0, fmt.Errorf("bench: unreadable /proc/%d/stat", pid)
	}
	f := strings.Fields(string(b)[i+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("bench: short /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / clockTicks, nil
}

// clockTicks is USER_HZ, the unit of /proc/PID/stat times: 100 on every
// Linux architecture Go supports.
const clockTicks = 100

// LoadAvg is the 1-minute load average: how busy the machine was.
func LoadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	return strings.Fields(string(b))[0]
}

func first(s []string, n int) []string { return s[:min(n, len(s))] }

// Floor runs sc.SQL with users goroutines for d and reports its latency:
// what the database alone costs for the same reads.
func Floor(ctx context.Context, db *sql.DB, sc Scenario, users int, d time.Duration) (*Latency, error) {
	var (
		mu    sync.Mutex
		lats  []time.Duration
		errs  []string
		n     atomic.Uint64
		wg    sync.WaitGroup
		begin = time.Now()
	)
	for range users {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Since(begin) < d {
				t0 := time.Now()
				err := sc.SQL(ctx, db, n.Add(1))
				mine = append(mine, time.Since(t0))
				if err != nil {
					mu.Lock()
					if len(errs) < 3 {
						errs = append(errs, err.Error())
					}
					mu.Unlock()
				}
			}
			mu.Lock()
			lats = append(lats, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	el := time.Since(begin)
	slices.Sort(lats)
	pct := func(p float64) time.Duration {
		if len(lats) == 0 {
			return 0
		}
		return lats[min(len(lats)-1, int(p*float64(len(lats))))]
	}
	l := &Latency{Requests: uint64(len(lats)), P50: pct(0.50), P95: pct(0.95), P99: pct(0.99), Errors: errs}
	l.Success = 1
	if len(errs) > 0 {
		l.Success = 0
	}
	l.Throughput = float64(len(lats)) / el.Seconds()
	return l, nil
}

// ProcMemory reads a process's current and peak resident set sizes, in
// bytes, from /proc/PID/status (VmRSS, VmHWM).
func ProcMemory(pid int) (rss, peak int64, err error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		fields := strings.Fields(v)
		kb, _ := strconv.ParseInt(fields[0], 10, 64)
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			peak = kb << 10
		}
	}
	return rss, peak, sc.Err()
}

// Machine describes the computer the figures come from.
type Machine struct {
	CPU      string
	Cores    int
	MemTotal string
	Kernel   string
	Go       string
	// Syscall and LoopbackRTT calibrate the machine (Calibrate): the time
	// of one system call (getppid) and of one round trip of a byte over
	// TCP on 127.0.0.1, the best of three rounds. Every request measured here is
	// mostly system calls and loopback round trips: on two machines of the
	// same kind (2 cores, same CPU model and kernel release, other kernel
	// builds) even the raw-SQL floor differed nearly threefold. These say
	// whether the machine changed between two reports, not the code.
	Syscall, LoopbackRTT time.Duration
}

// ThisMachine reads /proc for the CPU model and memory.
func ThisMachine() Machine {
	m := Machine{CPU: "unknown", Cores: runtime.NumCPU(), Go: runtime.Version()}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "MemTotal:") {
				kb, _ := strconv.ParseInt(strings.Fields(l)[1], 10, 64)
				m.MemTotal = fmt.Sprintf("%.1f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if b, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.Kernel = strings.TrimSpace(string(b))
	}
	return m
}

// Calibrate measures Syscall and LoopbackRTT (half a second or so): only
// the report that prints them pays for it.
func (m *Machine) Calibrate() {
	m.Syscall, m.LoopbackRTT = bestOf3(syscallTime), bestOf3(loopbackRTT)
}

func bestOf3(f func() time.Duration) time.Duration {
	best := time.Duration(0)
	for range 3 {
		if d := f(); d > 0 && (best == 0 || d < best) {
			best = d
		}
	}
	return best
}

// syscallTime is the time of one getppid, a system call that does
// nothing (not answered in user space, as the clock is).
func syscallTime() time.Duration {
	const n = 200_000
	start := time.Now()
	for range n {
		syscall.Getppid()
	}
	return time.Since(start) / n
}

// loopbackRTT is the time of one round trip of a byte between two
// goroutines over a TCP connection on 127.0.0.1; 0 if none can be made.
func loopbackRTT() time.Duration {
	const n = 5_000
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		b := make([]byte, 1)
		for {
			if _, err := c.Read(b); err != nil {
				return
			}
			if _, err := c.Write(b); err != nil {
				return
			}
		}
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		return 0
	}
	defer c.Close()
	b := make([]byte, 1)
	start := time.Now()
	for range n {
		if _, err := c.Write(b); err != nil {
			return 0
		}
		if _, err := c.Read(b); err != nil {
			return 0
		}
	}
	return time.Since(start) / n
}

// MB formats bytes as mebibytes.
func MB(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

// Ms formats a duration in milliseconds.
func Ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
