-- Reports and their values lose their primary key (issue 17). At national scale its index was most of the file
-- (405 MB of 700 for four months of report values) and most of a correction's time (the commit of a million values
-- deleted and inserted again against it). Every write to them checks the same uniqueness over the rows it wrote
-- (warehouse/write/tables.py, UNIQUE_KEYS), so that a duplicate is still refused and the write rolled back.
-- Rows are kept in period order, as monthly uploads add them, so that a month's rows lie together.
CREATE TABLE reports_unkeyed (
    village_code  VARCHAR NOT NULL,
    period        VARCHAR NOT NULL CHECK (regexp_full_match(period, '\d{4}-(0[1-9]|1[0-2])')),
    reported_on   DATE NOT NULL,
    note          VARCHAR,
    upload_id     INTEGER
);
INSERT INTO reports_unkeyed SELECT village_code, period, reported_on, note, upload_id FROM reports
    ORDER BY period, village_code;
DROP TABLE reports;
ALTER TABLE reports_unkeyed RENAME TO reports;

CREATE TABLE report_values_unkeyed (
    village_code    VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    value           BIGINT NOT NULL CHECK (value >= 0)
);
INSERT INTO report_values_unkeyed SELECT village_code, period, indicator_code, value FROM report_values
    ORDER BY period, village_code, indicator_code;
DROP TABLE report_values;
ALTER TABLE report_values_unkeyed RENAME TO report_values;
