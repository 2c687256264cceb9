package store

import (
	"strconv"
	"strings"

	"parcours/internal/parcours"
)

// Keyset asks a list for one page: the rows after After (the sort key of
// the last row of the previous page, as parcours.EncodeCursor carried it;
// nil from the start) and at most Limit rows (0: all of them, for the
// pages that show a file's list whole).
type Keyset struct {
	After []string
	Limit int
}

// keyCol is a column of a list's sort key; Int marks an integer column
// (instants), whose cursor part is parsed back to a number.
type keyCol struct {
	Name string
	Int  bool
}

// clause returns the condition selecting the rows after k.After in the
// order of cols (descending when desc), and the ORDER BY and LIMIT that
// go with it, with their arguments. A cursor that does not fit is a 400.
func (k Keyset) clause(cols []keyCol, desc bool) (where, tail string, args []any, err error) {
	dir, cmp := "", ">"
	if desc {
		dir, cmp = " DESC", "<"
	}
	order := make([]string, len(cols))
	for i, c := range cols {
		order[i] = c.Name + dir
	}
	tail = " ORDER BY " + strings.Join(order, ", ")
	if len(k.After) == len(cols) {
		vals := make([]any, len(cols))
		for i, c := range cols {
			vals[i] = k.After[i]
			if c.Int {
				n, perr := strconv.ParseInt(k.After[i], 10, 64)
				if perr != nil {
					return "", "", nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
				}
				vals[i] = n
			}
		}
		// (a, b, c) after (x, y, z): a > x OR (a = x AND (b > y OR (b = y AND c > z))).
		var b strings.Builder
		for i, c := range cols {
			if i > 0 {
				b.WriteString(" OR (" + cols[i-1].Name + " = ? AND ")
				args = append(args, vals[i-1])
			}
			b.WriteString("(" + c.Name + " " + cmp + " ?")
			args = append(args, vals[i])
		}
		b.WriteString(strings.Repeat(")", 2*len(cols)-1))
		where = " AND (" + b.String() + ")"
	} else if k.After != nil {
		return "", "", nil, parcours.FieldError(parcours.EBadRequest, "cursor", "error.invalid_cursor")
	}
	if k.Limit > 0 {
		tail += " LIMIT ?"
	}
	return where, tail, args, nil
}

// ofPersons is the statement and arguments of a page (k) of the rows of
// table that belong to the persons of a file, in the order of cols
// (descending when desc): the per-person lists that grow for years.
func (k Keyset) ofPersons(columns, table string, personIDs []string, cols []keyCol, desc bool) (string, []any, error) {
	in, args := personIn("person_id", personIDs)
	where, tail, kargs, err := k.clause(cols, desc)
	if err != nil {
		return "", nil, err
	}
	return "SELECT " + columns + " FROM " + table + " WHERE " + in + where + tail, k.limitArg(append(args, kargs...)), nil
}

// limitArg appends the LIMIT argument clause wrote a placeholder for.
func (k Keyset) limitArg(args []any) []any {
	if k.Limit > 0 {
		return append(args, k.Limit)
	}
	return args
}

// ReadPage reads one page of a list: cursor is the previous page's
// next_cursor ("" from the start) holding a key of parts values, limit
// the page size (parcours.PageLimit), read the list's query with its
// keyset, key the sort key of an item.
func ReadPage[T any](cursor string, limit, parts int, key func(T) []string, read func(Keyset) ([]T, error)) (parcours.Page[T], error) {
	after, err := parcours.DecodeCursor(cursor, parts)
	if err != nil {
		return parcours.Page[T]{}, err
	}
	limit = parcours.PageLimit(limit)
	list, err := read(Keyset{After: after, Limit: limit + 1})
	if err != nil {
		return parcours.Page[T]{}, err
	}
	return parcours.PageOf(list, limit, key), nil
}
