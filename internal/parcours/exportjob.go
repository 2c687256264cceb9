package parcours

import "time"

// States of an export job (a large row-level export run in the
// background).
const (
	ExportQueued  = "queued"
	ExportRunning = "running"
	ExportReady   = "ready"
	ExportFailed  = "failed"
	ExportExpired = "expired"
)

// ExportJob is a row-level export of the statistics queued for the
// background: its file is downloadable by its requester only, until
// ExpiresAt, then deleted.
type ExportJob struct {
	ID          string    `json:"id"`
	OrgID       string    `json:"organization_id"`
	RequesterID string    `json:"requester_id"`
	Kind        string    `json:"kind"`
	Format      string    `json:"format"`
	From        string    `json:"from"`
	To          string    `json:"to"`
	TeamID      string    `json:"team_id,omitempty"`
	WorkerID    string    `json:"worker_id,omitempty"`
	Status      string    `json:"status"`
	Attempts    int       `json:"-"`
	Rows        int       `json:"row_count"`
	Size        int64     `json:"size"`
	LastError   string    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	ReadyAt     time.Time `json:"ready_at,omitzero"`
	ExpiresAt   time.Time `json:"expires_at,omitzero"`
}
