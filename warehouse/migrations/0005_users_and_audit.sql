-- Accounts (role and commune scope, argon2 password hashes), failed sign-ins for the slow-down, the audit log.
CREATE TABLE users (
    username             VARCHAR PRIMARY KEY,
    role                 VARCHAR NOT NULL CHECK (role IN ('viewer', 'staff', 'reviewer', 'admin')),
    password_hash        VARCHAR NOT NULL,
    -- Demo accounts have published passwords: they only work while every commune of the warehouse is demo.
    is_demo              BOOLEAN NOT NULL DEFAULT FALSE,
    created_at           TIMESTAMP NOT NULL,
    password_changed_at  TIMESTAMP NOT NULL
);

-- A user with no row here is unscoped (every commune); only reviewers and admins may be.
CREATE TABLE user_communes (
    username      VARCHAR NOT NULL,
    commune_code  VARCHAR NOT NULL,
    PRIMARY KEY (username, commune_code)
);

-- One row per failed sign-in, by the name typed (known or not); cleared by a successful sign-in.
CREATE TABLE sign_in_failures (
    username   VARCHAR NOT NULL,
    failed_at  TIMESTAMP NOT NULL
);

CREATE SEQUENCE audit_ids START 1;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY DEFAULT nextval('audit_ids'),
    happened_at  TIMESTAMP NOT NULL,
    username     VARCHAR,
    action       VARCHAR NOT NULL,
    detail       VARCHAR
);
