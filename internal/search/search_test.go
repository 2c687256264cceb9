package search_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// env is a database with two organisations and a worker in each.
type env struct {
	db      *store.DB
	persons *person.Service
	// search takes its candidates from the in-process index, as serve
	// does; sql from the database.
	search *search.Service
	sql    *search.Service
	a, b   parcours.Actor // workers of org A and org B
	recep  parcours.Actor // reception of org A
}

func newEnv(t testing.TB, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, persons: person.New(db), search: search.New(db), sql: search.New(db)}
	ctx := context.Background()
	// Started on the empty database: what the tests add reaches it
	// through the index hooks.
	ictx, stop := context.WithCancel(ctx)
	t.Cleanup(stop)
	ix := search.NewIndex(db)
	ix.Start(ictx)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := ix.WaitReady(wctx); err != nil {
		t.Fatalf("search index not ready: %v", err)
	}
	e.search.UseIndex(ix)
	err := db.Transact(ctx, func(tx *store.Tx) error {
		for i, name := range []string{"CCAS A", "Département B"} {
			o := &parcours.Organization{Name: name, Kind: parcours.OrgCCAS}
			if err := tx.InsertOrganization(ctx, o); err != nil {
				return err
			}
			tm := &parcours.Team{OrgID: o.ID, Name: "Accueil"}
			if err := tx.InsertTeam(ctx, tm); err != nil {
				return err
			}
			roles := []parcours.Role{parcours.RoleWorker}
			if i == 0 {
				roles = append(roles, parcours.RoleReception)
			}
			for _, role := range roles {
				w := &parcours.Worker{OrgID: o.ID, Email: string(role) + string(rune('a'+i)) + "@test.fr", Role: role, TeamIDs: []string{tm.ID}}
				if err := tx.InsertWorker(ctx, w, ""); err != nil {
					return err
				}
				switch {
				case i == 1:
					e.b = w.Actor()
				case role == parcours.RoleReception:
					e.recep = w.Actor()
				default:
					e.a = w.Actor()
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func ptr[T any](v T) *T { return &v }

// add creates a person as actor, forcing past the duplicate check.
func (e *env) add(t *testing.T, actor parcours.Actor, birth, usage, first, date string) *parcours.Person {
	t.Helper()
	p, err := e.persons.Create(context.Background(), actor, person.Input{BirthName: &birth, UsageName: &usage,
		FirstNames: &first, BirthDate: &date, Sex: ptr(parcours.SexUnknown), Force: true})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (e *env) find(t *testing.T, actor parcours.Actor, q search.Query) []search.Result {
	t.Helper()
	page, err := e.search.Search(context.Background(), actor, q)
	if err != nil {
		t.Fatalf("search: %v", err)
	}
	return page.Items
}

func TestSearch_ToleratesTyposAccentsOrderParticlesAndPhonetics(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		lefebvre := e.add(t, e.a, "LEFEBVRE", "", "Mohammed", "1985-03-12")
		lefebvre2 := e.add(t, e.a, "LEFEBVRE", "", "Mohammed", "1962-07-01")
		kevin := e.add(t, e.a, "MARTIN", "", "Kévin", "1999-01-02")
		nguyen := e.add(t, e.a, "NGUYÊN", "", "Thi Lan", "1978-11-30")
		benali := e.add(t, e.a, "BENALI", "", "Yasmina", "1990-05-05")
		married := e.add(t, e.a, "DUBOIS", "LEROY", "Anne-Sophie", "1970-02-14")
		e.add(t, e.a, "MARTINEZ", "", "Lucas", "2001-06-07")
		e.add(t, e.a, "DURAND", "", "Paul", "1975-01-31")

		cases := []struct {
			q    search.Query
			want string
		}{
			{search.Query{Q: "lefevre mohamed 1985"}, lefebvre.ID},
			{search.Query{Q: "Mohamed Lefèvre", BirthDate: "03/1985"}, lefebvre.ID},
			{search.Query{Q: "lefeuvre mohammed", BirthDate: "1962"}, lefebvre2.ID},
			{search.Query{Q: "LEFEBVRE MOHAMMED 12/03/1985"}, lefebvre.ID},
			{search.Query{Q: "kevin martin"}, kevin.ID},
			{search.Query{Q: "martni kevin"}, kevin.ID}, // swapped letters
			{search.Query{Q: "nguyen lan"}, nguyen.ID},
			{search.Query{Q: "ben ali yasmina"}, benali.ID},
			{search.Query{Q: "Yasmina Ben-Ali"}, benali.ID},
			{search.Query{Q: "leroy anne sophie"}, married.ID}, // usage name
			{search.Query{Q: "dubois annesophie"}, married.ID}, // birth name, glued first names
			{search.Query{Q: "dubios ane-sophie"}, married.ID}, // two typos
		}
		for _, c := range cases {
			got := e.find(t, e.a, c.q)
			if len(got) == 0 || got[0].ID != c.want {
				ids := []string{}
				for _, r := range got {
					ids = append(ids, r.DisplayName()+" "+r.BirthDate)
				}
				t.Errorf("search %+v: got %v, want %s first", c.q, ids, c.want)
			}
		}
		// Nothing absurd comes back for a name nobody has.
		if got := e.find(t, e.a, search.Query{Q: "zzyzx"}); len(got) != 0 {
			t.Errorf("search zzyzx: got %d results", len(got))
		}
	})
}

// Equal scores are ordered by name, folded (accents and case aside), then
// id, through the index and through SQL alike; a short page takes the
// first of the homonyms in that order.
func TestSearch_TiesOrderedByFoldedNameWhateverThePage(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		zoe := e.add(t, e.a, "MARTIN", "", "Zoé", "1980-01-01")
		emile := e.add(t, e.a, "Martin", "", "Émile", "1981-01-01")
		adele := e.add(t, e.a, "MARTIN", "", "adèle", "1982-01-01")
		eric := e.add(t, e.a, "MARTIN", "", "Eric", "1983-01-01")
		want := []string{adele.ID, emile.ID, eric.ID, zoe.ID}
		for name, svc := range map[string]*search.Service{"index": e.search, "sql": e.sql} {
			for _, limit := range []int{2, 4} {
				page, err := svc.Search(context.Background(), e.a, search.Query{Q: "martin", Limit: limit})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range page.Items {
					got = append(got, r.ID)
				}
				if !slices.Equal(got, want[:limit]) {
					t.Errorf("%s, limit %d: got %v, want %v", name, limit, got, want[:limit])
				}
			}
		}
	})
}

func TestSearch_ShowsOnlyWhatTheActorMayFind(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		mine := e.add(t, e.a, "LEFEBVRE", "", "Mohammed", "1985-03-12")
		e.add(t, e.b, "LEFEBVRE", "", "Mohammed", "1985-03-12")
		got := e.find(t, e.a, search.Query{Q: "lefebvre mohammed"})
		if len(got) != 1 || got[0].ID != mine.ID {
			t.Fatalf("org A sees %d results, want only its own person", len(got))
		}
		// The front desk finds identities but never contact or NIR data.
		got = e.find(t, e.recep, search.Query{Q: "lefebvre"})
		if len(got) != 1 || got[0].NIR != "" || got[0].Phone != "" {
			t.Fatalf("reception: %+v", got)
		}
	})
}

func TestSearch_RefusesOversizedAndEmptyQueries(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		long := make([]byte, 10000)
		for i := range long {
			long[i] = 'a'
		}
		for _, q := range []search.Query{{Q: string(long)}, {Q: "1985"}, {Q: "   "}, {Q: "martin", BirthDate: "31/02/1985"}, {Q: "a b c d e f g h i j"}} {
			_, err := e.search.Search(context.Background(), e.a, q)
			if parcours.ErrorCode(err) != parcours.EBadRequest {
				t.Errorf("query of %d chars: err %v, want bad_request", len(q.Q), err)
			}
		}
	})
}

func TestSearch_IndexFollowsUpdates(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		p := e.add(t, e.a, "DUPONT", "", "Marie", "1980-01-01")
		if _, err := e.persons.Update(context.Background(), e.a, p.ID, person.Input{UsageName: ptr("Garnier")}); err != nil {
			t.Fatal(err)
		}
		if got := e.find(t, e.a, search.Query{Q: "garnier marie"}); len(got) != 1 || got[0].ID != p.ID {
			t.Errorf("new usage name not found: %d results", len(got))
		}
	})
}

func TestCreate_LikelyDuplicateNeedsForce(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		first := e.add(t, e.a, "LEFEBVRE", "", "Mohammed", "1985-03-12")
		in := person.Input{BirthName: ptr("Lefèvre"), FirstNames: ptr("Mohamed"), BirthDate: ptr("1985-03-12"), Sex: ptr(parcours.SexMale)}
		_, err := e.persons.Create(context.Background(), e.a, in)
		perr := parcours.AsError(err)
		if perr == nil || perr.Code != parcours.EConflict {
			t.Fatalf("create duplicate: err %v, want conflict", err)
		}
		cands := perr.Details.(map[string]any)["candidates"].([]search.Candidate)
		if len(cands) != 1 || cands[0].ID != first.ID {
			t.Fatalf("candidates %+v, want the first person", cands)
		}
		// Nothing was written: the search still finds one person.
		if got := e.find(t, e.a, search.Query{Q: "lefebvre"}); len(got) != 1 {
			t.Fatalf("%d persons after a refused creation", len(got))
		}
		// Another birth date is another person.
		other := in
		other.BirthDate = ptr("1990-03-12")
		if _, err := e.persons.Create(context.Background(), e.a, other); err != nil {
			t.Fatalf("different birth date refused: %v", err)
		}
		in.Force = true
		if _, err := e.persons.Create(context.Background(), e.a, in); err != nil {
			t.Fatalf("forced creation: %v", err)
		}
		// A person of another organisation is no duplicate for org A.
		if _, err := e.persons.Create(context.Background(), e.b, person.Input{BirthName: ptr("LEFEBVRE"), FirstNames: ptr("Mohammed"),
			BirthDate: ptr("1985-03-12"), Sex: ptr(parcours.SexMale)}); err != nil {
			t.Fatalf("org B creation: %v", err)
		}
	})
}

func TestMerge_HidesTheDuplicateKeepsEverythingAndUndoes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		kept := e.add(t, e.a, "LEFEBVRE", "", "Mohammed", "1985-03-12")
		dup := e.add(t, e.a, "LEFEVRE", "", "Mohamed", "1985-03-12")
		if _, err := e.search.MergePersons(ctx, e.a, kept.ID, search.MergeInput{OtherID: dup.ID}); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Fatalf("merge without reason: %v", err)
		}
		if _, err := e.search.MergePersons(ctx, e.a, kept.ID, search.MergeInput{OtherID: kept.ID, Reason: "x"}); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Fatalf("merge with itself: %v", err)
		}
		if _, err := e.search.MergePersons(ctx, e.recep, kept.ID, search.MergeInput{OtherID: dup.ID, Reason: "x"}); parcours.ErrorCode(err) != parcours.EForbidden {
			t.Fatalf("reception merge: %v", err)
		}
		if _, err := e.search.MergePersons(ctx, e.b, kept.ID, search.MergeInput{OtherID: dup.ID, Reason: "x"}); parcours.ErrorCode(err) != parcours.ENotFound {
			t.Fatalf("other org merge: %v", err)
		}
		m, err := e.search.MergePersons(ctx, e.a, kept.ID, search.MergeInput{OtherID: dup.ID, Reason: "même personne, pièce d'identité vue"})
		if err != nil {
			t.Fatal(err)
		}
		if m.MergedBy != e.a.WorkerID || m.KeptID != kept.ID || m.AbsorbedID != dup.ID {
			t.Fatalf("merge record %+v", m)
		}
		if got := e.find(t, e.a, search.Query{Q: "lefevre mohamed"}); len(got) != 1 || got[0].ID != kept.ID {
			t.Fatalf("after merge: %d results", len(got))
		}
		var ids []string
		_ = db.View(ctx, func(tx *store.Tx) error { ids, err = tx.MergedIDs(ctx, kept.ID); return err })
		if len(ids) != 2 || ids[1] != dup.ID {
			t.Fatalf("MergedIDs = %v", ids)
		}
		// The absorbed file still exists, untouched, under its own id.
		if p, err := e.persons.Get(ctx, e.a, dup.ID); err != nil || p.BirthName != "LEFEVRE" {
			t.Fatalf("absorbed person: %v %v", p, err)
		}
		if _, err := e.search.MergePersons(ctx, e.a, kept.ID, search.MergeInput{OtherID: dup.ID, Reason: "encore"}); parcours.ErrorCode(err) != parcours.EConflict {
			t.Fatalf("second merge: %v", err)
		}
		undone, err := e.search.UndoMerge(ctx, e.a, m.ID, search.UndoInput{Reason: "homonymes en fait"})
		if err != nil || undone.UndoneBy != e.a.WorkerID {
			t.Fatalf("undo: %+v %v", undone, err)
		}
		if got := e.find(t, e.a, search.Query{Q: "lefevre mohamed"}); len(got) != 2 {
			t.Fatalf("after undo: %d results, want 2", len(got))
		}
		if _, err := e.search.UndoMerge(ctx, e.a, m.ID, search.UndoInput{Reason: "x"}); parcours.ErrorCode(err) != parcours.EConflict {
			t.Fatalf("second undo: %v", err)
		}
		// Who merged, who undid and why are in both persons' audit trails.
		var n int
		err = db.SQL().QueryRowContext(ctx, rebind(db, "SELECT COUNT(*) FROM audit_events WHERE action IN ('person.merge','person.merge.undo') AND object_id = ? AND actor_id = ? AND reason <> ''"),
			m.ID, e.a.WorkerID).Scan(&n)
		if err != nil || n != 4 {
			t.Fatalf("merge audit events: %d %v, want 4", n, err)
		}
	})
}

func rebind(db *store.DB, q string) string {
	if db.Dialect() == store.Postgres {
		out, n := []byte{}, 0
		for i := 0; i < len(q); i++ {
			if q[i] == '?' {
				n++
				out = append(out, '$', byte('0'+n))
				continue
			}
			out = append(out, q[i])
		}
		return string(out)
	}
	return q
}
