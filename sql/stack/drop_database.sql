-- Drops a database set aside by `up`; refused while a client is connected to it.
drop database {database};
