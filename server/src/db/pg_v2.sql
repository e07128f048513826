-- Version 2: what admins change in the catalog at run time, over the city's files.
CREATE TABLE category_override (
    code            TEXT PRIMARY KEY NOT NULL,
    active          BIGINT,
    expected_hours  BIGINT,
    unit            TEXT REFERENCES unit(code)
);
