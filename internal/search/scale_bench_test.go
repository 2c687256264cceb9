//go:build unix

package search

import (
	"bufio"
	"context"
	"fmt"
	"hash/fnv"
	"os"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"

	"parcours/internal/demo/names"
	"parcours/internal/parcours"
	"parcours/internal/search/namekey"
	"parcours/internal/store"
)

// BenchmarkIndex_BenchSearches is make bench's search scenario (a typo in
// the surname, a first name, the birth year) on a full-size index, in
// memory only: the candidates, their scores and their order, without the
// persons' fetch, the audit or HTTP. It needs a dump of a seeded
// database's index and of the bench worker's persons, and is skipped
// without them:
//
//	sqlite3 -readonly -separator $'\t' DB "SELECT person_id, org_id, birth_date, field, term, phon
//	  FROM person_terms ORDER BY person_id, field, term" > terms.tsv
//	sqlite3 -readonly -separator $'\t' DB "SELECT p.id, p.org_id, p.birth_name, p.first_names, p.birth_date
//	  FROM accompaniments a JOIN persons p ON p.id = a.person_id WHERE a.referent_id =
//	  (SELECT id FROM workers WHERE email = 'referent.rsa@rhone.example') AND a.end_date = ''
//	  ORDER BY a.id LIMIT 5000" > persons.tsv
//	PARCOURS_SEARCH_TERMS=terms.tsv PARCOURS_SEARCH_PERSONS=persons.tsv go test -run '^$' -bench BenchSearches ./internal/search/
func BenchmarkIndex_BenchSearches(b *testing.B) {
	termsPath, personsPath := os.Getenv("PARCOURS_SEARCH_TERMS"), os.Getenv("PARCOURS_SEARCH_PERSONS")
	if termsPath == "" || personsPath == "" {
		b.Skip("PARCOURS_SEARCH_TERMS and PARCOURS_SEARCH_PERSONS name no dump")
	}
	dumpOnce.Do(func() {
		dumpIndex = loadIndexDump(b, termsPath)
		dumpActor, dumpQueries = benchQueries(b, personsPath)
	})
	ix, actor, queries := dumpIndex, dumpActor, dumpQueries
	ctx := context.Background()
	var hits, results int
	runtime.GC() // the load's garbage, not the searches'
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := range b.N {
		pq, err := parse(Query{Q: queries[i%len(queries)]})
		if err != nil {
			b.Fatal(err)
		}
		ranked, err := gather(ctx, ix, actor, pq, pq.limit)
		if err != nil {
			b.Fatal(err)
		}
		order(ranked)
		hits += len(ranked)
		results++
	}
	// The machine is shared: the process's CPU time per search is the
	// figure that compares, its wall time waits for the others.
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(hits)/float64(results), "ranked/op")
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
	if b.N > 1 {
		b.StopTimer()
		// What the searches found, to compare two versions of the index:
		// the candidates ranked, in order, with their scores.
		h := fnv.New64a()
		for _, q := range queries {
			pq, _ := parse(Query{Q: q})
			ranked, _ := gather(ctx, ix, actor, pq, pq.limit)
			order(ranked)
			for _, r := range ranked {
				fmt.Fprintf(h, "%s %.6f\n", r.c.ID, r.score)
			}
		}
		b.Logf("digest of the ranked candidates: %x", h.Sum64())
	}
}

// cpuTime is the process's user and system CPU time so far, in ns.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// The dump's index and searches, loaded once for every run of the
// benchmark in the process.
var (
	dumpOnce    sync.Once
	dumpIndex   *Index
	dumpActor   parcours.Actor
	dumpQueries []string
)

// loadIndexDump builds an index from a dump of person_terms.
func loadIndexDump(b *testing.B, path string) *Index {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	ix := &Index{}
	ix.init()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var cur *store.IndexedPerson
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 6 {
			b.Fatalf("%s: %q: want 6 columns", path, sc.Text())
		}
		if cur == nil || cur.ID != c[0] {
			if cur != nil {
				ix.put(cur)
			}
			cur = &store.IndexedPerson{ID: c[0], OrgID: c[1], BirthDate: c[2]}
		}
		cur.Terms = append(cur.Terms, store.PersonTerm{Field: c[3], Term: c[4], Phon: c[5]})
	}
	if err := sc.Err(); err != nil {
		b.Fatal(err)
	}
	if cur != nil {
		ix.put(cur)
	}
	ix.compact()
	ix.ready.Store(true)
	return ix
}

// benchQueries are the searches of make bench (benchreport's
// loadFixtures and typo), from a dump of the bench worker's persons.
func benchQueries(b *testing.B, path string) (parcours.Actor, []string) {
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	m := names.New(99)
	var actor parcours.Actor
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(out) < 1000 {
		c := strings.Split(sc.Text(), "\t")
		if len(c) != 5 {
			b.Fatalf("%s: %q: want 5 columns", path, sc.Text())
		}
		actor = parcours.Actor{WorkerID: "bench", OrgID: c[1], Role: parcours.RoleWorker}
		last, first, birth := c[2], c[3], c[4]
		if len(namekey.Tokens(last)) == 0 || len(birth) < 4 {
			continue
		}
		out = append(out, m.Typo(names.ASCII(strings.ToLower(last)))+" "+strings.SplitN(first, ",", 2)[0]+" "+birth[:4])
	}
	if len(out) == 0 {
		b.Fatalf("%s: no person", path)
	}
	return actor, out
}
