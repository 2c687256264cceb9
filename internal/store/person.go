package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"parcours/internal/parcours"
)

const personColumns = `id, org_id, birth_name, usage_name, first_names, birth_date, birth_place, sex, phone, email,
	address_line1, address_line2, postal_code, city, nir, caf_number, household_id, relationship, created_at, updated_at, version`

func scanPerson(row interface{ Scan(...any) error }) (*parcours.Person, string, error) {
	// One allocation for the person and its destinations: the person
	// returned is the scanner's own, which scans nothing else.
	s := new(personScan)
	if err := s.fill(row); err != nil {
		return nil, "", err
	}
	return &s.p, s.rel, nil
}

// personScan is what a row of personColumns is scanned into: the person
// and the columns converted after, with the destinations Scan is given.
// A query of many persons scans them all through one (queryPersons): the
// destinations made for each row were five allocations of a person's six,
// and a list of 50 persons the collector's work under load (issue 17).
type personScan struct {
	p                parcours.Person
	sex, rel         string
	household        sql.NullString
	created, updated int64
	dest             [21]any
	// block is where scan takes the persons it returns from, when the
	// rows expected are known: one allocation for a page of persons
	// instead of one each.
	block []parcours.Person
}

// scan reads row and returns a person of its own, not one s reuses:
// taken from s.block while it lasts.
func (s *personScan) scan(row interface{ Scan(...any) error }) (*parcours.Person, string, error) {
	if err := s.fill(row); err != nil {
		return nil, "", err
	}
	var p *parcours.Person
	if len(s.block) > 0 {
		p, s.block = &s.block[0], s.block[1:]
	} else {
		p = new(parcours.Person)
	}
	*p = s.p
	return p, s.rel, nil
}

// fill scans row into s.p and s.rel.
func (s *personScan) fill(row interface{ Scan(...any) error }) error {
	if s.dest[0] == nil {
		p := &s.p
		s.dest = [21]any{&p.ID, &p.OrgID, &p.BirthName, &p.UsageName, &p.FirstNames, &p.BirthDate, &p.BirthPlace, &s.sex,
			&p.Phone, &p.Email, &p.Address.Line1, &p.Address.Line2, &p.Address.PostalCode, &p.Address.City,
			&p.NIR, &p.CAFNumber, &s.household, &s.rel, &s.created, &s.updated, &p.Version}
	}
	if err := row.Scan(s.dest[:]...); err != nil {
		return err
	}
	p := &s.p
	p.Sex = parcours.Sex(s.sex)
	p.HouseholdID = s.household.String
	p.CreatedAt, p.UpdatedAt = fromTS(s.created), fromTS(s.updated)
	return nil
}

// queryPersons runs a query selecting personColumns and scans every row;
// sizeHint is the rows expected (0: unknown).
func (tx *Tx) queryPersons(ctx context.Context, sizeHint int, q string, args ...any) ([]*parcours.Person, error) {
	rows, err := tx.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Person
	var s personScan
	if sizeHint > 0 {
		out = make([]*parcours.Person, 0, sizeHint)
		s.block = make([]parcours.Person, sizeHint)
	}
	for rows.Next() {
		p, _, err := s.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// InsertPerson stores a new person; ID, CreatedAt, UpdatedAt and Version
// are set.
func (tx *Tx) InsertPerson(ctx context.Context, p *parcours.Person, rel parcours.Relationship) error {
	if p.ID == "" {
		p.ID = NewID()
	}
	p.CreatedAt, p.UpdatedAt, p.Version = tx.now, tx.now, 1
	_, err := tx.exec(ctx, `INSERT INTO persons (`+personColumns+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		p.ID, p.OrgID, p.BirthName, p.UsageName, p.FirstNames, p.BirthDate, p.BirthPlace, string(p.Sex), p.Phone, p.Email,
		p.Address.Line1, p.Address.Line2, p.Address.PostalCode, p.Address.City, p.NIR, p.CAFNumber,
		nullString(p.HouseholdID), string(rel), ts(p.CreatedAt), ts(p.UpdatedAt), p.Version)
	return err
}

// UpdatePerson saves p if its stored version is still p.Version, then
// increments it. It returns false when someone else changed it meanwhile.
func (tx *Tx) UpdatePerson(ctx context.Context, p *parcours.Person) (bool, error) {
	res, err := tx.exec(ctx, `UPDATE persons SET birth_name = ?, usage_name = ?, first_names = ?, birth_date = ?, birth_place = ?,
		sex = ?, phone = ?, email = ?, address_line1 = ?, address_line2 = ?, postal_code = ?, city = ?, nir = ?, caf_number = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND version = ?`,
		p.BirthName, p.UsageName, p.FirstNames, p.BirthDate, p.BirthPlace, string(p.Sex), p.Phone, p.Email,
		p.Address.Line1, p.Address.Line2, p.Address.PostalCode, p.Address.City, p.NIR, p.CAFNumber,
		ts(tx.now), p.ID, p.Version)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	if err != nil || n != 1 {
		return false, err
	}
	p.Version++
	p.UpdatedAt = tx.now
	return true, nil
}

// Person returns a person by id, ErrNoRows when absent.
func (tx *Tx) Person(ctx context.Context, id string) (*parcours.Person, error) {
	p, _, err := scanPerson(tx.queryRow(ctx, "SELECT "+personColumns+" FROM persons WHERE id = ?", id))
	return p, err
}

// PersonPage is one page of a keyset-paginated person list, ordered by
// (birth_name, first_names, id).
type PersonPage struct {
	Items []*parcours.Person
	// After is the sort key of the last item, to pass back for the next
	// page; nil at the end.
	After []string
}

// ListPersons returns up to limit persons of org after the key `after`
// (birth_name, first_names, id), or from the start when after is nil.
func (tx *Tx) ListPersons(ctx context.Context, orgID string, after []string, limit int) (*PersonPage, error) {
	// Persons merged into another record (internal/search) are left out:
	// the record they were merged into stands for them. Anonymised persons
	// (internal/retention) are no one's file any more.
	q := "SELECT " + personColumns + " FROM persons WHERE org_id = ? AND merged_into IS NULL AND anonymised_at = 0"
	args := []any{orgID}
	if len(after) == 3 {
		// A row-value comparison, in the order of the persons_org_list
		// index, so that both databases seek instead of scanning.
		q += " AND (birth_name, first_names, id) > (?, ?, ?)"
		args = append(args, after[0], after[1], after[2])
	}
	q += " ORDER BY birth_name, first_names, id LIMIT ?"
	args = append(args, limit+1)
	items, err := tx.queryPersons(ctx, limit+1, q, args...)
	if err != nil {
		return nil, err
	}
	page := &PersonPage{Items: items}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		last := page.Items[limit-1]
		page.After = []string{last.BirthName, last.FirstNames, last.ID}
	}
	return page, nil
}

// InsertHousehold stores a new household (without members).
func (tx *Tx) InsertHousehold(ctx context.Context, h *parcours.Household) error {
	if h.ID == "" {
		h.ID = NewID()
	}
	h.CreatedAt = tx.now
	_, err := tx.exec(ctx, "INSERT INTO households (id, org_id, name, created_at) VALUES (?,?,?,?)", h.ID, h.OrgID, h.Name, ts(h.CreatedAt))
	return err
}

// RenameHousehold changes the name of a household.
func (tx *Tx) RenameHousehold(ctx context.Context, id, name string) error {
	_, err := tx.exec(ctx, "UPDATE households SET name = ? WHERE id = ?", name, id)
	return err
}

// SetHouseholdMember moves a person into a household (or out of any, with
// householdID "").
func (tx *Tx) SetHouseholdMember(ctx context.Context, personID, householdID string, rel parcours.Relationship) error {
	if householdID == "" {
		rel = ""
	}
	_, err := tx.exec(ctx, "UPDATE persons SET household_id = ?, relationship = ?, updated_at = ?, version = version + 1 WHERE id = ?",
		nullString(householdID), string(rel), ts(tx.now), personID)
	return err
}

// Household returns a household with its members and current situation,
// in one statement (a union of the household, member and situation rows).
func (tx *Tx) Household(ctx context.Context, id string) (*parcours.Household, error) {
	rows, err := tx.query(ctx, `SELECT 'h', id, org_id, name, CAST(created_at AS TEXT), '', '', '', '', '', '' FROM households WHERE id = ?
		UNION ALL SELECT 'm', id, CAST(relationship AS TEXT), birth_name, usage_name, first_names, CAST(created_at AS TEXT), '', '', '', '' FROM persons WHERE household_id = ?
		UNION ALL SELECT 's', s.id, s.household_id, s.housing, s.income_sources, s.employment, CAST(s.monthly_income AS TEXT), s.health, s.valid_from, s.recorded_by, CAST(s.created_at AS TEXT)
			FROM (SELECT `+situationColumns+` FROM situations WHERE household_id = ? ORDER BY created_at DESC, id DESC LIMIT 1) s`, id, id, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var h *parcours.Household
	type member struct {
		parcours.HouseholdMember
		created int64
	}
	var members []member
	var sit *parcours.Situation
	v := make(textRow, 11)
	dest := make([]any, len(v))
	for i := range v {
		dest[i] = &v[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		switch v[0].String {
		case "h":
			created, _ := strconv.ParseInt(v[4].String, 10, 64)
			h = &parcours.Household{ID: v[1].String, OrgID: v[2].String, Name: v[3].String, CreatedAt: fromTS(created)}
		case "m":
			p := parcours.Person{ID: v[1].String, BirthName: v[3].String, UsageName: v[4].String, FirstNames: v[5].String}
			created, _ := strconv.ParseInt(v[6].String, 10, 64)
			members = append(members, member{parcours.HouseholdMember{PersonID: p.ID, Relationship: parcours.Relationship(v[2].String),
				DisplayName: p.DisplayName()}, created})
		case "s":
			if sit, err = scanSituation(v[1:]); err != nil {
				return nil, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if h == nil {
		return nil, ErrNoRows
	}
	slices.SortFunc(members, func(a, b member) int {
		if a.created != b.created {
			return cmp.Compare(a.created, b.created)
		}
		return strings.Compare(a.PersonID, b.PersonID)
	})
	h.Members = []parcours.HouseholdMember{}
	for _, m := range members {
		h.Members = append(h.Members, m.HouseholdMember)
	}
	h.Situation = sit
	return h, nil
}

// HouseholdPage is one page of households ordered by id (creation order).
type HouseholdPage struct {
	Items []*parcours.Household
	After string
}

// ListHouseholds returns up to limit households of org after id `after`.
func (tx *Tx) ListHouseholds(ctx context.Context, orgID, after string, limit int) (*HouseholdPage, error) {
	rows, err := tx.query(ctx, "SELECT id, org_id, name, created_at FROM households WHERE org_id = ? AND id > ? ORDER BY id LIMIT ?", orgID, after, limit+1)
	if err != nil {
		return nil, err
	}
	page := &HouseholdPage{}
	for rows.Next() {
		var h parcours.Household
		var created int64
		if err := rows.Scan(&h.ID, &h.OrgID, &h.Name, &created); err != nil {
			rows.Close()
			return nil, err
		}
		h.CreatedAt = fromTS(created)
		page.Items = append(page.Items, &h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(page.Items) > limit {
		page.Items = page.Items[:limit]
		page.After = page.Items[limit-1].ID
	}
	return page, tx.loadHouseholds(ctx, page.Items)
}

func (tx *Tx) loadHouseholds(ctx context.Context, hs []*parcours.Household) error {
	for _, h := range hs {
		rows, err := tx.query(ctx, "SELECT "+personColumns+" FROM persons WHERE household_id = ? ORDER BY created_at, id", h.ID)
		if err != nil {
			return err
		}
		h.Members = []parcours.HouseholdMember{}
		var ps personScan
		for rows.Next() {
			p, rel, err := ps.scan(rows)
			if err != nil {
				rows.Close()
				return err
			}
			h.Members = append(h.Members, parcours.HouseholdMember{PersonID: p.ID, Relationship: parcours.Relationship(rel), DisplayName: p.DisplayName()})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		s, err := tx.CurrentSituation(ctx, h.ID)
		if err != nil && err != ErrNoRows {
			return err
		}
		h.Situation = s
	}
	return nil
}

// InsertSituation records a new situation of a household; earlier ones are
// kept as history.
func (tx *Tx) InsertSituation(ctx context.Context, s *parcours.Situation) error {
	if s.ID == "" {
		s.ID = NewID()
	}
	s.CreatedAt = tx.now
	if s.IncomeSources == nil {
		s.IncomeSources = []string{}
	}
	incomes, _ := json.Marshal(s.IncomeSources)
	_, err := tx.exec(ctx, `INSERT INTO situations (id, household_id, housing, income_sources, employment, monthly_income, health, valid_from, recorded_by, created_at)
		VALUES (?,?,?,?,?,?,?,?,?,?)`, s.ID, s.HouseholdID, s.Housing, string(incomes), s.Employment, s.MonthlyIncome, s.Health, s.ValidFrom, s.RecordedBy, ts(s.CreatedAt))
	return err
}

const situationColumns = "id, household_id, housing, income_sources, employment, monthly_income, health, valid_from, recorded_by, created_at"

func scanSituation(row interface{ Scan(...any) error }) (*parcours.Situation, error) {
	var s parcours.Situation
	var incomes string
	var created int64
	if err := row.Scan(&s.ID, &s.HouseholdID, &s.Housing, &incomes, &s.Employment, &s.MonthlyIncome, &s.Health, &s.ValidFrom, &s.RecordedBy, &created); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(incomes), &s.IncomeSources); err != nil {
		return nil, err
	}
	s.CreatedAt = fromTS(created)
	return &s, nil
}

// CurrentSituation returns the latest situation of a household.
func (tx *Tx) CurrentSituation(ctx context.Context, householdID string) (*parcours.Situation, error) {
	return scanSituation(tx.queryRow(ctx, "SELECT "+situationColumns+" FROM situations WHERE household_id = ? ORDER BY created_at DESC, id DESC LIMIT 1", householdID))
}

// SituationHistory returns every situation of a household, newest first.
func (tx *Tx) SituationHistory(ctx context.Context, householdID string) ([]*parcours.Situation, error) {
	rows, err := tx.query(ctx, "SELECT "+situationColumns+" FROM situations WHERE household_id = ? ORDER BY created_at DESC, id DESC", householdID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*parcours.Situation
	for rows.Next() {
		s, err := scanSituation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
