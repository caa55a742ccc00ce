-- Conversations through chat: deduplicated inbound events, ticket threads, dialogue
-- state, and the durable outbox. Keep in step with ../postgres/0002_conversations.sql.

-- The language a user chose themselves wins over what their platform says.
ALTER TABLE users ADD COLUMN language_chosen BIGINT NOT NULL DEFAULT 0;
-- The private chat with the bot on that platform, learnt from the user's messages.
ALTER TABLE identities ADD COLUMN dm_chat TEXT;
-- Each team's staff space: a Discord channel or a Telegram supergroup.
ALTER TABLE teams ADD COLUMN staff_platform TEXT;
ALTER TABLE teams ADD COLUMN staff_space TEXT;
-- The platform the requester opened the ticket from: where their answers go.
ALTER TABLE tickets ADD COLUMN origin_platform TEXT;

-- Every inbound event handled, so a redelivered one changes nothing.
CREATE TABLE inbound_events (
    platform    TEXT   NOT NULL,
    event_id    TEXT   NOT NULL,
    received_at BIGINT NOT NULL,
    PRIMARY KEY (platform, event_id)
);

-- Each staff thread a ticket has had (a transfer opens a new one in the other team's
-- space); `thread` is filled in once the platform created it. Outbox rows name the
-- thread by this row's id, so a message queued before a transfer still goes to the
-- thread it was written for.
CREATE TABLE ticket_threads (
    id           INTEGER PRIMARY KEY,
    ticket_id    BIGINT NOT NULL REFERENCES tickets (id),
    platform     TEXT   NOT NULL,
    space        TEXT   NOT NULL,
    thread       TEXT,
    card_message TEXT,
    current      BIGINT NOT NULL DEFAULT 1,
    created_at   BIGINT NOT NULL
);
CREATE UNIQUE INDEX ticket_threads_current ON ticket_threads (ticket_id) WHERE current = 1;
CREATE UNIQUE INDEX ticket_threads_thread ON ticket_threads (platform, space, thread)
    WHERE thread IS NOT NULL;

-- Direct messages about a ticket, so a "reply" to one of them reaches that ticket.
CREATE TABLE dm_links (
    platform  TEXT   NOT NULL,
    chat      TEXT   NOT NULL,
    message   TEXT   NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    PRIMARY KEY (platform, chat, message)
);

-- What the bot waits for from a user (a category, a priority, which ticket), as JSON.
CREATE TABLE dialogues (
    user_id    BIGINT PRIMARY KEY REFERENCES users (id),
    state      TEXT   NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Everything to send, written in the transaction that decided it and delivered by
-- the dispatcher in order per conversation.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    conversation    TEXT   NOT NULL,
    platform        TEXT   NOT NULL,
    kind            TEXT   NOT NULL,
    payload         TEXT   NOT NULL,
    ticket_id       BIGINT REFERENCES tickets (id),
    status          TEXT   NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until     BIGINT NOT NULL DEFAULT 0,
    lease_owner     TEXT,
    last_error      TEXT,
    created_at      BIGINT NOT NULL,
    delivered_at    BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at, id);
-- What a claim asks: is an earlier row of this conversation still pending?
CREATE INDEX outbox_pending_conversation ON outbox (conversation, id) WHERE status = 'pending';
