package stats_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
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

// BenchmarkRowExport500k measures the peak heap of a 500,000-row export
// (one line per procedure) through the HTTP handler, as CSV and as XLSX,
// on SQLite: the heap in use is sampled every millisecond during the
// export and reported as peak-heap-MiB, beside the heap before it
// (base-heap-MiB). Run with
//
//	go test ./internal/stats -run '^$' -bench RowExport500k -benchtime 1x
//
// make bench reports them in BENCHMARKS.md with the other Go benchmarks
// when BENCH_GOBENCH=1.
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
	tx, err := db.Begin()
	if err != nil {
		b.Fatal(err)
	}
	st, err := tx.Prepare(`INSERT INTO procedures (id, org_id, person_id, right_code, right_name, status, help_level, obstacles,
		amount_cents, assignee_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UnixMicro()
	w := e.Workers["worker"].ID
	for i := 0; i < rows; i++ {
		if _, err := st.Exec(fmt.Sprintf("bench-%07d", i), e.OrgA.ID, personID, "rsa", "RSA", "en_cours", "with_person", "no_email",
			i%100000, w, w, now-int64(i), now); err != nil {
			b.Fatal(err)
		}
	}
	st.Close()
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for _, format := range []string{"csv", "xlsx"} {
		b.Run(format, func(b *testing.B) {
			for b.Loop() {
				runtime.GC()
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
				if out.n < rows*10 {
					b.Fatalf("%s export: %d bytes", format, out.n)
				}
				b.ReportMetric(float64(base)/(1<<20), "base-heap-MiB")
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(out.n)/(1<<20), "body-MiB")
			}
		})
	}
}
