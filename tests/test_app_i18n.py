"""Every label the app and the charts show exists in English and Chinese."""

from __future__ import annotations

import pytest

from sim.app.controls import BUTTONS, LEVERS
from sim.enums import CHANNEL_LABELS, ROLE_LABELS
from sim.i18n import BOTH, LANGUAGES, STRINGS, placeholders, t
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


def test_both_languages_print_english_then_chinese_without_repeating_a_name():
    assert t(BOTH, "series.members") == "members 成员数"
    assert t(BOTH, "series.contributors", window=7) == "value contributors (7 days) 价值贡献者（近 7 天）"
    assert t(BOTH, "run.a") == "A"  # the same in both: printed once
    assert t(BOTH, "role.koc") == "KOC 核心成员"  # the Chinese label holds the English one


def test_every_join_channel_has_a_label():
    for lang in LANGUAGES:
        for channel in CHANNEL_LABELS:
            assert t(lang, f"channel.{channel}")
