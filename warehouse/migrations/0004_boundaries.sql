-- Boundaries of villages and communes, stored once so that a page never re-reads a boundary file.
-- `geometry` keeps the imported shape (WKB, EPSG:4326); `display` is its simplified GeoJSON geometry for maps,
-- simplified together with its neighbours so that no gap or overlap opens between them.
CREATE TABLE boundaries (
    level         VARCHAR NOT NULL CHECK (level IN ('village', 'commune')),
    code          VARCHAR NOT NULL,
    commune_code  VARCHAR,
    geometry      BLOB NOT NULL,
    display       VARCHAR NOT NULL,
    area_km2      DOUBLE NOT NULL,
    is_demo       BOOLEAN NOT NULL DEFAULT FALSE,
    upload_id     INTEGER,
    PRIMARY KEY (level, code)
);
