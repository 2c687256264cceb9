package referral

import (
	"context"
	"slices"
	"time"

	"parcours/internal/access"
	"parcours/internal/audit"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// batch bounds one transaction of the job; it loops until done.
const batch = 200

// SendReminders is the referrals' daily job (only the server runs it,
// access.JobRun): it marks expired the referrals past their expiry, and
// reminds the sender and the receiving service of each referral left
// unanswered longer than the sending organisation's delay (8 days unless
// set), once. It returns how many referrals it expired or reminded.
func (s *Service) SendReminders(ctx context.Context, actor parcours.Actor) (int, error) {
	if err := access.Check(actor, access.JobRun, access.Target{}); err != nil {
		return 0, err
	}
	total := 0
	for {
		n := 0
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			expired, err := tx.ExpireReferrals(ctx, batch)
			if err != nil {
				return err
			}
			for _, r := range expired {
				tx.Audit(audit.For(actor, "referral.expire", "referral", r.ID, r.PersonID))
				if err := tx.InsertNotification(ctx, &parcours.Notification{WorkerID: r.SentBy, Kind: KindAnswered, PersonID: r.PersonID, ObjectID: r.ID}); err != nil {
					return err
				}
			}
			due, err := tx.ReferralsToRemind(ctx, batch)
			if err != nil {
				return err
			}
			for _, r := range due {
				r.RemindedAt = tx.Now().Truncate(time.Microsecond)
				if err := tx.UpdateReferral(ctx, r); err != nil {
					return err
				}
				to := []string{r.SentBy}
				if r.ToOrgID != "" {
					sv, err := tx.Service(ctx, r.ServiceID)
					if err != nil {
						return err
					}
					more, err := tx.ReferralRecipients(ctx, r.ToOrgID, sv.TeamID)
					if err != nil {
						return err
					}
					to = append(to, more...)
				}
				for _, w := range to {
					n := &parcours.Notification{WorkerID: w, Kind: KindReminder, ObjectID: r.ID}
					if w == r.SentBy {
						n.PersonID = r.PersonID // the sender's own organisation's person
					}
					if err := tx.InsertNotification(ctx, n); err != nil {
						return err
					}
				}
				tx.Audit(audit.For(actor, "referral.remind", "referral", r.ID, r.PersonID))
			}
			n = len(expired) + len(due)
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
		if n < batch {
			return total, nil
		}
	}
}

// Stats are the referrals a service received in a period.
type Stats struct {
	ServiceID   string `json:"service_id"`
	ServiceNom  string `json:"service_nom"`
	Count       int    `json:"count"`
	Accepted    int    `json:"accepted"`
	Refused     int    `json:"refused"`
	Pending     int    `json:"pending"`
	Expired     int    `json:"expired"`
	Cancelled   int    `json:"cancelled"`
	MedianHours *int   `json:"median_hours_to_answer"` // nil when none was answered
	// RefusalReasons counts the reasons given, most frequent first.
	RefusalReasons []ReasonCount `json:"refusal_reasons"`
}

// ReasonCount is a refusal reason and how often it was given.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// Statistics returns, per service, the referrals of a box in [from, to)
// (zero: unbounded): received by the actor's organisation's services, or
// sent by the actor's organisation.
func (s *Service) Statistics(ctx context.Context, actor parcours.Actor, box string, from, to time.Time) ([]*Stats, error) {
	if err := access.Check(actor, access.ReferralInbox, access.Target{}); err != nil {
		return nil, err
	}
	f := store.ReferralFilter{From: from, To: to, Limit: 100000}
	switch box {
	case BoxReceived, "":
		f.ToOrgID = actor.OrgID
	case BoxSent:
		f.FromOrg = actor.OrgID
	default:
		return nil, parcours.FieldError(parcours.EInvalid, "box", "error.referral.box", "field.box")
	}
	var list []*parcours.Referral
	if err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		list, err = tx.Referrals(ctx, f)
		return err
	}); err != nil {
		return nil, err
	}
	by := map[string]*Stats{}
	waits := map[string][]int{}
	reasons := map[string]map[string]int{}
	var order []string
	for _, r := range list {
		st := by[r.ServiceID]
		if st == nil {
			st = &Stats{ServiceID: r.ServiceID, ServiceNom: r.ServiceNom, RefusalReasons: []ReasonCount{}}
			by[r.ServiceID] = st
			order = append(order, r.ServiceID)
			reasons[r.ServiceID] = map[string]int{}
		}
		st.Count++
		switch r.Status {
		case parcours.ReferralAccepted, parcours.ReferralEnded:
			st.Accepted++
		case parcours.ReferralRefused:
			st.Refused++
			reasons[r.ServiceID][r.RefusalReason]++
		case parcours.ReferralSent, parcours.ReferralReceived:
			st.Pending++
		case parcours.ReferralExpired:
			st.Expired++
		case parcours.ReferralCancelled:
			st.Cancelled++
		}
		if !r.AnsweredAt.IsZero() {
			waits[r.ServiceID] = append(waits[r.ServiceID], int(r.AnsweredAt.Sub(r.CreatedAt).Hours()))
		}
	}
	out := make([]*Stats, 0, len(order))
	for _, id := range order {
		st := by[id]
		if w := waits[id]; len(w) > 0 {
			slices.Sort(w)
			m := w[len(w)/2]
			if len(w)%2 == 0 {
				m = (w[len(w)/2-1] + w[len(w)/2]) / 2
			}
			st.MedianHours = &m
		}
		for reason, n := range reasons[id] {
			st.RefusalReasons = append(st.RefusalReasons, ReasonCount{Reason: reason, Count: n})
		}
		slices.SortFunc(st.RefusalReasons, func(a, b ReasonCount) int {
			if a.Count != b.Count {
				return b.Count - a.Count
			}
			if a.Reason < b.Reason {
				return -1
			}
			return 1
		})
		out = append(out, st)
	}
	slices.SortFunc(out, func(a, b *Stats) int {
		if a.ServiceNom < b.ServiceNom {
			return -1
		} else if a.ServiceNom > b.ServiceNom {
			return 1
		}
		return 0
	})
	return out, nil
}

// Settings are an organisation's referral settings.
type Settings struct {
	// ReminderDays: the sender and the receiving service are reminded
	// of a referral left unanswered this many days (1 to 90; 8 unless
	// set).
	ReminderDays int `json:"reminder_days"`
}

// Settings returns the actor's organisation's referral settings
// (administrators).
func (s *Service) Settings(ctx context.Context, actor parcours.Actor) (*Settings, error) {
	if err := access.Check(actor, access.OrgManage, access.Target{}); err != nil {
		return nil, err
	}
	out := &Settings{}
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		out.ReminderDays, err = tx.ReferralReminderDays(ctx, actor.OrgID)
		return err
	})
	return out, err
}

// UpdateSettings changes the actor's organisation's referral settings
// (administrators).
func (s *Service) UpdateSettings(ctx context.Context, actor parcours.Actor, in Settings) (*Settings, error) {
	if err := access.Check(actor, access.OrgManage, access.Target{}); err != nil {
		return nil, err
	}
	if in.ReminderDays < 1 || in.ReminderDays > 90 {
		return nil, parcours.FieldError(parcours.EInvalid, "reminder_days", "error.referral.reminder_days", "field.reminder_days", 1, 90)
	}
	err := s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.SetReferralReminderDays(ctx, actor.OrgID, in.ReminderDays); err != nil {
			return err
		}
		tx.Audit(audit.For(actor, "referral.settings.update", "organization", actor.OrgID, ""))
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &in, nil
}
