-- guichet foundation schema (SQLite). Portable types only: BIGINT epoch milliseconds
-- for time, BIGINT 0/1 for flags, TEXT for everything else. Keep in step with
-- ../postgres/0001_foundation.sql.

CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    display_name     TEXT   NOT NULL,
    email            TEXT,
    language         TEXT   NOT NULL CHECK (language IN ('fr', 'en')),
    department       TEXT,
    role             TEXT   NOT NULL CHECK (role IN ('admin', 'agent', 'hr', 'employee')),
    capacity         BIGINT NOT NULL DEFAULT 10 CHECK (capacity >= 0),
    available        BIGINT NOT NULL DEFAULT 1,
    last_assigned_at BIGINT,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL
);
CREATE UNIQUE INDEX users_email ON users (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE identities (
    platform    TEXT   NOT NULL CHECK (platform IN ('discord', 'telegram')),
    external_id TEXT   NOT NULL,
    user_id     BIGINT NOT NULL REFERENCES users (id),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (platform, external_id)
);
CREATE INDEX identities_user ON identities (user_id);

CREATE TABLE teams (
    id           INTEGER PRIMARY KEY,
    slug         TEXT   NOT NULL UNIQUE,
    name_fr      TEXT   NOT NULL,
    name_en      TEXT   NOT NULL,
    email        TEXT,
    confidential BIGINT NOT NULL DEFAULT 0,
    active       BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE team_members (
    team_id BIGINT NOT NULL REFERENCES teams (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    lead    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE categories (
    id               INTEGER PRIMARY KEY,
    slug             TEXT   NOT NULL UNIQUE,
    name_fr          TEXT   NOT NULL,
    name_en          TEXT   NOT NULL,
    team_id          BIGINT NOT NULL REFERENCES teams (id),
    default_priority TEXT   NOT NULL CHECK (default_priority IN ('P0', 'P1', 'P2', 'P3')),
    needs_approval   BIGINT NOT NULL DEFAULT 0,
    position         BIGINT NOT NULL DEFAULT 0,
    active           BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE expertise (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    category_id BIGINT NOT NULL REFERENCES categories (id),
    PRIMARY KEY (user_id, category_id)
);

-- One row per company-local day; the upsert that bumps it serializes concurrent
-- ticket creations, so references are never handed out twice.
CREATE TABLE ticket_sequences (
    day        TEXT   PRIMARY KEY,
    last_value BIGINT NOT NULL
);

CREATE TABLE tickets (
    id                        INTEGER PRIMARY KEY,
    reference                 TEXT   NOT NULL UNIQUE,
    subject                   TEXT   NOT NULL,
    description               TEXT   NOT NULL DEFAULT '',
    requester_id              BIGINT NOT NULL REFERENCES users (id),
    category_id               BIGINT NOT NULL REFERENCES categories (id),
    team_id                   BIGINT NOT NULL REFERENCES teams (id),
    priority                  TEXT   NOT NULL CHECK (priority IN ('P0', 'P1', 'P2', 'P3')),
    status                    TEXT   NOT NULL CHECK (status IN ('open', 'in_progress', 'waiting_on_user', 'resolved', 'closed')),
    assignee_id               BIGINT REFERENCES users (id),
    previous_ticket_id        BIGINT REFERENCES tickets (id),
    resolution                TEXT,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    first_response_at         BIGINT,
    last_requester_message_at BIGINT,
    last_agent_message_at     BIGINT,
    resolved_at               BIGINT,
    closed_at                 BIGINT
);
CREATE INDEX tickets_team_status ON tickets (team_id, status);
CREATE INDEX tickets_assignee_status ON tickets (assignee_id, status);
CREATE INDEX tickets_requester ON tickets (requester_id, status);
CREATE INDEX tickets_created ON tickets (created_at);

CREATE TABLE ticket_messages (
    id                  INTEGER PRIMARY KEY,
    ticket_id           BIGINT NOT NULL REFERENCES tickets (id),
    author_id           BIGINT REFERENCES users (id),
    internal            BIGINT NOT NULL DEFAULT 0,
    body                TEXT   NOT NULL,
    platform            TEXT,
    platform_message_id TEXT,
    created_at          BIGINT NOT NULL
);
CREATE INDEX ticket_messages_ticket ON ticket_messages (ticket_id, id);

CREATE TABLE attachments (
    id            INTEGER PRIMARY KEY,
    message_id    BIGINT NOT NULL REFERENCES ticket_messages (id),
    file_name     TEXT   NOT NULL,
    content_type  TEXT,
    size_bytes    BIGINT,
    platform      TEXT   NOT NULL,
    platform_ref  TEXT   NOT NULL,
    url           TEXT
);
CREATE INDEX attachments_message ON attachments (message_id);

CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY,
    ticket_id       BIGINT REFERENCES tickets (id),
    actor_id        BIGINT REFERENCES users (id),
    subject_user_id BIGINT REFERENCES users (id),
    action          TEXT   NOT NULL,
    old_value       TEXT,
    new_value       TEXT,
    -- Where the change came from: chat, web, cli, scheduler.
    origin          TEXT   NOT NULL,
    at              BIGINT NOT NULL
);
CREATE INDEX audit_events_ticket ON audit_events (ticket_id, id);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

CREATE TABLE ratings (
    ticket_id  BIGINT PRIMARY KEY REFERENCES tickets (id),
    stars      BIGINT NOT NULL CHECK (stars BETWEEN 1 AND 5),
    comment    TEXT,
    rated_by   BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE points_ledger (
    id        INTEGER PRIMARY KEY,
    agent_id  BIGINT NOT NULL REFERENCES users (id),
    ticket_id BIGINT REFERENCES tickets (id),
    reason    TEXT   NOT NULL,
    points    BIGINT NOT NULL,
    event_key TEXT   NOT NULL UNIQUE,
    at        BIGINT NOT NULL
);
CREATE INDEX points_ledger_agent ON points_ledger (agent_id, at);

CREATE TRIGGER points_ledger_no_update BEFORE UPDATE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END;
CREATE TRIGGER points_ledger_no_delete BEFORE DELETE ON points_ledger
BEGIN SELECT RAISE(ABORT, 'the points ledger is append-only'); END;
