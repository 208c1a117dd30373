-- The staff's own words in a commune's quarterly report (difficulties, next quarter's tasks, proposals) and the
-- document's number and signatory, kept so the report can be edited and generated again.
CREATE TABLE report_texts (
    commune_code   VARCHAR NOT NULL,
    quarter        VARCHAR NOT NULL CHECK (regexp_full_match(quarter, '\d{4}-Q[1-4]')),
    difficulties   VARCHAR NOT NULL DEFAULT '',
    next_tasks     VARCHAR NOT NULL DEFAULT '',
    proposals      VARCHAR NOT NULL DEFAULT '',
    report_number  VARCHAR NOT NULL DEFAULT '',
    signatory      VARCHAR NOT NULL DEFAULT '',
    saved_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (commune_code, quarter)
);
