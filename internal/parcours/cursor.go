package parcours

import (
	"encoding/base64"
	"encoding/json"
)

// EncodeCursor turns the sort key of the last item of a page into an
// opaque cursor. An empty key gives "" (no next page).
func EncodeCursor(key []string) string {
	if len(key) == 0 {
		return ""
	}
	b, _ := json.Marshal(key)
	return base64.RawURLEncoding.EncodeToString(b)
}

// DecodeCursor reverses EncodeCursor; want is the number of key parts the
// list expects. "" decodes to nil (first page).
func DecodeCursor(c string, want int) ([]string, error) {
	if c == "" {
		return nil, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(c)
	var key []string
	if err == nil {
		err = json.Unmarshal(b, &key)
	}
	if err != nil || len(key) != want {
		return nil, FieldError(EBadRequest, "cursor", "error.invalid_cursor")
	}
	return key, nil
}

// Page is a list with the cursor of the next page ("" at the end).
type Page[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// PageLimit keeps a page size between 1 and 200, 50 by default (0).
func PageLimit(n int) int {
	switch {
	case n <= 0:
		return 50
	case n > 200:
		return 200
	}
	return n
}

// PageOf makes the page of a list read with one row more than limit:
// that extra row tells there is a next page, whose cursor is the key of
// this page's last item.
func PageOf[T any](list []T, limit int, key func(T) []string) Page[T] {
	if list == nil {
		list = []T{}
	}
	if len(list) <= limit {
		return Page[T]{Items: list}
	}
	list = list[:limit]
	return Page[T]{Items: list, NextCursor: EncodeCursor(key(list[limit-1]))}
}
