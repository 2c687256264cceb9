package store

import (
	"context"
	"database/sql"
	"strconv"

	"parcours/internal/parcours"
)

// OrgDirectory is what a page about a file shows besides the file: the
// organisation's workers and teams by id, who may be a referent, the
// accompaniment kinds and the interview templates.
type OrgDirectory struct {
	WorkerNames map[string]string
	// CaseWorkers are the enabled workers and managers, by name.
	CaseWorkers []parcours.Worker
	// Teams by name.
	Teams []*parcours.Team
	// Kinds is the catalogue, or nil when never written (the caller uses
	// the defaults).
	Kinds     []parcours.AccompanimentKind
	Templates []*parcours.InterviewTemplate
}

// OrgDirectory reads the directory of an organisation in one statement,
// a union of tagged rows ordered by their sort keys.
func (tx *Tx) OrgDirectory(ctx context.Context, orgID string) (*OrgDirectory, error) {
	rows, err := tx.query(ctx, `SELECT 'a', last_name, first_name, email, id, role, CASE WHEN disabled THEN '1' ELSE '0' END FROM workers WHERE org_id = ?
		UNION ALL SELECT 'b', name, id, '', CAST(created_at AS TEXT), '', '' FROM teams WHERE org_id = ?
		UNION ALL SELECT 'c', CAST(created_at AS TEXT), code, '', label, CASE WHEN active THEN '1' ELSE '0' END, '' FROM accompaniment_kinds WHERE org_id = ?
		UNION ALL SELECT 'd', name, id, '', body, created_by, CAST(created_at AS TEXT) FROM interview_templates WHERE org_id = ?
		ORDER BY 1, 2, 3, 4`, orgID, orgID, orgID, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	d := &OrgDirectory{WorkerNames: map[string]string{}}
	for rows.Next() {
		var tag, k1, k2, k3, v1, v2, v3 sql.NullString
		if err := rows.Scan(&tag, &k1, &k2, &k3, &v1, &v2, &v3); err != nil {
			return nil, err
		}
		switch tag.String {
		case "a":
			w := parcours.Worker{ID: v1.String, OrgID: orgID, Email: k3.String, FirstName: k2.String, LastName: k1.String}
			d.WorkerNames[w.ID] = w.DisplayName()
			if (v2.String == string(parcours.RoleWorker) || v2.String == string(parcours.RoleManager)) && v3.String != "1" {
				d.CaseWorkers = append(d.CaseWorkers, w)
			}
		case "b":
			n, _ := strconv.ParseInt(v1.String, 10, 64)
			d.Teams = append(d.Teams, &parcours.Team{ID: k2.String, OrgID: orgID, Name: k1.String, CreatedAt: fromTS(n)})
		case "c":
			d.Kinds = append(d.Kinds, parcours.AccompanimentKind{Code: k2.String, Label: v1.String, Active: v2.String == "1"})
		case "d":
			n, _ := strconv.ParseInt(v3.String, 10, 64)
			d.Templates = append(d.Templates, &parcours.InterviewTemplate{ID: k2.String, OrgID: orgID, Name: k1.String, Body: v1.String,
				CreatedBy: v2.String, CreatedAt: fromTS(n)})
		}
	}
	return d, rows.Err()
}
