-- Every side effect of a case is a tracked step: recorded `pending` before it is attempted (in the
-- same transaction as the case for the removal's delete and notices), then `done` or `failed`.
-- A pending step whose `next_at` has come is retried (after a restart too); `attempts` drives the
-- backoff, and a rate limit's retry_after sets `next_at`. One row per (case, kind): a kind is never
-- carried out twice for a case, which is what keeps an author from getting two notices.
-- Portable SQL: plain types, a partial index (PostgreSQL has them too), ISO-8601 UTC text times.

CREATE TABLE case_steps (
    case_id    INTEGER NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
    kind       TEXT    NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('pending', 'done', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_at    TEXT,
    error      TEXT,
    detail     TEXT,
    updated_at TEXT    NOT NULL,
    PRIMARY KEY (case_id, kind)
);

CREATE INDEX case_steps_due ON case_steps (next_at) WHERE state = 'pending';

-- The last message screened in each channel, so that catch-up after downtime starts after it.
CREATE TABLE channel_marks (
    platform   TEXT NOT NULL,
    community  TEXT NOT NULL,
    channel    TEXT NOT NULL,
    message_id TEXT NOT NULL,
    at         TEXT NOT NULL,
    PRIMARY KEY (platform, community, channel)
);
