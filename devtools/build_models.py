"""Generate every interaction model (``skill-package/interactionModels/custom/<locale>.json``) from one source.

    python -m devtools.build_models          # write the models
    python -m devtools.build_models --check  # exit 1 if a checked-in model differs from what the source gives

The source lives in ``interaction-model/``: ``structure.yaml`` holds what every language shares (intents, slots,
slot types, model configuration); each language has a folder of words (``en/samples.yaml`` for the ordinary
intents, ``en/crisis.yaml``, the reviewed crisis grammar). Templates use alexa-utterances syntax and are
expanded by npm ``alexa-utterances`` (``devtools/expand_utterances.js``), so the model Alexa gets is exactly
the reviewed grammar, spelled out.

A locale is data: an entry in :data:`LOCALES` naming its language folder, plus an optional
``interaction-model/<language>/<locale>.yaml`` with extra samples (``samples: {Intent: [template]}``) and
spellings only people say (``spellings: {word: word}``). A locale spells its samples and slot values as its speech
catalogue does: the ``spelling`` map of ``speech/locales/<locale>.json`` (``therapy_checkin.speech.catalogue``)
is applied here too, so one map per locale serves what Alexa says and what it listens for. Samples are what people
say, and a text client may type either spelling, so a respelled sample or slot synonym keeps its en-US form beside
it ("practising" and "practicing" both name the practice sign in en-GB).

Output is deterministic (samples de-duplicated and sorted), and the generator refuses a model that puts one sample
in two intents or exceeds the limits below.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from devtools.local import make_skill_importable
from devtools.nlu import normalise

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = ROOT / "interaction-model"
MODEL_DIR = ROOT / "skill-package" / "interactionModels" / "custom"
EXPANDER = Path(__file__).with_name("expand_utterances.js")
CRISIS_PHRASES = ROOT / "lambda" / "therapy_checkin" / "domain" / "crisis_phrases.json"


@dataclass(frozen=True)
class LocaleSource:
    """Where a locale's words come from."""

    language: str
    """The folder under ``interaction-model/`` with the language's samples and crisis grammar."""


LOCALES: dict[str, LocaleSource] = {
    "en-US": LocaleSource(language="en"),
    "en-GB": LocaleSource(language="en"),
    "en-CA": LocaleSource(language="en"),
    "en-AU": LocaleSource(language="en"),
    "en-IN": LocaleSource(language="en"),
}
"""Every locale the generator writes: the one place to add a locale."""

# Alexa's interaction model limits (see README "Where the interaction model comes from"), checked on every
# model the generator writes, and again per locale by tests/test_skill_package.py.
MAX_INTENTS = 250
MAX_INTENTS_AND_SLOT_TYPES = 350
MAX_SLOT_VALUE_CHARACTERS = 140
"""A slot value or synonym."""
MAX_MODEL_BYTES = 1_500_000
# The project's own guards against a template that runs away (not Alexa's limits).
MAX_SAMPLES_PER_INTENT = 10_000
MAX_SAMPLE_CHARACTERS = 200
MAX_SLOT_VALUES = 50_000

SLOT = re.compile(r"\{(\w+)\}")
SOURCE_SLOT = re.compile(r"\{-\|(\w+)\}")


class ModelError(Exception):
    """The source gives a model Alexa would refuse, or one that is ambiguous."""


def _yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def expand(parts: Mapping[str, list[str]], intents: Mapping[str, list[str]]) -> dict[str, list[str]]:
    """Expand templates with npm alexa-utterances: {intent: [sample, ...]} in the expander's order."""
    request = {"parts": [[name, templates] for name, templates in parts.items()], "intents": intents}
    try:
        finished = subprocess.run(
            ["node", str(EXPANDER)],
            input=json.dumps(request),
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
            timeout=60,
        )
    except FileNotFoundError as error:
        raise ModelError("node is needed to expand the sample templates (Node.js 20 or newer)") from error
    except subprocess.CalledProcessError as error:
        raise ModelError(f"the expander failed (run npm ci?): {error.stderr.strip()}") from error
    result: dict[str, list[str]] = json.loads(finished.stdout)
    return result


def sample_key(sample: str, slot_types: Mapping[str, str]) -> str:
    """A sample as Alexa hears it: case and punctuation ignored, slots of one type interchangeable."""
    typed = SLOT.sub(lambda found: f" SLOT{slot_types.get(found.group(1), '?')} ", sample)
    return " ".join(word if word.startswith("SLOT") else normalise(word) for word in typed.split())


def locale_spelling(locale: str) -> dict[str, str]:
    """How the locale's speech catalogue spells en-US words ({} for en-US, or a locale without a catalogue)."""
    make_skill_importable()
    from therapy_checkin.speech.catalogue import LOCALES_DIR, spelling

    return spelling(locale) if (LOCALES_DIR / f"{locale}.json").exists() else {}


def respell(sample: str, spellings: Mapping[str, str]) -> str:
    """A locale's own spelling of each word or phrase ("counselor" → "counsellor"), as the speech catalogue
    respells its messages; slots are left alone."""
    make_skill_importable()
    from therapy_checkin.speech.catalogue import respell as respell_text

    return respell_text(sample, spellings)


def both_spellings(texts: list[str], spellings: Mapping[str, str]) -> list[str]:
    """Each text in the locale's spelling, followed by its en-US form where that differs: one list, no repeats."""
    respelled = [respell(text, spellings) for text in texts]
    return list(dict.fromkeys([*respelled, *texts]))


def tidy(samples: list[str], slot_types: Mapping[str, str]) -> list[str]:
    """One copy of each sample (as Alexa hears it), in a stable order."""
    kept: dict[str, str] = {}
    for sample in samples:
        text = " ".join(sample.split())
        kept.setdefault(sample_key(text, slot_types), text)
    return sorted(kept.values(), key=lambda text: (text.lower(), text))


PHRASE_SLOT = "said"
"""The crisis family's AMAZON.SearchQuery slot: whatever is said around a key phrase."""


def key_phrase_samples(at_end: list[str], also_before: list[str]) -> list[str]:
    """The samples for the crisis family's key phrases: each alone, after whatever was said first (with one of
    the closing words of the grammar's AFTER_KEY part), and for ``also_before``, before whatever follows.

    A sample with the phrase slot holds no other slot, as Alexa requires of AMAZON.SearchQuery."""
    said = f"{{-|{PHRASE_SLOT}}}"
    return [
        *(sample for key in at_end for sample in (key, f"{said} {key} {{AFTER_KEY}}")),
        *(f"{key} {said}" for key in also_before),
    ]


def sample_templates(
    structure: Mapping[str, Any], words: Mapping[str, Any], crisis: Mapping[str, Any], overlay: Mapping[str, Any]
) -> dict[str, list[str]]:
    """Every intent's templates: the ordinary samples, the crisis grammar with its key phrases, the locale's own."""
    templates: dict[str, list[str]] = {intent["name"]: [] for intent in structure["intents"]}
    for origin in (words["samples"], crisis["intents"], overlay.get("samples") or {}):
        for name, listed in origin.items():
            if name not in templates:
                raise ModelError(f"samples for {name}, which structure.yaml does not declare")
            templates[name].extend(listed or [])
    for name, keys in (crisis.get("keys") or {}).items():
        if name not in templates:
            raise ModelError(f"key phrases for {name}, which structure.yaml does not declare")
        templates[name].extend(key_phrase_samples(keys.get("at_end") or [], keys.get("also_before") or []))
    return templates


def expand_with_values(
    crisis: Mapping[str, Any], templates: Mapping[str, list[str]], types: Mapping[str, Any]
) -> tuple[dict[str, list[str]], dict[str, dict[str, dict[str, Any]]]]:
    """(samples per intent, words of every slot type). The crisis grammar's slot values are templates too
    ("kill {myself|meself}"): expanded alongside the samples, under keys no intent can have, then set apart."""
    value_templates = {
        f"{type_name}/{value_id}": listed
        for type_name, values in (crisis.get("types") or {}).items()
        for value_id, listed in values.items()
    }
    expanded = expand(crisis.get("parts") or {}, {**templates, **value_templates})
    type_words: dict[str, dict[str, dict[str, Any]]] = dict(types)
    for key in value_templates:
        type_name, value_id = key.split("/")
        value, *synonyms = list(dict.fromkeys(" ".join(text.split()) for text in expanded.pop(key)))
        type_words.setdefault(type_name, {})[value_id] = {"value": value, "synonyms": synonyms}
    return expanded, type_words


def build_model(locale: str) -> dict[str, Any]:
    """The interaction model for one locale, as the JSON document Alexa takes."""
    source = LOCALES[locale]
    structure = _yaml(SOURCE_DIR / "structure.yaml")
    language_dir = SOURCE_DIR / source.language
    words = _yaml(language_dir / "samples.yaml")
    crisis = _yaml(language_dir / "crisis.yaml")
    overlay_path = language_dir / f"{locale}.yaml"
    overlay = _yaml(overlay_path) if overlay_path.exists() else {}
    spellings: dict[str, str] = {**locale_spelling(locale), **(overlay.get("spellings") or {})}

    templates = sample_templates(structure, words, crisis, overlay)
    expanded, type_words = expand_with_values(crisis, templates, words["types"])

    intents: list[dict[str, Any]] = []
    owners: dict[str, str] = {}
    clashes: list[str] = []
    for declared in structure["intents"]:
        name = declared["name"]
        slots: dict[str, str] = dict(declared.get("slots") or {})
        raw = [SOURCE_SLOT.sub(r"{\1}", sample) for sample in both_spellings(expanded.get(name, []), spellings)]
        samples = tidy(raw, slots)
        unexpanded = [sample for sample in samples if set(SLOT.findall(sample)) - set(slots) or "|" in sample]
        if unexpanded:
            raise ModelError(f"{locale}: {name} has samples with unknown slots or unexpanded parts: {unexpanded[:5]}")
        for sample in samples:
            key = sample_key(sample, slots)
            if owners.setdefault(key, name) != name:
                clashes.append(f"{sample!r} in {owners[key]} and {name}")
        entry: dict[str, Any] = {"name": name}
        if not name.startswith("AMAZON."):
            entry["slots"] = [{"name": slot, "type": slot_type} for slot, slot_type in slots.items()]
        entry["samples"] = samples
        intents.append(entry)
    if clashes:
        raise ModelError(f"{locale}: samples in two intents: {', '.join(clashes[:20])}")

    types = []
    for type_name, value_ids in structure["types"].items():
        values = type_words[type_name]
        if list(values) != list(value_ids):
            raise ModelError(f"{locale}: the values of {type_name} differ from structure.yaml")
        types.append(
            {
                "name": type_name,
                "values": [
                    {
                        "id": value_id,
                        "name": {
                            "value": respell(values[value_id]["value"], spellings),
                            "synonyms": [
                                synonym
                                for synonym in both_spellings(
                                    [*values[value_id]["synonyms"], values[value_id]["value"]], spellings
                                )
                                if synonym != respell(values[value_id]["value"], spellings)
                            ],
                        },
                    }
                    for value_id in value_ids
                ],
            }
        )
    model = {
        "interactionModel": {
            "languageModel": {"invocationName": words["invocationName"], "intents": intents, "types": types},
            "modelConfiguration": structure["modelConfiguration"],
        }
    }
    check_limits(locale, model)
    return model


def model_text(model: Mapping[str, Any]) -> str:
    """The model as it is checked in: two-space indents, one trailing newline."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def check_limits(locale: str, model: Mapping[str, Any]) -> None:
    problems = limit_problems(model)
    if problems:
        raise ModelError(f"{locale}: beyond the interaction model limits: {'; '.join(problems)}")


def limit_problems(model: Mapping[str, Any]) -> list[str]:
    """Every way the model exceeds Alexa's limits or the project's own guards (an empty list if none)."""
    language = model["interactionModel"]["languageModel"]
    intents, types = language["intents"], language.get("types") or []
    problems = []
    if len(intents) > MAX_INTENTS:
        problems.append(f"{len(intents)} intents")
    if len(intents) + len(types) > MAX_INTENTS_AND_SLOT_TYPES:
        problems.append(f"{len(intents)} intents and {len(types)} slot types")
    for intent in intents:
        if len(intent["samples"]) > MAX_SAMPLES_PER_INTENT:
            problems.append(f"{intent['name']} has {len(intent['samples'])} samples")
        problems += [f"{sample!r} is too long" for sample in intent["samples"] if len(sample) > MAX_SAMPLE_CHARACTERS]
    values = [text for slot_type in types for value in slot_type["values"] for text in slot_value_texts(value)]
    problems += [f"slot value {text!r} is too long" for text in values if len(text) > MAX_SLOT_VALUE_CHARACTERS]
    if len(values) > MAX_SLOT_VALUES:
        problems.append(f"{len(values)} slot values and synonyms")
    size = len(model_text(model).encode("utf-8"))
    if size > MAX_MODEL_BYTES:
        problems.append(f"{size} bytes")
    return problems


def slot_value_texts(value: Mapping[str, Any]) -> list[str]:
    """A custom slot value's name and synonyms."""
    return [value["name"]["value"], *value["name"].get("synonyms", [])]


def crisis_phrases(model: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every phrase of the crisis family that says a crisis on its own, per intent, normalised as the skill reads
    a note (``therapy_checkin.domain.crisis_text``): the samples without slots, and the samples whose one slot
    is the phrase slot, without it ("{said} kill myself tonight" gives "kill myself tonight")."""
    from therapy_checkin import intents as names
    from therapy_checkin.domain.crisis_text import normalise

    phrases: dict[str, list[str]] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        if intent["name"] not in names.CRISIS_INTENTS:
            continue
        found = set()
        for sample in intent["samples"]:
            slots = SLOT.findall(sample)
            if set(slots) <= {PHRASE_SLOT}:
                found.add(normalise(SLOT.sub(" ", sample)))
        phrases[intent["name"]] = sorted(phrase for phrase in found if phrase)
    return phrases


def crisis_phrases_text(models: Mapping[str, Mapping[str, Any]]) -> str:
    """The crisis phrases file: per language, from the model of the language's first locale in ``models``."""
    make_skill_importable()
    languages: dict[str, dict[str, list[str]]] = {}
    for locale, model in models.items():
        if LOCALES[locale].language not in languages:
            languages[LOCALES[locale].language] = crisis_phrases(model)
    return json.dumps(languages, indent=0, ensure_ascii=False, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the checked-in models; write nothing")
    options = parser.parse_args(argv)
    stale = []
    models = {}
    for locale in LOCALES:
        models[locale] = build_model(locale)
        text = model_text(models[locale])
        path = MODEL_DIR / f"{locale}.json"
        if options.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(str(path.relative_to(ROOT)))
            continue
        path.write_text(text, encoding="utf-8")
        intents = json.loads(text)["interactionModel"]["languageModel"]["intents"]
        samples = sum(len(intent["samples"]) for intent in intents)
        print(f"{path.relative_to(ROOT)}: {samples} samples, {len(text.encode('utf-8'))} bytes")
    phrases = crisis_phrases_text(models)
    if options.check:
        if not CRISIS_PHRASES.exists() or CRISIS_PHRASES.read_text(encoding="utf-8") != phrases:
            stale.append(str(CRISIS_PHRASES.relative_to(ROOT)))
    else:
        CRISIS_PHRASES.write_text(phrases, encoding="utf-8")
    if stale:
        print(f"out of date (run make models): {', '.join(stale)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
