"""Shared reporting for the import commands."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import CommandError


def read_json(path: str):
    file = Path(path)
    if not file.exists():
        raise CommandError(f"{path}: no such file")
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise CommandError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise CommandError(
            f"{path}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None


def report(command, problems, *, records: int, partial: bool) -> None:
    """Print each broken record; stop before writing unless --partial."""
    for index, record_id, reason in problems:
        where = f"record {index}" + (f" (id {record_id})" if record_id else "")
        command.stderr.write(f"{where}: {reason}")
    failed = len({index for index, _id, _reason in problems})
    if failed and not partial:
        raise CommandError(
            f"{failed} of {records} records have errors; nothing was imported. "
            "Fix them, or use --partial to import the valid records."
        )
    return failed


def summary(command, result, failed: int) -> None:
    command.stdout.write(
        command.style.SUCCESS(
            f"services: {result.created} created, {result.updated} updated, "
            f"{result.unchanged} unchanged; records failed: {failed}"
        )
    )
