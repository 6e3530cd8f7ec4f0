"""README's "What you can say" and the console's :help come from one list (devtools/what_you_can_say.yaml): the
README table holds exactly its phrases, and every phrase reaches the request the list names for it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from devtools.console import capabilities, help_text
from devtools.nlu import Kind, understanding

README = Path(__file__).resolve().parent.parent / "README.md"
CAPABILITIES = capabilities()
PHRASES = [(phrase, request) for capability in CAPABILITIES for phrase, request in capability.say.items()]


def readme_rows() -> dict[str, list[str]]:
    """The table in README's "What you can say": capability -> quoted phrases."""
    section = README.read_text(encoding="utf-8").split("## What you can say", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ") and not line.startswith(("| What", "| ---"))]
    table = {}
    for row in rows:
        what, say = (cell.strip() for cell in row.strip("|").split("|"))
        table[what] = re.findall(r'"([^"]+)"', say)
    return table


def test_readme_lists_every_capability_with_the_same_phrases() -> None:
    assert readme_rows() == {capability.what: list(capability.say) for capability in CAPABILITIES}


def test_console_help_lists_the_same() -> None:
    text = help_text("therapy check in")
    for capability in CAPABILITIES:
        assert capability.what in text
        assert all(f'"{phrase}"' in text for phrase in capability.say)
    assert ":ssml" in text


def test_every_capability_the_issue_names_is_listed() -> None:
    requests = {request for _, request in PHRASES}
    assert {
        "StartCheckInIntent",
        "SkipIntent",
        "AMAZON.PreviousIntent",
        "ExplainIntent",
        "ChangeAnswerIntent",
        "RecapIntent",
        "LastWeekRecapIntent",
        "TrendIntent",
        "SetPasscodeIntent",
        "RemovePasscodeIntent",
        "ForgotPasscodeIntent",
        "DeleteDataIntent",
        "CrisisIntent",
    } <= requests


@pytest.mark.parametrize(("phrase", "expected"), PHRASES)
def test_each_phrase_reaches_its_request(phrase: str, expected: str) -> None:
    resolution = understanding("en-US").resolve(phrase)
    if expected == "LaunchRequest":
        assert resolution.kind is Kind.LAUNCH
    else:
        assert (resolution.kind, resolution.intent) == (Kind.INTENT, expected)
        assert resolution.matched
