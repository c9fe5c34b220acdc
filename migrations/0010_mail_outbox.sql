-- Mail notifications. A change that notifies someone writes its notices here in its own
-- transaction (a rolled-back change queues nothing); the mail worker composes and sends
-- them, with retries, at least once. `message_id` is fixed at queue time, so a mail sent
-- twice (a crash between sending and recording it) carries the same Message-ID both times.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL UNIQUE,
    kind            TEXT    NOT NULL,
    ticket_id       INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    message_ref     INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    recipient_id    INTEGER REFERENCES users (id) ON DELETE CASCADE,
    -- For a mail to an address without an account (the admin's test mail).
    to_address      TEXT,
    state           TEXT    NOT NULL DEFAULT 'queued'
                            CHECK (state IN ('queued', 'sent', 'given_up')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER,
    CHECK ((recipient_id IS NULL) <> (to_address IS NULL))
);
-- The worker's question: what is due?
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'queued';
-- Inbound mail names a ticket by the Message-IDs we sent about it.
CREATE INDEX outbox_ticket ON outbox (ticket_id);

-- Notifications a user turned off for themself (the admin turns kinds off for everyone
-- with settings 'notify_<kind>' = 'off').
CREATE TABLE notification_optouts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT    NOT NULL,
    PRIMARY KEY (user_id, kind)
) WITHOUT ROWID;
