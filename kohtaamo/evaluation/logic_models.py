"""Logic models are data files (`data/logic_models/*.json`, described in `data/README.md`),
loaded into versioned rows after migrate.

A file whose content changed becomes a new `LogicModelVersion` and the current one; older versions
stay, so an adoption keeps the version it adopted. A file that fails validation is skipped with a
warning (a test checks that every shipped file is valid).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

from django.db import transaction

from kohtaamo.evaluation.models.programme import SECTIONS

logger = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parent / "data" / "logic_models"
FIXED = ("core_elements", "mechanisms", "outcomes")
LANGS = ("fi", "sv", "en")


def model_files() -> list[Path]:
    return sorted(DATA_DIR.glob("*.json"))


def read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def content_hash(content: dict) -> str:
    body = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


def validate(content: dict) -> list[str]:
    """Problems with a logic model file; empty when it can be loaded."""
    problems = []
    for name in ("key", "version", "name"):
        if not content.get(name):
            problems.append(f"missing {name!r}")
    for lang in LANGS:
        if not (content.get("name") or {}).get(lang):
            problems.append(f"name has no {lang!r} text")
    for section in SECTIONS:
        elements = content.get(section)
        if not isinstance(elements, list) or not elements:
            problems.append(f"section {section!r} is missing or empty")
            continue
        keys = [e.get("key") for e in elements]
        if len(set(keys)) != len(keys) or not all(keys):
            problems.append(f"section {section!r} has missing or repeated keys")
        for element in elements:
            label = element.get("label") or {}
            missing = [lang for lang in LANGS if not label.get(lang)]
            if missing:
                problems.append(f"{section}.{element.get('key')}: label lacks {missing}")
    adaptable = content.get("adaptable", [])
    for section in adaptable:
        if section not in SECTIONS:
            problems.append(f"adaptable names an unknown section {section!r}")
        if section in FIXED:
            problems.append(f"{section!r} is fixed by the program theory and cannot be adaptable")
    return problems


@transaction.atomic
def load_logic_models(**kwargs) -> list:
    """Create a version for every new or changed file; return the versions created."""
    from kohtaamo.evaluation.models import LogicModel, LogicModelVersion

    created = []
    for path in model_files():
        try:
            content = read(path)
        except (OSError, ValueError) as exc:
            logger.warning("logic model %s not loaded: %s", path.name, exc)
            continue
        problems = validate(content)
        if problems:
            logger.warning("logic model %s not loaded: %s", path.name, "; ".join(problems))
            continue
        digest = content_hash(content)
        model, _ = LogicModel.objects.get_or_create(
            key=content["key"], defaults={"family": content.get("family", "")}
        )
        version = model.versions.filter(content_hash=digest).first()
        if version is None:
            label = str(content["version"])
            if model.versions.filter(version=label).exists():
                label = f"{label}+{digest[:8]}"  # the file changed without a new version number
            model.versions.filter(is_current=True).update(is_current=False)
            version = LogicModelVersion.objects.create(
                model=model, version=label, content=content, content_hash=digest, is_current=True
            )
            created.append(version)
        elif not version.is_current:
            model.versions.filter(is_current=True).update(is_current=False)
            LogicModelVersion.objects.filter(pk=version.pk).update(is_current=True)
    return created
