package file

import (
	"context"

	"parcours/internal/access"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// AssignedTasks returns the actor's open tasks due on or before until, on
// the files whose tasks the actor may still read, and how many others they
// hold (a task on a file they no longer follow shows neither its person
// nor its title: the worker is told to ask their manager). Two statements
// whatever the number of files.
func AssignedTasks(ctx context.Context, tx *store.Tx, actor parcours.Actor, until string, limit int) ([]store.PersonTask, int, error) {
	list, err := tx.OpenTasksWithPersons(ctx, actor.WorkerID, until, limit)
	if err != nil || len(list) == 0 {
		return nil, 0, err
	}
	files, err := openPersons(ctx, tx, actor, len(list), func(i int) string { return list[i].PersonID })
	if err != nil {
		return nil, 0, err
	}
	out, hidden := list[:0:0], 0
	for _, t := range list {
		if f := files[t.PersonID]; f != nil && f.Can(access.TaskRead) {
			out = append(out, t)
		} else {
			hidden++
		}
	}
	return out, hidden, nil
}

// RecentFiles returns the files the actor opened last and may still open.
func RecentFiles(ctx context.Context, tx *store.Tx, actor parcours.Actor, limit int) ([]store.RecentVisit, error) {
	visits, err := tx.RecentVisits(ctx, actor.WorkerID, limit)
	if err != nil || len(visits) == 0 {
		return nil, err
	}
	files, err := openPersons(ctx, tx, actor, len(visits), func(i int) string { return visits[i].PersonID })
	if err != nil {
		return nil, err
	}
	out := visits[:0:0]
	for _, v := range visits {
		if f := files[v.PersonID]; f != nil && f.Can(access.PersonRead) {
			out = append(out, v)
		}
	}
	return out, nil
}

func openPersons(ctx context.Context, tx *store.Tx, actor parcours.Actor, n int, id func(int) string) (map[string]*File, error) {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = id(i)
	}
	return OpenMany(ctx, tx, actor, ids, false)
}
