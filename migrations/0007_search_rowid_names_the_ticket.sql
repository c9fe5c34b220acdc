-- Full-text search whose hits name their ticket without another lookup.
--
-- The rowid of an entry now encodes where its text lives:
--     ticket id * 2^32                                  a ticket's title
--     ticket id * 2^32 + message id * 2 + internal      a message (internal: 1 for a note)
-- so `rowid >> 32` is the ticket and `rowid & 1` tells an internal note, with no read of
-- `messages` per hit (migration 0002 stored the message id, and each of a search's hits
-- cost a b-tree lookup). Ids stay below 2^31, which SQLite's signed 64-bit rowid allows.
-- Rowids grow with the ticket id: "most recent hits first" now means the newest tickets'
-- matches first, and one ticket's matches are neighbours, so that a customer's search can
-- probe each of their tickets as a rowid range.

DROP TRIGGER search_message_insert;
DROP TRIGGER search_message_delete;
DROP TRIGGER search_ticket_insert;
DROP TRIGGER search_ticket_title;
DROP TRIGGER search_ticket_delete;
DROP TABLE search;

CREATE VIRTUAL TABLE search USING fts5 (
    text,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Kept up to date by triggers, so every write is searchable in its own transaction.
-- (Contentless: a row is removed with FTS5's 'delete' command, which needs the old text.)
CREATE TRIGGER search_message_insert AFTER INSERT ON messages BEGIN
    INSERT INTO search (rowid, text)
    VALUES ((NEW.ticket_id << 32) + (NEW.id << 1) + NEW.internal, NEW.body);
END;
CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN
    INSERT INTO search (search, rowid, text)
    VALUES ('delete', (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal, OLD.body);
END;
-- The application never changes these three columns of a message; if anything does, the
-- entry follows.
CREATE TRIGGER search_message_update AFTER UPDATE OF ticket_id, internal, body ON messages BEGIN
    INSERT INTO search (search, rowid, text)
    VALUES ('delete', (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal, OLD.body);
    INSERT INTO search (rowid, text)
    VALUES ((NEW.ticket_id << 32) + (NEW.id << 1) + NEW.internal, NEW.body);
END;
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO search (rowid, text) VALUES (NEW.id << 32, NEW.title);
END;
CREATE TRIGGER search_ticket_title AFTER UPDATE OF title ON tickets BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', OLD.id << 32, OLD.title);
    INSERT INTO search (rowid, text) VALUES (NEW.id << 32, NEW.title);
END;
CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', OLD.id << 32, OLD.title);
END;

-- What is there already, in rowid order, then merged into one segment (as `helpdesk demo`
-- does after a bulk load): the fewest b-tree pages for a query to read.
INSERT INTO search (rowid, text) SELECT id << 32, title FROM tickets ORDER BY id;
INSERT INTO search (rowid, text)
SELECT (ticket_id << 32) + (id << 1) + internal, body FROM messages ORDER BY ticket_id, id;
INSERT INTO search (search) VALUES ('optimize');
