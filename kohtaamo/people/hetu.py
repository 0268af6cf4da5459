"""The Finnish personal identity code (henkilötunnus), with the century signs of 2023.

`check_hetu` returns a reason code (standards.md 1.1): ok, format, date, individual, temporary,
checksum or future. The century sign is part of the identity and is kept as typed (upper-cased).
"""

from __future__ import annotations

import datetime
import re

from django.utils.translation import gettext_lazy as _

TABLE = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURY = {"+": 1800, **dict.fromkeys("-YXWVU", 1900), **dict.fromkeys("ABCDEF", 2000)}
RX = re.compile(r"(\d\d)(\d\d)(\d\d)([-+A-FU-Y])(\d{3})([0-9A-FHJ-NPR-Y])")

MESSAGES = {
    "format": _(
        "The identity code is not in the right format. It has 11 characters, for example 131052-308T."
    ),
    "date": _("The birth date in the identity code does not exist."),
    "future": _("The birth date in the identity code is in the future."),
    "individual": _(
        "The individual number in the identity code (characters 8–10) is never issued."
    ),
    "temporary": _(
        "This is a temporary identity code (individual number 900–999), which is not accepted here."
    ),
    "checksum": _(
        "The check character (the last character) of the identity code is wrong. Check the code."
    ),
}


def normalise(value: str) -> str:
    return (value or "").strip().upper()


def birth_date(hetu: str) -> datetime.date | None:
    m = RX.fullmatch(hetu)
    if not m:
        return None
    dd, mm, yy, c, _nnn, _q = m.groups()
    try:
        return datetime.date(CENTURY[c] + int(yy), int(mm), int(dd))
    except ValueError:
        return None


def check_hetu(
    value: str, *, allow_temporary: bool = False, today: datetime.date | None = None
) -> str:
    m = RX.fullmatch(value)
    if not m:
        return "format"
    dd, mm, yy, c, nnn, q = m.groups()
    try:
        born = datetime.date(CENTURY[c] + int(yy), int(mm), int(dd))
    except ValueError:
        return "date"
    if int(nnn) < 2:
        return "individual"
    if TABLE[int(dd + mm + yy + nnn) % 31] != q:
        return "checksum"
    if born > (today or datetime.date.today()):
        return "future"
    if int(nnn) >= 900 and not allow_temporary:
        return "temporary"
    return "ok"


def mask(hetu: str) -> str:
    """131052-308T → 131052-****"""
    return f"{hetu[:7]}****" if len(hetu) == 11 else "****"


def make_hetu(born: datetime.date, individual: int) -> str:
    """Build a valid code for synthetic data (use individual numbers 900–999)."""
    sign = {18: "+", 19: "-", 20: "A"}[born.year // 100]
    digits = f"{born:%d%m%y}{individual:03d}"
    return f"{born:%d%m%y}{sign}{individual:03d}{TABLE[int(digits) % 31]}"
