-- Renewal reminders (package casefile): one notification per mandate or
-- domiciliation, end date and threshold (days before the end), whoever
-- runs the daily job and however often. No personal data: object ids.
CREATE TABLE renewal_reminders (
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    end_date    TEXT NOT NULL,
    days        INTEGER NOT NULL,
    sent_at     BIGINT NOT NULL,
    PRIMARY KEY (object_kind, object_id, end_date, days)
);
