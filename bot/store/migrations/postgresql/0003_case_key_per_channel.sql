-- PostgreSQL: a case is keyed by (platform, community, channel, message_id). PostgreSQL changes a
-- UNIQUE constraint in place, so no rebuild is needed (ids and audit links are untouched).

ALTER TABLE cases DROP CONSTRAINT cases_message;
ALTER TABLE cases ADD CONSTRAINT cases_message UNIQUE (platform, community, channel, message_id);
