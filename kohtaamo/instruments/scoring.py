"""Declarative scoring of assessment instruments (AUDIT, AUDIT-C, EuroHIS-8, ...).

An instrument is *data*: a JSON document describing its items, answer options and a
``scoring`` block (scores, bands, band raises, cut-offs and item flags). This module loads and
validates such documents and scores a set of answers against them. Adding an instrument means
adding a JSON file to ``data/``; no code changes. The schema is documented precisely in
``data/README.md``.

This module is pure Python (standard library only) on purpose: it must not import Django, so
that it can be tested and reused on its own. The Django app stores definitions, answers and the
``Result.to_dict()`` output; it does not re-implement scoring.

Results support the worker's judgement. They are *screening*, never a diagnosis, and the UI
must say so.
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

__all__ = [
    "SCHEMA_VERSION",
    "LANGUAGES",
    "AnswerError",
    "Band",
    "CutoffResult",
    "DefinitionError",
    "FlagResult",
    "Result",
    "definitions_dir",
    "load_all",
    "load_definition",
    "normalise_sex",
    "score",
    "validate_definition",
]

SCHEMA_VERSION = 1
LANGUAGES = ("fi", "sv", "en")
METHODS = ("sum", "mean")
COMPARATORS = ("eq", "ne", "gte", "gt", "lte", "lt", "in")
SEXES = ("male", "female")
TRANSLATION_STATUSES = ("verified", "partially_verified", "unverified", "placeholder")

# Accepted spellings of the client's sex for sex-specific cut-offs. Anything that is not a known
# sex (unknown, anonymous client, "other", "not told") means: report both thresholds, never guess.
_SEX_ALIASES = {
    "male": "male",
    "m": "male",
    "man": "male",
    "female": "female",
    "f": "female",
    "w": "female",
    "woman": "female",
}
_SEX_UNKNOWN = {"", "unknown", "other", "not_told", "none"}

_KEY_RX = re.compile(r"^[a-z][a-z0-9_]*$")

_TOP_KEYS = {
    "schema_version",
    "key",
    "version",
    "name",
    "description",
    "instructions",
    "licence",
    "source",
    "translation_status",
    "notes",
    "items",
    "scoring",
}
_ITEM_KEYS = {"key", "text", "help", "options", "translation_status", "notes"}
_OPTION_KEYS = {"value", "label"}
_SCORING_KEYS = {"method", "require_all", "scores", "bands", "band_raise", "cutoffs", "flags"}
_SCORE_KEYS = {"key", "method", "items", "label", "decimals", "min_answered"}
_BANDSET_KEYS = {"score", "label", "bands"}
_BAND_KEYS = {"key", "min", "max", "label", "advice"}
_RAISE_KEYS = {"score", "when_flag_any", "raise_by"}
_CUTOFF_KEYS = {"key", "score", "by_sex", "threshold", "op", "label", "notes"}
_FLAG_KEYS = {"key", "when", "label"}
_WHEN_SELECTORS = ("any_of", "all_of", "score")


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class DefinitionError(ValueError):
    """An instrument definition is invalid. ``problems`` lists every problem found."""

    def __init__(self, problems: list[str], *, source: str | None = None):
        self.problems = list(problems)
        self.source = source
        where = f" ({source})" if source else ""
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(
            f"Invalid instrument definition{where}: {len(self.problems)} problem(s)\n{lines}"
        )


class AnswerError(ValueError):
    """Answers cannot be scored.

    ``errors`` maps every bad item key to a human-readable (English, developer-facing) message;
    ``codes`` maps the same keys to a stable code for the UI to translate:
    ``unknown_item``, ``not_integer``, ``invalid_value`` or ``missing``.
    """

    def __init__(self, errors: dict[str, str], codes: dict[str, str]):
        self.errors = dict(errors)
        self.codes = dict(codes)
        detail = "; ".join(f"{k}: {v}" for k, v in self.errors.items())
        super().__init__(f"Invalid answers ({len(self.errors)}): {detail}")


# --------------------------------------------------------------------------------------------
# Result types
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Band:
    """The band a score falls into (or is raised to)."""

    score: str
    key: str
    index: int  # position in the band list, 0 = lowest
    label: dict[str, str]
    advice: dict[str, str] | None = None
    raised_by: int = 0  # how many steps above the raw band (0 for raw bands)

    def to_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "key": self.key,
            "index": self.index,
            "label": dict(self.label),
            "advice": dict(self.advice) if self.advice else None,
            "raised_by": self.raised_by,
        }


@dataclass(frozen=True)
class CutoffResult:
    """Outcome of one cut-off.

    ``by_sex`` always holds the outcome for *each* sex the cut-off defines, so the UI can show
    both thresholds. ``sex``/``threshold``/``positive`` are set only when the outcome is
    determined: for a sex-independent cut-off, or a sex-specific one when the client's sex is
    known. For an unknown sex they are ``None`` -- never guessed.
    """

    key: str
    score: str
    value: int | float | None
    op: str
    label: dict[str, str] | None
    sex: str | None
    threshold: int | float | None
    positive: bool | None
    by_sex: dict[str, dict[str, Any]] | None

    @property
    def determined(self) -> bool:
        return self.positive is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "score": self.score,
            "value": self.value,
            "op": self.op,
            "label": dict(self.label) if self.label else None,
            "sex": self.sex,
            "threshold": self.threshold,
            "positive": self.positive,
            "by_sex": copy.deepcopy(self.by_sex),
        }


@dataclass(frozen=True)
class FlagResult:
    """A raised flag; ``items`` are the item keys that triggered it (empty for score flags)."""

    key: str
    label: dict[str, str]
    items: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "label": dict(self.label), "items": list(self.items)}


@dataclass(frozen=True)
class Result:
    """The outcome of scoring one set of answers.

    ``band`` is the band *after* any ``band_raise`` rule; ``band_raw`` is the band the score
    itself falls into. ``scores`` values are ``None`` when a score could not be computed
    because answers were missing (only possible with ``require_all: false``).
    """

    instrument: str
    version: str
    answers: dict[str, int]
    sex: str | None
    scores: dict[str, int | float | None]
    band: dict[str, Band | None]
    band_raw: dict[str, Band | None]
    cutoffs: dict[str, CutoffResult]
    flags: list[FlagResult]
    missing: list[str] = field(default_factory=list)

    @property
    def flag_keys(self) -> list[str]:
        return [f.key for f in self.flags]

    @property
    def complete(self) -> bool:
        """True when every defined score could be computed."""
        return all(v is not None for v in self.scores.values())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable snapshot, suitable for storing next to the answers."""
        return {
            "instrument": self.instrument,
            "version": self.version,
            "answers": dict(self.answers),
            "sex": self.sex,
            "scores": dict(self.scores),
            "band": {k: (b.to_dict() if b else None) for k, b in self.band.items()},
            "band_raw": {k: (b.to_dict() if b else None) for k, b in self.band_raw.items()},
            "cutoffs": {k: c.to_dict() for k, c in self.cutoffs.items()},
            "flags": [f.to_dict() for f in self.flags],
            "missing": list(self.missing),
            "complete": self.complete,
        }


# --------------------------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------------------------


def definitions_dir() -> Path:
    """The directory holding the bundled instrument definitions (``*.json``)."""
    return Path(__file__).resolve().parent / "data"


def load_definition(path_or_dict: str | Path | dict[str, Any]) -> dict[str, Any]:
    """Load, validate and normalise one definition from a JSON file path or a dict.

    Returns a new dict with defaults filled in (``scoring.method``, ``scoring.require_all``,
    a default ``total`` score, score methods, ``decimals`` for means, ``min_answered``,
    cut-off ``op``, empty ``bands``/``band_raise``/``flags``/``cutoffs``). A normalised
    definition validates again unchanged. The input dict is never modified.
    Raises ``DefinitionError`` listing every problem.
    """
    source: str | None = None
    if isinstance(path_or_dict, dict):
        raw = copy.deepcopy(path_or_dict)
    elif isinstance(path_or_dict, (str, Path)):
        path = Path(path_or_dict)
        source = str(path)
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise DefinitionError([f"file is not valid UTF-8: {exc}"], source=source) from exc
        try:
            raw = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DefinitionError([f"file is not valid JSON: {exc}"], source=source) from exc
    else:
        raise TypeError(f"expected a path or a dict, got {type(path_or_dict).__name__}")
    problems = _validate(raw)
    if problems:
        raise DefinitionError(problems, source=source)
    return _normalise(raw)


def validate_definition(defn: dict[str, Any]) -> None:
    """Raise ``DefinitionError`` listing every problem in ``defn``; return ``None`` if valid."""
    problems = _validate(defn)
    if problems:
        raise DefinitionError(problems)


def load_all(directory: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """Load every ``*.json`` definition in ``directory`` (default: the bundled ones), by key."""
    folder = Path(directory) if directory is not None else definitions_dir()
    result: dict[str, dict[str, Any]] = {}
    for path in sorted(folder.glob("*.json")):
        defn = load_definition(path)
        if defn["key"] in result:
            raise DefinitionError([f"duplicate instrument key {defn['key']!r}"], source=str(path))
        result[defn["key"]] = defn
    return result


# --------------------------------------------------------------------------------------------
# Scoring
# --------------------------------------------------------------------------------------------


def normalise_sex(sex: str | None) -> str | None:
    """Map a sex/gender value to ``"male"``, ``"female"`` or ``None`` (unknown: never guess).

    Accepts the encounter taxonomy's gender keys (``man``, ``woman``, ``other``, ``not_told``).
    Raises ``ValueError`` for anything unrecognised, so that typos do not silently become
    "unknown".
    """
    if sex is None:
        return None
    if not isinstance(sex, str):
        raise ValueError(f"sex must be a string or None, got {type(sex).__name__}")
    value = sex.strip().lower()
    if value in _SEX_ALIASES:
        return _SEX_ALIASES[value]
    if value in _SEX_UNKNOWN:
        return None
    raise ValueError(
        f"unrecognised sex {sex!r}; use 'male'/'man', 'female'/'woman', or None/'unknown'/'other'/'not_told'"
    )


def score(
    defn: dict[str, Any], answers: dict[str, int | None], *, sex: str | None = None
) -> Result:
    """Score ``answers`` (item key -> option value) against the definition ``defn``.

    ``defn`` may be raw or already normalised; it is validated either way. An answer of
    ``None`` counts as not answered. Raises ``AnswerError`` listing every bad item: unknown
    item, non-integer value, value not among the item's options, or missing when the
    definition has ``require_all: true``.
    """
    problems = _validate(defn)
    if problems:
        raise DefinitionError(problems)
    defn = _normalise(defn)
    sex_norm = normalise_sex(sex)
    scoring = defn["scoring"]
    items = {item["key"]: item for item in defn["items"]}

    answers = dict(answers or {})
    errors: dict[str, str] = {}
    codes: dict[str, str] = {}
    given: dict[str, int] = {}
    for key, value in answers.items():
        if key not in items:
            errors[key], codes[key] = "unknown item", "unknown_item"
            continue
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int):
            errors[key] = f"answer must be an integer option value, got {value!r}"
            codes[key] = "not_integer"
            continue
        allowed = [o["value"] for o in items[key]["options"]]
        if value not in allowed:
            errors[key] = f"value {value} is not among the options {allowed}"
            codes[key] = "invalid_value"
            continue
        given[key] = value
    missing = [key for key in items if key not in given and key not in errors]
    if scoring["require_all"]:
        for key in missing:
            errors[key], codes[key] = "missing answer", "missing"
    if errors:
        ordered = _item_order(errors, items)
        raise AnswerError({k: errors[k] for k in ordered}, {k: codes[k] for k in ordered})

    scores: dict[str, int | float | None] = {}
    for spec in scoring["scores"]:
        scores[spec["key"]] = _compute_score(spec, given)

    flags = [f for f in (_evaluate_flag(spec, given, scores) for spec in scoring["flags"]) if f]
    active_flags = {f.key for f in flags}

    band_raw: dict[str, Band | None] = {}
    band: dict[str, Band | None] = {}
    for bandset in scoring["bands"]:
        key = bandset["score"]
        raw = _find_band(bandset, scores[key])
        band_raw[key] = raw
        band[key] = _raise_band(bandset, raw, scoring["band_raise"], active_flags)

    cutoffs = {spec["key"]: _evaluate_cutoff(spec, scores, sex_norm) for spec in scoring["cutoffs"]}

    return Result(
        instrument=defn["key"],
        version=defn["version"],
        answers={k: given[k] for k in items if k in given},
        sex=sex_norm,
        scores=scores,
        band=band,
        band_raw=band_raw,
        cutoffs=cutoffs,
        flags=flags,
        missing=missing,
    )


def _item_order(keys: dict[str, Any], items: dict[str, Any]) -> list[str]:
    """Order keys as the items are defined, unknown keys last (alphabetically)."""
    known = [k for k in items if k in keys]
    unknown = sorted(k for k in keys if k not in items)
    return known + unknown


def _compute_score(spec: dict[str, Any], given: dict[str, int]) -> int | float | None:
    values = [given[k] for k in spec["items"] if k in given]
    if len(values) < spec["min_answered"]:
        return None
    if spec["method"] == "sum":
        return sum(values)
    mean = Decimal(sum(values)) / Decimal(len(values))
    quantum = Decimal(1).scaleb(-spec["decimals"])
    return float(mean.quantize(quantum, rounding=ROUND_HALF_UP))


def _compare(value: int | float, op: str, target: Any) -> bool:
    if op == "eq":
        return value == target
    if op == "ne":
        return value != target
    if op == "gte":
        return value >= target
    if op == "gt":
        return value > target
    if op == "lte":
        return value <= target
    if op == "lt":
        return value < target
    if op == "in":
        return value in target
    raise AssertionError(op)  # pragma: no cover - validated earlier


def _when_op(when: dict[str, Any]) -> tuple[str, Any]:
    for op in COMPARATORS:
        if op in when:
            return op, when[op]
    raise AssertionError(when)  # pragma: no cover - validated earlier


def _evaluate_flag(
    spec: dict[str, Any], given: dict[str, int], scores: dict[str, int | float | None]
) -> FlagResult | None:
    when = spec["when"]
    op, target = _when_op(when)
    if "score" in when:
        value = scores[when["score"]]
        if value is not None and _compare(value, op, target):
            return FlagResult(spec["key"], spec["label"])
        return None
    keys = when.get("any_of") or when.get("all_of")
    matched = tuple(k for k in keys if k in given and _compare(given[k], op, target))
    if "any_of" in when:
        hit = bool(matched)
    else:
        hit = len(matched) == len(keys)
    return FlagResult(spec["key"], spec["label"], matched) if hit else None


def _find_band(bandset: dict[str, Any], value: int | float | None) -> Band | None:
    if value is None:
        return None
    for index, b in enumerate(bandset["bands"]):
        if b["min"] <= value <= b["max"]:
            return Band(bandset["score"], b["key"], index, b["label"], b.get("advice"))
    return None


def _raise_band(
    bandset: dict[str, Any], raw: Band | None, rules: list[dict[str, Any]], active: set[str]
) -> Band | None:
    if raw is None:
        return None
    # Several matching rules for the same score do not add up: the largest raise wins.
    steps = max(
        (
            r["raise_by"]
            for r in rules
            if r["score"] == bandset["score"] and active.intersection(r["when_flag_any"])
        ),
        default=0,
    )
    index = min(raw.index + steps, len(bandset["bands"]) - 1)
    if index == raw.index:
        return raw
    b = bandset["bands"][index]
    return Band(bandset["score"], b["key"], index, b["label"], b.get("advice"), index - raw.index)


def _evaluate_cutoff(
    spec: dict[str, Any], scores: dict[str, int | float | None], sex: str | None
) -> CutoffResult:
    value = scores[spec["score"]]
    op = spec["op"]

    def outcome(threshold: int | float) -> bool | None:
        return None if value is None else _compare(value, op, threshold)

    if "threshold" in spec:
        t = spec["threshold"]
        return CutoffResult(
            spec["key"], spec["score"], value, op, spec.get("label"), None, t, outcome(t), None
        )
    by_sex = {s: {"threshold": t, "positive": outcome(t)} for s, t in spec["by_sex"].items()}
    if sex is not None and sex in by_sex:
        chosen = by_sex[sex]
        return CutoffResult(
            spec["key"],
            spec["score"],
            value,
            op,
            spec.get("label"),
            sex,
            chosen["threshold"],
            chosen["positive"],
            by_sex,
        )
    return CutoffResult(
        spec["key"], spec["score"], value, op, spec.get("label"), None, None, None, by_sex
    )


# --------------------------------------------------------------------------------------------
# Normalisation (defaults) -- only ever called on a validated definition
# --------------------------------------------------------------------------------------------


def _normalise(raw: dict[str, Any]) -> dict[str, Any]:
    defn = copy.deepcopy(raw)
    scoring = defn["scoring"]
    default_method = scoring.setdefault("method", "sum")
    scoring.setdefault("require_all", True)
    all_items = [item["key"] for item in defn["items"]]
    if "scores" not in scoring:
        scoring["scores"] = [{"key": "total", "items": all_items}]
    for spec in scoring["scores"]:
        spec.setdefault("method", default_method)
        if spec["method"] == "mean":
            spec.setdefault("decimals", 2)
        spec.setdefault("min_answered", len(spec["items"]))
    scoring.setdefault("bands", [])
    scoring.setdefault("band_raise", [])
    scoring.setdefault("flags", [])
    scoring.setdefault("cutoffs", [])
    for spec in scoring["cutoffs"]:
        spec.setdefault("op", "gte")
    return defn


# --------------------------------------------------------------------------------------------
# Validation: collect every problem, with a JSON-path-like location
# --------------------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return (isinstance(value, (int, float))) and not isinstance(value, bool)


def _check_keys(obj: dict[str, Any], allowed: set[str], where: str, problems: list[str]) -> None:
    for key in obj:
        if key not in allowed and not key.startswith("_"):
            problems.append(
                f"{where}: unknown field {key!r} (allowed: {', '.join(sorted(allowed))})"
            )


def _check_i18n(value: Any, where: str, problems: list[str], *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, dict):
        problems.append(f"{where}: must be an object with texts for {', '.join(LANGUAGES)}")
        return
    for lang in LANGUAGES:
        text = value.get(lang)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: missing or empty {lang!r} text")
    for lang, text in value.items():
        if not isinstance(text, str):
            problems.append(f"{where}.{lang}: must be a string")


def _check_translation_status(value: Any, where: str, problems: list[str]) -> None:
    statuses = ", ".join(TRANSLATION_STATUSES)
    if isinstance(value, str):
        if value not in TRANSLATION_STATUSES:
            problems.append(f"{where}: {value!r} is not one of {statuses}")
    elif isinstance(value, dict):
        for lang, status in value.items():
            if status not in TRANSLATION_STATUSES:
                problems.append(f"{where}.{lang}: {status!r} is not one of {statuses}")
    else:
        problems.append(f"{where}: must be a status string or an object of language -> status")


def _check_slug(value: Any, where: str, problems: list[str]) -> bool:
    if not isinstance(value, str) or not _KEY_RX.match(value):
        problems.append(
            f"{where}: key must match {_KEY_RX.pattern} (lower-case letters, digits, _), got {value!r}"
        )
        return False
    return True


def _validate(defn: Any) -> list[str]:
    problems: list[str] = []
    if not isinstance(defn, dict):
        return ["definition must be a JSON object"]
    _check_keys(defn, _TOP_KEYS, "definition", problems)

    if defn.get("schema_version") != SCHEMA_VERSION:
        problems.append(
            f"schema_version: must be {SCHEMA_VERSION}, got {defn.get('schema_version')!r}"
        )
    _check_slug(defn.get("key"), "key", problems)
    if not isinstance(defn.get("version"), str) or not defn.get("version"):
        problems.append('version: must be a non-empty string (e.g. "1")')
    _check_i18n(defn.get("name"), "name", problems)
    _check_i18n(defn.get("description"), "description", problems)
    _check_i18n(defn.get("instructions"), "instructions", problems, required=False)
    for field_name in ("licence", "source"):
        if not isinstance(defn.get(field_name), str) or not defn.get(field_name, "").strip():
            problems.append(f"{field_name}: must be a non-empty string")
    if "translation_status" in defn:
        _check_translation_status(defn["translation_status"], "translation_status", problems)
    if "notes" in defn and not (
        isinstance(defn["notes"], list) and all(isinstance(n, str) for n in defn["notes"])
    ):
        problems.append("notes: must be a list of strings")

    item_options = _validate_items(defn.get("items"), problems)

    scoring = defn.get("scoring")
    if not isinstance(scoring, dict):
        problems.append("scoring: must be an object")
        return problems
    _validate_scoring(scoring, item_options, problems)
    return problems


def _validate_items(items: Any, problems: list[str]) -> dict[str, list[int]]:
    """Validate items; return item key -> option values for the items that are usable."""
    options_by_item: dict[str, list[int]] = {}
    if not isinstance(items, list) or not items:
        problems.append("items: must be a non-empty list")
        return options_by_item
    seen: set[str] = set()
    for i, item in enumerate(items):
        where = f"items[{i}]"
        if not isinstance(item, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(item, _ITEM_KEYS, where, problems)
        key = item.get("key")
        key_ok = _check_slug(key, f"{where}.key", problems)
        if key_ok:
            where = f"items[{i}] ({key})"
            if key in seen:
                problems.append(f"{where}: duplicate item key {key!r}")
            seen.add(key)
        _check_i18n(item.get("text"), f"{where}.text", problems)
        _check_i18n(item.get("help"), f"{where}.help", problems, required=False)
        if "translation_status" in item:
            _check_translation_status(
                item["translation_status"], f"{where}.translation_status", problems
            )
        options = item.get("options")
        values: list[int] = []
        if not isinstance(options, list) or not options:
            problems.append(f"{where}.options: must be a non-empty list")
        else:
            for j, option in enumerate(options):
                owhere = f"{where}.options[{j}]"
                if not isinstance(option, dict):
                    problems.append(f"{owhere}: must be an object")
                    continue
                _check_keys(option, _OPTION_KEYS, owhere, problems)
                value = option.get("value")
                if not _is_int(value):
                    problems.append(f"{owhere}.value: must be an integer, got {value!r}")
                elif value in values:
                    problems.append(f"{owhere}.value: duplicate option value {value}")
                else:
                    values.append(value)
                _check_i18n(option.get("label"), f"{owhere}.label", problems)
        if key_ok and values:
            options_by_item[key] = values
    return options_by_item


def _validate_scoring(
    scoring: dict[str, Any], item_options: dict[str, list[int]], problems: list[str]
) -> None:
    _check_keys(scoring, _SCORING_KEYS, "scoring", problems)
    default_method = scoring.get("method", "sum")
    if default_method not in METHODS:
        problems.append(
            f"scoring.method: must be one of {', '.join(METHODS)}, got {default_method!r}"
        )
        default_method = "sum"
    if "require_all" in scoring and not isinstance(scoring["require_all"], bool):
        problems.append("scoring.require_all: must be true or false")

    # Scores: key -> (method, possible min, possible max) for later checks.
    score_info: dict[str, tuple[str, float, float]] = {}
    scores = scoring.get("scores")
    if scores is None:
        scores = [{"key": "total", "items": list(item_options)}]
    if not isinstance(scores, list) or not scores:
        problems.append("scoring.scores: must be a non-empty list")
        scores = []
    for i, spec in enumerate(scores):
        where = f"scoring.scores[{i}]"
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(spec, _SCORE_KEYS, where, problems)
        key = spec.get("key")
        if _check_slug(key, f"{where}.key", problems):
            where = f"scoring.scores[{i}] ({key})"
            if key in score_info:
                problems.append(f"{where}: duplicate score key {key!r}")
        method = spec.get("method", default_method)
        if method not in METHODS:
            problems.append(f"{where}.method: must be one of {', '.join(METHODS)}, got {method!r}")
            method = default_method
        keys = spec.get("items")
        if not isinstance(keys, list) or not keys:
            problems.append(f"{where}.items: must be a non-empty list of item keys")
            keys = []
        if len(set(map(str, keys))) != len(keys):
            problems.append(f"{where}.items: lists an item more than once")
        unknown = [k for k in keys if k not in item_options]
        if unknown:
            problems.append(f"{where}.items: unknown item(s) {unknown}")
        if "label" in spec:
            _check_i18n(spec["label"], f"{where}.label", problems)
        if "decimals" in spec and (not _is_int(spec["decimals"]) or not 0 <= spec["decimals"] <= 6):
            problems.append(f"{where}.decimals: must be an integer 0-6")
        if "decimals" in spec and method == "sum" and spec["decimals"] != 0:
            problems.append(
                f"{where}.decimals: a sum of integers has no decimals (only method 'mean' rounds)"
            )
        if "min_answered" in spec:
            m = spec["min_answered"]
            if not _is_int(m) or not 1 <= m <= max(len(keys), 1):
                problems.append(
                    f"{where}.min_answered: must be an integer between 1 and {len(keys)}"
                )
            elif method == "sum" and m < len(keys):
                problems.append(
                    f"{where}.min_answered: a partial sum is misleading; below the item count it is only allowed for method 'mean'"
                )
        known = [k for k in keys if k in item_options]
        if isinstance(key, str) and known and len(known) == len(keys):
            lows = [min(item_options[k]) for k in known]
            highs = [max(item_options[k]) for k in known]
            if method == "sum":
                score_info[key] = (method, sum(lows), sum(highs))
            else:
                score_info[key] = (method, min(lows), max(highs))
        elif isinstance(key, str):
            score_info.setdefault(key, (method, float("-inf"), float("inf")))

    flag_keys = _validate_flags(scoring.get("flags", []), item_options, score_info, problems)
    banded = _validate_bands(scoring.get("bands", []), score_info, problems)
    _validate_raises(scoring.get("band_raise", []), banded, flag_keys, problems)
    _validate_cutoffs(scoring.get("cutoffs", []), score_info, problems)


def _validate_flags(
    flags: Any, item_options: dict[str, list[int]], score_info: dict[str, Any], problems: list[str]
) -> set[str]:
    keys: set[str] = set()
    if not isinstance(flags, list):
        problems.append("scoring.flags: must be a list")
        return keys
    for i, spec in enumerate(flags):
        where = f"scoring.flags[{i}]"
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(spec, _FLAG_KEYS, where, problems)
        key = spec.get("key")
        if _check_slug(key, f"{where}.key", problems):
            where = f"scoring.flags[{i}] ({key})"
            if key in keys:
                problems.append(f"{where}: duplicate flag key {key!r}")
            keys.add(key)
        _check_i18n(spec.get("label"), f"{where}.label", problems)
        when = spec.get("when")
        if not isinstance(when, dict):
            problems.append(
                f'{where}.when: must be an object such as {{"any_of": ["q4"], "gte": 2}}'
            )
            continue
        _check_keys(when, set(_WHEN_SELECTORS) | set(COMPARATORS), f"{where}.when", problems)
        selectors = [s for s in _WHEN_SELECTORS if s in when]
        ops = [op for op in COMPARATORS if op in when]
        if len(selectors) != 1:
            problems.append(f"{where}.when: needs exactly one of {', '.join(_WHEN_SELECTORS)}")
        if len(ops) != 1:
            problems.append(
                f"{where}.when: needs exactly one comparison ({', '.join(COMPARATORS)})"
            )
        for op in ops:
            target = when[op]
            if op == "in":
                if not (isinstance(target, list) and target and all(_is_number(t) for t in target)):
                    problems.append(f"{where}.when.in: must be a non-empty list of numbers")
            elif not _is_number(target):
                problems.append(f"{where}.when.{op}: must be a number")
        for sel in selectors:
            if sel == "score":
                if when["score"] not in score_info:
                    problems.append(f"{where}.when.score: unknown score {when['score']!r}")
                continue
            refs = when[sel]
            if not isinstance(refs, list) or not refs:
                problems.append(f"{where}.when.{sel}: must be a non-empty list of item keys")
                continue
            unknown = [k for k in refs if k not in item_options]
            if unknown:
                problems.append(f"{where}.when.{sel}: unknown item(s) {unknown}")
    return keys


def _validate_bands(bandsets: Any, score_info: dict[str, Any], problems: list[str]) -> set[str]:
    banded: set[str] = set()
    if not isinstance(bandsets, list):
        problems.append("scoring.bands: must be a list")
        return banded
    for i, bandset in enumerate(bandsets):
        where = f"scoring.bands[{i}]"
        if not isinstance(bandset, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(bandset, _BANDSET_KEYS, where, problems)
        score_key = bandset.get("score")
        if score_key not in score_info:
            problems.append(f"{where}.score: unknown score {score_key!r}")
            info = None
        else:
            where = f"scoring.bands[{i}] ({score_key})"
            if score_key in banded:
                problems.append(f"{where}: score {score_key!r} has more than one band list")
            banded.add(score_key)
            info = score_info[score_key]
        if "label" in bandset:
            _check_i18n(bandset["label"], f"{where}.label", problems)
        bands = bandset.get("bands")
        if not isinstance(bands, list) or not bands:
            problems.append(f"{where}.bands: must be a non-empty list")
            continue
        seen: set[str] = set()
        ranges: list[tuple[float, float]] = []
        for j, b in enumerate(bands):
            bwhere = f"{where}.bands[{j}]"
            if not isinstance(b, dict):
                problems.append(f"{bwhere}: must be an object")
                continue
            _check_keys(b, _BAND_KEYS, bwhere, problems)
            if _check_slug(b.get("key"), f"{bwhere}.key", problems):
                if b["key"] in seen:
                    problems.append(f"{bwhere}: duplicate band key {b['key']!r}")
                seen.add(b["key"])
            _check_i18n(b.get("label"), f"{bwhere}.label", problems)
            _check_i18n(b.get("advice"), f"{bwhere}.advice", problems, required=False)
            lo, hi = b.get("min"), b.get("max")
            if not _is_number(lo) or not _is_number(hi):
                problems.append(f"{bwhere}: min and max must be numbers")
                continue
            if lo > hi:
                problems.append(f"{bwhere}: min {lo} is greater than max {hi}")
                continue
            ranges.append((lo, hi))
        if len(ranges) != len(bands):
            continue
        for j in range(1, len(ranges)):
            prev, cur = ranges[j - 1], ranges[j]
            if cur[0] <= prev[1]:
                problems.append(
                    f"{where}.bands[{j}]: overlaps or is out of order with the band before it"
                )
            elif info and info[0] == "sum" and cur[0] != prev[1] + 1:
                problems.append(
                    f"{where}.bands[{j}]: gap between {prev[1]} and {cur[0]} (integer score)"
                )
        if info and info[0] == "sum" and info[1] != float("-inf"):
            if ranges[0][0] > info[1] or ranges[-1][1] < info[2]:
                problems.append(
                    f"{where}.bands: must cover the possible score range {info[1]}-{info[2]}, "
                    f"covers {ranges[0][0]}-{ranges[-1][1]}"
                )
    return banded


def _validate_raises(
    raises: Any, banded: set[str], flag_keys: set[str], problems: list[str]
) -> None:
    if not isinstance(raises, list):
        problems.append("scoring.band_raise: must be a list")
        return
    for i, rule in enumerate(raises):
        where = f"scoring.band_raise[{i}]"
        if not isinstance(rule, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(rule, _RAISE_KEYS, where, problems)
        if rule.get("score") not in banded:
            problems.append(f"{where}.score: {rule.get('score')!r} is not a score with bands")
        refs = rule.get("when_flag_any")
        if not isinstance(refs, list) or not refs:
            problems.append(f"{where}.when_flag_any: must be a non-empty list of flag keys")
        else:
            unknown = [k for k in refs if k not in flag_keys]
            if unknown:
                problems.append(f"{where}.when_flag_any: unknown flag(s) {unknown}")
        steps = rule.get("raise_by")
        if not _is_int(steps) or steps < 1:
            problems.append(f"{where}.raise_by: must be a positive integer")


def _validate_cutoffs(cutoffs: Any, score_info: dict[str, Any], problems: list[str]) -> None:
    if not isinstance(cutoffs, list):
        problems.append("scoring.cutoffs: must be a list")
        return
    seen: set[str] = set()
    for i, spec in enumerate(cutoffs):
        where = f"scoring.cutoffs[{i}]"
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be an object")
            continue
        _check_keys(spec, _CUTOFF_KEYS, where, problems)
        key = spec.get("key")
        if _check_slug(key, f"{where}.key", problems):
            where = f"scoring.cutoffs[{i}] ({key})"
            if key in seen:
                problems.append(f"{where}: duplicate cut-off key {key!r}")
            seen.add(key)
        if spec.get("score") not in score_info:
            problems.append(f"{where}.score: unknown score {spec.get('score')!r}")
        _check_i18n(spec.get("label"), f"{where}.label", problems)
        op = spec.get("op", "gte")
        if op not in COMPARATORS or op in ("in", "eq", "ne"):
            problems.append(f"{where}.op: must be one of gte, gt, lte, lt, got {op!r}")
        has_sex, has_threshold = "by_sex" in spec, "threshold" in spec
        if has_sex == has_threshold:
            problems.append(f"{where}: needs exactly one of 'by_sex' or 'threshold'")
        if has_threshold and not _is_number(spec["threshold"]):
            problems.append(f"{where}.threshold: must be a number")
        if has_sex:
            by_sex = spec["by_sex"]
            if not isinstance(by_sex, dict) or set(by_sex) != set(SEXES):
                problems.append(
                    f"{where}.by_sex: must give a threshold for both {' and '.join(SEXES)} "
                    "(so that both can be shown when the sex is unknown)"
                )
            else:
                for sex_key, t in by_sex.items():
                    if not _is_number(t):
                        problems.append(f"{where}.by_sex.{sex_key}: must be a number")
