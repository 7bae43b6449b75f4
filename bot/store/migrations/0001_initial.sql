-- Cases, their append-only audit trail, and per-community settings.

CREATE TABLE cases (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    platform        TEXT    NOT NULL,
    community       TEXT    NOT NULL,
    channel         TEXT    NOT NULL,
    message_id      TEXT    NOT NULL,
    author_id       TEXT    NOT NULL,
    author_name     TEXT    NOT NULL,
    rule_id         TEXT    NOT NULL,
    clause          INTEGER NOT NULL,
    charter_version TEXT    NOT NULL,
    charter_hash    TEXT    NOT NULL,
    action          TEXT    NOT NULL CHECK (action IN ('warn', 'review', 'remove')),
    evidence        TEXT    NOT NULL CHECK (json_valid(evidence)),
    confidence      REAL    NOT NULL,
    automated       INTEGER NOT NULL CHECK (automated IN (0, 1)),
    actor_id        TEXT    NOT NULL,
    source          TEXT    NOT NULL CHECK (source IN ('automated', 'moderator', 'report', 'platform_automod')),
    content         TEXT,
    lang            TEXT,
    status          TEXT    NOT NULL
        CHECK (status IN ('review', 'actioned', 'dismissed', 'appealed', 'upheld', 'overturned')),
    action_state    TEXT    NOT NULL CHECK (action_state IN ('none', 'pending', 'done', 'failed')),
    action_error    TEXT,
    restore_state   TEXT    NOT NULL DEFAULT 'none' CHECK (restore_state IN ('none', 'pending', 'done', 'failed')),
    appeal_reason   TEXT,
    decided_by      TEXT,
    decision_reason TEXT,
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    UNIQUE (platform, message_id)
);

CREATE INDEX cases_by_author ON cases (platform, community, author_id, created_at);
CREATE INDEX cases_by_community ON cases (platform, community, status, created_at);
CREATE INDEX cases_by_created ON cases (created_at);
CREATE INDEX cases_pending ON cases (id) WHERE action_state = 'pending' OR restore_state = 'pending';

CREATE TABLE audit (
    id       INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE RESTRICT,
    at       TEXT    NOT NULL,
    actor_id TEXT    NOT NULL,
    event    TEXT    NOT NULL,
    reason   TEXT,
    detail   TEXT
);

CREATE INDEX audit_by_case ON audit (case_id, id);

-- The audit trail is evidence: nothing may rewrite or erase it.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;

CREATE TABLE settings (
    platform   TEXT NOT NULL,
    scope      TEXT NOT NULL,
    key        TEXT NOT NULL,
    value_json TEXT NOT NULL CHECK (json_valid(value_json)),
    PRIMARY KEY (platform, scope, key)
);
