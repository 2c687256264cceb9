package portalweb

import (
	"net/http"
	"net/url"

	"parcours/internal/parcours"
	"parcours/internal/web"
)

// Documents shared with the person: a worker marks a document « partagé
// avec la personne » from the file page (or the API); the portal lists
// those only and downloads them through its own route.

func (a *area) documentRoutes(s *web.Server) {
	if s.Services().CaseFile == nil {
		return
	}
	s.Schema("DocumentShareInput", web.Object([]string{"shared"}, web.Schema{"shared": web.Boolean()}))
	s.Schema("DocumentShare", web.Object([]string{"document_id", "person_id", "shared", "set_by", "set_at"}, web.Schema{
		"document_id": web.Str(), "person_id": web.Str(), "shared": web.Boolean(), "set_by": web.Str(), "set_at": web.StrFmt("date-time")}))
	s.Handle("GET", "/moi/documents/{doc}", web.Portal, a.portalDocument, nil)
	s.Handle("POST", "/persons/{id}/documents/{doc}/share", web.Page, a.postDocumentShare, nil)
	s.Handle("POST", "/api/v1/persons/{id}/documents/{doc}/share", web.API, a.apiDocumentShare,
		&web.Op{ID: "shareDocument", Summary: "Mark a document « partagé avec la personne » (it shows and downloads in their portal), or take it back; audited document.share",
			Tag: "portal", Request: "DocumentShareInput", Response: "DocumentShare"})
}

func (a *area) portalDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := a.Services().CaseFile.OpenSharedDocument(r.Context(), web.MustActor(r), r.PathValue("doc"))
	if err != nil {
		return err
	}
	defer content.Close()
	web.ServeDocument(w, d, content)
	return nil
}

func (a *area) postDocumentShare(w http.ResponseWriter, r *http.Request) error {
	if _, err := a.Services().CaseFile.ShareDocument(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("doc"),
		r.PostFormValue("shared") == "1"); err != nil {
		return err
	}
	http.Redirect(w, r, "/persons/"+url.PathEscape(r.PathValue("id"))+"?saved=documents#documents", http.StatusSeeOther)
	return nil
}

func (a *area) apiDocumentShare(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Shared *bool `json:"shared"`
	}
	if err := a.DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Shared == nil {
		return fieldRequired("shared", "field.document_shared")
	}
	s, err := a.Services().CaseFile.ShareDocument(r.Context(), web.MustActor(r), r.PathValue("id"), r.PathValue("doc"), *in.Shared)
	if err != nil {
		return err
	}
	web.WriteJSON(w, http.StatusOK, s)
	return nil
}

func fieldRequired(name, label string) error {
	return parcours.FieldError(parcours.EInvalid, name, "error.field_required", label)
}
