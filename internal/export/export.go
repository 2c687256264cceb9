// Package export gives the person a copy of their file (RGPD art. 15,
// right of access, and art. 20, portability) as one JSON document whose
// schema is published in the OpenAPI description ("FileExport"). It is
// made by a worker who follows the person, through the door, and audited
// with what it contains. It says plainly what it leaves out: entries the
// exporting worker may not read (the referent's own), other household
// members' names and details (only their place in the household),
// and health notes when the worker may not read them.
package export

import (
	"context"
	"time"

	"parcours/internal/access"
	"parcours/internal/accesslog"
	"parcours/internal/file"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Version is the version of the export's format.
const Version = 1

// Service makes exports.
type Service struct{ db *store.DB }

// New returns a Service on db.
func New(db *store.DB) *Service { return &Service{db: db} }

// File is the exported file.
type File struct {
	Format         string                    `json:"format"`
	Version        int                       `json:"version"`
	ExportedAt     time.Time                 `json:"exported_at"`
	Organization   Organization              `json:"organization"`
	Person         *parcours.Person          `json:"person"`
	Household      *Household                `json:"household,omitempty"`
	Consent        *parcours.Consent         `json:"consent,omitempty"`
	Accompaniments []*parcours.Accompaniment `json:"accompaniments"`
	Journal        []*parcours.JournalEntry  `json:"journal"`
	Tasks          []*parcours.Task          `json:"tasks"`
	Documents      []*parcours.Document      `json:"-"`
	DocumentFiles  []DocumentFile            `json:"documents"`
	DataRequests   []*parcours.DataRequest   `json:"data_requests"`
	AccessLog      []*accesslog.Entry        `json:"access_log"`
	// ReplyNotice is, in a copy downloaded from the portal, the address
	// the signed-in account gave to be told of new replies and when it
	// consented; absent when it gave none, and never in a worker's copy
	// (workers do not read it).
	ReplyNotice *parcours.ReplyNotice `json:"portal_reply_notice,omitempty"`
	// Left says what the export leaves out and why, so that the person
	// and the DPO know the copy's limits.
	Left []Left `json:"left_out"`
}

// Organization is the data controller.
type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Household is the person's household as the person may receive it:
// the other members by their place in it only (their names and details
// are theirs to ask for).
type Household struct {
	Name      string              `json:"name"`
	Members   []Member            `json:"members"`
	Situation *parcours.Situation `json:"situation,omitempty"`
}

// Member is one member of the household; FirstNames is the person's own,
// empty for the others.
type Member struct {
	FirstNames   string `json:"first_names,omitempty"`
	Relationship string `json:"relationship"`
	Self         bool   `json:"self"`
}

// DocumentFile is a document of the file; its content is downloaded
// separately (it is not inlined: scans are large).
type DocumentFile struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
	DownloadURL string `json:"download_url"`
}

// Left is a part of the file not in the export, with how many items.
type Left struct {
	Part   string `json:"part"`
	Count  int    `json:"count"`
	Reason string `json:"reason"`
}

// pageSize bounds each read of a long journal or list.
const pageSize = 200

// Export returns the copy of the person's file, audited as
// file.export.
func (s *Service) Export(ctx context.Context, actor parcours.Actor, personID string) (*File, error) {
	var out *File
	err := s.db.View(ctx, func(tx *store.Tx) error {
		act := access.FileExport
		if actor.Portal != nil {
			// The person (or their delegate, with the full scope)
			// downloads their own copy from the portal.
			act = access.PortalExport
		}
		f, err := file.Open(ctx, tx, actor, act, personID)
		if err != nil {
			return err
		}
		org, err := tx.Organization(ctx, f.Person.OrgID)
		if err != nil {
			return err
		}
		x := &File{Format: "parcours-file-export", Version: Version, ExportedAt: tx.Now().UTC(),
			Organization: Organization{ID: org.ID, Name: org.Name}, Person: f.Person, Left: []Left{}, DocumentFiles: []DocumentFile{}}
		if x.Person.NIR != "" && actor.Portal == nil && !f.Can(access.SensitiveRead) {
			p := *x.Person
			p.NIR = ""
			x.Person = &p
			x.Left = append(x.Left, Left{Part: "person.nir", Count: 1, Reason: "social-security number the exporting worker may not read"})
		}
		if err := household(ctx, f, x); err != nil {
			return err
		}
		if x.Consent, err = f.Consent(ctx); err != nil {
			return err
		}
		if x.Accompaniments, err = f.Accompaniments(ctx); err != nil {
			return err
		}
		if err := journal(ctx, f, x); err != nil {
			return err
		}
		if actor.Portal == nil {
			if x.Tasks, err = f.Tasks(ctx, false, nil, 10000); err != nil {
				return err
			}
		} else {
			// The workers' to-do list about the file is their work
			// organisation, not data about the person: the portal's copy
			// says so rather than leaving it out silently.
			x.Tasks = []*parcours.Task{}
			x.Left = append(x.Left, Left{Part: "tasks", Reason: "the workers' own reminders about the file: ask your referent for them"})
		}
		if x.Documents, err = f.Documents(ctx, nil, 10000); err != nil {
			return err
		}
		var shared map[string]bool
		if actor.Portal != nil {
			// The person downloads, from the portal, the documents a
			// worker shared with them; the others are listed without a
			// link (never one to a workers' route the person cannot
			// open), and counted with what to do.
			list, err := f.SharedDocuments(ctx)
			if err != nil {
				return err
			}
			shared = map[string]bool{}
			for _, d := range list {
				shared[d.ID] = true
			}
			if n := len(x.Documents) - len(list); n > 0 {
				x.Left = append(x.Left, Left{Part: "documents.content", Count: n,
					Reason: "documents not shared with you in the portal (no download link): ask your referent for a copy"})
			}
		}
		for _, d := range x.Documents {
			url := "/api/documents/" + d.ID + "/content"
			if actor.Portal != nil {
				url = ""
				if shared[d.ID] {
					url = "/moi/documents/" + d.ID
				}
			}
			x.DocumentFiles = append(x.DocumentFiles, DocumentFile{ID: d.ID, Title: d.Title, ContentType: d.ContentType,
				Size: d.Size, SHA256: d.SHA256, DownloadURL: url})
		}
		if x.DataRequests, err = f.DataRequests(ctx); err != nil {
			return err
		}
		rows, err := f.AccessLog(ctx, 10000)
		if err != nil {
			return err
		}
		// As the person reads it: names where the organisation chose so.
		x.AccessLog = accesslog.Lines(rows, "")
		if actor.Portal != nil {
			n, err := f.ReplyNotice(ctx)
			if err != nil {
				return err
			}
			if n.Email != "" {
				x.ReplyNotice = n
			}
		}
		f.Audit("file.export", "person", f.Person.ID)
		out = x
		return nil
	})
	return out, err
}

func household(ctx context.Context, f *file.File, x *File) error {
	if f.Person.HouseholdID == "" {
		return nil
	}
	h, err := f.Household(ctx)
	if err != nil {
		return err
	}
	xh := &Household{Name: h.Name, Members: []Member{}}
	others := 0
	for _, m := range h.Members {
		self := f.Owns(m.PersonID)
		first := ""
		if self {
			first = f.Person.FirstNames
		} else {
			others++
		}
		xh.Members = append(xh.Members, Member{FirstNames: first, Relationship: string(m.Relationship), Self: self})
	}
	if others > 0 {
		x.Left = append(x.Left, Left{Part: "household.members", Count: others,
			Reason: "other members' names and details are theirs: only their place in the household"})
	}
	if xh.Situation, err = f.CurrentSituation(ctx); err != nil {
		return err
	}
	if xh.Situation != nil && xh.Situation.Health != "" && !f.Can(access.HealthRead) {
		s := *xh.Situation
		s.Health = ""
		xh.Situation = &s
		reason := "health note the exporting worker may not read"
		if f.Actor().Portal != nil {
			reason = "the household's health note may concern another member: ask your referent"
		}
		x.Left = append(x.Left, Left{Part: "household.situation.health", Count: 1, Reason: reason})
	}
	x.Household = xh
	return nil
}

func journal(ctx context.Context, f *file.File, x *File) error {
	entries, hidden, withheld, err := f.ExportEntries(ctx)
	if err != nil {
		return err
	}
	x.Journal = entries
	if hidden > 0 {
		x.Left = append(x.Left, Left{Part: "journal", Count: hidden,
			Reason: "entries the exporting worker may not read (restricted to the referent): the referent's export includes them"})
	}
	if withheld > 0 {
		// GDPR art. 15.4: the copy must not harm others' rights; each
		// entry left out was marked so by a worker, with a reason kept on
		// the file.
		x.Left = append(x.Left, Left{Part: "journal.withheld", Count: withheld,
			Reason: "entries marked « non communicable — tiers » by a worker: their disclosure would harm a third party (reason recorded on the file)"})
	}
	return nil
}
