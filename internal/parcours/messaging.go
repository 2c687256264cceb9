package parcours

import "time"

// Secure messaging between professionals about a file (issue 11): a
// thread on a person's file, its participants (workers; the person later,
// through the portal) and its messages.

// Participant kinds.
const (
	ParticipantWorker = "worker"
	ParticipantPerson = "person"
)

// Limits of a thread's texts, in characters.
const (
	ThreadSubjectMax = 200
	MessageBodyMax   = 10000
)

// Thread is a conversation on a person's file.
type Thread struct {
	ID            string    `json:"id"`
	OrgID         string    `json:"organization_id"`
	PersonID      string    `json:"person_id"`
	Subject       string    `json:"subject"`
	CreatedBy     string    `json:"created_by"`
	CreatedAt     time.Time `json:"created_at"`
	LastMessageAt time.Time `json:"last_message_at"`
	// ReferralID is the referral the thread is under: professionals of
	// the sending and the receiving structure write in it while the
	// referral shares the file. "" for the file's own threads.
	ReferralID string `json:"referral_id,omitempty"`
	// Closed: the referral no longer shares the file (refused, expired,
	// cancelled or ended); the thread is read-only.
	Closed bool `json:"closed,omitempty"`
	// Unread is how many messages the reader has not read yet (lists).
	Unread int `json:"unread"`
	// Participants are who takes part, with their read receipts.
	Participants []*ThreadParticipant `json:"participants"`
}

// ThreadParticipant is one participant of a thread with their read
// receipt: the instant of the last message they read (zero: none yet).
type ThreadParticipant struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Structure names the organisation of a worker in a thread under a
	// referral (both structures take part).
	Structure  string    `json:"structure,omitempty"`
	AddedAt    time.Time `json:"added_at"`
	LastReadAt time.Time `json:"last_read_at,omitzero"`
}

// ThreadMessage is one message of a thread.
type ThreadMessage struct {
	ID         string    `json:"id"`
	ThreadID   string    `json:"thread_id"`
	AuthorKind string    `json:"author_kind"`
	AuthorID   string    `json:"author_id"`
	AuthorName string    `json:"author_name,omitempty"`
	Body       string    `json:"body"`
	DocumentID string    `json:"document_id,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// Takes reports whether the participant (kind, id) takes part in t.
func (t *Thread) Takes(kind, id string) bool {
	for _, p := range t.Participants {
		if p.Kind == kind && p.ID == id {
			return true
		}
	}
	return false
}

// Professionals names the workers taking part, in the order they joined
// (for the person's pages, which name whom they write to).
func (t *Thread) Professionals() []string {
	out := []string{}
	for _, p := range t.Participants {
		if p.Kind == ParticipantWorker {
			out = append(out, p.Name)
		}
	}
	return out
}

// WithPerson reports whether the person takes part (through the portal).
func (t *Thread) WithPerson() bool {
	for _, p := range t.Participants {
		if p.Kind == ParticipantPerson {
			return true
		}
	}
	return false
}
