package stats

// SuppressCross applies small-cell suppression to a table of counts by
// two variables (rows × columns) whose margins are published elsewhere:
// rowShown and colShown tell which row and column totals are shown (a
// margin hidden in its own table hides its whole line here, else the
// line would add up to it). Cells from 1 to MinCell-1 are hidden; then,
// as long as a line with a shown total has exactly one hidden cell, its
// smallest other non-zero cell is hidden too (a zero when there is none),
// so that no total minus the shown cells gives a hidden cell back, by row
// or by column. Hidden cells carry no number.
func SuppressCross(m [][]int, rowShown, colShown []bool) [][]Cell {
	out := make([][]Cell, len(m))
	for i, row := range m {
		out[i] = make([]Cell, len(row))
		for j, n := range row {
			out[i][j] = Cell{N: n, Suppressed: n > 0 && (n < MinCell || !rowShown[i] || !colShown[j])}
		}
	}
	// protect hides a second cell of a line with one hidden cell; cells
	// lists the line's coordinates.
	protect := func(cells [][2]int) bool {
		hidden, next, zero := 0, -1, -1
		for k, c := range cells {
			cell := out[c[0]][c[1]]
			switch {
			case cell.Suppressed:
				hidden++
			case cell.N > 0 && (next < 0 || cell.N < out[cells[next][0]][cells[next][1]].N):
				next = k
			case cell.N == 0 && zero < 0:
				zero = k
			}
		}
		if next < 0 {
			// Only zeros left: one of them is hidden (shown « < 5 »), else
			// the total would be the hidden cell itself.
			next = zero
		}
		if hidden != 1 || next < 0 {
			return false
		}
		out[cells[next][0]][cells[next][1]].Suppressed = true
		return true
	}
	for changed := true; changed; {
		changed = false
		for i := range out {
			if !rowShown[i] {
				continue
			}
			var line [][2]int
			for j := range out[i] {
				line = append(line, [2]int{i, j})
			}
			changed = protect(line) || changed
		}
		for j := range colShown {
			if !colShown[j] {
				continue
			}
			var line [][2]int
			for i := range out {
				line = append(line, [2]int{i, j})
			}
			changed = protect(line) || changed
		}
	}
	for i := range out {
		for j := range out[i] {
			if out[i][j].Suppressed {
				out[i][j].N = 0
			}
		}
	}
	return out
}
