-- With mail configured, a sign-up answers the same for a new and a taken address: a new
-- one gets a confirmation link and its account works once confirmed; a taken one gets a
-- mail about the attempt. Accounts made before (and by admins) are confirmed.
ALTER TABLE users ADD COLUMN confirmed INTEGER NOT NULL DEFAULT 1 CHECK (confirmed IN (0, 1));

CREATE TABLE signup_confirmations (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX signup_confirmations_user ON signup_confirmations (user_id);
