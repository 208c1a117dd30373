-- Each figure remembers the upload that wrote it (issue 17, writes at scale): a correction then replaces only the
-- figures it changes, and its undo takes out exactly the figures it wrote (warehouse/write/uploads.py). Until now an
-- upload wrote every figure of its reports, so a figure's upload is its report's.
CREATE TABLE report_values_with_upload (
    village_code    VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,
    indicator_code  VARCHAR NOT NULL,
    value           BIGINT NOT NULL CHECK (value >= 0),
    upload_id       INTEGER
);
INSERT INTO report_values_with_upload
    SELECT rv.village_code, rv.period, rv.indicator_code, rv.value, r.upload_id
    FROM report_values rv LEFT JOIN reports r ON r.village_code = rv.village_code AND r.period = rv.period
    ORDER BY rv.period, rv.village_code, rv.indicator_code;
DROP TABLE report_values;
ALTER TABLE report_values_with_upload RENAME TO report_values;
