package parcours

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"
)

// encodingJSON is what web.WriteJSON sends for v, without its newline.
func encodingJSON(t *testing.T, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// trickyStrings are what a string may hold that JSON must escape or
// replace, and the empty string that omitempty drops.
var trickyStrings = []string{
	"", "a", "01a224bb-3a66-7910-a9f6-b26d0b3c28be", "Dossier « RSA » complété, l'été — 1 874,50 €",
	`quote " and \ backslash`, "<script>alert('x')</script> & co", "line\nbreak\ttab\rret\bbs\ffeed",
	"\x00\x01\x1f\x7f", "sep\u2028and\u2029", "bad \xff\xfe utf8 \xc3", "emoji 👩‍👧 ok", "é", "\u00a0nbsp",
}

func randomString(r *rand.Rand) string {
	if r.IntN(3) == 0 {
		return trickyStrings[r.IntN(len(trickyStrings))]
	}
	b := make([]byte, r.IntN(12))
	for i := range b {
		b[i] = byte(r.IntN(256)) // any byte: ASCII, control, broken UTF-8
	}
	return string(b)
}

// fillRandomly sets every field of the struct v points to, failing on a
// kind of field it does not know: a new field then needs a look here
// and in AppendJSON.
func fillRandomly(t *testing.T, r *rand.Rand, v any) {
	t.Helper()
	s := reflect.ValueOf(v).Elem()
	for i := range s.NumField() {
		f := s.Field(i)
		switch f.Interface().(type) {
		case string:
			f.SetString(randomString(r))
		case []string:
			switch r.IntN(4) {
			case 0: // nil
			case 1:
				f.Set(reflect.ValueOf([]string{}))
			default:
				list := make([]string, 1+r.IntN(3))
				for j := range list {
					list[j] = randomString(r)
				}
				f.Set(reflect.ValueOf(list))
			}
		case time.Time:
			var tm time.Time
			switch r.IntN(4) {
			case 0: // zero
			case 1:
				tm = time.Unix(r.Int64N(4e9), 0).UTC()
			case 2:
				tm = time.Unix(r.Int64N(4e9), r.Int64N(1e9)).UTC()
			default:
				tm = time.Unix(r.Int64N(4e9), r.Int64N(1e9)).In(time.FixedZone("", 3600*r.IntN(14)-1800))
			}
			f.Set(reflect.ValueOf(tm))
		case Sex:
			f.SetString(randomString(r))
		case int:
			f.SetInt(r.Int64N(1<<40) - 1000)
		case Address:
			fillRandomly(t, r, f.Addr().Interface())
		default:
			t.Fatalf("field %s of %s: unknown type %s (add it to AppendJSON and this test)", s.Type().Field(i).Name, s.Type(), f.Type())
		}
	}
}

func TestAppendJSON_SameBytesAsEncodingJSON(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 200))
	for i := range 3000 {
		var e JournalEntry
		fillRandomly(t, r, &e)
		got, ok := e.AppendJSON(nil)
		if !ok {
			t.Fatalf("entry %d: AppendJSON refused %+v", i, e)
		}
		if want := encodingJSON(t, &e); !bytes.Equal(got, want) {
			t.Fatalf("entry %d:\n got %s\nwant %s", i, got, want)
		}
	}
	for i := range 3000 {
		var p Person
		fillRandomly(t, r, &p)
		if i%3 == 0 {
			p.Address = Address{City: p.Address.City} // as a search shows it
		}
		got, ok := p.AppendJSON(nil)
		if !ok {
			t.Fatalf("person %d: AppendJSON refused %+v", i, p)
		}
		if want := encodingJSON(t, &p); !bytes.Equal(got, want) {
			t.Fatalf("person %d:\n got %s\nwant %s", i, got, want)
		}
	}
	if got, ok := (&Page[*Person]{Items: []*Person{{ID: "p", CreatedAt: time.Unix(2, 0).UTC()}, nil}}).AppendJSON(nil); !ok ||
		!bytes.Equal(got, encodingJSON(t, &Page[*Person]{Items: []*Person{{ID: "p", CreatedAt: time.Unix(2, 0).UTC()}, nil}})) {
		t.Errorf("page of persons: got %s", got)
	}
	for _, s := range trickyStrings {
		if got, want := appendJSONString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Errorf("%q: got %s, want %s", s, got, want)
		}
	}
	// Pages: of entries (a nil one among them), empty, without items.
	pages := []*Page[*JournalEntry]{
		{Items: []*JournalEntry{{ID: "a", CreatedAt: time.Unix(1, 5).UTC()}, nil, {Summary: "<b>"}}, NextCursor: "abc=="},
		{Items: []*JournalEntry{}},
		{},
		nil,
	}
	for i, p := range pages {
		got, ok := p.AppendJSON(nil)
		if want := encodingJSON(t, p); !ok || !bytes.Equal(got, want) {
			t.Errorf("page %d (%v):\n got %s\nwant %s", i, ok, got, want)
		}
	}
}

// Long strings, where appendJSONString skips eight plain bytes at a time:
// every byte that needs a look, at every offset of the eight, between
// runs of plain text of any length, must come out as encoding/json
// writes it.
func TestAppendJSONString_LongStrings(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 8))
	specials := []string{"\"", "\\", "<", ">", "&", "\x00", "\x1f", "\n", "\x7f", "é", "€", "👩‍👧", "\u2028", "\u2029", "\xff", "\xc3", "\xe2\x80"}
	const plain = "abcdefghijklmnopqrstuvwxyz ABC-0123456789_/.,;:!?'()[]{}=+*%$#@~^`|"
	for i := range 20000 {
		var b []byte
		for range r.IntN(8) {
			for range r.IntN(20) {
				b = append(b, plain[r.IntN(len(plain))])
			}
			if r.IntN(4) > 0 {
				b = append(b, specials[r.IntN(len(specials))]...)
			}
		}
		s := string(b)
		if got, want := appendJSONString(nil, s), encodingJSON(t, s); !bytes.Equal(got, want) {
			t.Fatalf("string %d %q:\n got %s\nwant %s", i, s, got, want)
		}
	}
}

// A value AppendJSON cannot write as encoding/json would is refused,
// for the caller to fall back: a time outside years 0–9999, or a page of
// items that do not append themselves.
func TestAppendJSON_RefusesWhatItCannotWrite(t *testing.T) {
	e := &JournalEntry{CreatedAt: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}
	if _, ok := e.AppendJSON(nil); ok {
		t.Error("a year past 9999 was written")
	}
	if _, ok := (&Page[*JournalEntry]{Items: []*JournalEntry{e}}).AppendJSON(nil); ok {
		t.Error("a page with a year past 9999 was written")
	}
	if _, ok := (&Person{UpdatedAt: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)}).AppendJSON(nil); ok {
		t.Error("a person updated before year 0 was written")
	}
	type plain struct{ A int }
	if _, ok := (&Page[plain]{Items: []plain{{}}}).AppendJSON(nil); ok {
		t.Error("a page of items without AppendJSON was written")
	}
}
