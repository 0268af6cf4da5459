from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    error: str
    detail: str | list | dict | None = None


class MeOut(Schema):
    username: str
    name: str
    roles: list[str]
    organisations: list[str]


class PersonOut(Schema):
    code: str
    first_name: str
    last_name: str
    hetu_masked: str
    phone: str
    email: str
    municipality: str
