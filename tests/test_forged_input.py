"""Input only a forged request can send: huge slot text, digits from other scripts, odd week keys. Each gets a
calm answer in linear time, and nothing it carries reaches the table."""

from __future__ import annotations

import time
import unicodedata
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devtools.conversation import Conversation
from tests.conftest import examples, ratings_in_table, table_items
from therapy_checkin.domain.passcode import parse_code
from therapy_checkin.domain.ratings import MAX_HEARD_LENGTH, NotARating, Rating, parse_rating
from therapy_checkin.domain.weeks import is_week_key

Talk = Callable[..., Conversation]

ERROR_APOLOGY = "Sorry, something went wrong on my side."
NOT_A_RATING = "Let's use a whole number, from one, not at all, to five, very true."


def started(talk: Talk) -> Conversation:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    return conversation


def test_forty_thousand_dots_are_no_rating_and_cost_no_time(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk)
    start = time.perf_counter()
    reply = conversation.rate("4" + "." * 40_000)
    assert time.perf_counter() - start < 0.5
    assert reply.speech.startswith(NOT_A_RATING)
    assert ratings_in_table(dynamodb) == {}


def test_trailing_punctuation_is_trimmed_in_linear_time(monkeypatch: pytest.MonkeyPatch) -> None:
    from therapy_checkin.domain import ratings

    assert parse_rating("4" + "." * (MAX_HEARD_LENGTH - 1)) == Rating(4)
    assert parse_rating("four?!") == Rating(4)
    monkeypatch.setattr(ratings, "MAX_HEARD_LENGTH", 10**6)  # the trimming alone, without the length cap
    start = time.perf_counter()
    assert parse_rating("4" + "." * 40_000) == Rating(4)
    assert parse_rating("4" + "." * 40_000 + "x") == NotARating()
    assert time.perf_counter() - start < 0.2


@pytest.mark.parametrize("heard", ["٣", "３", "4", "³", "²"])
def test_only_ascii_digits_make_a_rating(talk: Talk, dynamodb: Any, heard: str) -> None:
    conversation = started(talk)
    reply = conversation.rate(heard)
    if heard == "4":
        assert reply.speech.startswith("Okay. Sign two of twelve"), "saved, and on to the next sign"
        assert list(ratings_in_table(dynamodb).values()) == [{"connection": 4}]
    else:
        assert reply.speech.startswith(NOT_A_RATING), "a digit of another script is no number Alexa sends"
        assert ratings_in_table(dynamodb) == {}


@pytest.mark.parametrize(("slot", "heard"), [("signNumber", "²"), ("signNumber", "٣"), ("rating", "³")])
def test_a_sign_number_in_other_digits_is_asked_again(talk: Talk, dynamodb: Any, slot: str, heard: str) -> None:
    conversation = started(talk)
    conversation.rate(4)
    reply = conversation.intent("ChangeAnswerIntent", **{slot: heard})
    assert not reply.speech.startswith(ERROR_APOLOGY)
    assert reply.speech.startswith("Which sign would you like to change?")
    reply = conversation.rate(heard)
    assert not reply.speech.startswith(ERROR_APOLOGY)
    assert not reply.ends_session and reply.reprompt


def test_an_overlong_sign_number_is_no_sign(talk: Talk, dynamodb: Any) -> None:
    conversation = started(talk)
    conversation.rate(4)
    reply = conversation.intent("ChangeAnswerIntent", signNumber="1" + " " * 200)
    assert reply.speech.startswith("Which sign would you like to change?")


@pytest.mark.parametrize("heard", ["١٢٣٤", "１２３４", "¹²³⁴", "1234" + " " * 200, "1 2 3 4" + "." * 500])
def test_a_passcode_is_four_ascii_digits_in_a_short_answer(talk: Talk, dynamodb: Any, heard: str) -> None:
    conversation = started(talk)
    conversation.intent("SetPasscodeIntent")
    for _ in range(2):  # said, then confirmed
        assert not conversation.intent("PasscodeIntent", code=heard).speech.startswith(ERROR_APOLOGY)
    profile = next(item for item in table_items(dynamodb) if item["sk"].endswith("#PROFILE"))
    assert "passcode" not in profile
    assert parse_code("1234") == "1234"


@pytest.mark.parametrize("week", ["２０２６-W48", "2026-W+8", "+202-W48", "2026-W4 ", "2026-W٤8", "2026-W48\n"])
def test_a_week_key_in_the_session_is_ascii_digits_only(talk: Talk, dynamodb: Any, week: str) -> None:
    assert not is_week_key(week)
    conversation = started(talk)
    conversation.attributes["week"] = {"key": week, "ratings": {}, "skipped": [], "completed": False}
    conversation.rate(4)
    for item in table_items(dynamodb):
        assert item["sk"].isascii() and (item["sk"].endswith("#PROFILE") or item["sk"].endswith("#CHECKIN#2026-W48"))


def _has_foreign_digit(text: str) -> bool:
    return any(not char.isascii() and unicodedata.category(char) in ("Nd", "No") for char in text)


@settings(max_examples=examples(400), deadline=None)
@given(
    heard=st.one_of(
        st.text(max_size=120),
        st.text(alphabet="0123456789٣３²³.!? ,-+", max_size=120),
        st.integers(0, 300).map(lambda n: "4" + "." * n),
    )
)
def test_any_text_is_read_safely(heard: str) -> None:
    """Whatever arrives: no exception, a rating only from a short answer, and never from another script's digits."""
    outcome = parse_rating(heard)
    if len(heard) > MAX_HEARD_LENGTH:
        assert outcome == NotARating()
    if isinstance(outcome, Rating):
        assert 1 <= outcome.value <= 5
        assert not _has_foreign_digit(heard)
    code = parse_code(heard)
    assert code is None or (code.isascii() and code.isdigit() and len(code) == 4)
