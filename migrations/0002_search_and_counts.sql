-- The staff queue at scale: full-text search and maintained counts.

-- Full-text search over ticket titles and every message body. Contentless (the text lives
-- in tickets and messages already): rowid = message id for a message, -ticket id for a
-- title. A row is removed with FTS5's 'delete' command, which needs the old text.
CREATE VIRTUAL TABLE search USING fts5 (
    text,
    content = '',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- Kept up to date by triggers, so every write is searchable in its own transaction.
CREATE TRIGGER search_message_insert AFTER INSERT ON messages BEGIN
    INSERT INTO search (rowid, text) VALUES (NEW.id, NEW.body);
END;
CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', OLD.id, OLD.body);
END;
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT INTO search (rowid, text) VALUES (-NEW.id, NEW.title);
END;
CREATE TRIGGER search_ticket_title AFTER UPDATE OF title ON tickets BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', -OLD.id, OLD.title);
    INSERT INTO search (rowid, text) VALUES (-NEW.id, NEW.title);
END;
CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO search (search, rowid, text) VALUES ('delete', -OLD.id, OLD.title);
END;

-- Tickets already there (databases migrated from 0001).
INSERT INTO search (rowid, text) SELECT id, body FROM messages;
INSERT INTO search (rowid, text) SELECT -id, title FROM tickets;

-- Live (not deleted) tickets per status, maintained in the same transaction as every
-- ticket write, so the staff queue's tabs never count a million rows.
CREATE TABLE ticket_counts (
    status TEXT    PRIMARY KEY,
    n      INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ticket_counts (status, n)
    SELECT s.status, (SELECT COUNT(*) FROM tickets t WHERE t.status = s.status AND t.deleted_at IS NULL)
    FROM (SELECT 'open' AS status UNION ALL SELECT 'pending' UNION ALL SELECT 'in_progress'
          UNION ALL SELECT 'resolved' UNION ALL SELECT 'closed' UNION ALL SELECT 'cancelled') s;

CREATE TRIGGER counts_ticket_insert AFTER INSERT ON tickets WHEN NEW.deleted_at IS NULL BEGIN
    UPDATE ticket_counts SET n = n + 1 WHERE status = NEW.status;
END;
CREATE TRIGGER counts_ticket_update AFTER UPDATE OF status, deleted_at ON tickets BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status AND OLD.deleted_at IS NULL;
    UPDATE ticket_counts SET n = n + 1 WHERE status = NEW.status AND NEW.deleted_at IS NULL;
END;
CREATE TRIGGER counts_ticket_delete AFTER DELETE ON tickets WHEN OLD.deleted_at IS NULL BEGIN
    UPDATE ticket_counts SET n = n - 1 WHERE status = OLD.status;
END;

-- Queue filters that combine with a status tab, newest activity first.
CREATE INDEX tickets_category_status ON tickets (category_id, status, updated_at)
    WHERE deleted_at IS NULL;
CREATE INDEX tickets_priority_status ON tickets (priority, status, updated_at)
    WHERE deleted_at IS NULL;
-- Sorting by creation.
CREATE INDEX tickets_created ON tickets (created_at) WHERE deleted_at IS NULL;
