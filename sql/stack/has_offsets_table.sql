-- Whether the consumer's migrations have created the offsets table in this database.
select to_regclass('partition_offsets') is not null;
