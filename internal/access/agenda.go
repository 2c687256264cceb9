package access

import "parcours/internal/parcours"

// The agenda (issue 11). Appointments are part of the person's file:
// those who follow the person (workers, managers, and the front desk of
// the team: identity, contact, appointments — never the journal) read
// them; case workers book them and record their outcome (lasting: an
// appointment in one's own day outlives a break-glass).
//
// The front desk's daily work reaches every person of the organisation,
// as finding a person by identity does (partIdentity): log a visit (who
// came, for whom, why, a message for the referent) and book an
// appointment into a worker's free slot (AppointmentBook). Neither opens
// anything else of the file.
//
// A worker's agenda (AgendaRead) lists appointments; each one's person
// and purpose show only where the reader may read the file's
// appointments, else the slot shows as « RDV » (busy). Managers see the
// agenda of their teams (AgendaTeamRead). Administrators set the
// services' working hours and closed days (AgendaSettings) and see no
// agenda.
const (
	AppointmentRead  Action = "appointment.read"
	AppointmentWrite Action = "appointment.write" // book on the file, record the outcome, cancel, postpone
	AppointmentBook  Action = "appointment.book"  // the front desk books into a free slot
	DeskVisitWrite   Action = "desk_visit.write"
	DeskVisitRead    Action = "desk_visit.read"
	AgendaRead       Action = "agenda.read"
	AgendaTeamRead   Action = "agenda.team.read"
	AgendaSettings   Action = "agenda.settings"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		for _, a := range []Action{AppointmentRead, AppointmentWrite, AppointmentBook, DeskVisitWrite, DeskVisitRead, AgendaRead} {
			roleActions[r][a] = true
		}
	}
	for _, a := range []Action{AppointmentRead, AppointmentBook, DeskVisitWrite, DeskVisitRead, AgendaRead} {
		roleActions[parcours.RoleReception][a] = true
	}
	roleActions[parcours.RoleManager][AgendaTeamRead] = true
	roleActions[parcours.RoleAdmin][AgendaSettings] = true
	lasting[AppointmentWrite] = true
	parts[AppointmentBook] = partIdentity
	parts[DeskVisitWrite] = partIdentity
	readOf[AppointmentRead], readOf[AppointmentWrite] = PersonRead, PersonRead
	readOf[DeskVisitRead] = PersonRead
}
