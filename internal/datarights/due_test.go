package datarights

import "testing"

// The legal delay is counted in calendar months; the end of a shorter
// month stands for a day it lacks.
func TestDue(t *testing.T) {
	for _, c := range []struct {
		received string
		months   int
		want     string
	}{
		{"2026-03-10", 1, "2026-04-10"},
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-12-15", 1, "2027-01-15"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-05-31", 1, "2026-06-30"},
	} {
		got, err := Due(c.received, c.months)
		if err != nil || got != c.want {
			t.Errorf("Due(%s, %d) = %s, %v; want %s", c.received, c.months, got, err, c.want)
		}
	}
	if _, err := Due("31/01/2026", 1); err == nil {
		t.Error("a date not in YYYY-MM-DD was accepted")
	}
}
