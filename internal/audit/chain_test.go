package audit

import (
	"testing"
	"time"
)

func TestVerifier_AcceptsASealedChainAndNamesTheFirstBreak(t *testing.T) {
	var evs []Event
	seq, prev := int64(0), GenesisHash
	for i := range 5 {
		e := Event{ID: string(rune('a' + i)), At: time.UnixMicro(1700000000000000 + int64(i)), ActorID: "w", Action: "person.read", PersonID: "p", Reason: "é"}
		e.Seal(seq, prev)
		seq, prev = e.Seq, e.Hash
		evs = append(evs, e)
	}
	v := NewVerifier(0, "")
	for _, e := range evs {
		if p := v.Next(e); p != nil {
			t.Fatalf("intact chain: %v", p)
		}
	}
	if v.Count != 5 {
		t.Fatalf("count %d", v.Count)
	}
	// Canonical and AppendCanonical agree, and fields cannot slide into
	// each other (length prefixes).
	a, b := evs[0], evs[0]
	a.ActorID, a.OrgID = "wo", ""
	b.ActorID, b.OrgID = "w", "o"
	if string(a.Canonical()) == string(b.Canonical()) || a.ComputeHash() == b.ComputeHash() {
		t.Fatal("two different events encode alike")
	}
	bad := evs[2]
	bad.PersonID = "q"
	v = NewVerifier(0, "")
	v.Next(evs[0])
	v.Next(evs[1])
	if p := v.Next(bad); p == nil || p.Seq != 3 {
		t.Fatalf("modified event: %v", p)
	}
}

// The canonical form is a stored contract: every hash already in a
// database depends on it. This known answer was computed by the first
// implementation; a change here breaks every existing chain.
func TestComputeHash_KnownAnswer(t *testing.T) {
	e := Event{Seq: 42, ID: "0193f0a2-7c1e-7000-8000-000000000001", At: time.UnixMicro(1764000000123456), ActorID: "w1", OrgID: "o1",
		Role: "worker", Action: "person.read", ObjectType: "person", ObjectID: "p1", PersonID: "p1", RequestID: "r1",
		BreakGlass: "bg1", Reason: "Appel du 115 : mise à l'abri", PrevHash: GenesisHash}
	const want = "a1c16a16a560ebbbb61a7ea4518d1ebee86068711618dcf1b4ef226c94464479"
	if got := e.ComputeHash(); got != want {
		t.Fatalf("hash %s, want %s", got, want)
	}
	if ok, _ := (&Event{}).hashMatches(nil); ok {
		t.Fatal("an empty event matched an empty hash")
	}
	e.Hash = want
	if ok, _ := e.hashMatches(nil); !ok {
		t.Fatal("hashMatches disagrees with ComputeHash")
	}
}
