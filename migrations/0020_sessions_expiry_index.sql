-- Expired sessions are now swept while the server runs (every hour by default, by every
-- instance), not only at start: the sweep finds them through this index instead of
-- reading every session.
CREATE INDEX sessions_expires ON sessions (expires_at);
