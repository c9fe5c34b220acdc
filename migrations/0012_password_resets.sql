-- "Forgot password?": single-use links, valid one hour, stored as SHA-256 only. The mail
-- that carries the link keeps the token in `outbox.secret` until it is sent, then forgets
-- it.
CREATE TABLE password_resets (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;
CREATE INDEX password_resets_user ON password_resets (user_id);

ALTER TABLE outbox ADD COLUMN secret TEXT;
