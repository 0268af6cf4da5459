"""Tests for the declarative instrument scoring engine (no Django needed).

Run: python -m pytest kohtaamo/instruments/tests/test_scoring.py -p no:django -p no:cacheprovider

The AUDIT vectors are those of /work/shared/standards.md §2.1 (items 1…10, "FI" = Finnish
Käypä hoito 2015 cut-off for the given sex). The table's "zone" column is the *raw* WHO zone of
the total. Decision documented here: the WHO rule "give the next higher level to those scoring
2 or more on questions 4, 5 and 6, or 4 on question 9 or 10" (read as *any* of items 4–6 ≥ 2) is
applied as a band raise, and the Result reports both: ``band_raw`` (zone of the total) and
``band`` (after the raise). That changes the reported zone for vector G (II → III) and also for
vector E (I → II, item 9 = 4); H and F are already in the top zone.
"""

from __future__ import annotations

import copy
import json

import pytest

from kohtaamo.instruments.scoring import (
    AnswerError,
    DefinitionError,
    definitions_dir,
    load_all,
    load_definition,
    normalise_sex,
    score,
    validate_definition,
)

AUDIT_KEYS = [f"q{i}" for i in range(1, 11)]
EURO_KEYS = [f"q{i}" for i in range(1, 9)]


def answers(values, keys=AUDIT_KEYS):
    return dict(zip(keys, values, strict=True))


@pytest.fixture(scope="module")
def defs():
    return load_all()


# --------------------------------------------------------------------------------------------
# Bundled definitions
# --------------------------------------------------------------------------------------------


def test_load_all_finds_the_bundled_instruments(defs):
    assert {"audit", "audit_c", "eurohis8"} <= set(defs)


@pytest.mark.parametrize("name", ["audit.json", "audit_c.json", "eurohis8.json"])
def test_bundled_file_is_utf8_json_and_valid(name):
    path = definitions_dir() / name
    raw = json.loads(path.read_bytes().decode("utf-8"))

    validate_definition(raw)
    normalised = load_definition(path)

    validate_definition(normalised)  # normalising is idempotent
    assert normalised["key"] == raw["key"]
    assert "screening" in raw["description"]["en"].lower()
    assert "diagnos" in raw["description"]["en"].lower()


def test_load_definition_does_not_modify_its_input(defs):
    raw = json.loads((definitions_dir() / "eurohis8.json").read_text(encoding="utf-8"))
    before = copy.deepcopy(raw)

    load_definition(raw)

    assert raw == before


# --------------------------------------------------------------------------------------------
# AUDIT: every vector of standards.md §2.1
# --------------------------------------------------------------------------------------------

# id, items, sex, total, raw zone (table), zone after WHO raise, AUDIT-C, FI AUDIT, FI AUDIT-C, flags {flag: items}
AUDIT_VECTORS = [
    ("A", [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "male", 0, "zone_1", "zone_1", 0, False, False, {}),
    ("D", [2, 1, 2, 0, 0, 0, 1, 0, 0, 0], "female", 6, "zone_1", "zone_1", 5, True, True, {}),
    ("D2", [2, 1, 2, 0, 0, 0, 1, 0, 0, 0], "male", 6, "zone_1", "zone_1", 5, False, False, {}),
    ("E", [1, 0, 0, 0, 0, 0, 0, 0, 4, 0], "male", 5, "zone_1", "zone_2", 1, False, False,
     {"harm_item_4": ["q9"]}),
    ("C", [3, 2, 2, 1, 1, 0, 1, 0, 0, 2], "male", 12, "zone_2", "zone_2", 7, True, True, {}),
    ("G", [3, 2, 2, 2, 1, 1, 1, 1, 2, 0], "male", 15, "zone_2", "zone_3", 7, True, True,
     {"dependence_items": ["q4"]}),
    ("I", [3, 2, 3, 1, 1, 0, 1, 1, 2, 2], "female", 16, "zone_3", "zone_3", 8, True, True, {}),
    ("H", [4, 3, 3, 2, 2, 1, 2, 1, 2, 0], "female", 20, "zone_4", "zone_4", 10, True, True,
     {"dependence_items": ["q4", "q5"]}),
    ("F", [4, 4, 4, 3, 3, 2, 3, 2, 4, 4], "male", 33, "zone_4", "zone_4", 12, True, True,
     {"dependence_items": ["q4", "q5", "q6"], "harm_item_4": ["q9", "q10"]}),
]  # fmt: skip


@pytest.mark.parametrize(
    "vid, items, sex, total, zone_raw, zone, audit_c, fi_audit, fi_audit_c, flags",
    AUDIT_VECTORS,
    ids=[v[0] for v in AUDIT_VECTORS],
)
def test_audit_vector(
    defs, vid, items, sex, total, zone_raw, zone, audit_c, fi_audit, fi_audit_c, flags
):
    result = score(defs["audit"], answers(items), sex=sex)

    assert result.scores["total"] == total
    assert result.scores["audit_c"] == audit_c
    assert result.band_raw["total"].key == zone_raw
    assert result.band["total"].key == zone
    assert result.cutoffs["fi_kaypahoito_2015"].positive is fi_audit
    assert result.cutoffs["fi_kaypahoito_2015"].sex == sex
    assert result.cutoffs["fi_kaypahoito_2015_audit_c"].positive is fi_audit_c
    assert {f.key: list(f.items) for f in result.flags} == flags
    assert result.complete
    assert result.missing == []


def test_audit_vector_g_is_raised_from_zone_ii_to_iii(defs):
    """Vector G (total 15, item 4 = 2): WHO gives the next higher level, so zone III; raw II is kept."""
    result = score(defs["audit"], answers([3, 2, 2, 2, 1, 1, 1, 1, 2, 0]), sex="male")

    assert result.band_raw["total"].key == "zone_2"
    assert result.band_raw["total"].raised_by == 0
    assert result.band["total"].key == "zone_3"
    assert result.band["total"].raised_by == 1
    assert result.band["total"].label["en"] == "Zone III (16–19)"
    assert result.flag_keys == ["dependence_items"]


def test_audit_raise_is_not_cumulative_and_stops_at_the_top_zone(defs):
    # E: total 5 with item 9 = 4 -> one step up only.
    e = score(defs["audit"], answers([1, 0, 0, 0, 0, 0, 0, 0, 4, 0]), sex="male")
    # Both flags together still raise by one step.
    both = score(defs["audit"], answers([0, 0, 0, 2, 0, 0, 0, 0, 4, 0]), sex="male")
    # F: already zone IV, cannot go higher.
    f = score(defs["audit"], answers([4, 4, 4, 3, 3, 2, 3, 2, 4, 4]), sex="male")

    assert (e.band_raw["total"].key, e.band["total"].key) == ("zone_1", "zone_2")
    assert both.scores["total"] == 6
    assert (both.band_raw["total"].key, both.band["total"].key) == ("zone_1", "zone_2")
    assert both.band["total"].raised_by == 1
    assert f.band["total"] == f.band_raw["total"]
    assert f.band["total"].raised_by == 0


def test_audit_d_and_d2_same_answers_differ_by_sex(defs):
    d = score(defs["audit"], answers([2, 1, 2, 0, 0, 0, 1, 0, 0, 0]), sex="female")
    d2 = score(defs["audit"], answers([2, 1, 2, 0, 0, 0, 1, 0, 0, 0]), sex="male")

    assert d.scores == d2.scores
    assert d.cutoffs["fi_kaypahoito_2015"].positive is True
    assert d2.cutoffs["fi_kaypahoito_2015"].positive is False
    assert d.cutoffs["fi_kaypahoito_2015"].threshold == 6
    assert d2.cutoffs["fi_kaypahoito_2015"].threshold == 8


@pytest.mark.parametrize("sex", [None, "unknown", "other", "not_told", ""])
def test_audit_unknown_sex_reports_both_thresholds_and_never_guesses(defs, sex):
    # Vector D's answers: total 6, AUDIT-C 5.
    result = score(defs["audit"], answers([2, 1, 2, 0, 0, 0, 1, 0, 0, 0]), sex=sex)

    cut = result.cutoffs["fi_kaypahoito_2015"]
    assert result.sex is None
    assert cut.sex is None
    assert cut.positive is None
    assert cut.threshold is None
    assert not cut.determined
    assert cut.by_sex == {
        "male": {"threshold": 8, "positive": False},
        "female": {"threshold": 6, "positive": True},
    }
    assert result.cutoffs["fi_kaypahoito_2015_audit_c"].by_sex == {
        "male": {"threshold": 6, "positive": False},
        "female": {"threshold": 5, "positive": True},
    }


def test_audit_known_sex_still_lists_both_thresholds(defs):
    result = score(defs["audit"], answers([2, 1, 2, 0, 0, 0, 1, 0, 0, 0]), sex="woman")

    cut = result.cutoffs["fi_kaypahoito_2015"]
    assert (cut.sex, cut.threshold, cut.positive) == ("female", 6, True)
    assert set(cut.by_sex) == {"male", "female"}


@pytest.mark.parametrize("item", ["q9", "q10"])
@pytest.mark.parametrize("value", [1, 3])
def test_audit_vector_x_items_9_and_10_reject_1_and_3(defs, item, value):
    values = answers([0] * 10)
    values[item] = value

    with pytest.raises(AnswerError) as exc:
        score(defs["audit"], values, sex="male")

    assert list(exc.value.errors) == [item]
    assert exc.value.codes == {item: "invalid_value"}
    assert "[0, 2, 4]" in exc.value.errors[item]


def test_audit_reports_every_bad_item_at_once(defs):
    values = answers([0] * 10)
    del values["q2"]  # missing
    values["q4"] = 5  # out of range
    values["q9"] = 3  # not an option
    values["q7"] = "2"  # not an integer
    values["q11"] = 0  # unknown item

    with pytest.raises(AnswerError) as exc:
        score(defs["audit"], values)

    assert exc.value.codes == {
        "q2": "missing",
        "q4": "invalid_value",
        "q7": "not_integer",
        "q9": "invalid_value",
        "q11": "unknown_item",
    }
    assert list(exc.value.errors) == ["q2", "q4", "q7", "q9", "q11"]  # item order, unknown last
    assert "q11" in str(exc.value)


def test_audit_none_counts_as_unanswered_and_booleans_are_rejected(defs):
    values = answers([0] * 10)
    values["q1"] = None
    values["q3"] = True

    with pytest.raises(AnswerError) as exc:
        score(defs["audit"], values)

    assert exc.value.codes == {"q1": "missing", "q3": "not_integer"}


def test_audit_zone_boundaries(defs):
    # Only items 1-3 and 7-8 used, so no flag raises the zone.
    cases = {
        7: "zone_1",
        8: "zone_2",
        15: "zone_2",
        16: "zone_3",
        19: "zone_3",
        20: "zone_4",
    }
    for total, zone in cases.items():
        vals = [0] * 10
        remaining = total
        for idx in (0, 1, 2, 6, 7):  # q1, q2, q3, q7, q8
            vals[idx] = min(4, remaining)
            remaining -= vals[idx]
        assert remaining == 0
        result = score(defs["audit"], answers(vals), sex="male")
        assert result.scores["total"] == total
        assert result.band_raw["total"].key == zone, total
        assert result.band["total"].key == zone, total


def test_audit_result_to_dict_is_json_serialisable(defs):
    result = score(defs["audit"], answers([3, 2, 2, 2, 1, 1, 1, 1, 2, 0]), sex=None)

    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))

    assert data["instrument"] == "audit"
    assert data["version"] == "1"
    assert data["scores"]["total"] == 15
    assert data["band"]["total"]["key"] == "zone_3"
    assert data["band_raw"]["total"]["key"] == "zone_2"
    assert data["cutoffs"]["fi_kaypahoito_2015"]["positive"] is None
    assert data["cutoffs"]["fi_kaypahoito_2015"]["by_sex"]["male"] == {
        "threshold": 8,
        "positive": True,
    }
    assert data["flags"] == [
        {"key": "dependence_items", "label": data["flags"][0]["label"], "items": ["q4"]}
    ]
    assert data["complete"] is True


def test_normalise_sex_rejects_typos():
    assert normalise_sex("Male") == "male"
    assert normalise_sex("man") == "male"
    assert normalise_sex("woman") == "female"
    assert normalise_sex("not_told") is None
    with pytest.raises(ValueError):
        normalise_sex("femal")


# --------------------------------------------------------------------------------------------
# AUDIT-C as its own instrument
# --------------------------------------------------------------------------------------------

# The first three items of each AUDIT vector.
AUDIT_C_VECTORS = [
    ("A", [0, 0, 0], "male", 0, False),
    ("D", [2, 1, 2], "female", 5, True),
    ("D2", [2, 1, 2], "male", 5, False),
    ("E", [1, 0, 0], "male", 1, False),
    ("C", [3, 2, 2], "male", 7, True),
    ("G", [3, 2, 2], "male", 7, True),
    ("I", [3, 2, 3], "female", 8, True),
    ("H", [4, 3, 3], "female", 10, True),
    ("F", [4, 4, 4], "male", 12, True),
]


@pytest.mark.parametrize(
    "vid, items, sex, total, positive", AUDIT_C_VECTORS, ids=[v[0] for v in AUDIT_C_VECTORS]
)
def test_audit_c_vector(defs, vid, items, sex, total, positive):
    result = score(defs["audit_c"], answers(items, ["q1", "q2", "q3"]), sex=sex)

    assert result.scores == {"audit_c": total}
    assert result.cutoffs["fi_kaypahoito_2015"].positive is positive
    assert result.band == {}
    assert result.flags == []


def test_audit_c_thresholds_and_unknown_sex(defs):
    five = answers([2, 1, 2], ["q1", "q2", "q3"])
    six = answers([2, 2, 2], ["q1", "q2", "q3"])

    assert score(defs["audit_c"], five, sex="female").cutoffs["fi_kaypahoito_2015"].positive is True
    assert score(defs["audit_c"], five, sex="male").cutoffs["fi_kaypahoito_2015"].positive is False
    assert score(defs["audit_c"], six, sex="male").cutoffs["fi_kaypahoito_2015"].positive is True
    unknown = score(defs["audit_c"], five).cutoffs["fi_kaypahoito_2015"]
    assert unknown.positive is None
    assert unknown.by_sex == {
        "male": {"threshold": 6, "positive": False},
        "female": {"threshold": 5, "positive": True},
    }


def test_audit_c_rejects_items_of_the_full_audit(defs):
    with pytest.raises(AnswerError) as exc:
        score(defs["audit_c"], answers([0] * 10))

    assert set(exc.value.codes) == {f"q{i}" for i in range(4, 11)}
    assert set(exc.value.codes.values()) == {"unknown_item"}


def test_audit_c_and_full_audit_agree(defs):
    items = [4, 3, 3, 2, 2, 1, 2, 1, 2, 0]
    full = score(defs["audit"], answers(items), sex="female")
    short = score(defs["audit_c"], answers(items[:3], ["q1", "q2", "q3"]), sex="female")

    assert full.scores["audit_c"] == short.scores["audit_c"]
    assert (
        full.cutoffs["fi_kaypahoito_2015_audit_c"].positive
        == short.cutoffs["fi_kaypahoito_2015"].positive
    )


# --------------------------------------------------------------------------------------------
# EuroHIS-8
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "items, total, mean",
    [
        ([3] * 8, 24, 3.00),
        ([4, 3, 2, 5, 3, 4, 2, 3], 26, 3.25),
        ([1] * 8, 8, 1.00),
        ([5] * 8, 40, 5.00),
        ([5, 5, 5, 5, 5, 5, 5, 4], 39, 4.88),  # 4.875 rounds half up
        ([1, 1, 1, 1, 1, 1, 1, 2], 9, 1.13),  # 1.125 rounds half up, not to even
    ],
)
def test_eurohis8_vector(defs, items, total, mean):
    result = score(defs["eurohis8"], answers(items, EURO_KEYS))

    assert result.scores == {"total": total, "mean": mean}
    assert result.complete


@pytest.mark.parametrize("bad", [0, 6])
def test_eurohis8_rejects_values_outside_1_to_5(defs, bad):
    values = answers([3] * 8, EURO_KEYS)
    values["q5"] = bad

    with pytest.raises(AnswerError) as exc:
        score(defs["eurohis8"], values)

    assert exc.value.codes == {"q5": "invalid_value"}


@pytest.mark.parametrize("drop", [["q1"], ["q8"], ["q2", "q7"], EURO_KEYS])
def test_eurohis8_any_missing_answer_gives_no_score(defs, drop):
    values = {
        k: v for k, v in answers([4, 3, 2, 5, 3, 4, 2, 3], EURO_KEYS).items() if k not in drop
    }

    result = score(defs["eurohis8"], values)

    assert result.scores == {"total": None, "mean": None}
    assert result.missing == [k for k in EURO_KEYS if k in drop]
    assert not result.complete
    assert result.to_dict()["scores"] == {"total": None, "mean": None}


def test_eurohis8_none_is_missing_not_an_error(defs):
    values = answers([3] * 8, EURO_KEYS)
    values["q3"] = None

    result = score(defs["eurohis8"], values)

    assert result.scores["total"] is None
    assert result.missing == ["q3"]


def test_eurohis8_texts_are_marked_as_placeholders(defs):
    raw = json.loads((definitions_dir() / "eurohis8.json").read_text(encoding="utf-8"))

    assert raw["translation_status"] == "placeholder"
    assert all(item["translation_status"] == "placeholder" for item in raw["items"])
    assert raw["items"][0]["text"]["fi"] == "Elämänlaatu kokonaisuutena"
    assert "licensed" in raw["description"]["en"]


# --------------------------------------------------------------------------------------------
# A brand-new instrument, defined only as data
# --------------------------------------------------------------------------------------------


def _t(text):
    return {"fi": f"{text} (fi)", "sv": f"{text} (sv)", "en": text}


def new_instrument():
    """A made-up 4-item 0-3 scale: a sum with bands, a mean, a score flag, item flags, two cut-offs."""
    scale = [{"value": v, "label": _t(f"option {v}")} for v in range(4)]
    return {
        "schema_version": 1,
        "key": "everyday_strain",
        "version": "2024-1",
        "name": _t("Everyday strain"),
        "description": _t("A test instrument. Screening, not diagnosis."),
        "licence": "CC0",
        "source": "unit test",
        "items": [
            {"key": f"s{i}", "text": _t(f"item {i}"), "options": copy.deepcopy(scale)} for i in range(1, 5)
        ],
        "scoring": {
            "method": "sum",
            "require_all": True,
            "scores": [
                {"key": "strain", "items": ["s1", "s2", "s3", "s4"]},
                {"key": "avg", "method": "mean", "items": ["s1", "s2", "s3", "s4"], "decimals": 1},
            ],
            "bands": [
                {
                    "score": "strain",
                    "bands": [
                        {"key": "low", "min": 0, "max": 4, "label": _t("low")},
                        {"key": "mid", "min": 5, "max": 8, "label": _t("mid")},
                        {"key": "high", "min": 9, "max": 12, "label": _t("high")},
                    ],
                }
            ],
            "flags": [
                {"key": "any_max", "when": {"any_of": ["s1", "s2", "s3", "s4"], "eq": 3}, "label": _t("max")},
                {"key": "all_some", "when": {"all_of": ["s1", "s2"], "gte": 1}, "label": _t("both")},
                {"key": "avg_high", "when": {"score": "avg", "gte": 2.5}, "label": _t("avg")},
            ],
            "band_raise": [{"score": "strain", "when_flag_any": ["any_max"], "raise_by": 2}],
            "cutoffs": [
                {"key": "plain", "score": "strain", "threshold": 6, "label": _t("plain")},
                {"key": "by_sex", "score": "avg", "by_sex": {"male": 2, "female": 1.5}, "op": "gt",
                 "label": _t("by sex")},
            ],
        },
    }  # fmt: skip


def test_new_instrument_defined_only_as_a_dict_scores_correctly():
    defn = new_instrument()

    result = score(defn, {"s1": 1, "s2": 2, "s3": 0, "s4": 1}, sex="female")

    assert result.instrument == "everyday_strain"
    assert result.version == "2024-1"
    assert result.scores == {"strain": 4, "avg": 1.0}
    assert result.band_raw["strain"].key == "low"
    assert result.band["strain"].key == "low"
    assert result.flag_keys == ["all_some"]
    assert result.cutoffs["plain"].positive is False
    assert result.cutoffs["plain"].sex is None  # sex-independent cut-off
    assert result.cutoffs["plain"].by_sex is None
    assert result.cutoffs["by_sex"].threshold == 1.5
    assert result.cutoffs["by_sex"].positive is False  # 1.0 > 1.5 is false


def test_new_instrument_raise_by_two_and_score_flag():
    result = score(new_instrument(), {"s1": 3, "s2": 0, "s3": 0, "s4": 0}, sex="male")

    assert result.scores == {"strain": 3, "avg": 0.8}  # 0.75 -> 0.8 (one decimal, half up)
    assert result.band_raw["strain"].key == "low"
    assert result.band["strain"].key == "high"
    assert result.band["strain"].raised_by == 2
    assert [(f.key, f.items) for f in result.flags] == [("any_max", ("s1",))]

    top = score(new_instrument(), {"s1": 3, "s2": 3, "s3": 3, "s4": 3}, sex="male")
    assert top.flag_keys == ["any_max", "all_some", "avg_high"]
    assert top.band["strain"].key == "high"
    assert top.cutoffs["by_sex"].positive is True
    assert top.cutoffs["plain"].positive is True


def test_new_instrument_minimal_definition_gets_a_default_total_score():
    defn = new_instrument()
    defn["scoring"] = {"method": "mean"}

    result = score(defn, {"s1": 1, "s2": 2, "s3": 2, "s4": 2})
    normalised = load_definition(defn)

    assert result.scores == {"total": 1.75}
    assert normalised["scoring"]["scores"] == [
        {
            "key": "total",
            "items": ["s1", "s2", "s3", "s4"],
            "method": "mean",
            "decimals": 2,
            "min_answered": 4,
        }
    ]
    assert normalised["scoring"]["require_all"] is True


def test_new_instrument_partial_mean_with_min_answered():
    defn = new_instrument()
    defn["scoring"] = {
        "require_all": False,
        "scores": [
            {"key": "avg", "method": "mean", "items": ["s1", "s2", "s3", "s4"], "min_answered": 3}
        ],
    }

    assert score(defn, {"s1": 1, "s2": 2, "s3": 2}).scores == {"avg": 1.67}
    assert score(defn, {"s1": 1, "s2": 2}).scores == {"avg": None}


def test_load_all_reads_a_directory_of_new_instruments(tmp_path):
    (tmp_path / "strain.json").write_text(
        json.dumps(new_instrument(), ensure_ascii=False), encoding="utf-8"
    )

    loaded = load_all(tmp_path)

    assert list(loaded) == ["everyday_strain"]


def test_load_all_rejects_duplicate_keys(tmp_path):
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(json.dumps(new_instrument()), encoding="utf-8")

    with pytest.raises(DefinitionError, match="duplicate instrument key"):
        load_all(tmp_path)


# --------------------------------------------------------------------------------------------
# Invalid definitions are rejected with a clear message
# --------------------------------------------------------------------------------------------


def test_invalid_definition_is_rejected_listing_every_problem():
    defn = new_instrument()
    del defn["name"]["sv"]  # missing translation
    defn["items"][1]["options"][2]["value"] = 1  # duplicate option value
    defn["items"].append(copy.deepcopy(defn["items"][0]))  # duplicate item key
    defn["scoring"]["scores"][0]["items"].append("s9")  # unknown item in a score
    defn["scoring"]["bands"][0]["bands"][1]["min"] = 4  # overlaps the band before
    defn["scoring"]["band_raise"][0]["when_flag_any"] = ["nope"]  # unknown flag
    defn["scoring"]["cutoffs"][1]["by_sex"] = {"male": 2}  # female threshold missing
    defn["scoring"]["require_al"] = False  # typo

    with pytest.raises(DefinitionError) as exc:
        validate_definition(defn)

    problems = exc.value.problems
    message = str(exc.value)
    expected = [
        "name: missing or empty 'sv' text",
        "items[1] (s2).options[2].value: duplicate option value 1",
        "items[4] (s1): duplicate item key 's1'",
        "scoring.scores[0] (strain).items: unknown item(s) ['s9']",
        "scoring.bands[0] (strain).bands[1]: overlaps or is out of order with the band before it",
        "scoring.band_raise[0].when_flag_any: unknown flag(s) ['nope']",
        "scoring.cutoffs[1] (by_sex).by_sex: must give a threshold for both male and female",
        "scoring: unknown field 'require_al'",
    ]
    for text in expected:
        assert any(p.startswith(text) for p in problems), (text, problems)
        assert text in message
    assert message.startswith("Invalid instrument definition:")


@pytest.mark.parametrize(
    "mutate, fragment",
    [
        (lambda d: d.update(schema_version=2), "schema_version: must be 1"),
        (lambda d: d.update(key="Everyday Strain"), "key: key must match"),
        (lambda d: d.update(items=[]), "items: must be a non-empty list"),
        (lambda d: d["scoring"]["bands"][0]["bands"].pop(), "must cover the possible score range 0-12"),
        (lambda d: d["scoring"]["bands"][0]["bands"][1].update(min=6), "gap between 4 and 6"),
        (lambda d: d["scoring"]["flags"][0]["when"].update(gte=1), "needs exactly one comparison"),
        (lambda d: d["scoring"]["flags"][0]["when"].update(any_of=["x1"]), "unknown item(s) ['x1']"),
        (lambda d: d["scoring"]["cutoffs"][0].update(by_sex={"male": 1, "female": 1}),
         "needs exactly one of 'by_sex' or 'threshold'"),
        (lambda d: d["scoring"]["cutoffs"][0].update(op="eq"), "op: must be one of gte, gt, lte, lt"),
        (lambda d: d["scoring"]["scores"][0].update(method="median"), "method: must be one of sum, mean"),
        (lambda d: d["scoring"]["scores"][0].update(min_answered=2), "a partial sum is misleading"),
        (lambda d: d["items"][0]["options"][0].update(value=True), "must be an integer"),
        (lambda d: d["scoring"]["band_raise"][0].update(raise_by=0), "raise_by: must be a positive integer"),
    ],
)  # fmt: skip
def test_invalid_definition_problem(mutate, fragment):
    defn = new_instrument()
    mutate(defn)

    with pytest.raises(DefinitionError) as exc:
        load_definition(defn)

    assert fragment in str(exc.value)


def test_score_refuses_an_invalid_definition():
    defn = new_instrument()
    defn["scoring"]["scores"][0]["items"] = ["s1", "zz"]

    with pytest.raises(DefinitionError, match="unknown item"):
        score(defn, {"s1": 1})


def test_load_definition_reports_bad_json_with_its_path(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(DefinitionError) as exc:
        load_definition(path)

    assert "not valid JSON" in str(exc.value)
    assert str(path) in str(exc.value)


# --------------------------------------------------------------------------------------------
# Property test (only when hypothesis is installed; it is a dev dependency)
# --------------------------------------------------------------------------------------------


def test_audit_properties_hold_for_any_valid_answers(defs):
    hypothesis = pytest.importorskip("hypothesis")
    st = pytest.importorskip("hypothesis.strategies")

    item_values = [st.integers(0, 4)] * 8 + [st.sampled_from([0, 2, 4])] * 2

    @hypothesis.settings(max_examples=300, deadline=None)
    @hypothesis.given(st.tuples(*item_values), st.sampled_from([None, "male", "female"]))
    def check(values, sex):
        result = score(defs["audit"], answers(list(values)), sex=sex)
        total = result.scores["total"]
        assert total == sum(values)
        assert result.scores["audit_c"] == sum(values[:3]) <= total
        raw, raised = result.band_raw["total"], result.band["total"]
        assert raw.index <= raised.index <= min(raw.index + 1, 3)
        flagged = any(v >= 2 for v in values[3:6]) or 4 in values[8:10]
        assert (raised.index > raw.index) == (flagged and raw.index < 3)
        cut = result.cutoffs["fi_kaypahoito_2015"]
        assert cut.by_sex["male"]["positive"] == (total >= 8)
        assert cut.by_sex["female"]["positive"] == (total >= 6)
        assert cut.positive == (None if sex is None else cut.by_sex[sex]["positive"])

    check()
