package parcours

// ReviewCount is one cell of the « relecture éthique » statistics: in a
// team and a month (YYYY-MM), how many saved notes kept a flagged category
// and how many had it corrected before saving. It holds no text and names
// no worker.
type ReviewCount struct {
	TeamID    string `json:"team_id"`
	Month     string `json:"month"`
	Category  string `json:"category"`
	Kept      int    `json:"kept"`
	Corrected int    `json:"corrected"`
}
