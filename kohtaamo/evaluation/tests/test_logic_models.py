"""Logic models as data: every shipped file is valid and loaded; a changed file is a new version
and an adoption keeps the version it adopted."""

from __future__ import annotations

import copy
import datetime
import json

import pytest

from kohtaamo.audit.actions import Actor
from kohtaamo.evaluation import actions, logic_models
from kohtaamo.evaluation.models import LogicModel, LogicModelVersion

pytestmark = pytest.mark.django_db

EXPECTED_MODELS = {
    "low_threshold",
    "outreach",
    "social_rehabilitation",
    "paku_preventive",
    "paku_intensive",
    "paku_ngo",
    "paku_digital",
}


def test_every_shipped_file_is_valid():
    for path in logic_models.model_files():
        assert logic_models.validate(logic_models.read(path)) == [], path.name


def test_all_seven_models_are_loaded_after_migrate_with_five_sections_in_three_languages():
    current = LogicModelVersion.objects.filter(is_current=True).select_related("model")

    assert {v.model.key for v in current} == EXPECTED_MODELS
    for version in current:
        for section in ("context", "resources", "core_elements", "mechanisms", "outcomes"):
            elements = version.elements(section)
            assert elements, (version.model.key, section)
            assert all(e["label"][lang] for e in elements for lang in ("fi", "sv", "en"))
        assert version.adaptable_sections == ["context", "resources"]


def test_loading_again_without_changes_creates_nothing():
    before = LogicModelVersion.objects.count()

    created = logic_models.load_logic_models()

    assert created == []
    assert LogicModelVersion.objects.count() == before


def test_a_changed_file_is_a_new_version_and_adoptions_keep_theirs(
    tmp_path, monkeypatch, county, manager
):
    source = logic_models.DATA_DIR / "low_threshold.json"
    original = LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)
    adoption = actions.adopt_model(
        Actor.system("test"),
        original,
        by=manager,
        organisation=county,
        started_on=datetime.date(2026, 1, 1),
    )
    changed = copy.deepcopy(json.loads(source.read_text(encoding="utf-8")))
    changed["version"] = "2"
    changed["core_elements"].append(
        {
            "key": "new_element",
            "label": {"fi": "Uusi", "sv": "Ny", "en": "New"},
            "description": {"fi": "x", "sv": "x", "en": "x"},
        }
    )
    (tmp_path / "low_threshold.json").write_text(json.dumps(changed), encoding="utf-8")
    monkeypatch.setattr(logic_models, "DATA_DIR", tmp_path)

    created = logic_models.load_logic_models()

    assert [v.version for v in created] == ["2"]
    versions = LogicModel.objects.get(key="low_threshold").versions.all()
    assert {v.version for v in versions} == {"1", "2"}
    assert LogicModelVersion.objects.get(model__key="low_threshold", is_current=True).version == "2"
    adoption.refresh_from_db()
    assert adoption.version_id == original.pk
    assert "new_element" not in adoption.version.element_keys("core_elements")


def test_changed_content_without_a_new_version_number_still_gets_its_own_version(
    tmp_path, monkeypatch
):
    source = json.loads((logic_models.DATA_DIR / "outreach.json").read_text(encoding="utf-8"))
    source["description"]["en"] += " (edited)"
    (tmp_path / "outreach.json").write_text(json.dumps(source), encoding="utf-8")
    monkeypatch.setattr(logic_models, "DATA_DIR", tmp_path)

    created = logic_models.load_logic_models()

    assert len(created) == 1 and created[0].version.startswith("1+")


def test_invalid_file_is_refused_with_its_problems(tmp_path, monkeypatch, caplog):
    broken = json.loads((logic_models.DATA_DIR / "outreach.json").read_text(encoding="utf-8"))
    broken["key"] = "broken_model"
    broken["adaptable"] = ["context", "core_elements"]
    (tmp_path / "broken_model.json").write_text(json.dumps(broken), encoding="utf-8")
    monkeypatch.setattr(logic_models, "DATA_DIR", tmp_path)

    created = logic_models.load_logic_models()

    assert created == []
    assert not LogicModel.objects.filter(key="broken_model").exists()
    assert "cannot be adaptable" in caplog.text


def test_logic_model_pages_show_fixed_and_adaptable_parts(as_user, alice):
    version = LogicModelVersion.objects.get(model__key="low_threshold", is_current=True)
    client = as_user(alice)

    listing = client.get("/evaluation/models/")
    detail = client.get(version.get_absolute_url())

    assert listing.status_code == 200
    assert version.name in listing.content.decode()
    html = detail.content.decode()
    assert detail.status_code == 200
    assert html.count("Fixed") == 3 and html.count("May be adapted") == 2
    assert (
        "Counselling and guidance by a social welfare professional" in html
        or version.elements("core_elements")[0]["label"]["fi"] in html
    )


def test_unknown_model_version_is_404(as_user, alice):
    assert as_user(alice).get("/evaluation/models/low_threshold/99/").status_code == 404
