-- Creates do less in the writer's transaction.
--
-- The search index takes a transaction's new entries in one statement, just before the
-- COMMIT, instead of one by one from the insert triggers.
--
-- Why: FTS5 writes its pending terms to disk at every savepoint and statement journal,
-- so an entry inserted by a trigger became a segment of its own (and then work for the
-- automatic merge). The writer runs each write in a savepoint, so each create wrote two
-- segments: measured with prepared statements, 260 us of SQLite work per create, of
-- which 150 us was the index. One INSERT ... SELECT per transaction writes one segment
-- for all the entries of a batch: 108 us per create.
--
-- Now an insert trigger only notes the entry's rowid (the encoding of migration 0007)
-- in `search_pending`, and whoever commits runs `db::search::INDEX_PENDING` first (the
-- writer before every COMMIT, the demo for each batch, the server once at start for
-- anything a crash or another program left). An entry is thus searchable in the same
-- transaction that wrote it, as before.
--
-- An entry still pending is not in the index yet: removing or replacing it only drops
-- the note (FTS5's 'delete' of an entry it never had would corrupt a contentless index).

CREATE TABLE search_pending (
    id INTEGER PRIMARY KEY   -- the rowid the entry gets in `search`
);

DROP TRIGGER search_message_insert;
DROP TRIGGER search_message_delete;
DROP TRIGGER search_message_update;
DROP TRIGGER search_ticket_insert;
DROP TRIGGER search_ticket_title;
DROP TRIGGER search_ticket_delete;

CREATE TRIGGER search_message_insert AFTER INSERT ON messages BEGIN
    INSERT OR IGNORE INTO search_pending (id)
    VALUES ((NEW.ticket_id << 32) + (NEW.id << 1) + NEW.internal);
END;
CREATE TRIGGER search_message_delete AFTER DELETE ON messages BEGIN
    INSERT INTO search (search, rowid, text)
    SELECT 'delete', (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal, OLD.body
    WHERE NOT EXISTS (SELECT 1 FROM search_pending
                      WHERE id = (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal);
    DELETE FROM search_pending WHERE id = (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal;
END;
CREATE TRIGGER search_message_update AFTER UPDATE OF ticket_id, internal, body ON messages BEGIN
    INSERT INTO search (search, rowid, text)
    SELECT 'delete', (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal, OLD.body
    WHERE NOT EXISTS (SELECT 1 FROM search_pending
                      WHERE id = (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal);
    DELETE FROM search_pending WHERE id = (OLD.ticket_id << 32) + (OLD.id << 1) + OLD.internal;
    INSERT OR IGNORE INTO search_pending (id)
    VALUES ((NEW.ticket_id << 32) + (NEW.id << 1) + NEW.internal);
END;
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets BEGIN
    INSERT OR IGNORE INTO search_pending (id) VALUES (NEW.id << 32);
END;
CREATE TRIGGER search_ticket_title AFTER UPDATE OF title ON tickets BEGIN
    INSERT INTO search (search, rowid, text)
    SELECT 'delete', OLD.id << 32, OLD.title
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id << 32);
    INSERT OR IGNORE INTO search_pending (id) VALUES (NEW.id << 32);
END;
CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets BEGIN
    INSERT INTO search (search, rowid, text)
    SELECT 'delete', OLD.id << 32, OLD.title
    WHERE NOT EXISTS (SELECT 1 FROM search_pending WHERE id = OLD.id << 32);
    DELETE FROM search_pending WHERE id = OLD.id << 32;
END;

-- A ticket's "created" event said nothing its row does not (who: the client, when:
-- created_at, to: open), and it cost every create a statement in the writer: the history
-- now derives it from the ticket (so the demo's tickets have it too).
DELETE FROM events WHERE kind = 'created';
