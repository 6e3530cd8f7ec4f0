"""Whole check-ins, measured as a person hears them: a first week and three later weeks through the real
Lambda handler, with the word counts printed in the test summary ("voice budget").

Targets (issue 9): a first-week check-in at most 450 words of Alexa speech, a later week at most 300; no turn
over 45 words; the same acknowledgement never on two turns in a row; no sign question worded the same way for
more than half the signs. The crisis answer is the one turn allowed to run longer, and is not part of these
conversations.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import TABLE_NAME, Figures, empty_table, skill_on, talking
from therapy_checkin.domain.signs import SIGN_COUNT
from therapy_checkin.storage import CheckInStore, build_client

Talk = Callable[..., Conversation]

FIRST_WEEK_WORDS = 450
LATER_WEEK_WORDS = 300
TURN_WORDS = 45
RATINGS = [
    [4, 3, 2, 5, 3, 2, 4, 3, 1, 4, 2, 3],
    [4, 4, 3, 5, 3, 3, 4, 3, 2, 4, 3, 4],
    [5, 4, 3, 4, 3, 3, 4, 4, 2, 4, 3, 4],
    [5, 4, 4, 4, 4, 3, 4, 4, 3, 5, 3, 4],
]


def words(text: str) -> int:
    return len(text.split())


@dataclass
class Week:
    turns: list[Reply]
    after: list[Reply] = field(default_factory=list)
    """Turns after the closing recap turn: declining the weekly reminder offered after a first check-in, or more
    of the recap and then the reflection offered on the sign that moved most."""

    @property
    def sign_turns(self) -> list[Reply]:
        """The turns that ask a sign: the answer to "yes", then each rating but the last."""
        return self.turns[1:-1]

    @property
    def total(self) -> int:
        return sum(words(turn.speech) for turn in (*self.turns, *self.after))


def check_in(conversation: Conversation, ratings: list[int]) -> Week:
    turns = [conversation.launch(), conversation.intent("AMAZON.YesIntent")]
    turns += [conversation.rate(value) for value in ratings]
    return Week(turns)


@pytest.fixture(scope="module")
def four_weeks(moto_dynamodb: Any, alexa_api_server: FakeAlexaApi) -> Iterator[list[Week]]:
    """Four weekly check-ins of one new user through the handler, heard once and read by every test here."""
    conversation = talking(skill_on(CheckInStore(TABLE_NAME, build_client())))()
    weeks = []
    for number, ratings in enumerate(RATINGS):
        if number:
            conversation.advance(weeks=1)
        week = check_in(conversation, ratings)
        # No to what the closing turn offers (a weekly reminder, or more of the recap), and to a reflection.
        while not (week.after or week.turns)[-1].ends_session and len(week.after) < 2:
            week.after.append(conversation.intent("AMAZON.NoIntent"))
        assert (week.after or week.turns)[-1].ends_session
        weeks.append(week)
    yield weeks
    empty_table(moto_dynamodb)


def acknowledgement(turn: Reply) -> str:
    """What a sign turn says before "Sign N": its acknowledgement and any progress cue."""
    return turn.speech.split("Sign ", 1)[0].strip()


def question(turn: Reply) -> str:
    """The sign turn's closing question: its last sentence."""
    return re.split(r"(?<=[.!?]) ", turn.speech)[-1]


def figures(number: int, week: Week) -> str:
    lengths = [words(turn.speech) for turn in week.sign_turns]
    questions = Counter(question(turn) for turn in week.sign_turns)
    return (
        f"week {number}: {week.total} words in {len(week.turns)} turns "
        f"({week.total - words(week.turns[-1].speech)} before the closing recap turn); "
        f"sign turns {min(lengths)}-{max(lengths)} words; longest turn {max(words(t.speech) for t in week.turns)} "
        f"words (closing recap turn {words(week.turns[-1].speech)}); "
        f"most repeated sign question x{questions.most_common(1)[0][1]} of {len(week.sign_turns)}"
    )


def test_four_weeks_stay_within_the_voice_budget(four_weeks: list[Week], figure: Figures) -> None:
    for number, week in enumerate(four_weeks, start=1):
        figure("voice", figures(number, week))
    first, *later = four_weeks
    assert first.total <= FIRST_WEEK_WORDS
    assert all(week.total <= LATER_WEEK_WORDS for week in later)
    for week in four_weeks:
        assert len(week.sign_turns) == SIGN_COUNT
        # The closing turn holds the recap, whose length is set in handlers/recap.py: measured in its own test.
        long_turns = [turn.speech for turn in week.turns[:-1] if words(turn.speech) > TURN_WORDS]
        assert long_turns == []
        questions = Counter(question(turn) for turn in week.sign_turns)
        assert questions.most_common(1)[0][1] <= SIGN_COUNT // 2, questions
        assert all(question(turn).endswith("?") for turn in week.turns[:-1]), "every open turn ends with a question"
        assert all(turn.reprompt.endswith("?") for turn in week.turns[:-1]), "every reprompt is a question"


def test_the_closing_recap_turn_fits_in_45_words(four_weeks: list[Week]) -> None:
    assert all(words(week.turns[-1].speech) <= TURN_WORDS for week in four_weeks)


def test_acknowledgements_vary_and_never_repeat_on_consecutive_turns(four_weeks: list[Week], figure: Figures) -> None:
    for number, week in enumerate(four_weeks, start=1):
        acks = [acknowledgement(turn) for turn in week.sign_turns[1:]]
        figure("voice", f"week {number} acknowledgements: {' | '.join(ack or '-' for ack in acks)}")
        assert all(before != after for before, after in pairwise(acks)), acks
        assert "" in acks, "sometimes no acknowledgement at all"
        assert len({ack for ack in acks if ack}) >= 4
        assert "You're halfway there." in acks[5] and "Last one." in acks[10], "the progress cues stay"
    assert [acknowledgement(turn) for turn in four_weeks[1].sign_turns[1:]] != [
        acknowledgement(turn) for turn in four_weeks[2].sign_turns[1:]
    ], "the same place sounds different from one week to the next"


def test_a_familiar_week_names_each_sign_and_asks_its_own_question(four_weeks: list[Week]) -> None:
    first, second = four_weeks[0].sign_turns, four_weeks[1].sign_turns
    assert "You trusted your therapist" in first[0].speech
    assert "You trusted your therapist" not in second[0].speech
    assert second[0].speech.endswith(
        "Sign one of twelve: feeling connected to your therapist. "
        "From one to five, how safe did you feel being honest in your sessions?"
    ), "the scale, on the first sign"
    assert second[3].speech.endswith("Sign four: setting boundaries. How well did you speak up for your limits?")
    assert not any("from one to five" in turn.speech.lower() for turn in second[1:]), "the scale only when it helps"
    assert not any(turn.speech == before.speech for turn, before in zip(second, first, strict=True))
    assert all(words(turn.speech) < words(before.speech) for turn, before in zip(second, first, strict=True))
