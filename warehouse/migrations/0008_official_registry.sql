-- The official registry of administrative units (`python -m etl communes`, from the vietnam-provinces package):
-- the provinces, and each commune's unit type. For a registered commune, communes.name is its official full name
-- ("Xã Gia Lộc") and communes.province its province's code (provinces.code).
CREATE TABLE provinces (
    code       VARCHAR PRIMARY KEY,  -- two digits, e.g. '31'
    name       VARCHAR NOT NULL,     -- official name, e.g. 'Thành phố Hải Phòng'
    unit_type  VARCHAR NOT NULL CHECK (unit_type IN ('tinh', 'thanh_pho_trung_uong'))
);

-- 'xa' (xã), 'phuong' (phường) or 'dac_khu' (đặc khu); NULL for a commune the registry has not described yet.
ALTER TABLE communes ADD COLUMN IF NOT EXISTS unit_type VARCHAR;
-- Undoing a village registry upload puts commune rows back exactly: the copy table needs the same columns.
-- (IF EXISTS: a warehouse that predates that table gets it later, copied from communes with this column.)
ALTER TABLE IF EXISTS replaced_communes ADD COLUMN IF NOT EXISTS unit_type VARCHAR;
