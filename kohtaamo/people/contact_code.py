"""Contact codes: the short code a pseudonymous visitor keeps ("KALA-4821") so that repeat visits
link without identity. The code itself is never stored, only its keyed hash
(`core.crypto.keyed_hash(..., purpose="contact-code")`).

A code is an easy-to-say Finnish word and four digits. The words use only letters that are read
and typed unambiguously (no Å, Ä, Ö, no Q, W, X, Z), and the digits are kept apart from the word,
so O/0 and I/1 cannot be confused. People type codes loosely ("kala 4821", "KALA4821"); every
spelling normalises to the same code before hashing.
"""

from __future__ import annotations

import re
import secrets

from kohtaamo.core import crypto

WORDS = (
    "AAMU", "HELMI", "HILLA", "HIRVI", "JOKI", "JUURI", "KALA", "KANTO", "KARHU", "KESA",
    "KETTU", "KIVI", "KOIVU", "KUKKA", "KUMPU", "KUU", "LAHTI", "LAINE", "LEPPA", "LILJA",
    "LINTU", "LOHI", "LUMI", "LUOTO", "MAJA", "MANSIKKA", "MARJA", "MERI", "METSA", "MUSTIKKA",
    "NIITTY", "OMENA", "ORAVA", "PAJU", "PALLO", "PILVI", "PUOLUKKA", "PURO", "PUU", "RANTA",
    "RUUSU", "SAARI", "SADE", "SAVU", "SIILI", "SILTA", "SIRKKA", "SUO", "SUPPILO", "TAIVAS",
    "TALO", "TAMMI", "TERVA", "TUULI", "TUPA", "UKKO", "VAAHTERA", "VALO", "VESI", "VIRTA",
    "VUORI", "HAUKI", "AHVEN", "KUIKKA",
)  # fmt: skip

RX = re.compile(r"^\s*([A-Za-z]{2,10})[\s\-_.]*(\d{4})\s*$")


def generate(exists=None) -> str:
    """A new random code; `exists(hash)` (optional) makes us draw again on a clash."""
    for _ in range(50):
        code = f"{secrets.choice(WORDS)}-{secrets.randbelow(10_000):04d}"
        if exists is None or not exists(hash_code(code)):
            return code
    raise RuntimeError("could not find a free contact code")  # pragma: no cover (64e4 codes)


def normalise(value: str) -> str:
    """'kala 4821' → 'KALA-4821'; '' for anything that is not a contact code."""
    match = RX.match(value or "")
    if not match:
        return ""
    return f"{match.group(1).upper()}-{match.group(2)}"


def looks_like_code(value: str) -> bool:
    return bool(normalise(value))


def hash_code(value: str) -> str:
    """The keyed hash stored instead of the code; '' if the value is not a contact code."""
    code = normalise(value)
    return crypto.keyed_hash(code, purpose="contact-code") if code else ""
