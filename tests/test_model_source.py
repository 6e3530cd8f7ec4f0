"""The interaction models are generated from interaction-model/ (``make models``): what is checked in is exactly
what the source gives, and the generator refuses ambiguous or oversized models."""

from __future__ import annotations

from typing import Any

import pytest

from devtools import build_models
from devtools.build_models import LOCALES, MODEL_DIR, ModelError, build_model, check_limits, model_text
from therapy_checkin import intents

pytestmark = pytest.mark.node


@pytest.fixture(scope="module")
def built() -> dict[str, dict[str, Any]]:
    """Every locale's model, generated once for the module (each takes a Node run of the expander)."""
    return {locale: build_model(locale) for locale in LOCALES}


@pytest.fixture(scope="module")
def generated(built: dict[str, dict[str, Any]]) -> dict[str, str]:
    return {locale: model_text(model) for locale, model in built.items()}


@pytest.mark.parametrize("locale", sorted(LOCALES))
def test_the_checked_in_model_is_what_the_source_gives(locale: str, generated: dict[str, str]) -> None:
    checked_in = (MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8")
    assert checked_in == generated[locale], "run `make models` and commit the result"


def test_every_model_in_the_package_comes_from_the_generator() -> None:
    assert sorted(path.stem for path in MODEL_DIR.glob("*.json")) == sorted(LOCALES)


def test_the_crisis_family_has_many_samples_in_every_locale(built: dict[str, dict[str, Any]]) -> None:
    for locale in LOCALES:
        language = built[locale]["interactionModel"]["languageModel"]
        counts = {intent["name"]: len(intent["samples"]) for intent in language["intents"]}
        assert all(counts[name] >= 150 for name in intents.CRISIS_INTENTS), counts


def test_a_sample_in_two_intents_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    real_expand = build_models.expand

    def clashing(parts: dict[str, list[str]], templates: dict[str, list[str]]) -> dict[str, list[str]]:
        expanded = real_expand(parts, templates)
        expanded[intents.DISTRESS].append("I'm done")  # already a stop phrase
        return expanded

    monkeypatch.setattr(build_models, "expand", clashing)
    with pytest.raises(ModelError, match="samples in two intents"):
        build_model("en-US")


def test_a_model_beyond_the_limits_is_refused() -> None:
    model = build_model("en-US")
    crisis = next(i for i in model["interactionModel"]["languageModel"]["intents"] if i["name"] == intents.CRISIS)
    crisis["samples"] = [f"sample {'x' * (n % 7)} {n}" for n in range(build_models.MAX_SAMPLES_PER_INTENT + 1)]
    with pytest.raises(ModelError, match="CrisisIntent has"):
        check_limits("en-US", model)


def test_the_output_is_sorted_and_without_duplicates(built: dict[str, dict[str, Any]]) -> None:
    for locale in LOCALES:
        for intent in built[locale]["interactionModel"]["languageModel"]["intents"]:
            samples = intent["samples"]
            assert samples == sorted(samples, key=lambda text: (text.lower(), text)), intent["name"]
            assert len({sample.lower() for sample in samples}) == len(samples), intent["name"]
