package demo

import (
	"context"
	"testing"

	"parcours/internal/demo/names"
	"parcours/internal/store/storetest"
)

func BenchmarkNames_Identity(b *testing.B) {
	m := names.New(1)
	for i := 0; b.Loop(); i++ {
		o := m.Origin()
		_ = m.Surname(o) + m.FirstNames(o, "F", 1950+i%60)
	}
}

func BenchmarkPopulation_Household(b *testing.B) {
	g := NewPopulation(1, Reference)
	for b.Loop() {
		_ = g.Household()
	}
}

// BenchmarkPopulate_1000Persons writes 1000 persons with their journals
// (about 10,000 entries) per iteration, on each backend.
func BenchmarkPopulate_1000Persons(b *testing.B) {
	ctx := context.Background()
	for _, d := range storetest.Dialects {
		b.Run(d.String(), func(b *testing.B) {
			db := storetest.Open(b, d)
			s, err := EnsureSetting(ctx, db, false)
			if err != nil {
				b.Fatal(err)
			}
			seed := uint64(0)
			for b.Loop() {
				seed++
				if _, err := Populate(ctx, db, s, Options{Persons: 1000, Seed: seed, Journals: true}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
