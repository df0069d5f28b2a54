"""Writing many rows at once, faster than bulk_create when nothing needs to come back.

bulk_create prepares every value through its field and returns the new keys: right for a few
thousand rows, most of the time for hundreds of thousands. insert_rows() sends plain tuples with
executemany; only dates and times are converted, as the database backend wants them.
"""

from datetime import UTC

from django.db import connection, models

CHUNK_SIZE = 5000


def _sqlite_datetime(value):
    """What the SQLite backend stores for a datetime, the common case (UTC, as timezone.now()) fast."""
    if value is not None and value.tzinfo is UTC:
        return value.replace(tzinfo=None).isoformat(" ")
    return connection.ops.adapt_datetimefield_value(value)


def _adapter(field):
    if isinstance(field, models.DateTimeField):
        return _sqlite_datetime if connection.vendor == "sqlite" else connection.ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return connection.ops.adapt_datefield_value
    return None


def insert_rows(model, field_names, rows):
    """INSERT the rows (tuples of values in field_names order) into the model's table; no signals.

    Foreign keys are given by their attname (`content_object_id`). Returns how many rows went in.
    """
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values go as parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(field.column) for field in fields),
        ", ".join(["%s"] * len(fields)),
    )
    adapters = [(index, adapter) for index, field in enumerate(fields) if (adapter := _adapter(field))]
    count = 0
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK_SIZE):
            batch = rows[start : start + CHUNK_SIZE]
            if adapters:
                batch = [list(row) for row in batch]
                for row in batch:
                    for index, adapter in adapters:
                        row[index] = adapter(row[index])
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def update_rows(model, field_names, rows):
    """UPDATE the given fields of rows (tuples: the values in field_names order, then the primary key)."""
    fields = [model._meta.get_field(name) for name in field_names]
    quote = connection.ops.quote_name
    # Table and column names come from the model and are quoted; the values go as parameters.
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in fields),
        quote(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), CHUNK_SIZE):
            cursor.executemany(sql, rows[start : start + CHUNK_SIZE])
    return len(rows)


def new_ids(model, count):
    """`count` primary keys no other row has or will get, for rows inserted with insert_rows().

    PostgreSQL hands them out from the table's own sequence. SQLite takes the next numbers after the
    largest: safe inside a write transaction, which holds the database's write lock (this project's
    transactions begin IMMEDIATE).
    """
    table, column = model._meta.db_table, model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("new_ids() on SQLite needs a transaction to hold the write lock")
        quote = connection.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def analyze():
    """Refresh the query planner's statistics after a bulk load (SQLite and PostgreSQL both say ANALYZE).

    Without them SQLite guesses every index equally selective, and after a load PostgreSQL's
    autovacuum may not have run yet: either can pick a plan that reads a whole table where an index
    would read a few rows (the related-articles sidebar took seconds at 100,000 articles).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
