package homeweb

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"parcours/internal/i18n"
	"parcours/internal/parcours"
	"parcours/internal/web"
)

// homeRoutes registers "Ma journée", the page a worker lands on.
func (s *Server) homeRoutes() {
	s.Handle("GET", "/{$}", web.Page, s.home, nil)
}

type homeData struct {
	Today     time.Time
	Day       web.Day
	CanSearch bool
	SearchURL string
	// Which sections exist: a nil section of Day belongs to a feature
	// that is not there (no agenda yet) or not for this role, and is left
	// out rather than shown falsely empty.
	HasAppointments, HasTasks, HasRecent, HasReview, HasHandovers, HasDesk bool
	// HasCaseload links « mes personnes suivies » (the persons list of
	// whom the worker is the referent).
	HasCaseload bool
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	a := web.MustActor(r)
	d := &homeData{Today: time.Now()}
	switch {
	case s.HasPage("/search"):
		d.CanSearch, d.SearchURL = true, "/search"
	case s.HasPage("/persons"):
		d.CanSearch, d.SearchURL = true, "/persons"
	}
	if s.svc.Day != nil {
		day, err := s.svc.Day.Day(r.Context(), a, d.Today)
		if err != nil {
			return err
		}
		d.Day = *day
	}
	// Today's appointments, with the person's essentials: phone,
	// referent, alerts (overdue tasks) — as far as the worker may see.
	if s.svc.Agenda != nil {
		if err := s.appointments(r, a, d); err != nil {
			return err
		}
		if err := s.deskMessages(r, a, d); err != nil {
			return err
		}
	}
	// Break-glass accesses waiting for a manager's review.
	if d.Day.ToReview == nil && s.svc.BreakGlass != nil && s.HasPage("/break-glass/reviews") {
		pending, err := s.svc.BreakGlass.Reviews(r.Context(), a, true)
		switch {
		case err == nil:
			d.Day.ToReview = []web.DayItem{}
			for _, bg := range pending {
				d.Day.ToReview = append(d.Day.ToReview, web.DayItem{Href: "/break-glass/reviews",
					Label: i18n.T(web.Lang(r), "home.review.break_glass"), When: bg.CreatedAt, Note: ""})
			}
		case parcours.ErrorCode(err) != parcours.EForbidden:
			return err
		}
	}
	d.HasAppointments, d.HasTasks = d.Day.Appointments != nil, d.Day.Tasks != nil
	d.HasHandovers = len(d.Day.Handovers) > 0
	d.HasDesk = len(d.Day.DeskMessages) > 0
	d.HasCaseload = s.HasPage("/persons") && (a.Role == parcours.RoleWorker || a.Role == parcours.RoleManager)
	d.HasRecent, d.HasReview = d.Day.RecentFiles != nil, d.Day.ToReview != nil
	p := &web.PageData{Title: "home.title", Data: d}
	if r.URL.Query().Get("done") == "handover" {
		p.Flash = "home.flash.handover_done"
	}
	return s.Render(w, r, http.StatusOK, "home.html", p)
}

func (s *Server) appointments(r *http.Request, a parcours.Actor, d *homeData) error {
	items, names, err := s.svc.Agenda.Today(r.Context(), a, d.Today)
	if err != nil || items == nil {
		return err
	}
	l := web.Lang(r)
	d.Day.Appointments = []web.DayItem{}
	for _, it := range items {
		item := web.DayItem{Href: "/agenda", Label: i18n.T(l, "agenda.busy"), When: it.StartsAt.In(web.Paris())}
		if it.Visible {
			parts := []string{it.PersonName, it.Theme}
			if it.Phone != "" {
				parts = append(parts, i18n.T(l, "home.appointment.phone", it.Phone))
			}
			var refs []string
			for _, id := range it.Referents {
				if n := names[id]; n != "" {
					refs = append(refs, n)
				}
			}
			if len(refs) > 0 {
				parts = append(parts, i18n.T(l, "home.appointment.referent", strings.Join(refs, ", ")))
			}
			if it.OverdueTasks > 0 {
				parts = append(parts, i18n.N(l, "cf.alert.overdue_tasks", it.OverdueTasks))
			}
			item.Href, item.Label = "/appointments/"+it.ID, strings.Join(parts, " · ")
		}
		if it.Status != parcours.ApptPlanned {
			item.Note = "agenda.status." + it.Status
		}
		d.Day.Appointments = append(d.Day.Appointments, item)
	}
	return nil
}

// deskMessages are the visits the front desk logged for the worker over
// the last days: who came, why, the message taken (the notification of
// each leads here), each linked to the file.
func (s *Server) deskMessages(r *http.Request, a parcours.Actor, d *homeData) error {
	list, names, err := s.svc.Agenda.DeskMessages(r.Context(), a)
	if err != nil {
		return err
	}
	l := web.Lang(r)
	for _, v := range list {
		parts := []string{names[v.PersonID], v.Motive}
		if v.Visitor != "" {
			parts = append(parts, i18n.T(l, "home.desk.visitor", v.Visitor))
		}
		if v.Message != "" {
			parts = append(parts, i18n.T(l, "home.desk.message", v.Message))
		}
		item := web.DayItem{Href: "/persons/" + v.PersonID, Label: strings.Join(parts, " · "), When: v.CameAt}
		if v.NeedsAppointment {
			item.Note = "home.desk.needs_appointment"
		}
		d.Day.DeskMessages = append(d.Day.DeskMessages, item)
	}
	return nil
}

// LongDate writes the day in full, in lang: "mercredi 25 novembre 2026" in
// French, "Wednesday 25 November 2026" in English.
func (d *homeData) LongDate(lang string) string {
	t := d.Today.In(web.Paris())
	return i18n.T(lang, "date.long",
		i18n.T(lang, "date.weekday."+strconv.Itoa(int(t.Weekday()))),
		t.Day(),
		i18n.T(lang, "date.month."+strconv.Itoa(int(t.Month()))),
		t.Year())
}
