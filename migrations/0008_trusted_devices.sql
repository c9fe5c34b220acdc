-- Browsers that have logged in to an account before (OWASP "device cookies"): an attempt
-- from one of them is not held by that account's lock, so a stranger guessing passwords
-- cannot keep the owner out. Only the SHA-256 of the cookie value is stored; a device is
-- trusted for one account, and forgotten a year after its last login.
CREATE TABLE trusted_devices (
    token_hash    TEXT    PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    INTEGER NOT NULL,
    last_login_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX trusted_devices_user ON trusted_devices (user_id);
CREATE INDEX trusted_devices_last_login ON trusted_devices (last_login_at);
