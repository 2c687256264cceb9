package aid

import (
	"context"
	"io"
	"strings"

	"parcours/internal/access"
	"parcours/internal/casefile"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DocumentInput is a supporting document of an aid request: a new upload
// (Content, with the file's Name) to the file of PersonID (a member of
// the household; the applicant by default), or a document already on a
// member's file (DocumentID), not both.
type DocumentInput struct {
	DocumentID string    `json:"document_id"`
	PersonID   string    `json:"person_id"`
	Kind       string    `json:"document_kind"`
	Name       string    `json:"-"`
	Content    io.Reader `json:"-"`
}

// AttachDocument adds a supporting document (pièce justificative) to an
// aid request. An upload goes to the document store as any document of
// the member's file (type and size checked there). Once the request is
// decided its documents are fixed (409): they are what the commission
// decided on.
func (s *Service) AttachDocument(ctx context.Context, actor parcours.Actor, id string, in DocumentInput) (out *parcours.AidRequest, err error) {
	defer wrap(&err, "aid: attach document %s", id)
	in.DocumentID, in.PersonID, in.Kind = strings.TrimSpace(in.DocumentID), strings.TrimSpace(in.PersonID), strings.TrimSpace(in.Kind)
	// The actor is checked before the input is looked at and before a
	// byte is stored: a refused actor learns nothing and leaves nothing.
	var personID string
	err = s.db.View(ctx, func(tx *store.Tx) error {
		_, a, err := file.OpenAidRequest(ctx, tx, actor, access.AidWrite, id)
		if err != nil {
			return err
		}
		if personID = in.PersonID; personID == "" {
			personID = a.PersonID
		}
		if in.Content == nil {
			return nil
		}
		f, err := file.Open(ctx, tx, actor, access.DocumentWrite, personID)
		if err != nil {
			return err
		}
		return f.Check(access.DocumentWrite)
	})
	if err != nil {
		return nil, err
	}
	v := parcours.Problems{Labels: labels}
	switch {
	case in.Content != nil && in.DocumentID != "":
		v.Add("document_id", "error.aid.document_both")
	case in.Content == nil && in.DocumentID == "":
		v.Add("file", "error.aid.document_missing")
	}
	if in.Content != nil {
		if in.Kind == "" {
			in.Kind = "autre"
		}
		v.Choice("document_kind", in.Kind, parcours.DocumentKinds, true)
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	var d *parcours.Document
	var u *casefile.Upload
	if in.Content != nil {
		if u, d, err = s.docs.UploadDocument(in.Content, in.Name, "piece-justificative", in.Kind); err != nil {
			return nil, err
		}
	}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		h, a, err := file.OpenAidRequest(ctx, tx, actor, access.AidWrite, id)
		if err != nil {
			return err
		}
		if parcours.AidDecided(a.Status) {
			return parcours.Errorf(parcours.EConflict, "error.aid.documents_fixed")
		}
		var f *file.File
		if u != nil {
			if f, err = file.Open(ctx, tx, actor, access.DocumentWrite, personID); err != nil {
				return err
			}
		} else if f, d, err = file.OpenDocument(ctx, tx, actor, access.DocumentRead, in.DocumentID); err != nil {
			if c := parcours.ErrorCode(err); c == parcours.ENotFound {
				return parcours.FieldError(parcours.EInvalid, "document_id", "error.aid.document_unknown")
			}
			return err
		}
		ok, err := f.AttachAidDocument(ctx, h, a, d)
		if c := parcours.ErrorCode(err); c == parcours.ENotFound {
			// Not a member's document, or not a member: nothing to say
			// about whose it is.
			if u != nil {
				return parcours.FieldError(parcours.EInvalid, "person_id", "error.aid.document_not_member")
			}
			return parcours.FieldError(parcours.EInvalid, "document_id", "error.aid.document_unknown")
		}
		if err != nil {
			return err
		}
		if !ok {
			return parcours.FieldError(parcours.EConflict, "document_id", "error.aid.document_already")
		}
		if err := h.AidDocuments(ctx, []*parcours.AidRequest{a}); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil && u != nil {
		s.docs.Drop(ctx, u)
	}
	return out, err
}

// OpenDocument returns a supporting document of a request and its
// content, for download (file.OpenAidDocument says who may). The caller
// closes the content.
func (s *Service) OpenDocument(ctx context.Context, actor parcours.Actor, requestID, documentID string) (*parcours.Document, io.ReadCloser, error) {
	var d *parcours.Document
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		d, err = file.OpenAidDocument(ctx, tx, actor, requestID, documentID)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	if s.docs == nil {
		return nil, nil, parcours.NotFound()
	}
	rc, err := s.docs.Content(d)
	return d, rc, err
}
