package store

import (
	"context"
	"errors"
	"runtime"
	"testing"
)

// queuedGate waits until g has n waiters in all.
func queuedGate(g *writeGate, n int) {
	for {
		g.mu.Lock()
		k := len(g.first) + len(g.queued)
		g.mu.Unlock()
		if k >= n {
			return
		}
		runtime.Gosched()
	}
}

// TestWriteGate_InOrderUpkeepFirst asserts that the writes pass the gate
// in the order they asked, the upkeep's ahead of the others (the pool's
// own hand-over is random).
func TestWriteGate_InOrderUpkeepFirst(t *testing.T) {
	var g writeGate
	ctx := context.Background()
	if err := g.enter(ctx, false); err != nil {
		t.Fatal(err)
	}
	order := make(chan string, 8)
	asks := []struct {
		name   string
		upkeep bool
	}{{"w1", false}, {"w2", false}, {"seal", true}, {"w3", false}, {"merge", true}}
	for i, a := range asks {
		go func() {
			if err := g.enter(ctx, a.upkeep); err != nil {
				t.Error(err)
				return
			}
			order <- a.name
			g.leave()
		}()
		queuedGate(&g, i+1)
	}
	g.leave()
	var got []string
	for range asks {
		got = append(got, <-order)
	}
	want := []string{"seal", "merge", "w1", "w2", "w3"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("passed in the order %v, want %v", got, want)
		}
	}
	// Open again once everyone has left.
	if err := g.enter(ctx, false); err != nil {
		t.Fatal(err)
	}
	g.leave()
}

// TestWriteGate_CancelledWaiterLeavesTheQueue asserts that a waiter whose
// context ends gives up its place and does not keep the gate from the
// others.
func TestWriteGate_CancelledWaiterLeavesTheQueue(t *testing.T) {
	var g writeGate
	bg := context.Background()
	if err := g.enter(bg, false); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(bg)
	gaveUp := make(chan error, 1)
	go func() { gaveUp <- g.enter(ctx, false) }()
	queuedGate(&g, 1)
	passed := make(chan struct{})
	go func() {
		if err := g.enter(bg, false); err != nil {
			t.Error(err)
		}
		close(passed)
		g.leave()
	}()
	queuedGate(&g, 2)
	cancel()
	if err := <-gaveUp; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled waiter: %v, want context.Canceled", err)
	}
	g.leave()
	<-passed
	g.mu.Lock()
	busy, waiting := g.busy, len(g.first)+len(g.queued)
	g.mu.Unlock()
	if busy || waiting != 0 {
		t.Fatalf("gate busy=%v with %d waiting after everyone left", busy, waiting)
	}
}
