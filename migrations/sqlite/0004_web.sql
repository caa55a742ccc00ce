-- The web endpoint's accounts: passwords, sessions, API tokens and login attempts.
-- Keep in step with ../postgres/0004_web.sql.

-- An argon2 PHC string; NULL: the user cannot log in to the web endpoint.
ALTER TABLE users ADD COLUMN password_hash TEXT;

-- A browser session. The cookie holds a random secret; only its SHA-256 is kept, so
-- a copy of the database opens no session.
CREATE TABLE web_sessions (
    secret_hash  TEXT   PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    -- Sent back with every state-changing request made from the session's pages.
    csrf         TEXT   NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL
);
CREATE INDEX web_sessions_user ON web_sessions (user_id);
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);

-- A token for scripts, shown once when the command line creates it; kept hashed.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    name         TEXT   NOT NULL,
    secret_hash  TEXT   NOT NULL UNIQUE,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Failed logins, counted per account name and per client address to slow down
-- password guessing; kept for the rate-limit window only.
CREATE TABLE login_failures (
    id      INTEGER PRIMARY KEY,
    email   TEXT   NOT NULL,
    address TEXT   NOT NULL,
    at      BIGINT NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_address ON login_failures (address, at);
