-- The thread a case's message was posted in (Slack thread_ts), so that its notice and a restore
-- after a restart land in that thread rather than in the channel. Portable to PostgreSQL as written.

ALTER TABLE cases ADD COLUMN thread TEXT;
