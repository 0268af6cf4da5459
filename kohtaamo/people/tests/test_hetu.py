import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kohtaamo.people.hetu import TABLE, birth_date, check_hetu, make_hetu, mask, normalise

# standards.md 1.2; "future" is our rule for a birth date after today.
VECTORS = [
    ("131052-308T", False, "ok"),
    ("131052+308T", False, "ok"),
    ("131052Y308T", False, "ok"),
    ("131052A308T", False, "future"),
    ("010594Y0086", False, "ok"),
    ("150801B357W", False, "ok"),
    ("070315F123S", False, "ok"),
    ("010150+003E", False, "ok"),
    ("290200A002C", False, "ok"),
    ("290200-002C", False, "date"),
    ("290201A002M", False, "date"),
    ("100190-999P", False, "temporary"),
    ("100190Y999P", False, "temporary"),
    ("100190-999P", True, "ok"),
    ("100190Y999P", True, "ok"),
    ("131052-308U", False, "checksum"),
    ("131052/308T", False, "format"),
    ("131052Z308T", False, "format"),
    ("131052-308G", False, "format"),
    ("131052-000V", False, "individual"),
    ("310252-308Y", False, "date"),
    ("010190-999W", True, "ok"),
    ("010190-999K", True, "checksum"),
    ("010190-999Y", True, "checksum"),
    ("010190-999X", True, "checksum"),
]


@pytest.mark.parametrize(("code", "allow_temporary", "expected"), VECTORS)
def test_check_hetu_vectors(code, allow_temporary, expected):
    assert (
        check_hetu(code, allow_temporary=allow_temporary, today=datetime.date(2026, 12, 1))
        == expected
    )


def test_lower_case_is_ok_after_normalising():
    assert check_hetu("131052a308t") == "format"
    assert normalise(" 131052-308t ") == "131052-308T"
    assert check_hetu(normalise("131052a308t"), today=datetime.date(2060, 1, 1)) == "ok"


def test_century_sign_is_part_of_the_identity():
    assert birth_date("131052-308T") == datetime.date(1952, 10, 13)
    assert birth_date("131052+308T") == datetime.date(1852, 10, 13)
    assert "131052-308T" != "131052Y308T"  # compared as whole strings, never normalised to one sign


def test_mask_hides_the_individual_part():
    assert mask("131052-308T") == "131052-****"


@given(
    born=st.dates(min_value=datetime.date(1850, 1, 1), max_value=datetime.date(2025, 12, 31)),
    individual=st.integers(min_value=2, max_value=999),
)
def test_made_codes_validate(born, individual):
    code = make_hetu(born, individual) if individual >= 900 else make_hetu(born, individual)
    assert check_hetu(code, allow_temporary=True, today=datetime.date(2026, 12, 1)) == "ok"
    assert birth_date(code) == born


@given(st.text(max_size=15))
def test_any_text_gets_a_reason_and_never_raises(text):
    assert check_hetu(text) in {
        "ok",
        "format",
        "date",
        "individual",
        "temporary",
        "checksum",
        "future",
    }


def test_every_wrong_check_character_is_caught():
    good = "131052-308T"
    for q in TABLE:
        if q != "T":
            assert check_hetu(good[:-1] + q) == "checksum"
