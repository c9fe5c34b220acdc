-- The staff queue at scale, part two: exact counts under any combination of the status,
-- priority, category and assignee filters, and a version for the pickers' cache.

-- Live tickets per (assignee, category, priority, status): a few thousand rows at most
-- (agents x 11 categories x 4 priorities x 6 statuses), maintained in the same transaction
-- as every ticket write. Counting a filtered queue's tabs sums a slice of this table
-- instead of reading ticket rows. assignee_id 0 means unassigned.
CREATE TABLE ticket_facets (
    assignee_id INTEGER NOT NULL,
    category_id INTEGER NOT NULL,
    priority    TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    n           INTEGER NOT NULL,
    PRIMARY KEY (assignee_id, category_id, priority, status)
) WITHOUT ROWID;

INSERT INTO ticket_facets (assignee_id, category_id, priority, status, n)
    SELECT COALESCE(assignee_id, 0), category_id, priority, status, COUNT(*)
    FROM tickets WHERE deleted_at IS NULL
    GROUP BY 1, 2, 3, 4;

CREATE TRIGGER facets_ticket_insert AFTER INSERT ON tickets WHEN NEW.deleted_at IS NULL BEGIN
    INSERT INTO ticket_facets (assignee_id, category_id, priority, status, n)
        VALUES (COALESCE(NEW.assignee_id, 0), NEW.category_id, NEW.priority, NEW.status, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER facets_ticket_update
    AFTER UPDATE OF status, priority, category_id, assignee_id, deleted_at ON tickets BEGIN
    UPDATE ticket_facets SET n = n - 1
        WHERE OLD.deleted_at IS NULL AND assignee_id = COALESCE(OLD.assignee_id, 0)
          AND category_id = OLD.category_id AND priority = OLD.priority AND status = OLD.status;
    INSERT INTO ticket_facets (assignee_id, category_id, priority, status, n)
        SELECT COALESCE(NEW.assignee_id, 0), NEW.category_id, NEW.priority, NEW.status, 1
        WHERE NEW.deleted_at IS NULL
        ON CONFLICT DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER facets_ticket_delete AFTER DELETE ON tickets WHEN OLD.deleted_at IS NULL BEGIN
    UPDATE ticket_facets SET n = n - 1
        WHERE assignee_id = COALESCE(OLD.assignee_id, 0) AND category_id = OLD.category_id
          AND priority = OLD.priority AND status = OLD.status;
END;

-- Grows whenever a category, a tag or who can be assigned changes. Pages read it with the
-- session (one query) and reuse their in-memory pickers while it stays the same; it lives
-- in the database so that changes made by another process (the command line) count too.
CREATE TABLE catalog_version (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO catalog_version (id, version) VALUES (1, 1);

CREATE TRIGGER catalog_category_insert AFTER INSERT ON categories BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_category_update AFTER UPDATE ON categories BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_category_delete AFTER DELETE ON categories BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_tag_insert AFTER INSERT ON tags BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_tag_update AFTER UPDATE ON tags BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_tag_delete AFTER DELETE ON tags BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_user_insert AFTER INSERT ON users WHEN NEW.role <> 'customer' BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_user_update AFTER UPDATE OF name, role, active ON users
    WHEN OLD.role <> 'customer' OR NEW.role <> 'customer' BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
CREATE TRIGGER catalog_user_delete AFTER DELETE ON users WHEN OLD.role <> 'customer' BEGIN
    UPDATE catalog_version SET version = version + 1;
END;
