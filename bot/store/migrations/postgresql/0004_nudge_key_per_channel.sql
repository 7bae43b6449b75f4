-- PostgreSQL: a nudge is keyed like a case; the Discord "default_language" setting becomes "language".

ALTER TABLE disclosure_nudges DROP CONSTRAINT disclosure_nudges_message;
ALTER TABLE disclosure_nudges
    ADD CONSTRAINT disclosure_nudges_message UNIQUE (platform, community, channel, message_id);

INSERT INTO settings (platform, scope, key, value_json)
    SELECT platform, scope, 'language', value_json FROM settings WHERE key = 'default_language'
    ON CONFLICT (platform, scope, key) DO NOTHING;
DELETE FROM settings WHERE key = 'default_language';
