-- Each user's time zone (an IANA name such as 'Europe/Madrid'; NULL: UTC) and language
-- ('en' or 'es'; NULL: the browser's Accept-Language), chosen on the account page and
-- read with the session.
ALTER TABLE users ADD COLUMN time_zone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
