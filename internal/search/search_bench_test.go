package search_test

import (
	"context"
	"testing"

	"parcours/internal/search"
	"parcours/internal/store/storetest"
)

// BenchmarkSearch_RecallQueries runs the labelled queries (typos,
// phonetic spellings, order, particles, dates) over the recall
// population: the cost of a search in the service, without HTTP.
func BenchmarkSearch_RecallQueries(b *testing.B) {
	people := readCSV(b, recallPopulation, populationHeader)
	queries := readCSV(b, recallQueries, queryHeader)
	for _, d := range storetest.Dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			e := newEnv(b, db)
			loadPopulation(b, db, e.a.OrgID, people)
			ctx := context.Background()
			b.ResetTimer()
			for i := range b.N {
				if _, err := e.search.Search(ctx, e.a, search.Query{Q: queries[i%len(queries)][0], Limit: 5}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
