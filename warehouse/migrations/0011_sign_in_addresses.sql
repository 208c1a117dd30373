-- Failed sign-ins and the audit log remember the client's address (for the slow-down per address), and no longer
-- keep what was typed as a user name when no such user exists (it may be a password typed in the wrong box).
ALTER TABLE sign_in_failures ADD COLUMN client_address VARCHAR;
ALTER TABLE sign_in_failures ALTER COLUMN username DROP NOT NULL;
ALTER TABLE audit_log ADD COLUMN client_address VARCHAR;
DELETE FROM sign_in_failures WHERE username NOT IN (SELECT username FROM users);
UPDATE audit_log SET username = NULL WHERE action = 'sign_in_failed' AND detail = 'unknown_user';
