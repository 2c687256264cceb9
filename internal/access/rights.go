package access

import "parcours/internal/parcours"

// Access to rights day to day (issue 12). The catalogue is no one's file:
// every worker reads it, administrators edit their organisation's aids.
// Procedures, autonomy checks and mandates are part of the person's file:
// case workers (workers, managers) who follow the person; never the front
// desk, never administrators (separation of duties). Every write is
// lasting: a procedure plans a follow-up task, a mandate or a check
// speaks for the person, so a break-glass reads them and nothing more.
const (
	RightsCatalogueRead Action = "rights.catalogue.read"
	AidCatalogueManage  Action = "aid.catalogue.manage"
	ProcedureRead       Action = "procedure.read"
	ProcedureWrite      Action = "procedure.write"
	AutonomyRead        Action = "autonomy.read"
	AutonomyWrite       Action = "autonomy.write"
	MandateRead         Action = "mandate.read"
	MandateWrite        Action = "mandate.write" // record, revoke (for the person), print
)

func init() {
	for _, r := range parcours.Roles {
		roleActions[r][RightsCatalogueRead] = true
	}
	roleActions[parcours.RoleAdmin][AidCatalogueManage] = true
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		for _, a := range []Action{ProcedureRead, ProcedureWrite, AutonomyRead, AutonomyWrite, MandateRead, MandateWrite} {
			roleActions[r][a] = true
		}
	}
	for _, a := range []Action{ProcedureWrite, AutonomyWrite, MandateWrite} {
		lasting[a] = true
	}
}
