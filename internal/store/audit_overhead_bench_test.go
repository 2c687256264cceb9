package store_test

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"parcours/internal/app/apptest"
	"parcours/internal/person"
	"parcours/internal/store/storetest"
)

// BenchmarkAuditOverheadUnderLoad measures what the audit costs the
// "add a journal entry" write under load: the real HTTP handler, door
// and store, 8 writers per core (b.SetParallelism), the sealer running as
// in "parcours serve"; once as built ("audited") and once with the
// store's audit events discarded (a switch only this package's tests can
// reach, export_test.go: "unaudited"). make bench reports the overhead,
// ns/op audited ÷ ns/op unaudited − 1, against the goal of issue 17 (at
// most 20 %). Each variant gets a fresh database of its own.
func BenchmarkAuditOverheadUnderLoad(b *testing.B) {
	for _, d := range storetest.Dialects {
		for _, variant := range []string{"audited", "unaudited"} {
			b.Run(fmt.Sprintf("%s/%s", d, variant), func(b *testing.B) {
				e := apptest.New(b, d)
				db := e.App.DB
				db.SetAuditDiscard(variant == "unaudited")
				ctx, stop := context.WithCancel(context.Background())
				sealed := make(chan struct{})
				go func() {
					defer close(sealed)
					db.RunAuditSealer(ctx, "bench", func(error) {})
				}()
				defer func() { stop(); <-sealed }()
				name := "OVERHEAD"
				p, err := e.App.Persons.Create(ctx, e.Actor("worker"), person.Input{BirthName: &name, FirstNames: &name, BirthDate: ptrTo("1980-01-02")})
				if err != nil {
					b.Fatal(err)
				}
				var acc struct{ ID string }
				if r := e.Do("POST", "/api/v1/persons/"+p.ID+"/accompaniments", "worker", map[string]any{"kind": "budget"}); r.Status != http.StatusCreated {
					b.Fatalf("accompaniment: %d %s", r.Status, r.Body)
				} else {
					r.Decode(b, &acc)
				}
				path := "/api/v1/persons/" + p.ID + "/journal"
				var n, failed atomic.Int64
				b.SetParallelism(8)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						r := e.Do("POST", path, "worker", map[string]any{"kind": "note", "accompaniment_id": acc.ID,
							"summary": fmt.Sprintf("Note de charge n° %d : appel reçu, point sur la demande de logement social.", i)})
						if r.Status != http.StatusCreated {
							failed.Add(1)
						}
					}
				})
				b.StopTimer()
				if f := failed.Load(); f > 0 {
					b.Fatalf("%d of %d writes failed", f, n.Load())
				}
				b.ReportMetric(float64(n.Load())/b.Elapsed().Seconds(), "writes/s")
			})
		}
	}
}

func ptrTo[T any](v T) *T { return &v }
