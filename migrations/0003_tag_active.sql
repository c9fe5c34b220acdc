-- Tags can be deactivated (hidden from pickers and lists) instead of deleted, like
-- categories; tickets keep the tags they have.
ALTER TABLE tags ADD COLUMN active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1));
