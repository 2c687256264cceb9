package file_test

import (
	"bytes"
	"encoding/json"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// personQueries are the store's per-person queries: the reads of a
// person's file (and the facts that decide who may read it). Only the door
// (package file) calls them; a service that needs one adds a door method
// (docs/DEVELOPING.md, "A new person-scoped feature").
var personQueries = []string{
	"FileFacts", "Relation", "HouseholdRelation", "FileGroup", "MergedIDs", "MergedInto", "MergesOf",
	"Person", "PersonNames", "Household", "CurrentSituation", "SituationHistory",
	"Consent", "ActiveBreakGlass", "FileFollowers", "AccessLog",
	"PersonAccompaniments", "ActiveAccompanimentsOf", "Accompaniment", "AccompanimentDetails", "Goal",
	"PersonHandovers", "Handover", "JournalPage", "JournalPageAmended", "FileFactsJournal", "JournalEntry", "AmendmentsOf", "AmendmentsByPerson",
	"PersonTasks", "Task", "OpenTasksAssigned", "PersonDocuments", "Document", "RecordVisit",
	"OpenTasksWithPersons", "RecentVisits", "HandoversToAcknowledge", "Caseload",
	"PersonProcedures", "Procedure", "ProceduresToFollow", "PersonAutonomyChecks", "PersonMandates", "Mandate", "MandatesEnding",
	"DataRequest", "PersonDataRequests", "OrgDataRequests", "OverdueDataRequests",
	"ActiveShare", "Referral", "ReminderPreference", "SaveReminderPreference",
	"HouseholdBudgets", "Budget", "HouseholdAidRequests", "AidRequest", "AidRequestsOfCommission", "GrantedSince", "OrgAidRequests",
	"PersonDomiciliations", "Domiciliation", "PersonMail", "Mail", "DomiciliationsEnding",
	"Appointment", "PersonAppointments", "WorkerAppointments", "NextAppointments", "DeskVisit", "PersonDeskVisits", "DeskVisitsBetween", "OverdueTaskCounts",
	"HouseholdPrescreenOutcomes", "PersonPrescreenOutcomes", "ScreenedHouseholds",
	"PortalAccounts", "Disclosures", "DocumentShares",
}

// doorPackages may call them: the store that defines them and the door.
var doorPackages = []string{"parcours/internal/store", "parcours/internal/file"}

type listed struct {
	ImportPath string
	Dir        string
	Export     string
	GoFiles    []string
	Standard   bool
	Module     *struct{ Main bool }
}

// TestOnlyTheDoorReadsPersons type-checks every package of the module and
// fails when one outside the door calls a per-person query of
// store.Tx: everything person-scoped must go through file.Open and the
// File's methods, which gather the relation, check the action and audit.
func TestOnlyTheDoorReadsPersons(t *testing.T) {
	if testing.Short() {
		t.Skip("type-checks the whole module")
	}
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-export", "-deps", "-json=ImportPath,Dir,Export,GoFiles,Standard,Module", "./...")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(root)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	exports := map[string]string{}
	var mine []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		exports[p.ImportPath] = p.Export
		if p.Module != nil && p.Module.Main {
			mine = append(mine, p)
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(exports[path])
	})
	checked := 0
	for _, p := range mine {
		var files []*ast.File
		for _, name := range p.GoFiles {
			f, err := parser.ParseFile(fset, filepath.Join(p.Dir, name), nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		info := &types.Info{Selections: map[*ast.SelectorExpr]*types.Selection{}}
		conf := types.Config{Importer: imp}
		if _, err := conf.Check(p.ImportPath, fset, files, info); err != nil {
			t.Fatalf("type-check %s: %v", p.ImportPath, err)
		}
		checked++
		if slices.Contains(doorPackages, p.ImportPath) {
			continue
		}
		for sel, s := range info.Selections {
			fn, ok := s.Obj().(*types.Func)
			if !ok || s.Kind() != types.MethodVal || !slices.Contains(personQueries, fn.Name()) {
				continue
			}
			recv := fn.Type().(*types.Signature).Recv()
			if recv == nil || !isStoreTx(recv.Type()) {
				continue
			}
			t.Errorf("%s: %s calls store.Tx.%s; read person-scoped data through the door (package file)",
				fset.Position(sel.Pos()), p.ImportPath, fn.Name())
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked: the module was not found", checked)
	}
}

func isStoreTx(t types.Type) bool {
	if p, ok := t.(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := t.(*types.Named)
	return ok && n.Obj().Name() == "Tx" && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == "parcours/internal/store"
}
