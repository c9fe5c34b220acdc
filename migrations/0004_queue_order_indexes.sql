-- The queue's "All" tab under a single filter, newest activity first, without sorting the
-- filtered rows: each index yields them already in order.
CREATE INDEX tickets_category_updated ON tickets (category_id, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX tickets_assignee_updated ON tickets (assignee_id, updated_at) WHERE deleted_at IS NULL;
CREATE INDEX tickets_priority_updated ON tickets (priority, updated_at) WHERE deleted_at IS NULL;
-- Who a ticket can be assigned to (the queue's and the panel's pickers), by name, without
-- reading every customer.
CREATE INDEX users_staff ON users (name) WHERE role IN ('agent', 'admin') AND active = 1;
