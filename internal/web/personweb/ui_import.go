package personweb

import (
	"errors"
	"io"
	"net/http"

	"parcours/internal/i18n"
	"parcours/internal/importer"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// importPageRoutes registers the CSV import page: an upload form whose
// answer is the import's report (a dry run by default).
func (s *Server) importPageRoutes() {
	s.Handle("GET", "/import", web.Page, s.importForm, nil)
	s.Handle("POST", "/import", web.Page, s.importUpload, nil)
}

type importPageData struct {
	DryRun bool
	Report *importer.Report
	// Problems are the report's problems with their messages in the
	// page's language.
	Problems []importProblem
}

type importProblem struct {
	Line    int
	Message string
}

func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.Import.Check(web.MustActor(r)); err != nil {
		return err
	}
	return s.Render(w, r, http.StatusOK, "import.html", &web.PageData{Title: "import.title", Data: &importPageData{DryRun: true}})
}

// importUpload streams the multipart body: the form puts the dry-run box
// before the file, and the CSRF token in the action URL, so nothing needs
// the whole upload in memory before the importer bounds it.
func (s *Server) importUpload(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	if err := s.svc.Import.Check(a); err != nil {
		return err
	}
	d := &importPageData{}
	p := &web.PageData{Title: "import.title", Data: d}
	fail := func(err error) error {
		e := parcours.AsError(err)
		if e == nil {
			return err
		}
		msg := i18n.T(web.Lang(r), e.Key, e.Args...)
		p.Errors = map[string]string{"file": msg}
		p.ErrorList = []web.FieldMsg{{Field: "file", Message: msg}}
		return s.Render(w, r, web.StatusOf(e.Code), "import.html", p)
	}
	r.Body = http.MaxBytesReader(w, r.Body, importer.MaxBytes+(1<<20))
	mr, err := r.MultipartReader()
	if err != nil {
		return fail(parcours.FieldError(parcours.EInvalid, "file", "error.import_no_file"))
	}
	for {
		part, err := mr.NextPart()
		var tooBig *http.MaxBytesError
		switch {
		case errors.Is(err, io.EOF):
			return fail(parcours.FieldError(parcours.EInvalid, "file", "error.import_no_file"))
		case errors.As(err, &tooBig):
			return fail(parcours.FieldError(parcours.ETooLarge, "file", "error.import_too_large", importer.MaxBytes>>20))
		case err != nil:
			return fail(parcours.FieldError(parcours.EBadRequest, "file", "error.import_no_file"))
		}
		switch part.FormName() {
		case "dry_run":
			d.DryRun = true
		case "file":
			rep, err := s.svc.Import.ImportPersons(r.Context(), a, part, importer.Options{DryRun: d.DryRun})
			if errors.As(err, &tooBig) {
				err = parcours.FieldError(parcours.ETooLarge, "file", "error.import_too_large", importer.MaxBytes>>20)
			}
			if err != nil {
				return fail(err)
			}
			d.Report = rep
			for _, pr := range rep.Problems {
				d.Problems = append(d.Problems, importProblem{Line: pr.Line, Message: pr.Message(web.Lang(r))})
			}
			status := http.StatusOK
			if len(rep.Problems) > 0 {
				status = http.StatusUnprocessableEntity
			}
			return s.Render(w, r, status, "import.html", p)
		}
	}
}
