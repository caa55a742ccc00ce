-- One-time codes that join a person's accounts on two platforms (`/lier`). Only
-- the code's SHA-256 is kept. Keep in step with ../postgres/0006_link_codes.sql.
CREATE TABLE link_codes (
    code_hash  TEXT   PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    expires_at BIGINT NOT NULL
);
CREATE INDEX link_codes_user ON link_codes (user_id);
