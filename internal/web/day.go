package web

import (
	"context"
	"time"

	"parcours/internal/parcours"
)

// The day of "Ma journée" is the shell's: the home page (web/homeweb)
// shows it, and the areas that own its data (web/casefileweb) fill it
// through Services.Day.

// DayItem is one line of "Ma journée": something to open, with a date.
type DayItem struct {
	Href  string
	Label string // already-escaped text from data (a name, a title), never a key
	// When is the appointment time or the due date; zero when it has none.
	When time.Time
	// Note is a catalogue key qualifying the item ("en retard", …), or "".
	Note string
}

// Day is what "Ma journée" shows. A nil section means the feature that
// owns it is not available, and the page says so; an empty one shows its
// empty state.
type Day struct {
	Appointments []DayItem // today's appointments
	// Tasks are the worker's open tasks due today or before, the late
	// ones first and marked « en retard ».
	Tasks []DayItem
	// Handovers are files handed over to the worker, waiting for them
	// to acknowledge them.
	Handovers []DayItem
	// HiddenTasks counts the worker's open tasks on files they may no
	// longer read: the page says how many, never what.
	HiddenTasks int
	RecentFiles []DayItem // person files the worker opened lately
	// DeskMessages are the visits the front desk logged for the worker
	// lately, with the message taken (web/homeweb).
	DeskMessages []DayItem
	ToReview     []DayItem // for managers: items waiting for review
}

// DaySource builds a worker's day. The features that own the data (agenda,
// tasks, case files, access reviews) provide it; it must check access and
// audit like any service method.
type DaySource interface {
	Day(ctx context.Context, actor parcours.Actor, now time.Time) (*Day, error)
}
