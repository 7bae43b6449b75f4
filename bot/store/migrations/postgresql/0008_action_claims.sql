-- PostgreSQL: claims on a case's side effects (see the SQLite 0007); case ids are BIGINT here.

CREATE TABLE action_claims (
    case_id    BIGINT PRIMARY KEY,
    holder     TEXT   NOT NULL,
    expires_at TEXT   NOT NULL
);
