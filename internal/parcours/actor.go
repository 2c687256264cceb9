package parcours

import (
	"context"
	"slices"
)

// Role is a worker's role inside their organisation.
type Role string

const (
	RoleAdmin     Role = "admin"
	RoleManager   Role = "manager"
	RoleWorker    Role = "worker"
	RoleReception Role = "reception"
)

// Roles lists every role, in order of the UI.
var Roles = []Role{RoleAdmin, RoleManager, RoleWorker, RoleReception}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Actor is the authenticated worker on whose behalf a service method runs.
// Every service method takes one and asks the policy about it; there is no
// "system" bypass except the explicit System actor used by CLI commands run
// by the operator.
type Actor struct {
	WorkerID string
	OrgID    string
	Role     Role
	TeamIDs  []string
	// System marks an operator acting from the command line (admin
	// create-*, seed, demo). It is never produced by an HTTP request.
	System bool
	// RequestID links the audit events of one request.
	RequestID string
	// Portal is set for the person portal's actors (the person, or their
	// delegate), who have no WorkerID and reach their own file only.
	Portal *PortalActor
}

// IsPortal reports whether the actor is a person or delegate on the portal.
func (a Actor) IsPortal() bool { return a.Portal != nil }

// ID is who the actor is in records (audit, created_by): the worker's id,
// or "portal:<account id>" for the portal's actors.
func (a Actor) ID() string {
	if a.Portal != nil {
		return "portal:" + a.Portal.AccountID
	}
	return a.WorkerID
}

// InTeam reports whether the actor belongs to team id.
func (a Actor) InTeam(id string) bool { return slices.Contains(a.TeamIDs, id) }

// SystemActor is the operator at the console.
func SystemActor() Actor { return Actor{System: true, WorkerID: "system"} }

type actorKey struct{}

// WithActor returns a context carrying the actor.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx and whether there is one.
func ActorFrom(ctx context.Context) (Actor, bool) {
	a, ok := ctx.Value(actorKey{}).(Actor)
	return a, ok
}
