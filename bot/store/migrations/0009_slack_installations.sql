-- Slack for many workspaces: the OAuth installations (tokens included) and the OAuth states of
-- installs in progress, in the same database as everything else. Portable SQL: one file for both engines.
-- An installation row with user_id '' is the workspace's latest install (its bot); rows with a
-- user_id are that installer's own (their user token). Ids are '' rather than NULL so they key rows.

CREATE TABLE slack_installations (
    enterprise_id TEXT NOT NULL DEFAULT '',
    team_id       TEXT NOT NULL DEFAULT '',
    user_id       TEXT NOT NULL DEFAULT '',
    installation  TEXT NOT NULL,
    installed_at  TEXT NOT NULL,
    PRIMARY KEY (enterprise_id, team_id, user_id)
);

-- A state is issued when /slack/install starts and consumed once by /slack/oauth_redirect, by
-- whichever worker gets it: the DELETE that consumes it succeeds for one of them only.
CREATE TABLE slack_oauth_states (
    state      TEXT PRIMARY KEY,
    expires_at TEXT NOT NULL
);
