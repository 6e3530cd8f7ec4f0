"""The pure parts: reading a rating, the check-in's order and resume point, weeks, and session state."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from therapy_checkin.domain.checkin import WeekAnswers, next_sign_index, resume_index
from therapy_checkin.domain.ratings import Between, NotARating, OutOfRange, Rating, parse_between, parse_rating
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS, sign_at, sign_number
from therapy_checkin.domain.weeks import is_week_key, previous_week, week_of, weeks_between
from therapy_checkin.session import (
    Mode,
    PasscodeDraft,
    PendingRecap,
    PendingWrite,
    RecapRequest,
    SessionState,
)


@pytest.mark.parametrize(
    ("heard", "expected"),
    [
        ("4", Rating(4)),
        ("four", Rating(4)),
        ("a four", Rating(4)),
        ("I'd say three", Rating(3)),
        ("five out of five", Rating(5)),
        ("probably two", Rating(2)),
        ("1", Rating(1)),
        (" Five. ", Rating(5)),
        ("maybe a 3", Rating(3)),
        ("0", OutOfRange(0)),
        ("6", OutOfRange(6)),
        ("42", OutOfRange(42)),
        ("-1", OutOfRange(-1)),
        ("2.5", Between(2, 3)),
        ("5.5", OutOfRange(5.5)),
        ("three and a half", Between(3, 4)),
        ("between three and four", Between(3, 4)),
        ("somewhere between 2 and 4", Between(2, 4)),
        ("four point five", Between(4, 5)),
        ("between six and seven", OutOfRange(7)),
        ("four or four", Rating(4)),
        ("?", NotARating()),
        ("", NotARating()),
        (None, NotARating()),
        ("banana", NotARating()),
        ("three or four", Between(3, 4)),
        ("three or four or five", NotARating()),
    ],
)
def test_ratings_in_every_shape(heard: str | None, expected: object) -> None:
    assert parse_rating(heard) == expected


@given(st.text())
def test_any_text_gives_an_outcome_and_only_one_to_five_is_a_rating(heard: str) -> None:
    outcome = parse_rating(heard)
    if isinstance(outcome, Rating):
        assert 1 <= outcome.value <= 5
    if isinstance(outcome, Between):
        assert 1 <= outcome.low < outcome.high <= 5


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        ("3", None, Between(3, 4)),
        ("3", "4", Between(3, 4)),
        ("4", "2", Between(2, 4)),
        ("5", None, OutOfRange(5.5)),
        ("0", "1", OutOfRange(0)),
        ("?", "4", NotARating()),
        ("3", "?", NotARating()),
        (None, None, NotARating()),
    ],
)
def test_the_two_numbers_of_an_answer_in_between(low: str | None, high: str | None, expected: object) -> None:
    assert parse_between(low, high) == expected


def test_signs_are_twelve_in_the_articles_order() -> None:
    assert SIGN_COUNT == 12
    assert SIGN_IDS[0] == "connection" and SIGN_IDS[-1] == "ongoing_work"
    assert [sign_at(sign_number(sign)) for sign in SIGN_IDS] == list(SIGN_IDS)
    assert sign_at(0) is None and sign_at(13) is None


def test_resume_is_the_first_sign_neither_rated_nor_skipped() -> None:
    answers = WeekAnswers("2026-W48", ratings={"connection": 3, "relationships": 4}, skipped=frozenset({"perspective"}))
    assert resume_index(answers) == 3
    assert next_sign_index(answers, 0) == 3
    assert resume_index(WeekAnswers("2026-W48")) == 0
    everything = WeekAnswers("2026-W48", ratings=dict.fromkeys(SIGN_IDS, 2))
    assert resume_index(everything) is None and next_sign_index(everything, 4) is None


def test_a_new_rating_replaces_the_old_and_a_skip_never_erases_a_rating() -> None:
    answers = WeekAnswers("2026-W48").with_rating("hope", 2).with_rating("hope", 5)
    assert answers.ratings == {"hope": 5}
    assert answers.with_skip("hope") == answers
    skipped = WeekAnswers("2026-W48").with_skip("hope")
    assert skipped.skipped == {"hope"} and skipped.with_rating("hope", 1).skipped == frozenset()


def test_going_forward_after_going_back_lands_on_the_first_open_sign() -> None:
    answers = WeekAnswers("2026-W48", ratings=dict.fromkeys(SIGN_IDS[:5], 3))
    assert next_sign_index(answers.with_rating(SIGN_IDS[3], 1), 3) == 5


def test_weeks_are_iso_weeks_in_the_users_time_zone() -> None:
    sunday_night_in_los_angeles = datetime(2026, 11, 30, 7, 30, tzinfo=UTC)
    assert week_of(sunday_night_in_los_angeles, "America/Los_Angeles") == "2026-W48"
    assert week_of(sunday_night_in_los_angeles, None) == "2026-W49"
    assert week_of(sunday_night_in_los_angeles, "Not/AZone") == "2026-W49"
    assert week_of(datetime(2027, 1, 1, 12, tzinfo=UTC)) == "2026-W53"
    assert previous_week("2027-W01") == "2026-W53"
    assert weeks_between("2026-W48", "2027-W02") == 7
    with pytest.raises(ValueError, match="aware"):
        week_of(datetime(2026, 11, 30, 7, 30))


@pytest.mark.parametrize("value", ["2026-W00", "2025-W53", "2026-W54", "abcd-W01", "2026W48", 2026, None, ""])
def test_only_real_week_keys_are_accepted(value: Any) -> None:
    assert not is_week_key(value)


HOPE_KEPT = PendingWrite(
    kind="rating", week="2026-W48", sign="hope", value=4, at="2026-11-23T12:00:00+00:00", scope="A"
)


def test_session_state_survives_the_round_trip() -> None:
    state = SessionState(owner="alex", mode=Mode.RATING, index=4, misses=1, return_to=2, time_zone="Europe/London")
    state.answers = WeekAnswers("2026-W48", ratings={"hope": 4}, skipped=frozenset({"coping"}))
    state.pending = [
        PendingWrite(kind="rating", week="2026-W48", sign="hope", value=4, at="2026-11-23T12:00:00+00:00", scope="A")
    ]
    state.return_mode, state.recap_unlocked, state.recap_guarded = Mode.DONE_MENU, True, True
    state.pending_recap = PendingRecap(RecapRequest.TREND, "hope")
    state.passcode_draft = PasscodeDraft(salt=b"salt", digest=b"digest")
    again = SessionState.from_attributes(state.to_attributes(), owner="alex")
    assert again == state


def test_session_state_made_for_another_speaker_is_dropped_but_its_pending_answers_are_kept() -> None:
    state = SessionState(owner="alex", mode=Mode.CONFIRM_DELETE, return_mode=Mode.RATING, recap_unlocked=True)
    state.answers = WeekAnswers("2026-W48", ratings={"hope": 4})
    state.pending_recap = PendingRecap(RecapRequest.LAST_WEEK)
    state.passcode_draft = PasscodeDraft(salt=b"salt", digest=b"digest")
    state.pending = [
        PendingWrite(kind="rating", week="2026-W48", sign="hope", value=4, at="2026-11-23T12:00:00+00:00", scope="A")
    ]
    for made_for in ("alex", None, 7, "s" * 1000):
        attributes = {**state.to_attributes(), "owner": made_for}
        fresh = SessionState.from_attributes(attributes, owner="sam")
        assert fresh == SessionState(owner="sam", pending=state.pending)


def test_only_the_schemas_fields_are_carried_between_turns() -> None:
    attributes = {"mode": "done_menu", "extra": {"x" * 100: "y" * 1_000_000}, "owner": "alex", "junk": [1] * 1000}
    assert SessionState.from_attributes(attributes, owner="alex").to_attributes() == {
        "owner": "alex",
        "mode": "done_menu",
        "index": 0,
        "misses": 0,
    }


@pytest.mark.parametrize(
    "attributes",
    [
        None,
        [],
        {"mode": "rating"},
        {"mode": "rating", "index": 99, "week": {"key": "2026-W48"}},
        {"mode": "nonsense", "misses": "many"},
        {"mode": "rating", "week": {"key": "2026-W48", "ratings": {"hope": 9, "junk": 3}, "skipped": ["x"]}},
        {"pending": [{"kind": "rating", "week": "2026-W48", "sign": "hope", "value": 7}]},
    ],
)
def test_junk_session_attributes_fall_back_safely(attributes: Any) -> None:
    state = SessionState.from_attributes(attributes, owner="alex")
    assert 0 <= state.index < SIGN_COUNT
    assert not state.pending
    if state.answers is not None:
        assert all(1 <= value <= 5 for value in state.answers.ratings.values())
        assert set(state.answers.ratings) <= set(SIGN_IDS)
    if state.asking_sign:
        assert state.answers is not None


@given(scope=st.one_of(st.text(max_size=40), st.from_regex(r"P[0-9a-fA-F]{30,34}", fullmatch=True), st.just("A")))
def test_a_pending_answer_keeps_only_a_well_formed_scope(scope: str) -> None:
    raw = {"kind": "rating", "week": "2026-W48", "sign": "hope", "value": 4, "at": "2026-11-23T12:00:00Z"}
    write = PendingWrite.from_attributes({**raw, "scope": scope})
    hex_digits = set("0123456789abcdef")
    well_formed = scope == "A" or (len(scope) == 33 and scope[0] == "P" and set(scope[1:]) <= hex_digits)
    assert (write is not None) == well_formed
    assert write is None or write.scope == scope
    assert PendingWrite.from_attributes(raw) is None, "an answer without an owner is never stored anywhere"
