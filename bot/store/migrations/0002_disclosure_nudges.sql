-- Disclosure nudges: private notes to team members whose sponsored post lacks a proper label.
-- One row per post. The post text and the suggested fix are kept only while the nudge is open
-- (the CHECK below makes closing a nudge purge them); closed rows are deleted after the
-- charter's disclosure retention.

CREATE TABLE disclosure_nudges (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    platform        TEXT    NOT NULL,
    community       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    lang            TEXT    NOT NULL,
    jurisdiction    TEXT    NOT NULL,
    severity        TEXT    NOT NULL CHECK (severity IN ('soft', 'misplaced', 'insufficient', 'missing')),
    label           TEXT,
    suggested_label TEXT    NOT NULL,
    brand           TEXT,
    signals         TEXT    NOT NULL CHECK (json_valid(signals)),
    suggestion      TEXT,
    post_text       TEXT,
    state           TEXT    NOT NULL
        CHECK (state IN ('open', 'reminded', 'escalated', 'fixed', 'not_sponsored', 'withdrawn')),
    delivery        TEXT    NOT NULL CHECK (delivery IN ('pending', 'done', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 1 CHECK (attempts >= 0),
    delivery_error  TEXT,
    note            TEXT,
    resolved_by     TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    claimed_at      TEXT    NOT NULL,
    reminded_at     TEXT,
    escalated_at    TEXT,
    resolved_at     TEXT,
    UNIQUE (platform, message_id),
    CHECK (state IN ('open', 'reminded', 'escalated') OR (post_text IS NULL AND suggestion IS NULL)),
    CHECK (state IN ('open', 'reminded', 'escalated') OR resolved_at IS NOT NULL)
);

CREATE INDEX disclosure_nudges_open ON disclosure_nudges (state, created_at)
    WHERE state IN ('open', 'reminded', 'escalated');
CREATE INDEX disclosure_nudges_by_community ON disclosure_nudges (platform, community, created_at);
CREATE INDEX disclosure_nudges_closed ON disclosure_nudges (resolved_at) WHERE resolved_at IS NOT NULL;
