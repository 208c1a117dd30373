-- One row naming the warehouse's data as it is now: every committed transaction changes it (Warehouse.transaction),
-- so that cached read results are keyed by it and a write, by this process or another, is seen on the next run.
CREATE TABLE data_version (
    version BIGINT NOT NULL,
    token UUID NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
INSERT INTO data_version VALUES (0, gen_random_uuid(), current_timestamp);
