package auth

import (
	"slices"
	"sync"
	"time"

	"parcours/internal/parcours"
)

// TokenCacheTTL is how long an API token's resolution (its worker, role,
// teams) is reused without asking the database. Revoking the token, and
// disabling, changing the password, the role or the teams of its worker
// drop it at once, on every instance (store.OnActorChange: in process, and
// through LISTEN/NOTIFY on PostgreSQL); the time limit only bounds what a
// missed change could cost.
const TokenCacheTTL = 30 * time.Second

// SessionCacheTTL is the same for a browser session's resolution (its
// worker, second-factor state, CSRF token): logging out, ending the
// worker's sessions (password change, disabling, a new second factor)
// and every change to the worker drop it at once on every instance.
const SessionCacheTTL = 30 * time.Second

// credentialCacheMax bounds the entries of one cache; past it the
// expired ones go.
const credentialCacheMax = 10_000

// credentialCache maps the hash of a credential (API token, session
// secret) to what it resolves to: the worker, and what else the
// credential carries (T). It hears of worker changes (forget).
type credentialCache[T any] struct {
	mu  sync.Mutex
	ttl time.Duration
	// gen counts the changes heard: a lookup that began before a change
	// does not cache what it read (it may be what the change replaced).
	gen     uint64
	entries map[string]*cached[T] // by credential hash
}

type cached[T any] struct {
	worker  parcours.Worker
	data    T
	expires time.Time
}

// tokenData is what a cached API token carries besides its worker.
type tokenData struct {
	tokenID  string
	lastUsed time.Time // as recorded in the database
}

type tokenCache = credentialCache[tokenData]

func newCredentialCache[T any](ttl time.Duration) *credentialCache[T] {
	return &credentialCache[T]{ttl: ttl, entries: map[string]*cached[T]{}}
}

func newTokenCache() *tokenCache { return newCredentialCache[tokenData](TokenCacheTTL) }

// get returns a copy of the live entry of hash, if any.
func (c *credentialCache[T]) get(hash string, now time.Time) (cached[T], bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[hash]
	if e == nil || !now.Before(e.expires) {
		return cached[T]{}, false
	}
	out := *e
	out.worker.TeamIDs = slices.Clone(e.worker.TeamIDs)
	return out, true
}

// generation is read before a lookup, for put.
func (c *credentialCache[T]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches w and data for hash until now+ttl, unless a change was heard
// since gen.
func (c *credentialCache[T]) put(hash string, w parcours.Worker, data T, now time.Time, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= credentialCacheMax {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= credentialCacheMax {
			clear(c.entries)
		}
	}
	w.TeamIDs = slices.Clone(w.TeamIDs)
	c.entries[hash] = &cached[T]{worker: w, data: data, expires: now.Add(c.ttl)}
}

// update changes the data of hash's entry, if any.
func (c *credentialCache[T]) update(hash string, fn func(*T)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[hash]; e != nil {
		fn(&e.data)
	}
}

// drop forgets the entry of hash (the credential ended here).
func (c *credentialCache[T]) drop(hash string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	delete(c.entries, hash)
}

// forget drops the entries of workerID, or every entry for "".
func (c *credentialCache[T]) forget(workerID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if workerID == "" {
		clear(c.entries)
		return
	}
	for k, e := range c.entries {
		if e.worker.ID == workerID {
			delete(c.entries, k)
		}
	}
}
