package casefileweb

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"parcours/internal/casefile"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// documentJSON is a document as the API shows it, with where to fetch its
// content.
type documentJSON struct {
	*parcours.Document
	DownloadURL string `json:"download_url"`
}

func documentOut(d *parcours.Document) documentJSON {
	return documentJSON{Document: d, DownloadURL: "/api/documents/" + d.ID + "/content"}
}

func documentSchemas(s *Server) {
	s.Schema("Document", web.Object(
		[]string{"id", "organization_id", "person_id", "accompaniment_id", "kind", "title", "content_type", "size", "sha256", "uploaded_by", "created_at", "download_url"},
		web.Schema{
			"id": web.Str(), "organization_id": web.Str(), "person_id": web.Str(), "accompaniment_id": web.Str(),
			"kind": web.Enum(parcours.DocumentKinds...), "title": web.Str(),
			"content_type": web.Enum("application/pdf", "image/jpeg", "image/png"), "size": web.Integer(), "sha256": web.Str(),
			"expires_on": web.StrFmt("date"), "uploaded_by": web.Str(), "created_at": web.StrFmt("date-time"),
			"download_url": web.Schema{"type": "string", "description": "GET it (same authentication) for the content: an audited read"},
		}))
}

func (s *Server) documentAPIRoutes() {
	documentSchemas(s)
	s.Handle("POST", "/api/v1/persons/{id}/documents", web.API, s.apiUploadDocument,
		&web.Op{ID: "uploadDocument", Summary: "Upload a PDF, JPEG or PNG to a person's file: multipart (kind, title, expires_on, accompaniment_id, then the file part last), or JSON with the same fields and content_base64",
			Tag: "documents", Upload: true, Response: "Document", Status: http.StatusCreated})
	s.Handle("GET", "/api/v1/persons/{id}/documents", web.API, s.apiListDocuments,
		&web.Op{ID: "listDocuments", Summary: "A person's documents, newest first", Tag: "documents", Response: "Document", List: true, Query: web.PageParams})
	s.Handle("GET", "/api/v1/documents/expiring", web.API, s.apiExpiringDocuments,
		&web.Op{ID: "listExpiringDocuments", Summary: "Documents of the organisation expiring within 30 days", Tag: "documents", Response: "Document", List: true})
	// The content is not JSON, so it lives beside /api/v1 rather than in
	// the OpenAPI document; Document.download_url points at it.
	s.Handle("GET", "/api/documents/{id}/content", web.API, s.apiDownloadDocument, nil)
}

// apiUploadDocument streams a multipart upload to the service without
// buffering it: the text fields must come before the "file" part (as a
// browser sends a form whose file input is last).
func (s *Server) apiUploadDocument(w http.ResponseWriter, r *http.Request) error {
	ct, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && ct == "application/json" {
		return s.apiUploadDocumentJSON(w, r)
	}
	if err != nil || ct != "multipart/form-data" || params["boundary"] == "" {
		return parcours.Errorf(parcours.EUnsupported, "error.unsupported_type", r.Header.Get("Content-Type"))
	}
	// The limit on the body leaves room for the fields and the multipart
	// framing; the service enforces the exact limit on the content.
	r.Body = http.MaxBytesReader(w, r.Body, s.svc.CaseFile.MaxUpload()+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return parcours.Errorf(parcours.EBadRequest, "error.casefile.bad_multipart")
	}
	var in casefile.DocumentInput
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return parcours.FieldError(parcours.EInvalid, "file", "error.casefile.file_missing")
		}
		if err != nil {
			var maxErr *http.MaxBytesError
			if errors.As(err, &maxErr) {
				return parcours.FieldError(parcours.ETooLarge, "file", "error.casefile.file_too_large_plain")
			}
			return parcours.Errorf(parcours.EBadRequest, "error.casefile.bad_multipart")
		}
		name := part.FormName()
		if name == "file" {
			if in.Title == "" {
				in.Title = part.FileName()
			}
			if web.BadText(in.Title) {
				return web.BadTextError("title")
			}
			d, err := s.svc.CaseFile.AddDocument(r.Context(), web.MustActor(r), r.PathValue("id"), in, part)
			if err != nil {
				return err
			}
			w.Header().Set("Location", documentOut(d).DownloadURL)
			web.WriteJSON(w, http.StatusCreated, documentOut(d))
			return nil
		}
		b, err := io.ReadAll(io.LimitReader(part, 4<<10))
		if err != nil {
			return parcours.Errorf(parcours.EBadRequest, "error.casefile.bad_multipart")
		}
		v := strings.TrimSpace(string(b))
		if web.BadText(name) || web.BadText(v) {
			return web.BadTextError("") // a multipart field cannot be stored as text
		}
		switch name {
		case "kind":
			in.Kind = v
		case "title":
			in.Title = v
		case "expires_on":
			in.ExpiresOn = v
		case "accompaniment_id":
			in.AccompanimentID = v
		default:
			return parcours.FieldError(parcours.EBadRequest, name, "error.unknown_field", name)
		}
	}
}

// documentUpload is the JSON form of an upload, for API clients that
// prefer it to multipart: the content in base64.
type documentUpload struct {
	Kind            string `json:"kind"`
	Title           string `json:"title"`
	ExpiresOn       string `json:"expires_on"`
	AccompanimentID string `json:"accompaniment_id"`
	ContentBase64   string `json:"content_base64"`
}

func (s *Server) apiUploadDocumentJSON(w http.ResponseWriter, r *http.Request) error {
	// base64 is 4/3 of the content, plus room for the other fields.
	limit := s.svc.CaseFile.MaxUpload()/3*4 + 64<<10
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	var in documentUpload
	if err := dec.Decode(&in); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return parcours.FieldError(parcours.ETooLarge, "file", "error.casefile.file_too_large_plain")
		}
		return web.JSONError(err, limit)
	}
	if err := web.CheckDecodedText(&in); err != nil {
		return err
	}
	content, err := base64.StdEncoding.DecodeString(in.ContentBase64)
	if err != nil {
		return parcours.FieldError(parcours.EInvalid, "content_base64", "error.casefile.bad_base64")
	}
	d, err := s.svc.CaseFile.AddDocument(r.Context(), web.MustActor(r), r.PathValue("id"), casefile.DocumentInput{
		Kind: in.Kind, Title: in.Title, ExpiresOn: in.ExpiresOn, AccompanimentID: in.AccompanimentID}, bytes.NewReader(content))
	if err != nil {
		return err
	}
	w.Header().Set("Location", documentOut(d).DownloadURL)
	web.WriteJSON(w, http.StatusCreated, documentOut(d))
	return nil
}

func (s *Server) apiListDocuments(w http.ResponseWriter, r *http.Request) error {
	cursor, limit, err := web.PageArgs(r)
	if err != nil {
		return err
	}
	page, err := s.svc.CaseFile.Documents(r.Context(), web.MustActor(r), r.PathValue("id"), cursor, limit)
	if err != nil {
		return err
	}
	out := parcours.Page[documentJSON]{Items: []documentJSON{}, NextCursor: page.NextCursor}
	for _, d := range page.Items {
		out.Items = append(out.Items, documentOut(d))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) apiExpiringDocuments(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.CaseFile.Expiring(r.Context(), web.MustActor(r))
	if err != nil {
		return err
	}
	out := parcours.Page[documentJSON]{Items: []documentJSON{}}
	for _, d := range list {
		out.Items = append(out.Items, documentOut(d.Document))
	}
	web.WriteJSON(w, http.StatusOK, out)
	return nil
}

// apiDownloadDocument sends a document's content. The type is the one
// sniffed at upload; it is always an attachment, so a browser never
// renders it in Parcours' origin.
func (s *Server) apiDownloadDocument(w http.ResponseWriter, r *http.Request) error {
	d, content, err := s.svc.CaseFile.OpenDocument(r.Context(), web.MustActor(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	defer content.Close()
	name := d.Title
	if name == "" {
		name = "document"
	}
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.Size, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	w.WriteHeader(http.StatusOK)
	_, err = io.Copy(w, content)
	if err != nil {
		// Headers are gone; the client sees a short body.
		s.log.Warn("document download interrupted", "request_id", web.RequestID(r))
	}
	return nil
}
