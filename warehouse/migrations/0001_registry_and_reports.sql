-- Registry of communes, villages, teams and members; the indicator catalogue; monthly reports; uploads.
CREATE TABLE communes (
    code      VARCHAR PRIMARY KEY,
    name      VARCHAR NOT NULL,
    province  VARCHAR,
    is_demo   BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE TABLE villages (
    code          VARCHAR PRIMARY KEY,
    commune_code  VARCHAR NOT NULL,
    name          VARCHAR NOT NULL,
    households    INTEGER NOT NULL CHECK (households > 0),
    population    INTEGER CHECK (population >= 0)
);

CREATE TABLE teams (
    code            VARCHAR PRIMARY KEY,
    village_code    VARCHAR NOT NULL,
    established_on  DATE
);

CREATE TABLE members (
    code          VARCHAR PRIMARY KEY,
    team_code     VARCHAR NOT NULL,
    full_name     VARCHAR NOT NULL,
    role          VARCHAR NOT NULL,
    affiliation   VARCHAR NOT NULL,
    phone         VARCHAR
);

CREATE TABLE indicators (
    code          VARCHAR PRIMARY KEY,
    domain        VARCHAR NOT NULL,
    kind          VARCHAR NOT NULL CHECK (kind IN ('cumulative', 'monthly')),
    target_share  DOUBLE,
    name_vi       VARCHAR NOT NULL,
    name_en       VARCHAR NOT NULL,
    short_vi      VARCHAR NOT NULL,
    short_en      VARCHAR NOT NULL,
    unit_vi       VARCHAR NOT NULL,
    unit_en       VARCHAR NOT NULL,
    sort_order    INTEGER NOT NULL
);

CREATE SEQUENCE upload_ids START 1;

CREATE TABLE uploads (
    id             INTEGER PRIMARY KEY DEFAULT nextval('upload_ids'),
    file_name      VARCHAR NOT NULL,
    checksum       VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL,
    commune_code   VARCHAR,
    uploaded_by    VARCHAR NOT NULL,
    uploaded_at    TIMESTAMP NOT NULL DEFAULT current_timestamp,
    status         VARCHAR NOT NULL,
    rows_accepted  INTEGER NOT NULL DEFAULT 0,
    rows_rejected  INTEGER NOT NULL DEFAULT 0,
    messages       JSON
);

-- One report per village and month; its values are in report_values (long form).
CREATE TABLE reports (
    village_code  VARCHAR NOT NULL,
    period        VARCHAR NOT NULL CHECK (regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])')),
    reported_on   DATE NOT NULL,
    note          VARCHAR,
    upload_id     INTEGER,
    PRIMARY KEY (village_code, period)
);

CREATE TABLE report_values (
    village_code    VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    value           BIGINT NOT NULL CHECK (value >= 0),
    PRIMARY KEY (village_code, period, indicator_code)
);
