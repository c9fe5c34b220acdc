-- Saved replies: answers the team gives all day, shared by every agent and admin, with
-- placeholders ({customer_name}, {ticket_number}, {ticket_title}, {agent_name}) filled in
-- when one is inserted into a reply.
CREATE TABLE saved_replies (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX saved_replies_title ON saved_replies (title COLLATE NOCASE);
