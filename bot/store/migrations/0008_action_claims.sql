-- Claims on a case's side effects (delete, notice, restore) live in the database, so that several
-- processes on one database never carry out the same case at once. A claim is a lease: a holder
-- that dies (kill -9) leaves a row that another process may take over once `expires_at` is past.

CREATE TABLE action_claims (
    case_id    INTEGER PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at TEXT    NOT NULL
);
