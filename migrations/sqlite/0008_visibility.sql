-- Failures people can see and fix: whether a person can be written to privately,
-- and what the setup checks (`guichet doctor`, and `serve` every few minutes)
-- found wrong. Keep in step with ../postgres/0008_visibility.sql.

-- Learnt from the platform: 1 when a private message reached them or they wrote
-- to the bot privately, 0 when the platform refused to deliver one because of
-- them (never opened a private chat with the bot, blocked it, closed their
-- private messages). NULL: not known yet.
ALTER TABLE identities ADD COLUMN reachable BIGINT;
ALTER TABLE identities ADD COLUMN reachable_at BIGINT;
-- On Telegram a private chat's id is the user's id: whoever has a private chat
-- linked to a ticket has written to the bot privately.
UPDATE identities SET reachable = 1
 WHERE platform = 'telegram'
   AND EXISTS (SELECT 1 FROM dm_links d
                WHERE d.platform = 'telegram' AND d.chat = identities.external_id);

-- The last finding of each setup check. `subject` names what was checked
-- ("space:telegram:-100123", "smtp", "migrations"…); `problem` is the typed
-- finding as JSON, NULL when the check passed. Every instance writes here and
-- every instance's dashboard and /readyz read it; `changed_at` is when the
-- finding last changed (logged once then).
CREATE TABLE setup_checks (
    subject    TEXT   PRIMARY KEY,
    problem    TEXT,
    changed_at BIGINT NOT NULL,
    checked_at BIGINT NOT NULL
);
