package casefile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// DocumentInput is the metadata of an upload.
type DocumentInput struct {
	Kind            string
	Title           string
	ExpiresOn       string
	AccompanimentID string
}

// acceptedTypes are the content types Parcours stores, as sniffed from
// the content (never as declared by the client).
var acceptedTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

func (s *Service) documentsDir() string { return filepath.Join(s.cfg.DataDir, "documents") }

// contentPath is where a content lives: documents/ab/abcdef…, by SHA-256.
func (s *Service) contentPath(sha string) string {
	return filepath.Join(s.documentsDir(), sha[:2], sha)
}

// staged is an upload written to a temporary file of the data dir, hashed
// and sniffed, not yet in place.
type staged struct {
	tmp         string
	sha         string
	size        int64
	contentType string
}

// stage copies r to a temporary file under the documents directory,
// computing its hash and refusing anything over MaxUpload or not a PDF,
// JPEG or PNG by content. On error nothing is left behind.
func (s *Service) stage(r io.Reader) (_ *staged, err error) {
	dir := filepath.Join(s.documentsDir(), "incoming")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(dir, "upload-*")
	if err != nil {
		return nil, err
	}
	defer func() {
		f.Close()
		if err != nil {
			os.Remove(f.Name())
		}
	}()
	head := make([]byte, 512)
	n, rerr := io.ReadFull(r, head)
	if rerr != nil && !errors.Is(rerr, io.ErrUnexpectedEOF) && !errors.Is(rerr, io.EOF) {
		return nil, uploadReadError(rerr)
	}
	head = head[:n]
	if n == 0 {
		return nil, parcours.FieldError(parcours.EInvalid, "file", "error.casefile.file_empty")
	}
	ct, _, _ := strings.Cut(http.DetectContentType(head), ";")
	if !acceptedTypes[ct] {
		return nil, parcours.FieldError(parcours.EUnsupported, "file", "error.casefile.file_type")
	}
	h := sha256.New()
	// One byte more than allowed tells an oversized file from one of
	// exactly the limit.
	written, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(io.MultiReader(bytes.NewReader(head), r), s.cfg.MaxUpload+1))
	if err != nil {
		return nil, uploadReadError(err)
	}
	if written > s.cfg.MaxUpload {
		return nil, parcours.FieldError(parcours.ETooLarge, "file", "error.casefile.file_too_large", humanSize(s.cfg.MaxUpload))
	}
	if err := f.Sync(); err != nil {
		return nil, err
	}
	return &staged{tmp: f.Name(), sha: hex.EncodeToString(h.Sum(nil)), size: written, contentType: ct}, nil
}

// uploadReadError turns a failed read of the request body into a user
// error: the body limit of the HTTP layer shows up here.
func uploadReadError(err error) error {
	var maxErr *http.MaxBytesError
	if errors.As(err, &maxErr) {
		return parcours.FieldError(parcours.ETooLarge, "file", "error.casefile.file_too_large_plain")
	}
	return parcours.FieldError(parcours.EBadRequest, "file", "error.casefile.file_unreadable")
}

func humanSize(n int64) string {
	if n >= 1<<20 && n%(1<<20) == 0 {
		return itoa(n>>20) + " Mo"
	}
	return itoa(n) + " o"
}

func itoa(n int64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// place moves a staged file to its content path. It reports whether the
// content was new, so a failed transaction knows whether to remove it.
func (s *Service) place(st *staged) (bool, error) {
	dst := s.contentPath(st.sha)
	if _, err := os.Stat(dst); err == nil {
		return false, os.Remove(st.tmp)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return false, err
	}
	return true, os.Rename(st.tmp, dst)
}

// AddDocument stores an uploaded document of a person. The content is
// checked (type by content, size) before anything is recorded; on any
// failure no file is left in the data dir that no row refers to.
func (s *Service) AddDocument(ctx context.Context, actor parcours.Actor, personID string, in DocumentInput, content io.Reader) (*parcours.Document, error) {
	// Check the actor and the metadata before reading a byte of content.
	var orgID string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DocumentWrite, personID)
		if err != nil {
			return err
		}
		orgID = f.Person.OrgID
		return validateDocument(ctx, tx, &in, f, parcours.Today(tx.Now()))
	})
	if err != nil {
		return nil, err
	}
	st, err := s.stage(content)
	if err != nil {
		return nil, err
	}
	created, err := s.place(st)
	if err != nil {
		os.Remove(st.tmp)
		return nil, err
	}
	d := &parcours.Document{OrgID: orgID, PersonID: personID, AccompanimentID: in.AccompanimentID, Kind: in.Kind,
		Title: in.Title, ContentType: st.contentType, Size: st.size, SHA256: st.sha, ExpiresOn: in.ExpiresOn, UploadedBy: actor.WorkerID}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		// Checked again inside the write: the file may have changed hands
		// since the first look.
		if _, err := file.Open(ctx, tx, actor, access.DocumentWrite, personID); err != nil {
			return err
		}
		if err := tx.InsertDocument(ctx, d); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "document.create", "document", d.ID, personID))
		return nil
	})
	if err != nil {
		if created {
			s.removeIfUnused(context.WithoutCancel(ctx), st.sha)
		}
		return nil, err
	}
	return d, nil
}

// removeIfUnused deletes a content no document refers to.
func (s *Service) removeIfUnused(ctx context.Context, sha string) {
	_ = s.db.View(ctx, func(tx *store.Tx) error {
		used, err := tx.DocumentContentUsed(ctx, sha)
		if err == nil && !used {
			os.Remove(s.contentPath(sha))
		}
		return err
	})
}

func validateDocument(ctx context.Context, tx *store.Tx, in *DocumentInput, f *file.File, todayDate string) error {
	in.Kind = strings.TrimSpace(in.Kind)
	in.Title = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(in.Title))
	v := parcours.Problems{Labels: labels}
	v.Choice("kind", in.Kind, parcours.DocumentKinds, true)
	v.MaxLen("title", in.Title, 200)
	v.Date("expires_on", in.ExpiresOn, false, mustDate("9999-12-31"))
	if in.AccompanimentID != "" {
		if _, err := f.Accompaniment(ctx, in.AccompanimentID, "accompaniment_id"); err != nil {
			e := parcours.AsError(err)
			if e == nil {
				return err
			}
			v.Add(e.Field, e.Key)
		}
	}
	return v.Err()
}

// Documents lists a person's documents, newest first.
func (s *Service) Documents(ctx context.Context, actor parcours.Actor, personID, cursor string, limit int) (*parcours.Page[*parcours.Document], error) {
	after, err := parcours.DecodeCursor(cursor, 2)
	if err != nil {
		return nil, err
	}
	limit = clampLimit(limit)
	out := &parcours.Page[*parcours.Document]{Items: []*parcours.Document{}}
	err = s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DocumentRead, personID)
		if err != nil {
			return err
		}
		list, err := f.Documents(ctx, after, limit+1)
		if err != nil {
			return err
		}
		if len(list) > limit {
			list = list[:limit]
			out.NextCursor = parcours.EncodeCursor(store.DocumentKey(list[limit-1]))
		}
		out.Items = list
		f.Audit("document.list", "person", f.Person.ID)
		return nil
	})
	return out, err
}

// OpenDocument returns a document and its content for download: an
// audited read. The caller closes the content.
func (s *Service) OpenDocument(ctx context.Context, actor parcours.Actor, id string) (*parcours.Document, io.ReadCloser, error) {
	var d *parcours.Document
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, doc, err := file.OpenDocument(ctx, tx, actor, access.DocumentRead, id)
		if err != nil {
			return err
		}
		d = doc
		f.AuditAbout("document.download", "document", d.ID, d.PersonID)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	f, err := os.Open(s.contentPath(d.SHA256))
	if err != nil {
		return nil, nil, err
	}
	return d, f, nil
}

// ExpiringDocument is a document about to expire, with its person.
type ExpiringDocument struct {
	*parcours.Document
	PersonName string
}

// Expiring lists the documents that expire within 30 days (from today),
// soonest first, with their person's name: of the persons the actor
// follows (referent or team), not of the whole organisation. A renewal
// list is everyday work, so a break-glass, opened for one file and one
// reason, adds nothing to it.
func (s *Service) Expiring(ctx context.Context, actor parcours.Actor) ([]ExpiringDocument, error) {
	if err := access.Check(actor, access.DocumentRead, access.Target{}); err != nil {
		return nil, err
	}
	out := []ExpiringDocument{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		from := parcours.Today(tx.Now())
		to := mustDate(from).AddDate(0, 0, 30).Format(time.DateOnly)
		list, err := tx.ExpiringDocumentsWithPersons(ctx, actor.OrgID, from, to)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(list))
		for _, d := range list {
			ids = append(ids, d.PersonID)
		}
		// Through the door: one statement for every file of the list.
		files, err := file.OpenMany(ctx, tx, actor, ids, false)
		if err != nil {
			return err
		}
		for _, d := range list {
			f := files[d.PersonID]
			if f == nil || !(f.Rel.Referent || f.Rel.Team) || !f.Can(access.DocumentRead) {
				continue
			}
			out = append(out, ExpiringDocument{Document: d.Document, PersonName: d.PersonName})
		}
		tx.Audit(audit.For(actor, "document.expiring", "document", "", ""))
		return nil
	})
	return out, err
}

// Upload is a content checked like any document's (type by content,
// size within MaxUpload) and in place in the document store, not yet
// recorded: another area (messaging: a file sent inside a message)
// records it through the door in its own transaction, or drops it.
type Upload struct {
	st      *staged
	created bool
}

// Upload checks and places content in the document store. The caller
// records it (Upload.Document) or calls Drop when its transaction fails.
func (s *Service) Upload(content io.Reader) (*Upload, error) {
	st, err := s.stage(content)
	if err != nil {
		return nil, err
	}
	created, err := s.place(st)
	if err != nil {
		os.Remove(st.tmp)
		return nil, err
	}
	return &Upload{st: st, created: created}, nil
}

// UploadDocument stores content for a document of kind, titled name or,
// when name is blank, fallback: for the services that attach an upload to
// something of theirs (a mandate's scan, an aid request's supporting
// document) inside their own transaction. A nil service — no document
// store configured — refuses the file.
func (s *Service) UploadDocument(content io.Reader, name, fallback, kind string) (*Upload, *parcours.Document, error) {
	if s == nil {
		return nil, nil, parcours.FieldError(parcours.EUnsupported, "file", "error.casefile.file_type")
	}
	u, err := s.Upload(content)
	if err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(name) == "" {
		name = fallback
	}
	d := u.Document(name)
	d.Kind = kind
	return u, d, nil
}

// Document is the upload as a document to record, titled title (the
// file's name, control characters dropped, 200 characters at most).
func (u *Upload) Document(title string) *parcours.Document {
	title = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, strings.TrimSpace(title))
	if r := []rune(title); len(r) > 200 {
		title = string(r[:200])
	}
	return &parcours.Document{Kind: "autre", Title: title, ContentType: u.st.contentType, Size: u.st.size, SHA256: u.st.sha}
}

// Drop removes an upload that was not recorded, unless another document
// has the same content.
func (s *Service) Drop(ctx context.Context, u *Upload) {
	if u != nil && u.created {
		s.removeIfUnused(context.WithoutCancel(ctx), u.st.sha)
	}
}

// Content opens a document's content; the caller has checked, through
// the door, that the actor may download it, and closes it.
func (s *Service) Content(d *parcours.Document) (io.ReadCloser, error) {
	return os.Open(s.contentPath(d.SHA256))
}
