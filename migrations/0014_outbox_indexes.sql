-- The outbox grows with every notice: what is asked of it by recipient (the cap on
-- automatic answers; deleting a user) and by message (purging a ticket) needs an index.
CREATE INDEX outbox_recipient ON outbox (recipient_id, kind, created_at);
CREATE INDEX outbox_message ON outbox (message_ref) WHERE message_ref IS NOT NULL;
