package access

import (
	"testing"

	"parcours/internal/parcours"
)

func init() {
	for _, a := range []Action{AppointmentRead, AppointmentBook, DeskVisitWrite, DeskVisitRead} {
		breakGlassReadsAndNotes[a] = true
	}
	for _, a := range []Action{AgendaRead, AgendaTeamRead, AgendaSettings} {
		notAboutAFile[a] = true
	}
}

func TestAgenda_FrontDeskLogsAndBooksForAnyoneButReadsNoJournal(t *testing.T) {
	const org = "o"
	desk := parcours.Actor{WorkerID: "d", OrgID: org, Role: parcours.RoleReception}
	worker := parcours.Actor{WorkerID: "w", OrgID: org, Role: parcours.RoleWorker}
	admin := parcours.Actor{WorkerID: "a", OrgID: org, Role: parcours.RoleAdmin}
	none := &parcours.Relation{OrgID: org}
	team := &parcours.Relation{OrgID: org, Team: true}
	glass := &parcours.Relation{OrgID: org, BreakGlass: &parcours.BreakGlass{ID: "bg"}}
	for _, tc := range []struct {
		name  string
		actor parcours.Actor
		act   Action
		rel   *parcours.Relation
		want  string
	}{
		{"desk logs a visit for anyone", desk, DeskVisitWrite, none, ""},
		{"desk books for anyone", desk, AppointmentBook, none, ""},
		{"desk reads appointments of the team's files", desk, AppointmentRead, team, ""},
		{"desk does not read appointments without relation", desk, AppointmentRead, none, parcours.EForbidden},
		{"desk never reads the journal", desk, JournalRead, team, parcours.EForbidden},
		{"desk records no outcome", desk, AppointmentWrite, team, parcours.EForbidden},
		{"worker of the team books on the file", worker, AppointmentWrite, team, ""},
		{"break-glass books nothing on the file", worker, AppointmentWrite, glass, parcours.EForbidden},
		{"admin sees no appointment", admin, AppointmentRead, team, parcours.ENotFound},
		{"another organisation", worker, AppointmentRead, &parcours.Relation{OrgID: "x", Team: true}, parcours.ENotFound},
	} {
		err := Check(tc.actor, tc.act, Target{OrgID: tc.rel.OrgID, Rel: tc.rel})
		if got := parcours.ErrorCode(err); got != tc.want {
			t.Errorf("%s: %q, want %q (%v)", tc.name, got, tc.want, err)
		}
	}
	if !Allowed(admin, AgendaSettings, Target{}) || Allowed(worker, AgendaSettings, Target{}) || Allowed(desk, AgendaTeamRead, Target{}) {
		t.Error("agenda settings are the administrators', the team agenda the managers'")
	}
}
