-- What a notice says beyond the ticket and message it names (the files a mail brought
-- that were not accepted, for the answer to its sender).
ALTER TABLE outbox ADD COLUMN detail TEXT;
