-- A reviewer may be scoped to whole provinces (issue 16): the account then works for every commune the warehouse
-- holds in them, those registered later included. A user with no row here nor in user_communes sees every commune.
CREATE TABLE user_provinces (
    username       VARCHAR NOT NULL,
    province_code  VARCHAR NOT NULL,  -- two digits, e.g. '31' (provinces.code)
    PRIMARY KEY (username, province_code)
);
