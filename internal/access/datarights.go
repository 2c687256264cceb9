package access

import "parcours/internal/parcours"

// The person's requests about their data (RGPD art. 15 to 21).
const (
	// DataRequestRecord records a request received (a letter, at the
	// desk) on the person's file. It starts a legal clock the
	// organisation answers for: never under a break-glass alone.
	DataRequestRecord Action = "data_request.record"
	// DataRequestRead lists the requests of a person's file.
	DataRequestRead Action = "data_request.read"
	// DataRequestHandle is the organisation's handling of every request:
	// the list by due date, extending the delay, answering. Managers and
	// the data-protection officer (Target.DPO), whatever the DPO's role;
	// it is not about one file, so no relation is asked.
	DataRequestHandle Action = "data_request.handle"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager, parcours.RoleReception} {
		roleActions[r][DataRequestRecord] = true
	}
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		roleActions[r][DataRequestRead] = true
	}
	roleActions[parcours.RoleManager][DataRequestHandle] = true
	lasting[DataRequestRecord] = true
	dpoActions[DataRequestHandle] = true
	readOf[DataRequestRecord], readOf[DataRequestRead] = PersonRead, PersonRead
}
