-- Remembered sign-ins (issue 18): one row per signed-in browser, found by the SHA-256 of the token its HttpOnly
-- cookie carries (the token itself is never stored). Revoked by signing out, removing the account or changing its
-- password; valid while used within the idle window (CDS_IDLE_MINUTES) and younger than a working day.
CREATE TABLE sign_in_sessions (
    token_hash    VARCHAR PRIMARY KEY,
    username      VARCHAR NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_seen_at  TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP,
    revoked_why   VARCHAR
);
