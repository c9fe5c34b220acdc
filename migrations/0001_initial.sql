-- The whole canonical model of API-CONTRACT.md in one schema.
-- Conventions: every timestamp is an INTEGER of milliseconds since the Unix epoch (UTC),
-- which sorts and indexes cheaply; every public id is 24 lowercase hex characters.

-- People: customers own tickets, agents and admins ("staff") work them.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    public_id     TEXT    NOT NULL UNIQUE,
    email         TEXT    NOT NULL UNIQUE COLLATE NOCASE,   -- unique regardless of case
    name          TEXT    NOT NULL,
    role          TEXT    NOT NULL CHECK (role IN ('customer', 'agent', 'admin')),
    password_hash TEXT    NOT NULL,                          -- argon2id PHC string
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
);
-- "Does an admin exist?" is asked on every start.
CREATE INDEX users_role ON users (role, active);

-- Browser sessions: only the SHA-256 of the cookie value is stored.
CREATE TABLE sessions (
    token_hash TEXT    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Ending every session of a user (password change, deactivation).
CREATE INDEX sessions_user ON sessions (user_id);

-- Login throttling counters, keyed 'account:<email>' or 'ip:<address>', kept in the
-- database so that several instances share them.
CREATE TABLE login_throttle (
    key          TEXT    PRIMARY KEY,
    window_start INTEGER NOT NULL,
    failures     INTEGER NOT NULL,
    locked_until INTEGER
) WITHOUT ROWID;

-- One-time links that create the first admin; stored hashed, single use.
CREATE TABLE setup_tokens (
    token_hash TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL,
    used_at    INTEGER
) WITHOUT ROWID;

-- Personal API tokens (Bearer) for the JSON dialects; stored hashed, shown once.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT    NOT NULL,
    token_hash   TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at   INTEGER
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Integration keys (the epixel dialect's `apikey` header); admin-managed, stored hashed.
CREATE TABLE integration_keys (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    key_hash   TEXT    NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER
);

-- Categories: integer ids are part of the epixel dialect, slugs of the other two.
CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    slug        TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    description TEXT    NOT NULL DEFAULT '',
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
);
-- The union of every documented value, in the contract's order (ids 1..=11).
INSERT INTO categories (id, slug, name, description) VALUES
    (1,  'technical',       'Technical',       'Technical issues'),
    (2,  'billing',         'Billing',         'Billing and payment issues'),
    (3,  'account',         'Account',         'Account-related issues'),
    (4,  'feature_request', 'Feature request', 'Feature requests'),
    (5,  'general',         'General',         'General inquiries'),
    (6,  'integration',     'Integration',     'API integration problems'),
    (7,  'smartCheck',      'SmartCheck',      'SmartCheck service issues'),
    (8,  'smartScan',       'SmartScan',       'SmartScan service issues'),
    (9,  'smartEnroll',     'SmartEnroll',     'SmartEnroll service issues'),
    (10, 'smartAccess',     'SmartAccess',     'SmartAccess service issues'),
    (11, 'other',           'Other',           'Other general issues');

-- Tags: names are unique regardless of case; v2 creates them on first use.
CREATE TABLE tags (
    id      INTEGER PRIMARY KEY,
    name    TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    keyword TEXT    NOT NULL DEFAULT ''
);

-- Named counters; 'ticket_number' hands out ticket numbers (first ticket is 1001) and
-- never reuses one, even after a purge.
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters (name, value) VALUES ('ticket_number', 1000);

-- Tickets. `version` grows with every change (optimistic concurrency for staff pages).
CREATE TABLE tickets (
    id          INTEGER PRIMARY KEY,
    public_id   TEXT    NOT NULL UNIQUE,
    number      INTEGER NOT NULL UNIQUE,
    title       TEXT    NOT NULL,
    subject     TEXT,
    status      TEXT    NOT NULL DEFAULT 'open'
                CHECK (status IN ('open', 'pending', 'in_progress', 'resolved', 'closed', 'cancelled')),
    priority    TEXT    NOT NULL DEFAULT 'medium'
                CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    category_id INTEGER NOT NULL REFERENCES categories (id),
    client_id   INTEGER NOT NULL REFERENCES users (id),
    assignee_id INTEGER REFERENCES users (id),
    api         TEXT,
    issue_url   TEXT,
    resolution  TEXT,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    resolved_at INTEGER,
    deleted_at  INTEGER,
    deleted_by  INTEGER REFERENCES users (id)
);
-- A customer's list: by status tab, newest activity first (and the per-status counts).
CREATE INDEX tickets_client_status_updated ON tickets (client_id, status, updated_at)
    WHERE deleted_at IS NULL;
-- A customer's list without a status filter.
CREATE INDEX tickets_client_updated ON tickets (client_id, updated_at)
    WHERE deleted_at IS NULL;
-- The staff queue by status tab, newest activity first.
CREATE INDEX tickets_status_updated ON tickets (status, updated_at)
    WHERE deleted_at IS NULL;
-- The staff queue without a status filter.
CREATE INDEX tickets_updated ON tickets (updated_at) WHERE deleted_at IS NULL;
-- "Assigned to me / to an agent" views.
CREATE INDEX tickets_assignee_status ON tickets (assignee_id, status, updated_at)
    WHERE deleted_at IS NULL;
-- The trash.
CREATE INDEX tickets_deleted ON tickets (deleted_at) WHERE deleted_at IS NOT NULL;

CREATE TABLE ticket_tags (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    tag_id    INTEGER NOT NULL REFERENCES tags (id),
    PRIMARY KEY (ticket_id, tag_id)
) WITHOUT ROWID;
-- "Tickets with this tag".
CREATE INDEX ticket_tags_tag ON ticket_tags (tag_id, ticket_id);

-- Messages: a ticket's description is its first message. `internal` notes are for staff
-- only; `seen_at` is set when the other party (customer vs staff) has seen the message.
CREATE TABLE messages (
    id         INTEGER PRIMARY KEY,
    public_id  TEXT    NOT NULL UNIQUE,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    author_id  INTEGER NOT NULL REFERENCES users (id),
    body       TEXT    NOT NULL,
    internal   INTEGER NOT NULL DEFAULT 0 CHECK (internal IN (0, 1)),
    created_at INTEGER NOT NULL,
    seen_at    INTEGER
);
-- A ticket's thread in order.
CREATE INDEX messages_ticket ON messages (ticket_id, id);
-- "Has this ticket unseen messages?" without reading seen ones.
CREATE INDEX messages_unseen ON messages (ticket_id, author_id) WHERE seen_at IS NULL;

-- Attachments: uploaded bytes (at most 2 MiB, with their SHA-256) or an external URL
-- (v2 attachment objects, never fetched). A legacy upload has no ticket until a thread
-- references it; only its uploader may use it then.
CREATE TABLE attachments (
    id           INTEGER PRIMARY KEY,
    public_id    TEXT    NOT NULL UNIQUE,
    ticket_id    INTEGER REFERENCES tickets (id) ON DELETE CASCADE,
    message_id   INTEGER REFERENCES messages (id) ON DELETE CASCADE,
    uploader_id  INTEGER NOT NULL REFERENCES users (id),
    filename     TEXT    NOT NULL,
    content_type TEXT    NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT,
    data         BLOB,
    url          TEXT,
    created_at   INTEGER NOT NULL,
    CHECK ((data IS NULL) <> (url IS NULL)),
    CHECK (size BETWEEN 0 AND 2097152 OR url IS NOT NULL)
);
CREATE INDEX attachments_ticket ON attachments (ticket_id, message_id);
CREATE INDEX attachments_message ON attachments (message_id);
CREATE INDEX attachments_unused ON attachments (uploader_id) WHERE ticket_id IS NULL;

-- Audit history of a ticket: who changed what, from, to, when.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id   INTEGER REFERENCES users (id),
    kind       TEXT    NOT NULL,   -- status, assignee, priority, category, tags, deleted, restored, ...
    from_value TEXT,
    to_value   TEXT,
    created_at INTEGER NOT NULL
);
CREATE INDEX events_ticket ON events (ticket_id, id);

-- Settings changed on the admin page (they override the command-line defaults).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
