-- Where a case's messages live, so they can be found again after a restart:
--   notice_message_id   the public notice, in the case's channel (edited when the case is overturned);
--   private_channel,
--   private_message_id  the author's durable private notice (a direct message), with its buttons;
--   restored_message_id the copy posted back in the case's channel after an overturn;
--   decided_at          when the person in decided_by took the decision (shown with it).
-- Plain ADD COLUMN with NULL defaults: portable to PostgreSQL as written.

ALTER TABLE cases ADD COLUMN notice_message_id TEXT;
ALTER TABLE cases ADD COLUMN private_channel TEXT;
ALTER TABLE cases ADD COLUMN private_message_id TEXT;
ALTER TABLE cases ADD COLUMN restored_message_id TEXT;
ALTER TABLE cases ADD COLUMN decided_at TEXT;

-- Refused attempts are audited with their actor; the rate limit counts one actor's recent refusals.
CREATE INDEX audit_by_actor_event ON audit (actor_id, event, at);
