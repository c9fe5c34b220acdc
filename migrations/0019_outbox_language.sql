-- The language of an account mail (password reset, sign-up), from the browser that asked
-- for it: the recipient may have chosen none yet. Other notices use the recipient's
-- language (users.language), English if they chose none.
ALTER TABLE outbox ADD COLUMN language TEXT;
