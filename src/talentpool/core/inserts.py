"""One row written by one INSERT made once per connection and model: for the rows written on every read (an
audited read's event, a partner's call log), where the ORM's insert (compiling the statement, reading back the new
key) cost more than the rest of serving a kept page.

The row is what ``Model.objects.create`` would write: each field's value goes through the field's own
``get_db_prep_save`` (dates, JSON, addresses, foreign keys by their key), an omitted field takes its default, and
an ``auto_now``/``auto_now_add`` date takes the current time. No signal is sent and no key is read back.
"""

from __future__ import annotations

from typing import Any

from django.db import connections, models, router
from django.utils import timezone

_STATEMENTS: dict[tuple[str, type[models.Model]], tuple[str, tuple[models.Field, ...], frozenset[str]]] = {}


def _statement(connection, model: type[models.Model]) -> tuple[str, tuple[models.Field, ...], frozenset[str]]:
    """The INSERT, its fields in order, and the names a value may be given by."""
    made = _STATEMENTS.get((connection.alias, model))
    if made is None:
        meta, quote = model._meta, connection.ops.quote_name
        fields = tuple(field for field in meta.concrete_fields if not field.primary_key)
        sql = (f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(field.column) for field in fields)}) "
               f"VALUES ({', '.join(['%s'] * len(fields))})")
        names = frozenset(name for field in fields for name in (field.name, field.attname))
        made = _STATEMENTS[(connection.alias, model)] = (sql, fields, names)
    return made


def _value(field: models.Field, values: dict[str, Any], now):
    for name in (field.name, field.attname):
        if name in values:
            value = values[name]
            return value.pk if isinstance(value, models.Model) else value
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return now
    return field.get_default()


def insert_row(model: type[models.Model], **values: Any) -> None:
    """Write one row of ``model`` with ``values`` (by field name or attribute name; a related object stands for its
    key). An unknown name is refused, as ``create`` would."""
    connection = connections[router.db_for_write(model)]
    sql, fields, names = _statement(connection, model)
    unknown = values.keys() - names
    if unknown:
        raise TypeError(f"{model.__name__} has no field {', '.join(sorted(unknown))}")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_save(_value(field, values, now), connection) for field in fields])
