"""Writing many rows fast, without model instances: ``COPY`` on PostgreSQL, ``executemany`` on
SQLite. For bulk paths (the people import) where Django's ``bulk_create`` — which builds a model
instance per row and compiles SQL for it — would cost more than the database itself.

    ids = allocate_ids(Person, len(rows))          # inside transaction.atomic()
    insert_rows(Person, rows, constants={"organization_id": org.pk, "created_at": now})

Rules, because no model code runs:
- per-row values are plain database values (str, int, bool, None, or ``Sealed`` ciphertext
  from ``EncryptedTextField.seal``); the caller validates them (length, format) beforehand;
- ``constants`` are Python values the same for every row, converted once by their fields;
- every other column gets its field's default, converted once;
- the primary key is written only if the rows carry it (from ``allocate_ids``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connection, models


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys for ``model``, reserved so that no other writer takes them.
    Call inside ``transaction.atomic()``."""
    if count == 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [table, pk.column, count],
            )
            return [row[0] for row in cursor.fetchall()]
        if connection.vendor == "sqlite":
            # The transaction holds SQLite's write lock from its start (transaction_mode
            # IMMEDIATE in settings), so no other writer can take these ids before we insert.
            if not connection.in_atomic_block:
                raise RuntimeError("allocate_ids must run inside transaction.atomic()")
            quoted, column = connection.ops.quote_name(table), connection.ops.quote_name(pk.column)
            latest = f"SELECT max({column}) FROM {quoted}"  # noqa: S608 — names from the model, quoted
            cursor.execute(
                f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), coalesce(({latest}), 0))",  # noqa: S608
                [table],
            )
            start = int(cursor.fetchone()[0]) + 1
            return list(range(start, start + count))
    raise NotImplementedError(f"allocate_ids does not support {connection.vendor}")


def _columns(model: type[models.Model], given: Sequence[str]) -> list[models.Field[Any, Any]]:
    pk = model._meta.pk
    return [f for f in model._meta.concrete_fields if f is not pk or f.attname in given]


def insert_rows(
    model: type[models.Model],
    rows: Iterable[Mapping[str, Any]],
    *,
    constants: Mapping[str, Any] | None = None,
) -> int:
    """Insert ``rows`` (dicts of attname → database value) into ``model``'s table. Returns the
    number of rows written."""
    rows = list(rows)
    if not rows:
        return 0
    constants = constants or {}
    given = list(rows[0].keys())
    fields = _columns(model, given)
    fixed: dict[str, Any] = {}
    for f in fields:
        if f.attname in given:
            continue
        value = constants[f.attname] if f.attname in constants else f.get_default()
        fixed[f.attname] = f.get_db_prep_save(value, connection)
    names = [f.attname for f in fields]
    tuples = (tuple(row[n] if n in row else fixed[n] for n in names) for row in rows)
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({column_list}) FROM STDIN") as copy:
                for values in tuples:
                    copy.write_row(values)
        else:
            placeholders = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders})"  # noqa: S608 — names from the model, quoted
            cursor.executemany(sql, list(tuples))
    return len(rows)
