-- "My urgent open tickets": the queue filtered by assignee, priority and status together
-- reads exactly the rows it shows, newest activity first, instead of filtering an
-- assignee's tickets by priority one row at a time.
CREATE INDEX tickets_assignee_priority_status ON tickets (assignee_id, priority, status, updated_at)
    WHERE deleted_at IS NULL;
