select
    name,
    checksum
from schema_views;
