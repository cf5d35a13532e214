-- Sets a database aside under another name; its owner may do this from another database.
alter database {database} rename to {archive};
