"""Writing rows fast: many without model instances (``COPY`` on PostgreSQL, ``executemany`` on
SQLite), or one instance with an INSERT prepared once per model. For hot paths (the people
import; the public RSVP form) where Django's ``bulk_create`` or ``save()`` — which compile the
SQL for every call — would cost more than the database itself.

    ids = allocate_ids(Person, len(people))        # inside transaction.atomic()
    insert_rows(Person, ["id", "given_name"], [(pk, p.name) for pk, p in zip(ids, people)],
                constants={"organization_id": org.pk, "created_at": now})

Rules, because no model code runs:
- per-row values (one tuple per row, in the order of ``columns``) are plain database values
  (str, int, bool, None, or ``Sealed`` ciphertext
  from ``EncryptedTextField.seal``); the caller validates them (length, format) beforehand;
- ``constants`` are Python values the same for every row, converted once by their fields;
- every other column gets its field's default, converted once;
- the primary key is written only if ``columns`` names it (ids from ``allocate_ids``).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from typing import Any

from django.db import connection, models
from psycopg.types.json import Json, Jsonb


def _copy_text(value: Any) -> Any:
    """A value that is the same for every row, as the text COPY reads, so that it is converted
    once and not once per row (a UUID, a timestamp, a JSON default)."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Json | Jsonb):
        return (value.dumps or json.dumps)(value.obj)
    return value


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


def insert_rows(
    model: type[models.Model],
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    constants: Mapping[str, Any] | None = None,
    skip_conflicts: bool = False,
) -> int:
    """Insert ``rows`` (tuples of database values for ``columns``, attnames) into ``model``'s
    table; ``constants`` and the fields' defaults fill the other columns. Returns the number of
    rows written. With ``skip_conflicts``, a row that would break a unique constraint is left
    out (``ON CONFLICT DO NOTHING``; on PostgreSQL through a COPY into a temporary table) and
    is not counted."""
    # Materialised before the COPY starts: code that computes a row (encryption may read the
    # key store, which may query) must not run while the connection is in COPY mode.
    rows = list(rows)
    if not rows:
        return 0
    constants = constants or {}
    pk = model._meta.pk
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    given = [by_attname[name] for name in columns]
    others = [f for f in model._meta.concrete_fields if f.attname not in columns and f is not pk]
    fixed = tuple(
        f.get_db_prep_save(constants[f.attname] if f.attname in constants else f.get_default(), connection)
        for f in others
    )
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    column_list = ", ".join(quote(f.column) for f in [*given, *others])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fixed = tuple(_copy_text(value) for value in fixed)
            target = quote(f"bulk_{model._meta.db_table}") if skip_conflicts else table
            if skip_conflicts:
                cursor.execute(f"CREATE TEMPORARY TABLE {target} AS SELECT {column_list} FROM {table} WITH NO DATA")  # noqa: S608
            with cursor.copy(f"COPY {target} ({column_list}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((*row, *fixed))
            if not skip_conflicts:
                return len(rows)
            try:
                cursor.execute(
                    f"INSERT INTO {table} ({column_list}) SELECT {column_list} FROM {target} ON CONFLICT DO NOTHING"  # noqa: S608
                )
                return cursor.rowcount
            finally:
                cursor.execute(f"DROP TABLE {target}")
        placeholders = ", ".join(["%s"] * (len(given) + len(others)))
        conflicts = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
        sql = f"INSERT INTO {table} ({column_list}) VALUES ({placeholders}){conflicts}"  # noqa: S608 — names from the model, quoted
        cursor.executemany(sql, [(*row, *fixed) for row in rows])
        return cursor.rowcount if skip_conflicts else len(rows)


@cache
def _insert_sql(model: type[models.Model], vendor: str) -> tuple[str, tuple[models.Field[Any, Any], ...]]:
    pk = model._meta.pk
    assert pk is not None
    fields = tuple(f for f in model._meta.concrete_fields if f is not pk)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({placeholders}) RETURNING {quote(pk.column)}"  # noqa: S608 — names from the model, quoted
    return sql, fields


def insert_instance(instance: models.Model) -> None:
    """Write a new, unsaved ``instance`` with one INSERT that returns its primary key, as
    ``save()`` would, but with the SQL prepared once per model: each field's ``pre_save`` and
    database conversion run, no signal is sent and ``save()`` is not called. For a hot path
    whose model has no save signal receivers and no ``save()`` of its own (checked)."""
    model = type(instance)
    signals = (models.signals.pre_save, models.signals.post_save)
    if model.save is not models.Model.save or any(signal.has_listeners(model) for signal in signals):
        raise TypeError(f"{model.__name__} has its own save() or save signal receivers: use save()")
    assert instance._state.adding and instance.pk is None
    sql, fields = _insert_sql(model, connection.vendor)
    params = [f.get_db_prep_save(f.pre_save(instance, True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        instance.pk = cursor.fetchone()[0]
    instance._state.adding = False
    instance._state.db = connection.alias
