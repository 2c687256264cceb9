package stats_test

import (
	"testing"

	"parcours/internal/stats"
)

// TestSuppressCross_NoMarginGivesAHiddenCellBack: in every crafted table
// no cell from 1 to 4 is shown, and no row or column whose total is
// published has exactly one hidden cell (its total minus the others would
// give it back); a line whose total is hidden elsewhere is hidden whole.
func TestSuppressCross_NoMarginGivesAHiddenCellBack(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name     string
		m        [][]int
		rows     []bool
		cols     []bool
		want     []string // row by row, "" for a hidden cell's « < 5 »
		wantSame bool
	}{
		{"one small cell spreads by row and column", [][]int{{9, 3}, {6, 7}}, []bool{true, true}, []bool{true, true},
			[]string{"< 5", "< 5", "< 5", "< 5"}, true},
		{"two small cells in a row protect each other, the column needs a second", [][]int{{9, 3, 2}, {8, 7, 10}, {6, 6, 6}},
			[]bool{true, true, true}, []bool{true, true, true}, nil, false},
		{"nothing small", [][]int{{5, 6}, {7, 8}}, []bool{true, true}, []bool{true, true}, []string{"5", "6", "7", "8"}, true},
		{"a hidden margin hides its line", [][]int{{7, 0}, {8, 9}}, []bool{false, true}, []bool{true, true}, nil, false},
		{"a zero is hidden when nothing else can protect", [][]int{{0, 3}, {0, 0}}, []bool{false, true}, []bool{true, false}, []string{"0", "< 5", "0", "0"}, true},
		{"a zero is hidden when nothing else can protect", [][]int{{7, 0}, {8, 9}}, []bool{true, true}, []bool{false, true},
			[]string{"< 5", "< 5", "< 5", "< 5"}, true},
	} {
		cells := stats.SuppressCross(tc.m, tc.rows, tc.cols)
		var got []string
		for i, row := range cells {
			for j, c := range row {
				got = append(got, c.String())
				if c.Suppressed && c.N != 0 {
					t.Errorf("%s: hidden cell keeps its number", tc.name)
				}
				if !c.Suppressed && c.N > 0 && c.N < stats.MinCell {
					t.Errorf("%s: cell %d,%d = %d shown", tc.name, i, j, c.N)
				}
				if c.N > 0 && !c.Suppressed && (!tc.rows[i] || !tc.cols[j]) {
					t.Errorf("%s: cell %d,%d shown though its margin is hidden", tc.name, i, j)
				}
			}
		}
		if tc.wantSame {
			for k := range tc.want {
				if got[k] != tc.want[k] {
					t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
					break
				}
			}
		}
		check := func(line []stats.Cell, what string) {
			hidden := 0
			for _, c := range line {
				if c.Suppressed {
					hidden++
				}
			}
			if hidden == 1 {
				t.Errorf("%s: %s has exactly one hidden cell under a shown total", tc.name, what)
			}
		}
		for i := range cells {
			if tc.rows[i] {
				check(cells[i], "a row")
			}
		}
		for j := range tc.cols {
			if tc.cols[j] {
				var col []stats.Cell
				for i := range cells {
					col = append(col, cells[i][j])
				}
				check(col, "a column")
			}
		}
	}
}
