//go:build !unix

package store

import "os"

// lockSQLite is a no-op where flock does not exist: restore then relies on
// the operator stopping the server first, as documented.
func lockSQLite(path string, exclusive bool) (*os.File, error) { return nil, nil }
