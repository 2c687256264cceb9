package importer_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"parcours/internal/importer"
	"parcours/internal/parcours"
	"parcours/internal/person"
	"parcours/internal/search"
	"parcours/internal/store"
	"parcours/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

type env struct {
	db   *store.DB
	imp  *importer.Service
	srch *search.Service
	a    parcours.Actor
	org  *parcours.Organization
}

func newEnv(t *testing.T, db *store.DB) *env {
	t.Helper()
	e := &env{db: db, imp: importer.New(db), srch: search.New(db)}
	ctx := context.Background()
	err := db.Transact(ctx, func(tx *store.Tx) error {
		e.org = &parcours.Organization{Name: "CCAS Import", Kind: parcours.OrgCCAS}
		if err := tx.InsertOrganization(ctx, e.org); err != nil {
			return err
		}
		tm := &parcours.Team{OrgID: e.org.ID, Name: "Accueil"}
		if err := tx.InsertTeam(ctx, tm); err != nil {
			return err
		}
		w := &parcours.Worker{OrgID: e.org.ID, Email: "w@test.fr", Role: parcours.RoleWorker, TeamIDs: []string{tm.ID}}
		if err := tx.InsertWorker(ctx, w, ""); err != nil {
			return err
		}
		e.a = w.Actor()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *env) count(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.db.SQL().QueryRow("SELECT COUNT(*) FROM persons").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

const goodCSV = "Nom;Prénom;Date de naissance;Sexe;Foyer;Lien\n" +
	"LEFÈVRE;Mohamed;12/03/1985;M;F1;référence\n" +
	"LEFÈVRE;Amina;02/07/1988;F;F1;conjoint\n" +
	"LEFÈVRE;Inès;5/9/2015;F;F1;enfant\n" +
	"\n" +
	"NGUYÊN;Thi Lan;30/11/1978;F;;\n"

func TestImport_DryRunWritesNothingThenImportIsIdempotent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		var progress []int
		rep, err := e.imp.ImportPersons(ctx, e.a, strings.NewReader(goodCSV), importer.Options{DryRun: true,
			Progress: func(done, total int) { progress = append(progress, done) }})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Created != 4 || rep.Households != 1 || rep.Applied || len(rep.Problems) != 0 || rep.Encoding != importer.UTF8 || rep.Separator != ";" {
			t.Fatalf("dry run report %+v", rep)
		}
		if len(progress) == 0 || progress[len(progress)-1] != 4 {
			t.Errorf("progress %v", progress)
		}
		if n := e.count(t); n != 0 {
			t.Fatalf("dry run wrote %d persons", n)
		}
		rep, err = e.imp.ImportPersons(ctx, e.a, strings.NewReader(goodCSV), importer.Options{})
		if err != nil || !rep.Applied || rep.Created != 4 {
			t.Fatalf("import: %+v %v", rep, err)
		}
		// Imported persons are searchable and grouped in their household.
		res, err := e.srch.Search(ctx, e.a, search.Query{Q: "lefebvre ines"})
		if err != nil || len(res.Items) == 0 || res.Items[0].FirstNames != "Inès" || res.Items[0].HouseholdID == "" {
			t.Fatalf("search after import: %+v %v", res, err)
		}
		var members int
		db.SQL().QueryRow(rebind(db, "SELECT COUNT(*) FROM persons WHERE household_id = ?"), res.Items[0].HouseholdID).Scan(&members)
		if members != 3 {
			t.Errorf("household has %d members, want 3", members)
		}
		// The same file again changes nothing, even re-saved in another case.
		rep, err = e.imp.ImportPersons(ctx, e.a, strings.NewReader(strings.ToLower(goodCSV)), importer.Options{})
		if err != nil || rep.Created != 0 || rep.AlreadyImported != 4 || len(rep.Duplicates) != 0 {
			t.Fatalf("re-import: %+v %v", rep, err)
		}
		if n := e.count(t); n != 4 {
			t.Fatalf("%d persons after re-import, want 4", n)
		}
	})
}

func TestImport_Windows1252AndCommas(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		text := "nom_de_naissance,prenoms,date_naissance,ville\r\nLefèvre,Gaëlle,01/02/1990,Besançon\r\n"
		b, err := charmap.Windows1252.NewEncoder().Bytes([]byte(text))
		if err != nil {
			t.Fatal(err)
		}
		rep, err := e.imp.ImportPersons(context.Background(), e.a, bytes.NewReader(b), importer.Options{})
		if err != nil || !rep.Applied || rep.Encoding != importer.Windows1252 || rep.Separator != "," {
			t.Fatalf("report %+v %v", rep, err)
		}
		res, _ := e.srch.Search(context.Background(), e.a, search.Query{Q: "lefevre gaelle"})
		if len(res.Items) != 1 || res.Items[0].BirthName != "Lefèvre" || res.Items[0].FirstNames != "Gaëlle" || res.Items[0].Address.City != "Besançon" {
			t.Fatalf("decoded person %+v", res.Items)
		}
	})
}

func TestImport_BadRowsAreReportedByLineAndNothingIsImported(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		csv := "Nom;Prénom;Date de naissance;Téléphone\n" +
			"DURAND;Paul;31/01/1975;+33 6 12 34 56 78\n" + // line 2: good (a + phone is fine)
			"MARTIN;Léa;1990-13-45;\n" + // line 3: bad date
			"=HYPERLINK(\"http://evil.example\");Jean;01/01/1980;\n" + // line 4: formula
			"BERNARD;;01/01/1980;\n" + // line 5: no first name
			"PETIT;Luc;01/01/2990;\n" // line 6: born in the future
		rep, err := e.imp.ImportPersons(context.Background(), e.a, strings.NewReader(csv), importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Applied {
			t.Fatal("import with bad rows was applied")
		}
		lines := map[int]string{}
		for _, p := range rep.Problems {
			lines[p.Line] = p.Field
			msg := p.Message("fr")
			if strings.Contains(msg, "evil") || msg == p.Key {
				t.Errorf("line %d: message %q", p.Line, msg)
			}
		}
		want := map[int]string{3: "birth_date", 4: "birth_name", 5: "first_names", 6: "birth_date"}
		for l, f := range want {
			if lines[l] != f {
				t.Errorf("line %d: problem on %q, want %q (all: %v)", l, lines[l], f, lines)
			}
		}
		if _, ok := lines[2]; ok {
			t.Errorf("line 2 reported: %v", lines)
		}
		if n := e.count(t); n != 0 {
			t.Fatalf("%d persons written by a refused import", n)
		}
	})
}

func TestImport_RefusesBadFilesWithAClearReason(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		utf16 := []byte{0xFF, 0xFE, 'N', 0, 'o', 0, 'm', 0}
		big := strings.NewReader("Nom;Prénom;Date de naissance\n" + strings.Repeat("DURAND;Paul;31/01/1975\n", importer.MaxBytes/20))
		cases := []struct {
			name string
			file []byte
			r    *strings.Reader
			code string
			key  string
		}{
			{"missing columns", []byte("Nom;Ville\nDURAND;Lyon\n"), nil, parcours.EInvalid, "error.import_missing_columns"},
			{"utf-16", utf16, nil, parcours.EInvalid, "error.import_encoding"},
			{"empty", []byte(""), nil, parcours.EInvalid, "error.import_empty"},
			{"too large", nil, big, parcours.ETooLarge, "error.import_too_large"},
		}
		for _, c := range cases {
			var err error
			if c.r != nil {
				_, err = e.imp.ImportPersons(context.Background(), e.a, c.r, importer.Options{})
			} else {
				_, err = e.imp.ImportPersons(context.Background(), e.a, bytes.NewReader(c.file), importer.Options{})
			}
			pe := parcours.AsError(err)
			if pe == nil || pe.Code != c.code || pe.Key != c.key {
				t.Errorf("%s: err %v, want %s %s", c.name, err, c.code, c.key)
			}
		}
		if n := e.count(t); n != 0 {
			t.Fatalf("%d persons written", n)
		}
	})
}

func TestImport_FlagsLikelyDuplicatesAndUsesTheMapping(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, db *store.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		known, err := person.New(db).Create(ctx, e.a, person.Input{BirthName: ptr("LEFEBVRE"), FirstNames: ptr("Mohammed"),
			BirthDate: ptr("1985-03-12"), Sex: ptr(parcours.SexMale)})
		if err != nil {
			t.Fatal(err)
		}
		m, err := importer.ParseMapping(strings.NewReader("# our export\nPatronyme = birth_name\nPrénom usuel = first_names\nNé(e) le = birth_date\n"))
		if err != nil {
			t.Fatal(err)
		}
		csv := "Patronyme;Prénom usuel;Né(e) le\nLefèvre;Mohamed;12/03/1985\nGARCIA;Lucia;04/04/2004\n"
		rep, err := e.imp.ImportPersons(ctx, e.a, strings.NewReader(csv), importer.Options{Mapping: m})
		if err != nil || !rep.Applied {
			t.Fatalf("import: %+v %v", rep, err)
		}
		if rep.Created != 1 || len(rep.Duplicates) != 1 || rep.Duplicates[0].Line != 2 || rep.Duplicates[0].Candidates[0].ID != known.ID {
			t.Fatalf("report %+v", rep)
		}
		if _, err := importer.ParseMapping(strings.NewReader("Patronyme = nom\n")); parcours.ErrorCode(err) != parcours.EInvalid {
			t.Errorf("unknown field in mapping: %v", err)
		}
	})
}

func ptr[T any](v T) *T { return &v }

func rebind(db *store.DB, q string) string {
	if db.Dialect() == store.Postgres {
		return strings.Replace(q, "?", "$1", 1)
	}
	return q
}
