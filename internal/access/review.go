package access

import "parcours/internal/parcours"

// The « relecture éthique » (issue 18). Reviewing a text stores and logs
// nothing, yet it is for those who write notes: workers and managers,
// who hold journal.write. Admins configure and never write notes
// (separation of duties); reception writes no journal. The counts of
// flags kept or corrected are for managers, who organise training; they
// are per team and month, never per worker.
const (
	ReviewText  Action = "review.text"  // analyse a text before saving it; record what was kept
	ReviewStats Action = "review.stats" // counts per team and month
)

func init() {
	roleActions[parcours.RoleWorker][ReviewText] = true
	roleActions[parcours.RoleManager][ReviewText] = true
	roleActions[parcours.RoleManager][ReviewStats] = true
}
