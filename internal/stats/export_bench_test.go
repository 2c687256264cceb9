package stats_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/store"
)

// discard is a ResponseWriter that keeps nothing of the body: what the
// export holds in memory is then the server's alone.
type discard struct {
	h http.Header
	n int64
}

func (d *discard) Header() http.Header         { return d.h }
func (d *discard) WriteHeader(int)             {}
func (d *discard) Write(p []byte) (int, error) { d.n += int64(len(p)); return len(p), nil }

// BenchmarkRowExport500k measures the peak memory of a 500,000-row
// export (one line per procedure) through the HTTP handler, as CSV and
// as XLSX, on SQLite: the heap in use is sampled every millisecond during
// the export and reported as peak-heap-MiB, beside the heap before it
// (base-heap-MiB); on Linux the process's peak resident set is reset
// before the export (/proc/self/clear_refs) and read after it (VmHWM):
// peak-rss-MiB, beside the resident set before it (base-rss-MiB). It
// measures at 50,000 rows, then at 500,000 (sub-benchmarks named by the
// row count): streamed, both peak alike. Run with
//
//	go test ./internal/stats -run '^$' -bench RowExport500k -benchtime 1x
//
// make bench runs it (its "export" step; BENCH_ONLY=export runs that
// step alone) and reports the figures in BENCHMARKS.md.
func BenchmarkRowExport500k(b *testing.B) {
	const rows = 500_000
	e := apptest.New(b, store.SQLite)
	// The streamed path (the background job writes through the same
	// one): above --export-job-rows the request would be queued instead.
	cfg := e.App.Stats.ExportSettings()
	cfg.JobRows = rows
	e.App.Stats.UseExportFiles(cfg)
	db := e.App.DB.SQL()
	var personID string
	r := e.Do("POST", "/api/v1/persons", "worker", map[string]any{"birth_name": "BENCH", "first_names": "Export", "birth_date": "1980-01-01", "sex": "F"})
	if r.Status != 201 {
		b.Fatalf("person: %d %s", r.Status, r.Body)
	}
	var p struct{ ID string }
	r.Decode(b, &p)
	personID = p.ID
	now := time.Now().UnixMicro()
	w := e.Workers["worker"].ID
	inserted := 0
	insert := func(upTo int) {
		tx, err := db.Begin()
		if err != nil {
			b.Fatal(err)
		}
		st, err := tx.Prepare(`INSERT INTO procedures (id, org_id, person_id, right_code, right_name, status, help_level, obstacles,
			amount_cents, assignee_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			b.Fatal(err)
		}
		for ; inserted < upTo; inserted++ {
			i := inserted
			if _, err := st.Exec(fmt.Sprintf("bench-%07d", i), e.OrgA.ID, personID, "rsa", "RSA", "en_cours", "with_person", "no_email",
				i%100000, w, w, now-int64(i), now); err != nil {
				b.Fatal(err)
			}
		}
		st.Close()
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	// A tenth of the rows first, then all of them: the same peak at both
	// sizes is what « constant memory » means.
	for _, size := range []int{rows / 10, rows} {
		insert(size)
		b.Run(strconv.Itoa(size), func(b *testing.B) { exportPeaks(b, e, size) })
	}
}

// exportPeaks exports the procedures (size rows) as CSV then XLSX and
// reports the memory each held.
func exportPeaks(b *testing.B, e *apptest.Env, size int) {
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
				debug.FreeOSMemory()
				resetPeakRSS()
				baseRSS := procStatusKB("VmRSS")
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				peak := base
				stop := make(chan struct{})
				var wg sync.WaitGroup
				wg.Add(1)
				go func() {
					defer wg.Done()
					t := time.NewTicker(time.Millisecond)
					defer t.Stop()
					for {
						select {
						case <-stop:
							return
						case <-t.C:
							var m runtime.MemStats
							runtime.ReadMemStats(&m)
							peak = max(peak, m.HeapInuse)
						}
					}
				}()
				req := httptest.NewRequest("GET", "/api/v1/stats/rows?kind=procedures&format="+format, nil)
				req.Header.Set("Authorization", "Bearer "+e.Tokens["manager"])
				out := &discard{h: http.Header{}}
				e.App.Web.ServeHTTP(out, req)
				close(stop)
				wg.Wait()
				if out.n < int64(size)*10 {
					b.Fatalf("%s export: %d bytes", format, out.n)
				}
				b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(out.n)/(1<<20), "body-MiB")
				if peakRSS := procStatusKB("VmHWM"); peakRSS > 0 {
					b.ReportMetric(float64(baseRSS)/1024, "base-rss-MiB")
					b.ReportMetric(float64(peakRSS)/1024, "peak-rss-MiB")
				}
			}
		})
	}
}

// resetPeakRSS sets the process's peak resident set (VmHWM) back to its
// current one (Linux ≥ 4.0; elsewhere nothing happens), so that the peak
// read after the export is the export's.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// procStatusKB reads a "kB" field of /proc/self/status; 0 when there is
// none (not Linux).
func procStatusKB(field string) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return n
		}
	}
	return 0
}
