-- Mail handled by `helpdesk mail receive` (or the IMAP fetcher), by Message-ID: written in
-- the same transaction as the ticket or reply the mail became, so a message delivered
-- twice (an MTA retrying, a mailbox fetched again) is handled once.
CREATE TABLE mail_received (
    message_id  TEXT    PRIMARY KEY,
    received_at INTEGER NOT NULL,
    ticket_id   INTEGER REFERENCES tickets (id) ON DELETE SET NULL
) WITHOUT ROWID;
