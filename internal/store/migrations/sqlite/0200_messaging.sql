-- Secure messaging between professionals about a file (issue 11 point 5):
-- threads attached to a person's file, their participants with a read
-- receipt each (last_read_at), and their messages. participant_kind is
-- 'worker' today; 'person' is kept open for the portal. A thread never
-- widens access: the door checks the file at every read.
CREATE TABLE message_threads (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL REFERENCES organizations(id),
    person_id       TEXT NOT NULL REFERENCES persons(id),
    subject         TEXT NOT NULL,
    created_by      TEXT NOT NULL,
    created_at      BIGINT NOT NULL,
    last_message_at BIGINT NOT NULL
);
CREATE INDEX message_threads_person ON message_threads (person_id, last_message_at);
CREATE TABLE thread_participants (
    thread_id        TEXT NOT NULL REFERENCES message_threads(id) ON DELETE CASCADE,
    person_id        TEXT NOT NULL REFERENCES persons(id),
    participant_kind TEXT NOT NULL CHECK (participant_kind IN ('worker', 'person')),
    participant_id   TEXT NOT NULL,
    added_at         BIGINT NOT NULL,
    last_read_at     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (thread_id, participant_kind, participant_id)
);
CREATE INDEX thread_participants_who ON thread_participants (participant_kind, participant_id);
CREATE TABLE thread_messages (
    id          TEXT PRIMARY KEY,
    thread_id   TEXT NOT NULL REFERENCES message_threads(id) ON DELETE CASCADE,
    person_id   TEXT NOT NULL REFERENCES persons(id),
    author_kind TEXT NOT NULL CHECK (author_kind IN ('worker', 'person')),
    author_id   TEXT NOT NULL,
    body        TEXT NOT NULL,
    document_id TEXT NOT NULL DEFAULT '',
    created_at  BIGINT NOT NULL
);
CREATE INDEX thread_messages_thread ON thread_messages (thread_id, created_at);
CREATE INDEX thread_messages_person ON thread_messages (person_id);
