insert into schema_views (name, kind, path, checksum)
values (%(name)s, %(kind)s, %(path)s, %(checksum)s)
on conflict (name) do update
set
    kind = excluded.kind,
    path = excluded.path,
    checksum = excluded.checksum,
    applied_at = now();
