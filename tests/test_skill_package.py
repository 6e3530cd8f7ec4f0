"""The skill package (manifest and interaction models) as Amazon's Skill Management API would judge it, plus
the rules its schema cannot express: invocation name, sample clashes, slots, and intents matched to code.

The schema is Amazon's own SMAPI specification, shipped in the npm package ``ask-smapi-model`` (spec.json).
"""

from __future__ import annotations

import ast
import copy
import json
import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from devtools.nlu import available_locales, normalise, understanding
from therapy_checkin import intents
from therapy_checkin.speech.catalogue import respell, spelling

pytestmark = pytest.mark.node

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "node_modules" / "ask-smapi-model" / "spec.json"
SKILL_JSON = ROOT / "skill-package" / "skill.json"
MODELS_DIR = ROOT / "skill-package" / "interactionModels" / "custom"
CODE_DIR = ROOT / "lambda" / "therapy_checkin"
MANIFEST_DEFINITION = "v1.skill.Manifest.SkillManifestEnvelope"
MODEL_DEFINITION = "v1.skill.interactionModel.InteractionModelData"

LOCALES = available_locales()
REQUIRED_BUILT_INS = (
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
)
RESERVED_INVOCATION_WORDS = frozenset(
    {
        # wake words and platform names
        "alexa", "amazon", "echo", "computer", "skill", "app",
        # launch words and session commands
        "open", "ask", "tell", "launch", "start", "begin", "load", "run", "play", "resume", "use", "enable",
        "stop", "exit", "cancel", "quit",
    }
)  # fmt: skip
TWO_WORD_FILLERS = frozenset({"the", "a", "an", "for", "to", "of"})
INTENT_NAME = re.compile(r"^(AMAZON\.)?[A-Z][A-Za-z]*Intent$")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")


@cache
def smapi_definitions() -> dict[str, Any]:
    if not SPEC.exists():
        pytest.fail(f"{SPEC.relative_to(ROOT)} is missing: run `npm ci` (make test does).")
    definitions: dict[str, Any] = json.loads(SPEC.read_text())["definitions"]
    return definitions


def validator(definition: str) -> Draft4Validator:
    """A draft-4 validator for one SMAPI definition; its ``$ref``s resolve inside the same specification."""
    return Draft4Validator({"$ref": f"#/definitions/{definition}", "definitions": smapi_definitions()})


def schema_errors(document: Any, definition: str) -> list[str]:
    return [
        f"{'/'.join(str(part) for part in error.absolute_path)}: {error.message}"
        for error in validator(definition).iter_errors(document)
    ]


def load_model(locale: str) -> dict[str, Any]:
    model: dict[str, Any] = json.loads((MODELS_DIR / f"{locale}.json").read_text())
    return model


def language_model(locale: str) -> dict[str, Any]:
    language: dict[str, Any] = load_model(locale)["interactionModel"]["languageModel"]
    return language


# --------------------------------------------------------------------------------------------------------------
# Amazon's schema


def test_there_is_an_interaction_model_for_every_manifest_locale() -> None:
    manifest_locales = set(json.loads(SKILL_JSON.read_text())["manifest"]["publishingInformation"]["locales"])
    assert LOCALES, "no interaction model found"
    assert manifest_locales == set(LOCALES)


def test_skill_manifest_matches_the_smapi_schema() -> None:
    assert schema_errors(json.loads(SKILL_JSON.read_text()), MANIFEST_DEFINITION) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_interaction_model_matches_the_smapi_schema(locale: str) -> None:
    assert schema_errors(load_model(locale), MODEL_DEFINITION) == []


def test_the_schema_check_rejects_broken_packages() -> None:
    """The schema is really applied: a manifest and a model with wrong shapes fail it."""
    manifest = json.loads(SKILL_JSON.read_text())
    manifest["manifest"]["publishingInformation"]["locales"] = ["en-US"]
    assert schema_errors(manifest, MANIFEST_DEFINITION)
    model = copy.deepcopy(load_model(LOCALES[0]))
    model["interactionModel"]["languageModel"]["intents"][0]["samples"] = "not a list"
    assert schema_errors(model, MODEL_DEFINITION)


# --------------------------------------------------------------------------------------------------------------
# Our own rules


def invocation_problems(name: str) -> list[str]:
    words = name.split(" ")
    problems = []
    if not re.fullmatch(r"[a-z]+( [a-z]+)*", name):
        problems.append("only lowercase letters and single spaces")
    if len(words) < 2:
        problems.append("at least two words")
    if reserved := sorted(RESERVED_INVOCATION_WORDS.intersection(words)):
        problems.append(f"reserved words {reserved}")
    if len(words) == 2 and TWO_WORD_FILLERS.intersection(words):
        problems.append("a two-word name without articles or prepositions")
    return problems


@pytest.mark.parametrize("locale", LOCALES)
def test_invocation_name_follows_amazons_rules(locale: str) -> None:
    assert invocation_problems(language_model(locale)["invocationName"]) == []


@pytest.mark.parametrize(
    "name", ["therapy", "Therapy Check In", "open therapy", "therapy skill", "alexa check in", "the check", "check-in"]
)
def test_invocation_rules_reject_bad_names(name: str) -> None:
    assert invocation_problems(name)


def sample_key(sample: str, slot_types: dict[str, str]) -> str:
    """A sample as Alexa hears it: case and punctuation ignored, slots of the same type interchangeable."""
    typed = SLOT_REFERENCE.sub(lambda found: f" SLOT{slot_types.get(found.group(1), '?')} ", sample)
    return " ".join(word if word.startswith("SLOT") else normalise(word) for word in typed.split())


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_utterance_belongs_to_two_intents(locale: str) -> None:
    owners: dict[str, set[str]] = {}
    for intent in language_model(locale)["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots") or []}
        for sample in intent.get("samples") or []:
            owners.setdefault(sample_key(sample, slot_types), set()).add(intent["name"])
    assert {key: names for key, names in owners.items() if len(names) > 1} == {}


@pytest.mark.parametrize("locale", LOCALES)
def test_no_intent_repeats_a_sample(locale: str) -> None:
    for intent in language_model(locale)["intents"]:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots") or []}
        counts = Counter(sample_key(sample, slot_types) for sample in intent.get("samples") or [])
        assert [key for key, count in counts.items() if count > 1] == [], intent["name"]


@pytest.mark.parametrize("locale", LOCALES)
def test_samples_use_only_words_alexa_accepts(locale: str) -> None:
    """Numbers are spelled out and punctuation is limited to apostrophes, periods and hyphens."""
    bad = [
        (intent["name"], sample)
        for intent in language_model(locale)["intents"]
        for sample in intent.get("samples") or []
        if not re.fullmatch(r"[A-Za-z '.\-]*", SLOT_REFERENCE.sub("", sample)) or not sample.strip()
    ]
    assert bad == []


@pytest.mark.parametrize("locale", LOCALES)
def test_slot_types_are_defined_and_used(locale: str) -> None:
    language = language_model(locale)
    defined = {slot_type["name"] for slot_type in language.get("types") or []}
    used = {slot["type"] for intent in language["intents"] for slot in intent.get("slots") or []}
    assert sorted(used - defined - {name for name in used if name.startswith("AMAZON.")}) == [], "undefined"
    assert sorted(defined - used) == [], "defined but never used"


@pytest.mark.parametrize("locale", LOCALES)
def test_custom_slot_values_have_unique_ids_and_names(locale: str) -> None:
    for slot_type in language_model(locale).get("types") or []:
        ids = [value.get("id") for value in slot_type["values"]]
        assert all(ids) and len(ids) == len(set(ids)), slot_type["name"]
        heard = [
            text
            for value in slot_type["values"]
            for text in {normalise(said) for said in (value["name"]["value"], *value["name"].get("synonyms", []))}
        ]
        duplicates = [text for text, count in Counter(heard).items() if count > 1]
        assert duplicates == [], f"{slot_type['name']}: a value or synonym names two entries"


@pytest.mark.parametrize("locale", LOCALES)
def test_slots_in_samples_are_declared_and_declared_slots_are_used(locale: str) -> None:
    for intent in language_model(locale)["intents"]:
        declared = {slot["name"] for slot in intent.get("slots") or []}
        referenced = {name for sample in intent.get("samples") or [] for name in SLOT_REFERENCE.findall(sample)}
        assert referenced - declared == set(), f"{intent['name']} uses undeclared slots"
        assert declared - referenced == set(), f"{intent['name']} declares slots no sample uses"


@pytest.mark.parametrize("locale", LOCALES)
def test_required_built_in_intents_are_in_the_model(locale: str) -> None:
    names = {intent["name"] for intent in language_model(locale)["intents"]}
    assert [name for name in REQUIRED_BUILT_INS if name not in names] == []


# --------------------------------------------------------------------------------------------------------------
# Intents in the model and intents in the code


def intent_names_in_code(directory: Path = CODE_DIR) -> set[str]:
    """Intent names the handlers refer to: every ``intents.NAME`` attribute read in the deployed code."""
    constants = {name: getattr(intents, name) for name in dir(intents) if name.isupper()}
    found: set[str] = set()
    for path in sorted(directory.rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "intents"
                and isinstance(constants.get(node.attr), str)
                and INTENT_NAME.match(constants[node.attr])
            ):
                found.add(constants[node.attr])
            elif isinstance(node, ast.Attribute) and node.attr.endswith("_INTENTS") and node.attr in constants:
                found.update(constants[node.attr])
    return found


def test_the_code_scan_finds_intent_names() -> None:
    """The scan sees both forms the handlers use, so the checks below compare real sets."""
    assert {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.NavigateHomeIntent"} <= intent_names_in_code()


def test_intent_names_are_written_only_in_the_intents_module() -> None:
    """No handler spells an intent name itself: a typo there would silently never match."""
    spelled = {
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in sorted(CODE_DIR.rglob("*.py"))
        if path.name != "intents.py"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and INTENT_NAME.match(node.value)
    }
    assert sorted(spelled) == []


def test_the_intents_module_lists_what_the_code_handles() -> None:
    assert intent_names_in_code() == set(intents.HANDLED_INTENTS)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_in_the_model_is_handled_in_code(locale: str) -> None:
    model = {intent["name"] for intent in language_model(locale)["intents"]}
    assert sorted(model - intent_names_in_code()) == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_intent_handled_in_code_is_in_the_model(locale: str) -> None:
    model = {intent["name"] for intent in language_model(locale)["intents"]}
    assert sorted(intent_names_in_code() - model) == []


# --------------------------------------------------------------------------------------------------------------
# Locales: one skill in every locale


def structure(locale: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """A model's intents with their slots, in order: what must not differ between locales."""
    return [
        (intent["name"], [(slot["name"], slot["type"]) for slot in intent.get("slots") or []])
        for intent in language_model(locale)["intents"]
    ]


def test_every_locale_has_the_same_intents_and_slots() -> None:
    """An intent cannot be added in one locale and forgotten in another."""
    assert {locale: structure(locale) for locale in LOCALES} == dict.fromkeys(LOCALES, structure("en-US"))


@pytest.mark.parametrize("locale", LOCALES)
def test_every_locale_has_every_crisis_sample(locale: str) -> None:
    """Each locale hears at least everything en-US hears as a crisis, in the locale's spelling, and with the
    same answer: a locale may add crisis samples, never lose one."""
    us_words = spelling(locale)
    mine = {intent["name"]: set(intent["samples"]) for intent in language_model(locale)["intents"]}
    for intent in language_model("en-US")["intents"]:
        if intent["name"] in intents.CRISIS_INTENTS:
            missing = [s for s in intent["samples"] if respell(s, us_words) not in mine[intent["name"]]]
            assert missing == [], intent["name"]


def test_every_locale_is_published_where_it_is_spoken() -> None:
    manifest = json.loads(SKILL_JSON.read_text())["manifest"]
    countries = manifest["publishingInformation"]["distributionCountries"]
    assert sorted(countries) == sorted({locale.split("-")[1] for locale in LOCALES})
    assert manifest["publishingInformation"]["isAvailableWorldwide"] is False
    privacy = manifest["privacyAndCompliance"]["locales"]
    assert sorted(privacy) == sorted(LOCALES)
    urls = {privacy[locale]["privacyPolicyUrl"] for locale in LOCALES}
    assert len(urls) == 1, "one privacy notice (PRIVACY.md) at one address, replaced once by the deployer"
    assert all(url.startswith("https://") for url in urls)


@pytest.mark.parametrize("locale", LOCALES)
def test_each_locales_store_text_is_in_its_own_spelling(locale: str) -> None:
    published = json.loads(SKILL_JSON.read_text())["manifest"]["publishingInformation"]["locales"][locale]
    us = json.loads(SKILL_JSON.read_text())["manifest"]["publishingInformation"]["locales"]["en-US"]
    text = " ".join([published["summary"], published["description"], *published["keywords"]])
    survivors = [word for word in spelling(locale) if re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text, re.I)]
    assert survivors == []
    assert published["name"] == us["name"]
    assert published["examplePhrases"] == us["examplePhrases"], "one invocation name and one set of samples"
    invocation = language_model(locale)["invocationName"]
    assert all(invocation in phrase for phrase in published["examplePhrases"])


@pytest.mark.parametrize("locale", LOCALES)
def test_a_sign_is_reachable_in_either_spelling(locale: str) -> None:
    """Slot values are in the locale's spelling, and the en-US spelling still names the same sign."""
    us_form = "practicing between sessions"
    local_form = respell(us_form, spelling(locale))
    value = next(v for t in language_model(locale)["types"] for v in t["values"] if v["id"] == "practice")
    assert local_form in value["name"]["synonyms"]
    for said in {us_form, local_form}:
        resolution = understanding(locale).resolve(f"change my answer for {said}")
        assert resolution.intent == intents.CHANGE_ANSWER
        slot = resolution.slots["sign"]
        assert isinstance(slot, dict)
        assert slot["resolutions"]["resolutionsPerAuthority"][0]["values"][0]["value"]["id"] == "practice", said
