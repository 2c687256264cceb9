package search

import (
	"testing"
	"time"
)

// daysIn agrees with package time on every month of the years a birth
// date may have (leap years: every fourth, but not centuries, but every
// fourth century).
func TestDaysIn_AgreesWithTime(t *testing.T) {
	for y := 1600; y <= 2400; y++ {
		for m := 1; m <= 12; m++ {
			if got, want := daysIn(y, m), time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day(); got != want {
				t.Fatalf("daysIn(%d, %d) = %d, want %d", y, m, got, want)
			}
		}
	}
}
