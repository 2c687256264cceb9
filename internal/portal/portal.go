package portal

import (
	"context"
	"slices"
	"strings"
	"time"

	"parcours/internal/access"
	"parcours/internal/accesslog"
	"parcours/internal/file"
	"parcours/internal/outbox"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Invitation is a code made for an account, shown once.
type Invitation struct {
	Invitation *parcours.PortalInvitation `json:"invitation"`
	Account    *parcours.PortalAccount    `json:"account"`
	// Code is the one-time code (shown once, stored hashed).
	Code string `json:"code"`
	// Link is the activation page with the code, for an e-mail or a QR
	// code.
	Link string `json:"link"`
	// Sent is true when the code went by e-mail.
	Sent bool `json:"sent"`
}

// ActivatePath is the portal's activation page.
const ActivatePath = "/moi/activer"

// Invite makes a one-time code for the person's portal account (made the
// first time): printed and handed at the desk, or sent by e-mail when the
// person has an address and the organisation's e-mail is set up (the
// outbox sends it). A new code replaces
// the previous ones; ten codes at most per account and day.
func (s *Service) Invite(ctx context.Context, actor parcours.Actor, personID, channel string) (*Invitation, error) {
	if channel == "" {
		channel = "print"
	}
	if !slices.Contains(parcours.InvitationChannels, channel) {
		return nil, parcours.FieldError(parcours.EInvalid, "channel", "error.invalid_choice", "field.portal_channel", channel)
	}
	var out *Invitation
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.PortalInvite, personID)
		if err != nil {
			return err
		}
		email := strings.TrimSpace(f.Person.Email)
		if channel == "email" {
			if email == "" {
				return parcours.FieldError(parcours.EInvalid, "channel", "portal.error.no_email")
			}
			set, err := tx.MessagingSettings(ctx, f.Person.OrgID)
			if err != nil {
				return err
			}
			if !set.EmailReady() {
				return parcours.FieldError(parcours.EInvalid, "channel", "portal.error.no_mailer")
			}
		}
		accounts, err := f.PortalAccounts(ctx)
		if err != nil {
			return err
		}
		var acc *parcours.PortalAccount
		for _, a := range accounts {
			if a.Kind == parcours.PortalPerson {
				acc = a
			}
		}
		if acc == nil {
			acc = &parcours.PortalAccount{Kind: parcours.PortalPerson}
			if err := f.AddPortalAccount(ctx, acc); err != nil {
				return err
			}
		} else if !acc.RevokedAt.IsZero() {
			return parcours.Errorf(parcours.EConflict, "portal.error.revoked")
		}
		if out, err = s.invite(ctx, tx, f, acc, channel); err != nil {
			return err
		}
		if channel != "email" {
			return nil
		}
		// Queued in this transaction: the e-mail exists exactly when the
		// invitation does (package outbox sends it, with retries). The
		// code is the message's secret, not part of its stored body: it
		// is put into the text only when sending and erased once sent.
		body := "Bonjour,\n\nVotre structure vous invite à consulter votre dossier sur Parcours.\n" +
			"Ouvrez la page " + ActivatePath + " de Parcours et saisissez le code " + outbox.SecretMark +
			" (valable 72 heures, une seule fois), puis choisissez un identifiant et un mot de passe.\n"
		if _, err := outbox.Enqueue(ctx, tx, outbox.Message{OrgID: f.Person.OrgID, Key: "portal-invitation:" + out.Invitation.ID,
			Channel: parcours.ChannelEmail, Kind: "portal_invitation", PersonID: f.Person.ID, To: email,
			Subject: "Votre accès à votre dossier", Body: body, Secret: out.Code, NotBefore: tx.Now(), MaxAttempts: 3}); err != nil {
			return err
		}
		out.Sent = true
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) invite(ctx context.Context, tx *store.Tx, f *file.File, acc *parcours.PortalAccount, channel string) (*Invitation, error) {
	n, err := tx.CountPortalInvitations(ctx, acc.ID, tx.Now().Add(-24*time.Hour))
	if err != nil {
		return nil, err
	}
	if n >= maxInvitations {
		return nil, parcours.Errorf(parcours.ERateLimited, "portal.error.too_many_invitations", maxInvitations)
	}
	code := newCode()
	inv := &parcours.PortalInvitation{AccountID: acc.ID, Channel: channel, ExpiresAt: tx.Now().Add(InvitationTTL)}
	if err := f.AddPortalInvitation(ctx, inv, hashSecret(code)); err != nil {
		return nil, err
	}
	return &Invitation{Invitation: inv, Account: acc, Code: code, Link: ActivatePath + "?code=" + code}, nil
}

// DelegateInput names a delegate.
type DelegateInput struct {
	Name         string `json:"name"`
	Relationship string `json:"relationship"`
	Scope        string `json:"scope"`
	EndsOn       string `json:"ends_on"`
}

// AddDelegate gives a trusted third party access to the person's portal,
// with a scope and an end date (one year at most): by the person in the
// portal (personID "" for their own), or by a worker on their behalf. The
// delegate activates with the printed code returned.
func (s *Service) AddDelegate(ctx context.Context, actor parcours.Actor, personID string, in DelegateInput) (*Invitation, error) {
	in.Name = strings.TrimSpace(in.Name)
	var out *Invitation
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		var f *file.File
		var err error
		if actor.Portal != nil {
			f, err = file.OpenOwn(ctx, tx, actor, access.PortalDelegate)
		} else {
			f, err = file.Open(ctx, tx, actor, access.PortalInvite, personID)
		}
		if err != nil {
			return err
		}
		var p parcours.Problems
		p.Required("name", in.Name, 200)
		if in.Relationship == "" {
			p.Add("relationship", "error.field_required", "field.portal_relationship")
		} else if !slices.Contains(parcours.DelegateRelationships, in.Relationship) {
			p.Add("relationship", "error.invalid_choice", "field.portal_relationship", in.Relationship)
		}
		if in.Scope == "" {
			p.Add("scope", "error.field_required", "field.portal_scope")
		} else if !slices.Contains(parcours.DelegateScopes, in.Scope) {
			p.Add("scope", "error.invalid_choice", "field.portal_scope", in.Scope)
		}
		p.Date("ends_on", in.EndsOn, true, time.Time{})
		day := today(tx.Now())
		if d, err := parcours.ParseDate(in.EndsOn); err == nil {
			now, _ := parcours.ParseDate(day)
			if in.EndsOn < day {
				p.Add("ends_on", "portal.error.ends_in_past")
			} else if d.After(now.AddDate(1, 0, 0)) {
				p.Add("ends_on", "portal.error.ends_too_late")
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		acc := &parcours.PortalAccount{Kind: parcours.PortalDelegate, Name: in.Name, Relationship: in.Relationship, Scope: in.Scope, EndsOn: in.EndsOn}
		if err := f.AddPortalAccount(ctx, acc); err != nil {
			return err
		}
		out, err = s.invite(ctx, tx, f, acc, "print")
		return err
	})
	return out, err
}

// Reinvite makes a new code for an account of the file (the person's own
// or a delegate's): a forgotten password, a lost code.
func (s *Service) Reinvite(ctx context.Context, actor parcours.Actor, personID, accountID string) (*Invitation, error) {
	var out *Invitation
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := s.openManage(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		accounts, err := f.PortalAccounts(ctx)
		if err != nil {
			return err
		}
		for _, a := range accounts {
			if a.ID == accountID {
				out, err = s.invite(ctx, tx, f, a, "print")
				return err
			}
		}
		return parcours.NotFound()
	})
	return out, err
}

func (s *Service) openManage(ctx context.Context, tx *store.Tx, actor parcours.Actor, personID string) (*file.File, error) {
	if actor.Portal != nil {
		return file.OpenOwn(ctx, tx, actor, access.PortalDelegate)
	}
	return file.Open(ctx, tx, actor, access.PortalInvite, personID)
}

// Revoke closes an account of the file (a delegate withdrawn, the
// person's portal closed) and ends its sessions at once.
func (s *Service) Revoke(ctx context.Context, actor parcours.Actor, personID, accountID string) error {
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := s.openManage(ctx, tx, actor, personID)
		if err != nil {
			return err
		}
		return f.RevokePortalAccount(ctx, accountID)
	})
}

// Accounts lists the portal accounts of a person's file, for the worker
// who may invite.
func (s *Service) Accounts(ctx context.Context, actor parcours.Actor, personID string) ([]*parcours.PortalAccount, error) {
	var out []*parcours.PortalAccount
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.PortalInvite, personID)
		if err != nil {
			return err
		}
		out, err = f.PortalAccounts(ctx)
		if err == nil {
			f.Audit("portal.accounts", "person", f.Person.ID)
		}
		return err
	})
	return out, err
}

// Disclose records a worker's decision about showing a journal entry to
// the person (« partagé avec la personne ») or withholding it from their
// copy (« non communicable — tiers », with a reason).
func (s *Service) Disclose(ctx context.Context, actor parcours.Actor, personID, entryID string, shared, withheld bool, reason string) (*parcours.Disclosure, error) {
	var out *parcours.Disclosure
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		f, err := file.Open(ctx, tx, actor, access.JournalRead, personID)
		if err != nil {
			return err
		}
		out, err = f.Disclose(ctx, entryID, shared, withheld, reason)
		return err
	})
	return out, err
}

// Referent is a worker who accompanies the person, as the portal names
// them.
type Referent struct {
	Name string `json:"name"`
	Team string `json:"team"`
}

// Follow is one accompaniment as the person reads it.
type Follow struct {
	Kind      string   `json:"kind"`
	StartDate string   `json:"start_date"`
	EndDate   string   `json:"end_date,omitempty"`
	Referent  Referent `json:"referent"`
	Goals     []string `json:"goals"`
}

// Member is one member of the household as the person reads it: the
// others by their place only.
type Member struct {
	Self         bool   `json:"self"`
	Relationship string `json:"relationship"`
}

// View is what one portal page shows; only the part asked for is filled.
type View struct {
	Person       *parcours.Person          `json:"person"`
	Organization string                    `json:"organization"`
	Household    []Member                  `json:"household,omitempty"`
	Follows      []Follow                  `json:"accompaniments,omitempty"`
	Procedures   []*parcours.Procedure     `json:"procedures,omitempty"`
	Mandates     []*parcours.Mandate       `json:"mandates,omitempty"`
	Appointments []*parcours.Appointment   `json:"appointments,omitempty"`
	Documents    []*parcours.Document      `json:"documents,omitempty"`
	Entries      []*parcours.JournalEntry  `json:"journal,omitempty"`
	AccessLog    []*accesslog.Entry        `json:"access_log,omitempty"`
	Requests     []*parcours.DataRequest   `json:"data_requests,omitempty"`
	Delegates    []*parcours.PortalAccount `json:"delegates,omitempty"`
	// Self is the signed-in account.
	Self *parcours.PortalAccount `json:"-"`
	// CanAct: the actor may export and make requests (not a view-only
	// delegate); CanDelegate: the person themself.
	CanAct, CanDelegate bool
}

// Portal pages (parts), each audited as portal.<part>.
const (
	PartIdentity  = "identity"
	PartFollow    = "follow"
	PartDocuments = "documents"
	PartJournal   = "journal"
	PartAccessLog = "access_log"
	PartRequests  = "requests"
	PartDelegates = "delegates"
)

// Parts lists them.
var Parts = []string{PartIdentity, PartFollow, PartDocuments, PartJournal, PartAccessLog, PartRequests, PartDelegates}

// Read returns part of the portal actor's own file, audited as
// portal.<part> so that it shows in the access log.
func (s *Service) Read(ctx context.Context, actor parcours.Actor, part string) (*View, error) {
	if !slices.Contains(Parts, part) {
		return nil, parcours.NotFound()
	}
	v := &View{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		f, err := file.OpenOwn(ctx, tx, actor, access.PortalRead)
		if err != nil {
			return err
		}
		v.Person = f.Person
		v.CanAct = f.Can(access.PortalRequest)
		v.CanDelegate = f.Can(access.PortalDelegate)
		org, err := tx.Organization(ctx, f.Person.OrgID)
		if err != nil {
			return err
		}
		v.Organization = org.Name
		switch part {
		case PartIdentity:
			if h, err := f.Household(ctx); err != nil {
				return err
			} else if h != nil {
				for _, m := range h.Members {
					v.Household = append(v.Household, Member{Self: f.Owns(m.PersonID), Relationship: string(m.Relationship)})
				}
			}
		case PartFollow:
			if err := follows(ctx, tx, f, v); err != nil {
				return err
			}
			if v.Procedures, err = f.Procedures(ctx, store.Keyset{}); err != nil {
				return err
			}
			for _, p := range v.Procedures {
				p.Note = ""
			}
			if v.Mandates, err = f.Mandates(ctx, store.Keyset{}); err != nil {
				return err
			}
			if v.Appointments, err = f.Appointments(ctx); err != nil {
				return err
			}
		case PartDocuments:
			// Only the documents a worker marked « partagé avec la
			// personne ».
			if v.Documents, err = f.SharedDocuments(ctx); err != nil {
				return err
			}
		case PartJournal:
			if v.Entries, err = f.SharedEntries(ctx); err != nil {
				return err
			}
		case PartAccessLog:
			rows, err := f.AccessLog(ctx, 500)
			if err != nil {
				return err
			}
			v.AccessLog = accesslog.Lines(rows, "")
		case PartRequests:
			if v.Requests, err = f.DataRequests(ctx); err != nil {
				return err
			}
		case PartDelegates:
			all, err := f.PortalAccounts(ctx)
			if err != nil {
				return err
			}
			for _, a := range all {
				if a.ID == actor.Portal.AccountID {
					v.Self = a
				}
				if a.Kind == parcours.PortalDelegate {
					v.Delegates = append(v.Delegates, a)
				}
			}
		}
		f.Audit("portal."+part, "person", f.Person.ID)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if part != PartIdentity {
		// The identity page shows the record; the others only the name.
		v.Person = &parcours.Person{ID: v.Person.ID, BirthName: v.Person.BirthName, UsageName: v.Person.UsageName, FirstNames: v.Person.FirstNames}
	}
	return v, nil
}

func follows(ctx context.Context, tx *store.Tx, f *file.File, v *View) error {
	list, err := f.Accompaniments(ctx)
	if err != nil {
		return err
	}
	names, err := tx.WorkerNames(ctx, f.Person.OrgID)
	if err != nil {
		return err
	}
	teams, err := tx.Teams(ctx, f.Person.OrgID)
	if err != nil {
		return err
	}
	teamName := map[string]string{}
	for _, t := range teams {
		teamName[t.ID] = t.Name
	}
	for _, a := range list {
		if a.OrgID != f.Person.OrgID {
			continue
		}
		fl := Follow{Kind: a.Kind, StartDate: a.StartDate, EndDate: a.EndDate,
			Referent: Referent{Name: names[a.ReferentID], Team: teamName[a.TeamID]}, Goals: []string{}}
		for _, g := range a.Goals {
			fl.Goals = append(fl.Goals, g.Title)
		}
		v.Follows = append(v.Follows, fl)
	}
	return nil
}
