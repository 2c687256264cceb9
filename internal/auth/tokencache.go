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

// tokenCacheMax bounds the entries kept; past it the expired ones go.
const tokenCacheMax = 10_000

type tokenCache struct {
	mu sync.Mutex
	// gen counts the changes heard: a lookup that began before a change
	// does not cache what it read (it may be what the change replaced).
	gen     uint64
	entries map[string]*cachedToken // by token hash
}

type cachedToken struct {
	worker   parcours.Worker
	tokenID  string
	lastUsed time.Time // as recorded in the database
	expires  time.Time
}

func newTokenCache() *tokenCache {
	return &tokenCache{entries: map[string]*cachedToken{}}
}

// get returns a copy of the live entry of hash, if any.
func (c *tokenCache) get(hash string, now time.Time) (cachedToken, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entries[hash]
	if e == nil || !now.Before(e.expires) {
		return cachedToken{}, false
	}
	out := *e
	out.worker.TeamIDs = slices.Clone(e.worker.TeamIDs)
	return out, true
}

// generation is read before a lookup, for put.
func (c *tokenCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches e for hash unless a change was heard since gen.
func (c *tokenCache) put(hash string, e cachedToken, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return
	}
	if len(c.entries) >= tokenCacheMax {
		now := e.expires.Add(-TokenCacheTTL)
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= tokenCacheMax {
			clear(c.entries)
		}
	}
	e.worker.TeamIDs = slices.Clone(e.worker.TeamIDs)
	c.entries[hash] = &e
}

// used records a new last use of the token of hash.
func (c *tokenCache) used(hash string, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[hash]; e != nil {
		e.lastUsed = at
	}
}

// forget drops the entries of workerID, or every entry for "".
func (c *tokenCache) forget(workerID string) {
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
