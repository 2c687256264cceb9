package noteflags

import (
	"context"
	"strings"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/review"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type fixture struct {
	s                 *Service
	org               *parcours.Organization
	team, team2       *parcours.Team
	worker, manager   parcours.Actor
	admin, reception  parcours.Actor
	manager2, outside parcours.Actor
}

func setup(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{s: New(db)}
	f.s.now = func() time.Time { return time.Date(2026, 11, 28, 9, 0, 0, 0, time.UTC) }
	err := db.Transact(ctx, func(tx *store.Tx) error {
		f.org = &parcours.Organization{Name: "CCAS Test", Kind: parcours.OrgCCAS}
		if err := tx.InsertOrganization(ctx, f.org); err != nil {
			return err
		}
		f.team = &parcours.Team{OrgID: f.org.ID, Name: "Accueil social"}
		f.team2 = &parcours.Team{OrgID: f.org.ID, Name: "Pôle insertion"}
		for _, tm := range []*parcours.Team{f.team, f.team2} {
			if err := tx.InsertTeam(ctx, tm); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	actor := func(id string, role parcours.Role, team *parcours.Team) parcours.Actor {
		return parcours.Actor{WorkerID: id, OrgID: f.org.ID, Role: role, TeamIDs: []string{team.ID}}
	}
	f.worker = actor("w1", parcours.RoleWorker, f.team)
	f.manager = actor("m1", parcours.RoleManager, f.team)
	f.manager2 = actor("m2", parcours.RoleManager, f.team2)
	f.admin = actor("a1", parcours.RoleAdmin, f.team)
	f.reception = actor("r1", parcours.RoleReception, f.team)
	f.outside = parcours.Actor{WorkerID: "o1", OrgID: "another-org", Role: parcours.RoleManager, TeamIDs: []string{f.team.ID}}
	return f
}

func TestCheck_WhoMayAnalyseAndBadInput(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := t.Context()
		for _, a := range []parcours.Actor{f.worker, f.manager} {
			spans, err := f.s.Check(ctx, a, "Madame est une menteuse.", "team")
			if err != nil || len(spans) != 1 || spans[0].Category != review.Judgement {
				t.Errorf("%s: %v, %v", a.Role, spans, err)
			}
		}
		for _, a := range []parcours.Actor{f.admin, f.reception} {
			if _, err := f.s.Check(ctx, a, "menteuse", ""); parcours.ErrorCode(err) != parcours.EForbidden {
				t.Errorf("%s: err %v, want forbidden", a.Role, err)
			}
		}
		if spans, err := f.s.Check(ctx, f.worker, "", ""); err != nil || len(spans) != 0 {
			t.Errorf("empty: %v %v", spans, err)
		}
		if _, err := f.s.Check(ctx, f.worker, strings.Repeat("a", 100_000), ""); parcours.ErrorCode(err) != parcours.ETooLarge {
			t.Errorf("100,000 characters: %v, want too_large", err)
		}
		if _, err := f.s.Check(ctx, f.worker, strings.Repeat("é", MaxRunes), ""); err != nil {
			t.Errorf("%d characters: %v", MaxRunes, err)
		}
		if _, err := f.s.Check(ctx, f.worker, "x", "everyone"); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Errorf("bad confidentiality: %v", err)
		}
	})
}

func TestRecordAndStats_CountsPerTeamMonthSuppressedBelowFive(t *testing.T) {
	t.Parallel()
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		f := setup(t, db)
		ctx := t.Context()
		// Six notes kept a judgement and corrected an identifier; two notes
		// corrected a health mention; one kept hearsay.
		for range 6 {
			o := Outcome{Seen: []review.Category{review.Judgement, review.Identifier}, Final: []review.Category{review.Judgement}}
			if err := f.s.Record(ctx, f.worker, "", o); err != nil {
				t.Fatal(err)
			}
		}
		for range 2 {
			if err := f.s.Record(ctx, f.worker, f.team.ID, Outcome{Seen: []review.Category{review.Health}}); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.s.Record(ctx, f.manager, f.team.ID, Outcome{Final: []review.Category{review.Hearsay}}); err != nil {
			t.Fatal(err)
		}
		// Nothing flagged: nothing recorded.
		if err := f.s.Record(ctx, f.worker, f.team.ID, Outcome{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.Stats(ctx, f.worker, 3); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("worker stats: %v, want forbidden", err)
		}
		if _, err := f.s.Stats(ctx, f.admin, 3); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Errorf("admin stats: %v, want forbidden", err)
		}
		if _, err := f.s.Stats(ctx, f.manager, 0); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Errorf("0 months: %v", err)
		}
		rep, err := f.s.Stats(ctx, f.manager, 3)
		if err != nil {
			t.Fatal(err)
		}
		if rep.From != "2026-09" || rep.To != "2026-11" || len(rep.Teams) != 1 || rep.Teams[0].TeamID != f.team.ID || len(rep.Teams[0].Months) != 3 {
			t.Fatalf("report %+v", rep)
		}
		nov := rep.Teams[0].Months[0]
		if nov.Month != "2026-11" {
			t.Fatalf("first month %s", nov.Month)
		}
		got := map[string]Row{}
		for _, r := range nov.Rows {
			got[r.Category] = r
		}
		want := map[string]Row{
			"judgement":  {Category: "judgement", Kept: Cell{N: 6}},
			"identifier": {Category: "identifier", Corrected: Cell{N: 6}},
			"health":     {Category: "health", Corrected: Cell{Suppressed: true}},
			"hearsay":    {Category: "hearsay", Kept: Cell{Suppressed: true}},
			"religion":   {Category: "religion"},
		}
		for c, w := range want {
			if got[c] != w {
				t.Errorf("%s: got %+v, want %+v", c, got[c], w)
			}
		}
		// The other team's manager sees only their team, with nothing in it.
		rep2, err := f.s.Stats(ctx, f.manager2, 1)
		if err != nil || len(rep2.Teams) != 1 || rep2.Teams[0].TeamID != f.team2.ID || rep2.Teams[0].Months[0].Rows[0].Kept.N != 0 {
			t.Errorf("manager2: %+v %v", rep2, err)
		}
		// A manager of another organisation claiming this team's id sees
		// nothing of it: teams are read in the actor's own organisation.
		if rep3, err := f.s.Stats(ctx, f.outside, 1); err != nil || len(rep3.Teams) != 0 {
			t.Errorf("outside: %+v %v", rep3, err)
		}
	})
}

func TestParseCategories_KeepsKnownOnesOnce(t *testing.T) {
	got := ParseCategories([]string{"judgement", "nope", "judgement", "health", ""})
	if len(got) != 2 || got[0] != review.Judgement || got[1] != review.Health {
		t.Errorf("got %v", got)
	}
}
