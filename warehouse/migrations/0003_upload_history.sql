-- What undoing an upload needs: where its raw file is kept, which keys it replaced, and the rows it replaced.
ALTER TABLE uploads ADD COLUMN stored_path VARCHAR;
ALTER TABLE uploads ADD COLUMN undone_at TIMESTAMP;
ALTER TABLE uploads ADD COLUMN undone_by VARCHAR;

-- The keys an upload replaced: (village, period) for monthly reports, a village for rosters and the registry,
-- a session for training; `part` says which (see warehouse/writer.py, UPLOAD_SCOPES).
CREATE TABLE upload_scope (
    upload_id  INTEGER NOT NULL,
    part       VARCHAR NOT NULL,
    key        VARCHAR NOT NULL,
    sub_key    VARCHAR NOT NULL DEFAULT ''
);

-- Each replaced_* table holds, per upload, the rows of its table that the upload replaced, exactly as they were.
CREATE TABLE replaced_communes AS SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM communes LIMIT 0;
CREATE TABLE replaced_villages AS SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM villages LIMIT 0;
CREATE TABLE replaced_teams AS SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM teams LIMIT 0;
CREATE TABLE replaced_members AS SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM members LIMIT 0;
CREATE TABLE replaced_reports AS SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM reports LIMIT 0;
CREATE TABLE replaced_report_values AS
    SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM report_values LIMIT 0;
CREATE TABLE replaced_training_sessions AS
    SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM training_sessions LIMIT 0;
CREATE TABLE replaced_training_attendance AS
    SELECT CAST(NULL AS INTEGER) AS replaced_by_upload, * FROM training_attendance LIMIT 0;
