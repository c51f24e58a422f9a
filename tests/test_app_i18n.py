"""Every label the app shows exists in English and Chinese."""

from __future__ import annotations

import pytest

from sim.app.controls import BUTTONS, LEVERS
from sim.app.i18n import LANGUAGES, STRINGS, placeholders, t
from sim.enums import ROLE_LABELS
from sim.scenario.fields import intervention_actions


def test_every_label_has_both_languages_and_the_same_placeholders():
    for key, texts in STRINGS.items():
        assert set(texts) == set(LANGUAGES), key
        assert all(texts[lang].strip() for lang in LANGUAGES), f"{key} has an empty label"
        assert placeholders(texts["en"]) == placeholders(texts["zh"]), key


def test_chinese_labels_are_chinese():
    """A zh label is not an untranslated copy of the English one (units and names aside)."""
    same = {key for key, texts in STRINGS.items() if texts["en"] == texts["zh"]}
    allowed = {
        "unit.0..1",
        "run.a",
        "run.b",
        "target.a",
        "target.b",
        "marker.invite_kol",
        "marker.promote_kocs",
        "role.kol",
        "role.koc",
    }
    assert same <= allowed


def test_every_lever_has_a_name_meaning_unit_and_choice_labels():
    for lever in LEVERS:
        for lang in LANGUAGES:
            assert t(lang, f"lever.{lever.path}")
            assert t(lang, f"doc.{lever.path}")
            if lever.kind in ("int", "float"):
                assert t(lang, f"unit.{lever.spec.unit}")
            for choice in lever.spec.choices:
                assert t(lang, f"choice.{lever.path}.{choice}")


def test_every_role_button_and_timeline_action_has_a_label():
    for lang in LANGUAGES:
        for role in ROLE_LABELS:
            assert t(lang, f"role.{role}")
        for button in BUTTONS:
            assert t(lang, f"action.{button.key}", **button.label_values())
            assert t(lang, f"marker.{button.key}")
        for action in intervention_actions():  # scenario timelines are marked on the charts too
            assert t(lang, f"marker.{action}")


def test_unknown_key_fails_loudly():
    with pytest.raises(KeyError):
        t("en", "no.such.label")
    with pytest.raises(KeyError):
        t("fr", "app.title")
