-- A case is keyed by (platform, community, channel, message_id): a Slack ts is unique only within
-- its channel, so (platform, message_id) merged cases of different messages.
--
-- SQLite cannot change a UNIQUE constraint in place; the table is rebuilt (create, copy, drop,
-- rename). The runner executes migrations with foreign-key enforcement off (the drop would
-- otherwise trip audit's ON DELETE RESTRICT) and checks PRAGMA foreign_key_check before it
-- commits. Ids are copied unchanged, so every audit row keeps pointing at its case; the audit
-- table, its triggers and its foreign key are not touched (its REFERENCES cases names the
-- rebuilt table once it is renamed).

CREATE TABLE cases_rebuilt (
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
    UNIQUE (platform, community, channel, message_id)
);

INSERT INTO cases_rebuilt (
    id, platform, community, channel, message_id, author_id, author_name, rule_id, clause, charter_version,
    charter_hash, action, evidence, confidence, automated, actor_id, source, content, lang, status,
    action_state, action_error, restore_state, appeal_reason, decided_by, decision_reason, created_at, updated_at
)
SELECT
    id, platform, community, channel, message_id, author_id, author_name, rule_id, clause, charter_version,
    charter_hash, action, evidence, confidence, automated, actor_id, source, content, lang, status,
    action_state, action_error, restore_state, appeal_reason, decided_by, decision_reason, created_at, updated_at
FROM cases ORDER BY id;

-- Case numbers are public (notices, buttons, commands): carry the AUTOINCREMENT high-water mark
-- over, so that no number is ever handed out twice.
DELETE FROM sqlite_sequence WHERE name = 'cases_rebuilt';
INSERT INTO sqlite_sequence (name, seq) SELECT 'cases_rebuilt', seq FROM sqlite_sequence WHERE name = 'cases';

DROP TABLE cases;
ALTER TABLE cases_rebuilt RENAME TO cases;

CREATE INDEX cases_by_author ON cases (platform, community, author_id, created_at);
CREATE INDEX cases_by_community ON cases (platform, community, status, created_at);
CREATE INDEX cases_by_created ON cases (created_at);
CREATE INDEX cases_pending ON cases (id) WHERE action_state = 'pending' OR restore_state = 'pending';
