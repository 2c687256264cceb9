package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"syscall"
	"testing"
	"time"

	"parcours/internal/app/apptest"
	"parcours/internal/auth"
	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/store/storetest"
)

// BenchmarkPersonPage renders the person file page (GET /persons/{id})
// of a followed person, with an accompaniment, 18 journal entries on the
// page (some amended, some with participants or a private synthesis) and
// a task, as its referent: serve's CPU for a page, without the network.
func BenchmarkPersonPage(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(d.String(), func(b *testing.B) {
			e := apptest.New(b, d)
			id := personPageFile(b, e)
			sess, err := e.App.Auth.NewSession(context.Background(), e.Workers["worker"].ID, true)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var size int
			cpu0 := processCPU()
			for b.Loop() {
				r := httptest.NewRequest("GET", "/persons/"+id, nil)
				r.Header.Set("Sec-Fetch-Site", "same-origin")
				r.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: sess.Secret})
				rec := httptest.NewRecorder()
				e.App.Web.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/page")
			// The process's CPU (every goroutine's: the handler, the
			// database's driver, the audit's group commit, the garbage
			// collector) per page: on a busy machine, ns/op measures the
			// wait as much as the work.
			b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e3, "cpu-µs/page")
		})
	}
}

// processCPU is the CPU time this process has used, user and system.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// personPageFile makes the file the benchmark shows and returns its
// person's id.
func personPageFile(t testing.TB, e *apptest.Env) string {
	t.Helper()
	ctx := context.Background()
	w := e.Actor("worker")
	p, err := e.App.Persons.Create(ctx, w, person.Input{BirthName: ptr("MARTIN"), FirstNames: ptr("Léa"), BirthDate: ptr("1990-04-12"), Sex: ptr(parcours.SexFemale)})
	if err != nil {
		t.Fatal(err)
	}
	acc, err := e.App.CaseFile.CreateAccompaniment(ctx, w, p.ID, casefile.AccompanimentInput{Kind: "rsa"})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 18 {
		in := casefile.EntryInput{Kind: parcours.EntryNote, Summary: fmt.Sprintf("Entretien n° %d : point sur la demande de logement social, dossier CAF à compléter, rendez-vous pris avec l'assistante sociale de secteur.", i),
			AccompanimentID: acc.ID, OccurredAt: fmt.Sprintf("2026-%02d-%02d", 1+i%11, 1+i%27)}
		switch i % 5 {
		case 1:
			in.Kind, in.Mode, in.Participants = parcours.EntryInterview, parcours.InterviewModes[i%4], []string{"Mme Martin", "M. Durand"}
		case 2:
			in.PrivateSynthesis = "Synthèse privée de l'entretien."
		case 3:
			in.Theme = parcours.Thematiques[i%len(parcours.Thematiques)]
		}
		en, err := e.App.CaseFile.AddEntry(ctx, w, p.ID, in)
		if err != nil {
			t.Fatal(err)
		}
		if i%9 == 0 {
			if _, err := e.App.CaseFile.Amend(ctx, w, en.ID, casefile.AmendmentInput{Summary: "Correction : la date du rendez-vous est le 12."}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := e.App.CaseFile.CreateTask(ctx, w, p.ID, casefile.TaskInput{Title: "Relancer la CAF", DueDate: "2026-12-01"}); err != nil {
		t.Fatal(err)
	}
	return p.ID
}
