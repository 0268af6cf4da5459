"""Fast bulk writing: COPY on PostgreSQL, executemany on SQLite. Used by the scale-data
generator and by the aggregate refresh (the daily tables can have hundreds of thousands of rows)."""

from __future__ import annotations

import datetime
import uuid

from django.db import connection


class TableWriter:
    """Rows for one model's table, written in batches by COPY (PostgreSQL, on a background
    thread so that generating and loading overlap) or executemany (SQLite).

    Rows are lists of text in column order (NULL as `self.null`), which both databases take:
    PostgreSQL's COPY text format and SQLite's type affinity. `maker(names)` returns a fast
    function for the hot tables; `add(values)` converts any Python values (slower)."""

    def __init__(self, model, overrides: dict | None = None, loader=None, *, with_pk: bool = True):
        self.model = model
        self.table = model._meta.db_table
        self.fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
        self.columns = [f.column for f in self.fields]
        self.postgres = connection.vendor == "postgresql"
        self.null = "\\N" if self.postgres else None
        self.true, self.false = ("t", "f") if self.postgres else ("1", "0")
        self.loader = loader
        self.buffer: list = []
        self.written = 0
        defaults = {}
        for f in self.fields:
            if f.has_default() and not callable(f.default):
                defaults[f.attname] = f.default
            elif f.null:
                defaults[f.attname] = None
            elif f.get_internal_type() in (
                "CharField",
                "TextField",
                "SlugField",
                "EmailField",
                "URLField",
            ):
                defaults[f.attname] = ""
            elif f.get_internal_type() == "JSONField":
                defaults[f.attname] = {}
        defaults.update(overrides or {})
        self.names = [f.attname for f in self.fields]
        self.index = {n: i for i, n in enumerate(self.names)}
        self.template = [self.text(defaults.get(n), escape=True) for n in self.names]

    def text(self, value, escape: bool = False):
        if value is None:
            return self.null
        if value is True:
            return self.true
        if value is False:
            return self.false
        if isinstance(value, datetime.datetime):
            return timestamp(value, self.postgres)
        if isinstance(value, uuid.UUID):
            return value.hex
        if isinstance(value, (dict, list)):
            import json

            value, escape = json.dumps(value), True
        text = str(value)
        if escape and self.postgres:
            text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
        return text

    def maker(self, names: list[str]):
        """A function taking the values of `names` (already text) and queuing the row. On
        PostgreSQL the row is formatted at once into a COPY line (str.format is C code)."""
        template, positions, buffer = self.template, [self.index[n] for n in names], self.buffer
        if self.postgres:
            parts = [t.replace("{", "{{").replace("}", "}}") for t in template]
            for i, position in enumerate(positions):
                parts[position] = "{" + str(i) + "}"
            line = "\t".join(parts).format

            def make_line(*values):
                buffer.append(line(*values))

            return make_line

        def make(*values):
            row = template.copy()
            for position, value in zip(positions, values, strict=True):
                row[position] = value
            buffer.append(row)

        return make

    def add(self, values: dict) -> None:
        row = self.template.copy()
        for name, value in values.items():
            row[self.index[name]] = self.text(value)
        self.buffer.append(row)

    def flush(self) -> int:
        if not self.buffer:
            return 0
        rows = self.buffer[:]
        self.buffer.clear()  # the same list object: makers keep appending to it
        self.written += len(rows)
        if self.postgres:
            text = "\n".join(row if isinstance(row, str) else "\t".join(row) for row in rows) + "\n"
            columns = ", ".join(f'"{c}"' for c in self.columns)
            sql = f'COPY "{self.table}" ({columns}) FROM STDIN'
            if self.loader:
                self.loader.put(sql, text)
            else:
                _copy(sql, text)
        else:
            columns = ", ".join(f'"{c}"' for c in self.columns)
            marks = ", ".join(["%s"] * len(self.columns))
            with connection.cursor() as cursor:
                cursor.executemany(
                    f'INSERT INTO "{self.table}" ({columns}) VALUES ({marks})',  # noqa: S608
                    rows,
                )
        return len(rows)


def timestamp(value: datetime.datetime, postgres: bool) -> str:
    """UTC text both databases read: '2026-03-01 08:07:00+00' (PostgreSQL) or without the
    offset (SQLite, as Django stores it)."""
    utc = value.astimezone(datetime.UTC)
    text = utc.strftime("%Y-%m-%d %H:%M:%S")
    return f"{text}+00" if postgres else text


def _copy(sql: str, text: str) -> None:
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        copy.write(text)


def insert_rows(model, rows: list[dict]) -> int:
    """Insert many rows of one model (values are plain Python values)."""
    writer = TableWriter(model, with_pk=False)
    for row in rows:
        writer.add(row)
    return writer.flush()
