package access

import "parcours/internal/parcours"

// The household budget and the aid requests (issue 12). Budgets and
// requests are part of the household's file: case workers who follow one
// of its members read and write them (writes are lasting: never under a
// break-glass alone). The commission is the managers': they set it up,
// read its agenda (the requests placed on it, with the budget each was
// made with), decide, and print the minutes; that reading rests on the
// request being put before the commission, not on a relation to the
// household.
const (
	BudgetRead       Action = "budget.read"
	BudgetWrite      Action = "budget.write"
	AidRead          Action = "aid.read"
	AidWrite         Action = "aid.write" // a request, its placing on an agenda, its payment
	CommissionManage Action = "commission.manage"
)

func init() {
	for _, r := range []parcours.Role{parcours.RoleWorker, parcours.RoleManager} {
		for _, a := range []Action{BudgetRead, BudgetWrite, AidRead, AidWrite} {
			roleActions[r][a] = true
		}
	}
	roleActions[parcours.RoleManager][CommissionManage] = true
	lasting[BudgetWrite], lasting[AidWrite] = true, true
}
