package parcours

import "time"

// DocumentShare is a worker's decision about showing a document of the
// file to the person in their portal (« partagé avec la personne »); the
// latest one counts, and a document without one is not shared.
type DocumentShare struct {
	DocumentID string    `json:"document_id"`
	PersonID   string    `json:"person_id"`
	Shared     bool      `json:"shared"`
	SetBy      string    `json:"set_by"`
	SetAt      time.Time `json:"set_at"`
}
