package parcours

import "testing"

// TestFamilyQuotient_CAFParts checks the parts of the CAF's family
// quotient (2 for a couple or a single parent, ½ for each of the first two
// children, 1 for the third, ½ from the fourth — not the tax office's 1
// per child from the third) and the quotient they give.
func TestFamilyQuotient_CAFParts(t *testing.T) {
	for _, tc := range []struct {
		couple     bool
		dependents int
		parts2     int
	}{
		{false, 0, 2}, {true, 0, 4}, {false, 1, 5}, {true, 2, 6}, {true, 3, 8}, {true, 4, 9}, {false, 5, 10},
	} {
		b := &Budget{Couple: tc.couple, Dependents: tc.dependents, Adults: 1, Lines: []BudgetLine{{Kind: LineResource, MonthlyCents: 180000}}}
		f := b.Compute()
		if f.Parts2 != tc.parts2 {
			t.Errorf("couple %v, %d children: %d half-parts, want %d", tc.couple, tc.dependents, f.Parts2, tc.parts2)
		}
		if want := (180000*2 + int64(tc.parts2)/2) / int64(tc.parts2); f.QuotientCents != want {
			t.Errorf("couple %v, %d children: quotient %d, want %d", tc.couple, tc.dependents, f.QuotientCents, want)
		}
	}
}
