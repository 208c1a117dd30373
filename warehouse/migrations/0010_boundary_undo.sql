-- Undo for boundary uploads: the boundaries an upload replaced, exactly as they were (see UPLOAD_SCOPES in
-- warehouse/writer.py: kinds boundaries_village and boundaries_commune). The columns are those of `boundaries`.
CREATE TABLE replaced_boundaries (
    replaced_by_upload  INTEGER,
    level               VARCHAR,
    code                VARCHAR,
    commune_code        VARCHAR,
    geometry            BLOB,
    display             VARCHAR,
    area_km2            DOUBLE,
    is_demo             BOOLEAN,
    upload_id           INTEGER
);
