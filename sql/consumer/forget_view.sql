delete from schema_views
where name = %(name)s;
