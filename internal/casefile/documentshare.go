package casefile

import (
	"context"
	"io"
	"os"

	"parcours/internal/access"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// ShareDocument marks document docID of the person's file « partagé avec
// la personne » (shown and downloadable in their portal) or takes it
// back; through the door, audited as document.share.
func (s *Service) ShareDocument(ctx context.Context, actor parcours.Actor, personID, docID string, shared bool) (*parcours.DocumentShare, error) {
	var out *parcours.DocumentShare
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.DocumentShare, personID)
		if err != nil {
			return err
		}
		out, err = f.ShareDocument(ctx, docID, shared)
		return err
	})
	return out, err
}

// OpenSharedDocument opens, for the person (or their delegate) on the
// portal, a document of their own file that a worker shared with them;
// any other is not found. Audited as portal.document, so it shows in the
// person's access log.
func (s *Service) OpenSharedDocument(ctx context.Context, actor parcours.Actor, id string) (*parcours.Document, io.ReadCloser, error) {
	var d *parcours.Document
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.OpenOwn(ctx, tx, actor, access.PortalRead)
		if err != nil {
			return err
		}
		if d, err = f.SharedDocument(ctx, id); err != nil {
			return err
		}
		if d == nil {
			return parcours.NotFound()
		}
		f.AuditAbout("portal.document", "document", d.ID, d.PersonID)
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	c, err := os.Open(s.contentPath(d.SHA256))
	if err != nil {
		return nil, nil, err
	}
	return d, c, nil
}
