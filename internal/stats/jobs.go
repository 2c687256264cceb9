package stats

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"parcours/internal/audit"
	"parcours/internal/csvsafe"
	"parcours/internal/parcours"
	"parcours/internal/store"
)

// Large row-level exports run in the background: the request queues an
// export job (export_jobs), the export job of "parcours serve" writes the
// file encrypted to the data directory and notifies the requester, who
// alone may download it (audited) until it expires; the same job then
// deletes it.

// ExportFiles configures the background exports.
type ExportFiles struct {
	// Dir holds the encrypted files (the data directory's exports/).
	Dir string
	// Key encrypts them (AES-256, the keyring's export key).
	Key []byte
	// JobRows: an export of more rows than this is queued (50,000 when
	// zero).
	JobRows int
	// TTL is how long a ready file may be downloaded (24 h when zero).
	TTL time.Duration
}

// Defaults of ExportFiles.
const (
	DefaultJobRows = 50000
	DefaultTTL     = 24 * time.Hour
	// exportAttempts is how often a job is tried before it fails.
	exportAttempts = 3
	// exportLease bounds one run: past it another instance takes over.
	exportLease = time.Hour
)

// Notification kinds of the background exports.
const (
	NotifyExportReady  = "export_ready"
	NotifyExportFailed = "export_failed"
)

// UseExportFiles sets where and how background exports are kept.
func (s *Service) UseExportFiles(c ExportFiles) {
	if c.JobRows <= 0 {
		c.JobRows = DefaultJobRows
	}
	if c.TTL <= 0 {
		c.TTL = DefaultTTL
	}
	s.files = c
}

// ExportSettings returns the background exports' settings.
func (s *Service) ExportSettings() ExportFiles { return s.files }

func (s *Service) exportPath(id string) string { return filepath.Join(s.files.Dir, id) }

// QueueRows decides whether a row-level export runs in the background:
// when force (the caller asked for it) or when it has more than JobRows
// rows, it queues an export job for the actor and returns it (audited as
// stats.export_job.queue); otherwise it returns nil and the caller
// streams the export at once. The actor, the query, the kind and the
// format are checked first, as for ExportRows.
func (s *Service) QueueRows(ctx context.Context, actor parcours.Actor, kind, format string, q Query, force bool) (job *parcours.ExportJob, err error) {
	defer wrap(&err, "QueueRows")
	var f store.StatsFilter
	queue := force
	err = s.db.View(ctx, func(tx *store.Tx) error {
		if f, err = s.filter(ctx, tx, actor, q); err != nil {
			return err
		}
		if err := checkRows(kind, format); err != nil {
			return err
		}
		if !queue && s.files.Key != nil {
			n, err := tx.StatsRowCount(ctx, kind, f)
			if err != nil {
				return err
			}
			queue = n > s.files.JobRows
		}
		return nil
	})
	if err != nil || !queue {
		return nil, err
	}
	if s.files.Key == nil {
		return nil, errors.New("background exports are not configured")
	}
	job = &parcours.ExportJob{OrgID: actor.OrgID, RequesterID: actor.WorkerID, Kind: kind, Format: format,
		From: f.From, To: f.To, TeamID: f.TeamID, WorkerID: f.WorkerID}
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if err := tx.InsertExportJob(ctx, job); err != nil {
			return err
		}
		ev := audit.For(actor, "stats.export_job.queue", "export_job", job.ID, "")
		ev.Reason = kind + ", " + format
		tx.Audit(ev)
		return nil
	})
	return job, err
}

func checkRows(kind, format string) error {
	if !slices.Contains(RowKinds, kind) {
		return parcours.FieldError(parcours.EInvalid, "kind", "error.stats.table")
	}
	if format != FormatCSV && format != FormatXLSX {
		return parcours.FieldError(parcours.EInvalid, "format", "error.stats.format")
	}
	return nil
}

// ExportJob returns the actor's export job id: another worker's, or one
// that does not exist, is not found (its existence does not leak).
func (s *Service) ExportJob(ctx context.Context, actor parcours.Actor, id string) (job *parcours.ExportJob, err error) {
	defer wrap(&err, "ExportJob")
	err = s.db.View(ctx, func(tx *store.Tx) error {
		job, err = s.ownJob(ctx, tx, actor, id)
		return err
	})
	return job, err
}

func (s *Service) ownJob(ctx context.Context, tx *store.Tx, actor parcours.Actor, id string) (*parcours.ExportJob, error) {
	if err := s.check(ctx, tx, actor); err != nil {
		return nil, err
	}
	job, err := tx.ExportJob(ctx, id)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (job.RequesterID != actor.WorkerID || job.OrgID != actor.OrgID)) {
		return nil, parcours.NotFound()
	}
	if err != nil {
		return nil, err
	}
	if job.Status == parcours.ExportReady && !job.ExpiresAt.After(tx.Now()) {
		// Past its expiry, even before the job has deleted it.
		job.Status = parcours.ExportExpired
	}
	return job, nil
}

// OpenExport opens the file of the actor's ready export job id for
// download and audits it (stats.export_job.download). An expired file is
// gone (410), one not yet written a conflict (409).
func (s *Service) OpenExport(ctx context.Context, actor parcours.Actor, id string) (job *parcours.ExportJob, content io.ReadCloser, err error) {
	defer wrap(&err, "OpenExport")
	err = s.db.Transact(ctx, func(tx *store.Tx) error {
		if job, err = s.ownJob(ctx, tx, actor, id); err != nil {
			return err
		}
		switch job.Status {
		case parcours.ExportExpired:
			return parcours.Errorf(parcours.EGone, "error.stats.export_expired")
		case parcours.ExportFailed:
			return parcours.Errorf(parcours.EConflict, "error.stats.export_failed")
		case parcours.ExportQueued, parcours.ExportRunning:
			return parcours.Errorf(parcours.EConflict, "error.stats.export_pending")
		}
		f, err := os.Open(s.exportPath(job.ID))
		if err != nil {
			return err
		}
		r, err := newSealReader(f, s.files.Key, job.ID)
		if err != nil {
			f.Close()
			return err
		}
		content = struct {
			io.Reader
			io.Closer
		}{r, f}
		ev := audit.For(actor, "stats.export_job.download", "export_job", job.ID, "")
		ev.Reason = fmt.Sprintf("%s, %s, %d lignes", job.Kind, job.Format, job.Rows)
		tx.Audit(ev)
		return nil
	})
	if err != nil && content != nil {
		content.Close()
		content = nil
	}
	return job, content, err
}

// RunExports is the export job: it writes every queued export (each
// claimed, so that two instances never write the same one), then deletes
// the files past their expiry. It returns how many jobs it handled.
func (s *Service) RunExports(ctx context.Context, system parcours.Actor) (n int, err error) {
	defer wrap(&err, "RunExports")
	if !system.System {
		return 0, parcours.Errorf(parcours.EForbidden, "error.forbidden")
	}
	if s.files.Key == nil {
		return 0, nil
	}
	for {
		var job *parcours.ExportJob
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			now := tx.Now()
			if _, err := tx.FailStaleExportJobs(ctx, now, exportAttempts, "interrupted"); err != nil {
				return err
			}
			job, err = tx.ClaimExportJob(ctx, now, now.Add(exportLease), exportAttempts)
			return err
		})
		if err != nil {
			return n, err
		}
		if job == nil {
			break
		}
		if err := s.runExport(ctx, job); err != nil {
			return n, err
		}
		n++
	}
	m, err := s.expireExports(ctx)
	return n + m, err
}

// runExport writes one export as its requester (whose rights are checked
// again: a requester no longer manager gets nothing) and records the
// outcome; only a failure to record it is returned.
func (s *Service) runExport(ctx context.Context, job *parcours.ExportJob) error {
	rows, size, runErr := s.writeExport(ctx, job)
	return s.db.Transact(ctx, func(tx *store.Tx) error {
		now := tx.Now()
		kind := NotifyExportReady
		if runErr == nil {
			job.Status, job.Rows, job.Size, job.ReadyAt, job.ExpiresAt = parcours.ExportReady, rows, size, now, now.Add(s.files.TTL)
		} else {
			os.Remove(s.exportPath(job.ID))
			job.LastError = runErr.Error()
			if code := parcours.ErrorCode(runErr); code != parcours.EInternal || job.Attempts >= exportAttempts {
				job.Status, kind = parcours.ExportFailed, NotifyExportFailed
			} else {
				job.Status, kind = parcours.ExportQueued, ""
			}
		}
		ok, err := tx.FinishExportJob(ctx, job)
		if err != nil || !ok {
			return err
		}
		if kind != "" {
			return tx.InsertNotification(ctx, &parcours.Notification{WorkerID: job.RequesterID, Kind: kind, ObjectID: job.ID})
		}
		return nil
	})
}

func (s *Service) writeExport(ctx context.Context, job *parcours.ExportJob) (rows int, size int64, err error) {
	var actor parcours.Actor
	err = s.db.View(ctx, func(tx *store.Tx) error {
		w, err := tx.Worker(ctx, job.RequesterID)
		if err != nil {
			return err
		}
		if w.Disabled {
			return parcours.Errorf(parcours.EForbidden, "error.forbidden")
		}
		actor = w.Actor()
		return nil
	})
	if err != nil {
		return 0, 0, err
	}
	if err := os.MkdirAll(s.files.Dir, 0o700); err != nil {
		return 0, 0, err
	}
	tmp, err := os.CreateTemp(s.files.Dir, "incoming-*")
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		tmp.Close()
		if err != nil {
			os.Remove(tmp.Name())
		}
	}()
	sw, err := newSealWriter(tmp, s.files.Key, job.ID)
	if err != nil {
		return 0, 0, err
	}
	q := Query{From: job.From, To: job.To, TeamID: job.TeamID, WorkerID: job.WorkerID}
	switch job.Format {
	case FormatCSV:
		if _, err := io.WriteString(sw, "\ufeff"); err != nil {
			return 0, 0, err
		}
		cw := csvsafe.NewWriter(sw, ';')
		if rows, err = s.ExportRows(ctx, actor, job.Kind, job.Format, q, func() error { return cw.Write(RowHeader(job.Kind)) }, cw.Write); err != nil {
			return 0, 0, err
		}
		if err := cw.Flush(); err != nil {
			return 0, 0, err
		}
	case FormatXLSX:
		if rows, err = s.exportXLSX(ctx, actor, job, q, sw); err != nil {
			return 0, 0, err
		}
	}
	if err := sw.Close(); err != nil {
		return 0, 0, err
	}
	if err := tmp.Sync(); err != nil {
		return 0, 0, err
	}
	st, err := tmp.Stat()
	if err != nil {
		return 0, 0, err
	}
	if err := os.Rename(tmp.Name(), s.exportPath(job.ID)); err != nil {
		return 0, 0, err
	}
	return rows, st.Size(), nil
}

// exportXLSX writes the rows with excelize's stream writer (bounded
// memory, spilling to a temporary file) to w.
func (s *Service) exportXLSX(ctx context.Context, actor parcours.Actor, job *parcours.ExportJob, q Query, w io.Writer) (int, error) {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return 0, err
	}
	line := 0
	row := func(rec []string) error {
		line++
		cell, err := excelize.CoordinatesToCellName(1, line)
		if err != nil {
			return err
		}
		vals := make([]any, len(rec))
		for i, v := range rec {
			vals[i] = v // text cells: a value is never read as a formula
		}
		return sw.SetRow(cell, vals)
	}
	n, err := s.ExportRows(ctx, actor, job.Kind, job.Format, q, func() error { return row(RowHeader(job.Kind)) }, row)
	if err != nil {
		return 0, err
	}
	if err := sw.Flush(); err != nil {
		return 0, err
	}
	return n, f.Write(w)
}

// expireExports deletes the files of the jobs past their expiry (and of
// the failed ones after the same delay), audited without personal data.
func (s *Service) expireExports(ctx context.Context) (int, error) {
	var due []string
	err := s.db.View(ctx, func(tx *store.Tx) error {
		var err error
		due, err = tx.DueExportJobs(ctx, tx.Now(), tx.Now().Add(-s.files.TTL))
		return err
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, id := range due {
		err := s.db.Transact(ctx, func(tx *store.Tx) error {
			ok, err := tx.ExpireExportJob(ctx, id)
			if err != nil || !ok {
				return err
			}
			tx.Audit(audit.For(parcours.SystemActor(), "stats.export_job.expire", "export_job", id, ""))
			n++
			return nil
		})
		if err != nil {
			return n, err
		}
		// After the commit: a file whose row still says ready is never
		// missing; a crash here leaves a file the sweep below removes.
		if err := os.Remove(s.exportPath(id)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return n, err
		}
	}
	return n, s.sweepExports(ctx)
}

// sweepExports removes the leftovers of crashes: files of jobs that are
// no longer ready (or unknown), and unfinished writes older than a
// lease.
func (s *Service) sweepExports(ctx context.Context) error {
	entries, err := os.ReadDir(s.files.Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.db.Now()
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, "incoming-") {
			if info, err := e.Info(); err == nil && now.Sub(info.ModTime()) > exportLease {
				os.Remove(filepath.Join(s.files.Dir, name))
			}
			continue
		}
		var status string
		err := s.db.View(ctx, func(tx *store.Tx) error {
			job, err := tx.ExportJob(ctx, name)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err == nil {
				status = job.Status
			}
			return err
		})
		if err != nil {
			return err
		}
		if status != parcours.ExportReady && status != parcours.ExportRunning {
			os.Remove(filepath.Join(s.files.Dir, name))
		}
	}
	return nil
}
