package stats

import (
	"context"
	"slices"

	"parcours/internal/store"
)

// noTheme is the key of the entries written without a theme.
const noTheme = "none"

// entryTables makes the journal entries by theme, and by kind and theme:
// the themes' totals are suppressed as every breakdown; the cross table
// is suppressed against both its margins (byKind, already suppressed,
// and the themes' table), so that neither gives a hidden cell back.
func entryTables(ctx context.Context, tx *store.Tx, f store.StatsFilter, byKind Table) ([]Table, error) {
	counts, err := tx.StatsEntriesByKindTheme(ctx, f)
	if err != nil {
		return nil, err
	}
	var kinds, themes []string
	for _, c := range counts {
		th := themeKey(c.Theme)
		if !slices.Contains(kinds, c.Kind) {
			kinds = append(kinds, c.Kind)
		}
		if !slices.Contains(themes, th) {
			themes = append(themes, th)
		}
	}
	// Themes in the vocabulary's order, « none » last.
	slices.SortFunc(themes, func(a, b string) int {
		if a == noTheme || b == noTheme {
			return boolInt(a == noTheme) - boolInt(b == noTheme)
		}
		if a < b {
			return -1
		}
		if a > b {
			return 1
		}
		return 0
	})
	m := make([][]int, len(kinds))
	for i := range m {
		m[i] = make([]int, len(themes))
	}
	perTheme := make([]int, len(themes))
	for _, c := range counts {
		i, j := slices.Index(kinds, c.Kind), slices.Index(themes, themeKey(c.Theme))
		m[i][j] += c.N
		perTheme[j] += c.N
	}
	label := func(th string) string {
		if th == noTheme {
			return "stats.no_theme"
		}
		return "thematique." + th
	}

	byTheme := Table{ID: "entries_by_theme", Title: "stats.table.entries_by_theme"}
	cells, total := Suppress(perTheme)
	colShown := make([]bool, len(themes))
	for j, th := range themes {
		byTheme.Rows = append(byTheme.Rows, Row{Key: th, Label: th, LabelKey: label(th), Cell: cells[j]})
		colShown[j] = !cells[j].Suppressed
	}
	byTheme.Total = &total

	rowShown := make([]bool, len(kinds))
	for i, k := range kinds {
		rowShown[i] = true
		for _, r := range byKind.Rows {
			if r.Key == k && r.Cell.Suppressed {
				rowShown[i] = false
			}
		}
	}
	cross := Table{ID: "entries_by_kind_theme", Title: "stats.table.entries_by_kind_theme"}
	crossCells := SuppressCross(m, rowShown, colShown)
	sum := 0
	for i, k := range kinds {
		for j, th := range themes {
			if m[i][j] == 0 && !crossCells[i][j].Suppressed {
				continue // the combinations met, and a zero hidden to protect another
			}
			sum += m[i][j]
			cross.Rows = append(cross.Rows, Row{Key: k + ":" + th, Label: k + ":" + th,
				LabelKeys: []string{"entry_kind." + k, label(th)}, Cell: crossCells[i][j]})
		}
	}
	crossTotal := Cell{N: sum, Suppressed: sum > 0 && sum < MinCell}
	if crossTotal.Suppressed {
		crossTotal.N = 0
	}
	cross.Total = &crossTotal
	return []Table{byTheme, cross}, nil
}

func themeKey(theme string) string {
	if theme == "" {
		return noTheme
	}
	return theme
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
