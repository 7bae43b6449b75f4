-- A disclosure nudge is keyed by (platform, community, channel, message_id), like a case: a Slack ts
-- is unique only within its channel. SQLite cannot change a UNIQUE constraint in place, so the table
-- is rebuilt (create, copy with the same ids, drop, rename); nothing references it.
--
-- The Discord adapter stored the community language under "default_language"; both platforms now
-- use "language". Stored values move over (an existing "language" value wins).

CREATE TABLE disclosure_nudges_rebuilt (
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
    UNIQUE (platform, community, channel, message_id),
    CHECK (state IN ('open', 'reminded', 'escalated') OR (post_text IS NULL AND suggestion IS NULL)),
    CHECK (state IN ('open', 'reminded', 'escalated') OR resolved_at IS NOT NULL)
);

INSERT INTO disclosure_nudges_rebuilt (id, platform, community, channel, message_id, author_id, lang, jurisdiction, severity, label, suggested_label, brand, signals, suggestion, post_text, state, delivery, attempts, delivery_error, note, resolved_by, created_at, updated_at, claimed_at, reminded_at, escalated_at, resolved_at)
SELECT id, platform, community, channel, message_id, author_id, lang, jurisdiction, severity, label, suggested_label, brand, signals, suggestion, post_text, state, delivery, attempts, delivery_error, note, resolved_by, created_at, updated_at, claimed_at, reminded_at, escalated_at, resolved_at
FROM disclosure_nudges ORDER BY id;

DELETE FROM sqlite_sequence WHERE name = 'disclosure_nudges_rebuilt';
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'disclosure_nudges_rebuilt', seq FROM sqlite_sequence WHERE name = 'disclosure_nudges';

DROP TABLE disclosure_nudges;
ALTER TABLE disclosure_nudges_rebuilt RENAME TO disclosure_nudges;

CREATE INDEX disclosure_nudges_open ON disclosure_nudges (state, created_at)
    WHERE state IN ('open', 'reminded', 'escalated');
CREATE INDEX disclosure_nudges_by_community ON disclosure_nudges (platform, community, created_at);
CREATE INDEX disclosure_nudges_closed ON disclosure_nudges (resolved_at) WHERE resolved_at IS NOT NULL;

INSERT OR IGNORE INTO settings (platform, scope, key, value_json)
    SELECT platform, scope, 'language', value_json FROM settings WHERE key = 'default_language';
DELETE FROM settings WHERE key = 'default_language';
