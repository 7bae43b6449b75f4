-- Accountability: a per-installation secret for erasure pseudonyms, an audit trail that an erasure
-- may pseudonymise (and nothing else may change), the noisy-rule guard of each clause, and a log of
-- privacy events (erasures, retention purges) that names nobody.

CREATE TABLE installation (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The audit trail stays append-only, with one exception the GDPR requires: an erasure replaces the
-- member's id by a pseudonym ("anon-" + HMAC) and their own free text by "[erased]". Nothing else
-- about a row (its case, time, event) may ever change.
DROP TRIGGER audit_no_update;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
WHEN NOT (
    NEW.id = OLD.id AND NEW.case_id = OLD.case_id AND NEW.at = OLD.at AND NEW.event = OLD.event
    AND (NEW.actor_id = OLD.actor_id OR NEW.actor_id LIKE 'anon-%')
    AND (NEW.reason IS OLD.reason OR NEW.reason = '[erased]')
    AND (NEW.detail IS OLD.detail OR NEW.detail = '[erased]')
)
BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only; only an erasure may pseudonymise it');
END;

-- One row per guarded clause of a community that has tripped at least once. `since` is when the
-- current state began: a restored clause counts only the appeals decided after it.
CREATE TABLE clause_guards (
    platform   TEXT    NOT NULL,
    community  TEXT    NOT NULL,
    clause     INTEGER NOT NULL,
    state      TEXT    NOT NULL CHECK (state IN ('tripped', 'restored')),
    appeals    INTEGER NOT NULL,
    overturned INTEGER NOT NULL,
    since      TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    reason     TEXT,
    PRIMARY KEY (platform, community, clause)
);

-- Every trip and restore, append-only, for the transparency page and moderators.
CREATE TABLE guard_events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    platform   TEXT    NOT NULL,
    community  TEXT    NOT NULL,
    clause     INTEGER NOT NULL,
    event      TEXT    NOT NULL CHECK (event IN ('tripped', 'restored')),
    appeals    INTEGER NOT NULL,
    overturned INTEGER NOT NULL,
    at         TEXT    NOT NULL,
    actor_id   TEXT    NOT NULL,
    reason     TEXT
);

CREATE INDEX guard_events_by_community ON guard_events (platform, community, at);

CREATE TRIGGER guard_events_no_update BEFORE UPDATE ON guard_events
WHEN NOT (
    NEW.id = OLD.id AND NEW.event = OLD.event AND NEW.at = OLD.at AND NEW.clause = OLD.clause
    AND (NEW.actor_id = OLD.actor_id OR NEW.actor_id LIKE 'anon-%')
)
BEGIN
    SELECT RAISE(ABORT, 'guard events are append-only');
END;

-- Erasures and retention purges, with counts only: who asked is never recorded here.
CREATE TABLE privacy_events (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    at        TEXT    NOT NULL,
    event     TEXT    NOT NULL CHECK (event IN ('erasure', 'retention_purge')),
    platform  TEXT    NOT NULL,
    community TEXT    NOT NULL,
    cases     INTEGER NOT NULL DEFAULT 0,
    nudges    INTEGER NOT NULL DEFAULT 0,
    audit     INTEGER NOT NULL DEFAULT 0
);
