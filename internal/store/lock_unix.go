//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// lockSQLite takes an advisory lock (flock) on the lock file beside a
// SQLite database: shared by every process that has the database open
// (serve, admin commands), exclusive for restore, which replaces the file
// under them. The lock is released when the returned file is closed or
// the process ends, so a crash never leaves it behind. errDatabaseBusy
// means another process holds it the other way.
func lockSQLite(path string, exclusive bool) (*os.File, error) {
	f, err := os.OpenFile(path+".lock", os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, errDatabaseBusy
		}
		return nil, err
	}
	return f, nil
}
