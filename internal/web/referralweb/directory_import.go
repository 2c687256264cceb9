package referralweb

import (
	"io"
	"net/http"

	"parcours/internal/parcours"
	"parcours/internal/servicedir"
	"parcours/internal/web"
)

// The directory's CSV import page: the data·inclusion structures file
// (and its services file), checked first by default — the report lists
// what the files hold and every line to correct, in the reader's
// language — then imported by sending them again without the check box,
// as the persons' import page does. The service decides everything.

func (s *server) directoryImportPages() {
	s.Handle("GET", "/settings/directory/import", web.Page, s.pageDirectoryImport, nil)
	s.Handle("POST", "/settings/directory/import", web.Page, s.pageDirectoryImportSend, nil)
}

// previewRows bounds the preview table: the counts say the rest.
const previewRows = 50

type directoryImportPage struct {
	DryRun   bool
	Report   *servicedir.ImportReport
	Problems []directoryImportProblem
	Preview  []servicedir.ImportedStructure
	More     int
}

type directoryImportProblem struct {
	File    string // catalogue key of the file's name
	Line    int
	Message string
}

func (s *server) pageDirectoryImport(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Directory.CheckImport(web.MustActor(r)); err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "directory_import.html",
		&web.PageData{Title: "page.directory_import.title", Data: &directoryImportPage{DryRun: true}})
}

func (s *server) pageDirectoryImportSend(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if err := s.svc.Directory.CheckImport(a); err != nil {
		return err
	}
	lang := web.Lang(r)
	d := &directoryImportPage{}
	p := &web.PageData{Title: "page.directory_import.title", Data: d}
	fail := func(err error) error {
		if _, ok := web.FormErrors(lang, err, p); !ok {
			return err
		}
		return s.Render(w, r, web.StatusOf(parcours.ErrorCode(err)), "directory_import.html", p)
	}
	var files [2]io.Reader
	for i, name := range []string{"structures", "services"} {
		_, f, err := s.UploadForm(w, r, name)
		if err != nil {
			return fail(err)
		}
		if f != nil {
			defer f.Close()
			files[i] = f
		}
	}
	d.DryRun = r.MultipartForm != nil && r.MultipartForm.Value["dry_run"] != nil
	p.Form = map[string]string{}
	if d.DryRun {
		p.Form["dry_run"] = "1"
	}
	if files[0] == nil {
		return fail(parcours.FieldError(parcours.EInvalid, "structures", "error.field_required", "directory.import.structures"))
	}
	rep, err := s.svc.Directory.Import(r.Context(), a, a.OrgID, files[0], files[1], d.DryRun)
	if err != nil {
		return fail(err)
	}
	d.Report = rep
	for _, pr := range rep.Problems {
		d.Problems = append(d.Problems, directoryImportProblem{File: "directory.import.file." + pr.File, Line: pr.Line, Message: pr.Message(lang)})
	}
	d.Preview = rep.Preview
	if len(d.Preview) > previewRows {
		d.Preview, d.More = d.Preview[:previewRows], len(d.Preview)-previewRows
	}
	status := http.StatusOK
	if len(rep.Problems) > 0 {
		status = http.StatusUnprocessableEntity
	}
	return s.Render(w, r, status, "directory_import.html", p)
}
