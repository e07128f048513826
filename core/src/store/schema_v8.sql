-- Version 8: the city's configuration as the server last sent it (catalog, names, tiles and
-- the wards' compact boundaries), for working offline as the server does. Without a row the
-- built-in copy is used.
CREATE TABLE city_config (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    version     TEXT NOT NULL,
    config      TEXT NOT NULL,            -- protocol::CityConfig, JSON
    wards       BLOB NOT NULL,            -- area::pack
    fetched_at  INTEGER NOT NULL
) STRICT;
