package store

import "context"

// Begin is what an Observer is told when a transaction starts; every
// other call names the SQL statement about to run (before rebinding).
const Begin = "BEGIN"

// An Observer hears of every statement and transaction run on behalf of
// a context. The statement-budget tests (storetest.Counter) use it to
// count what one HTTP request costs, without timing anything; production
// code attaches none.
type Observer func(statement string)

type observerKey struct{}

// WithObserver returns a context whose statements and transactions are
// reported to o.
func WithObserver(ctx context.Context, o Observer) context.Context {
	return context.WithValue(ctx, observerKey{}, o)
}

func observe(ctx context.Context, q string) {
	if o, _ := ctx.Value(observerKey{}).(Observer); o != nil {
		o(q)
	}
}
