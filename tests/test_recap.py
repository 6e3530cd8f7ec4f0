"""The weekly recap, trends and the chart datasource as pure functions of the ratings.

Table-driven cases name every situation the recap has its own words for; property tests (hypothesis) check,
for any history of up to nine weeks, that the spoken recap fits its word budget, never judges, names only signs
rated that week, and that every number it speaks is in the data. The property tests carry their own small
oracle (computed from the raw answers, not from :class:`Recap`), so they cannot agree with a wrong recap.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from therapy_checkin.chart import DOCUMENT_PATH, chart_datasource, chart_document
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.recap import (
    RECAP_WORD_BUDGET,
    Recap,
    build_recap,
    card_lines,
    compose_recap,
    first_answer_streak,
    streak_at,
    word_count,
)
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.trends import Direction, direction_of, trend_for
from therapy_checkin.domain.weeks import week_start
from therapy_checkin.speech import speech_for

SPEECH = speech_for("en-US")
NUMBER_WORDS: tuple[str, ...] = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)
JUDGING_WORDS = (
    "fail",
    "failed",
    "failing",
    "failure",
    "bad",
    "badly",
    "worse",
    "worst",
    "should",
    "poor",
    "poorly",
    "only",
    "disappointing",
    "disappointed",
    "unfortunately",
    "wrong",
    "lazy",
    "must",
    "behind",
    "missed",
    "slipped",
    "declined",
    "not enough",
    "guilt",
)
THIS_WEEK = "2026-W48"


def short_name(sign: str) -> str:
    return SPEECH.sign(sign).short_name


def week_key(weeks_back: int, base: str = THIS_WEEK) -> str:
    year, week, _ = (week_start(base) - timedelta(weeks=weeks_back)).isocalendar()
    return f"{year}-W{week:02d}"


def answers(weeks_back: int, ratings: Mapping[str, int] | None = None, skipped: tuple[str, ...] = ()) -> WeekAnswers:
    return WeekAnswers(week=week_key(weeks_back), ratings=dict(ratings or {}), skipped=frozenset(skipped))


def all_at(value: int, **overrides: int) -> dict[str, int]:
    return {sign: overrides.get(sign, value) for sign in SIGN_IDS}


def spoken(recap: Recap, budget: int = RECAP_WORD_BUDGET) -> str:
    return " ".join(compose_recap(recap, SPEECH, short_name, budget=budget))


def judging_words_in(text: str) -> list[str]:
    return [word for word in JUDGING_WORDS if re.search(rf"\b{word}\b", text, re.IGNORECASE)]


# Every situation with its own words, each checked for its facts and its tone.
CASES: list[tuple[str, WeekAnswers, list[WeekAnswers], list[str], list[str]]] = [
    (
        "first week ever",
        answers(0, all_at(3, boundaries=5, triggers=1)),
        [],
        [
            "This is your first check-in, so it's your starting point. Next time, I'll compare with it.",
            "Your highest was boundaries, at five.",
            "Triggers is your lowest right now, at one.",
        ],
        ["rose", "steady", "in a row"],
    ),
    (
        "a mixed week against last week",
        answers(0, all_at(3, boundaries=4, hope=2, coping=5)),
        [answers(1, all_at(3, boundaries=2, hope=4, coping=4))],
        [
            "Boundaries rose from two to four, and coping from four to five.",
            "Nine signs held steady.",
            "You've checked in two weeks in a row.",
            "Hope dipped from four to two. Dips are a normal part of the work",
        ],
        ["first check-in", "Welcome back"],
    ),
    (
        "ties: equal rises are named in sign order, at most two",
        answers(0, all_at(3, connection=4, perspective=4, relationships=4)),
        [answers(1, all_at(3, connection=2, perspective=2, relationships=2))],
        ["Connection with your therapist rose from two to four, and perspective from two to four."],
        ["relationships"],
    ),
    (
        "a gap of weeks: welcome back, compared with the last week that has data",
        answers(0, all_at(3, hope=4)),
        [answers(3, all_at(3, hope=2)), answers(4, all_at(1))],
        [
            "Welcome back. It's been three weeks since your last check-in, and that's okay.",
            "Hope rose from two to four.",
        ],
        ["in a row", "missed"],
    ),
    (
        "skipped signs are unanswered, never zero",
        answers(0, {"hope": 4, "coping": 2}, skipped=tuple(s for s in SIGN_IDS if s not in ("hope", "coping"))),
        [answers(1, {"hope": 3, "boundaries": 4})],
        [
            "Two of twelve signs got a rating.",
            "Hope rose from three to four.",
            "Coping is your lowest right now, at two.",
        ],
        ["zero", "boundaries"],
    ),
    (
        "everything skipped",
        answers(0, {}, skipped=SIGN_IDS),
        [answers(1, all_at(4))],
        ["You skipped every sign this week, and that's completely okay. Checking in still counts."],
        ["rose", "lowest", "zero"],
    ),
    (
        "all fives",
        answers(0, all_at(5)),
        [answers(1, all_at(5, hope=3))],
        ["Hope rose from three to five.", "You gave every sign you rated a five this week."],
        ["lowest", "dipped"],
    ),
    (
        "all ones",
        answers(0, all_at(1)),
        [answers(1, all_at(2))],
        ["You gave every sign you rated a one this week.", "share this with your therapist"],
        ["rose", "dipped from"],
    ),
    (
        "everything falling",
        answers(0, all_at(2, hope=3)),
        [answers(1, all_at(4))],
        [
            "Each sign you rated both times came in lower, like connection with your therapist, from four to two.",
            "Hard weeks happen",
        ],
        ["rose", "steady"],
    ),
    (
        "everything steady at one value",
        answers(0, all_at(3)),
        [answers(1, all_at(3))],
        ["Twelve signs held steady.", "You gave every sign you rated a three this week."],
        ["rose", "lowest"],
    ),
    (
        "a sign rated this week but skipped last week is not compared",
        answers(0, {"hope": 4, "triggers": 4}),
        [answers(1, {"hope": 4}, skipped=("triggers",))],
        ["Hope held steady at four."],
        ["Triggers rose", "triggers from"],
    ),
]


@pytest.mark.parametrize(("case", "this", "earlier", "said", "not_said"), CASES, ids=[c[0] for c in CASES])
def test_recap_cases(
    case: str, this: WeekAnswers, earlier: list[WeekAnswers], said: list[str], not_said: list[str]
) -> None:
    text = spoken(build_recap(this, earlier))
    for phrase in said:
        assert phrase in text, f"{case}: expected {phrase!r} in {text!r}"
    for phrase in not_said:
        assert phrase.lower() not in text.lower(), f"{case}: did not expect {phrase!r} in {text!r}"
    assert judging_words_in(text) == []
    assert word_count(text) <= RECAP_WORD_BUDGET


def test_recap_of_a_past_week_speaks_of_that_week() -> None:
    recap = build_recap(answers(1, {}, skipped=SIGN_IDS), [answers(2, all_at(3))], current=False)
    assert "You skipped every sign that week" in spoken(recap)
    first = build_recap(answers(1, all_at(2, hope=3)), [], current=False)
    assert spoken(first).startswith("That was your first check-in, your starting point.")


def test_unreadable_history_claims_no_baseline_and_no_comparison() -> None:
    recap = build_recap(answers(0, all_at(3, hope=5)), [answers(1, all_at(1))], earlier_known=False)
    text = spoken(recap)
    assert "first check-in" not in text and "rose" not in text
    assert "Your highest was hope, at five." in text


def test_the_composer_drops_optional_sentences_to_fit_a_small_budget_and_keeps_the_note() -> None:
    recap = build_recap(
        answers(0, all_at(3, hope=4, boundaries=2), skipped=("coping",)),
        [answers(3, all_at(3, hope=2, boundaries=4))],
    )
    full = spoken(recap)
    tight = spoken(recap, budget=45)
    assert word_count(tight) <= 45 < word_count(full)
    assert "Welcome back" in tight and "Boundaries dipped from four to two." in tight
    assert "got a rating" not in tight


def test_card_lines_show_every_sign_with_last_week_skips_and_gaps() -> None:
    recap = build_recap(
        answers(0, {"boundaries": 4, "hope": 3}, skipped=("coping",)),
        [answers(1, {"boundaries": 2}, skipped=("hope",))],
    )
    lines = card_lines(recap, SPEECH, short_name)
    assert len(lines) == 12
    assert "Boundaries: 4 (last week 2)" in lines
    assert "Hope: 3 (last week skipped)" in lines
    assert "Coping: skipped (last week –)" in lines
    assert "Triggers: – (last week –)" in lines
    after_gap = build_recap(answers(0, {"hope": 3}), [answers(2, {"hope": 2})])
    assert "Hope: 3 (last check-in 2)" in card_lines(after_gap, SPEECH, short_name)
    baseline = build_recap(answers(0, {"hope": 3}), [])
    assert "Hope: 3" in card_lines(baseline, SPEECH, short_name)


# Streaks: exact for any history length, with bounded reads.


def test_streak_counts_consecutive_weeks_and_stops_at_a_gap() -> None:
    window = [
        answers(0, {"hope": 3}),
        answers(1, {}, skipped=("hope",)),
        answers(2, {"hope": 1}),
        answers(4, {"hope": 2}),
    ]
    assert streak_at(THIS_WEEK, window, {}) == 3
    assert streak_at(week_key(4), window, {}) == 1
    assert streak_at(week_key(3), window, {}) == 0


def test_streak_beyond_the_window_comes_from_the_stored_value() -> None:
    window = [answers(n, {"hope": 3}) for n in range(9)]
    assert streak_at(THIS_WEEK, window, {}) == 9, "without stored values the window is all that is known"
    assert streak_at(THIS_WEEK, window, {week_key(8): 500}) == 508
    assert streak_at(THIS_WEEK, window, {THIS_WEEK: 700, week_key(8): 500}) == 700
    assert first_answer_streak(week_key(-1), window, {THIS_WEEK: 700}) == 701
    assert first_answer_streak(week_key(-2), window, {THIS_WEEK: 700}) == 1, "a gap starts again at one"


# Property tests.

NUMBER = r"(\d+|" + "|".join(NUMBER_WORDS) + ")"
SIGN_NAMES = {short_name(sign).lower(): sign for sign in SIGN_IDS}
NAME = "(" + "|".join(re.escape(name) for name in sorted(SIGN_NAMES, key=len, reverse=True)) + ")"


def as_int(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS.index(word.lower())


answer_choice = st.one_of(st.integers(min_value=1, max_value=5), st.just("skip"), st.just("missing"))


@st.composite
def week_answers(draw: st.DrawFn, weeks_back: int, must_start: bool) -> WeekAnswers:
    choices = draw(st.lists(answer_choice, min_size=12, max_size=12))
    if must_start and all(choice == "missing" for choice in choices):
        choices[draw(st.integers(0, 11))] = draw(st.one_of(st.integers(1, 5), st.just("skip")))
    ratings = {sign: c for sign, c in zip(SIGN_IDS, choices, strict=True) if isinstance(c, int)}
    skipped = tuple(sign for sign, c in zip(SIGN_IDS, choices, strict=True) if c == "skip")
    return answers(weeks_back, ratings, skipped)


@st.composite
def histories(draw: st.DrawFn) -> tuple[WeekAnswers, list[WeekAnswers], bool, int]:
    """This week (answered) and 0-8 earlier weeks at any distances (the turn reads nine weeks in all)."""
    offsets = draw(st.lists(st.integers(min_value=1, max_value=30), max_size=8, unique=True))
    this = draw(week_answers(0, must_start=True))
    earlier = [draw(week_answers(offset, must_start=True)) for offset in sorted(offsets)]
    budget = draw(st.integers(min_value=85, max_value=RECAP_WORD_BUDGET))
    return this, earlier, draw(st.booleans()), budget


def oracle_streak(this: WeekAnswers, earlier: list[WeekAnswers]) -> int:
    present = {week.week for week in [this, *earlier]}
    count = 0
    while week_key(count) in present:
        count += 1
    return count


def check_numbers(text: str, this: WeekAnswers, earlier: list[WeekAnswers]) -> str:
    """Check every phrase that carries a number against the raw answers; return the text with them removed."""
    before = next((week for week in sorted(earlier, key=lambda w: w.week, reverse=True) if week.ratings), None)
    values = this.ratings
    rated_values = list(values.values())

    def pair(name: str) -> tuple[int, int]:
        sign = SIGN_NAMES[name.lower()]
        assert before is not None and sign in before.ratings and sign in values, name
        return before.ratings[sign], values[sign]

    def value_of(name: str) -> int:
        return values[SIGN_NAMES[name.lower()]]

    compared = [s for s in values if before and s in before.ratings]

    def rises() -> list[str]:
        return [s for s in compared if before is not None and values[s] > before.ratings[s]]

    checks: list[tuple[str, Any]] = [
        (
            rf"{NAME} rose from {NUMBER} to {NUMBER}",
            lambda m: pair(m[1]) == (as_int(m[2]), as_int(m[3])) and as_int(m[3]) > as_int(m[2]),
        ),
        (
            rf", and {NAME} from {NUMBER} to {NUMBER}",
            lambda m: pair(m[1]) == (as_int(m[2]), as_int(m[3])) and as_int(m[3]) > as_int(m[2]),
        ),
        (
            rf"{NAME} dipped from {NUMBER} to {NUMBER}",
            lambda m: pair(m[1]) == (as_int(m[2]), as_int(m[3])) and as_int(m[3]) < as_int(m[2]),
        ),
        (
            rf"like {NAME}, from {NUMBER} to {NUMBER}",
            lambda m: (
                pair(m[1]) == (as_int(m[2]), as_int(m[3]))
                and all(before is not None and values[s] < before.ratings[s] for s in compared)
            ),
        ),
        (rf"{NAME} held steady at {NUMBER}", lambda m: pair(m[1]) == (as_int(m[2]), as_int(m[2]))),
        (
            rf"{NAME} and {NAME} held steady",
            lambda m: pair(m[1])[0] == pair(m[1])[1] and pair(m[2])[0] == pair(m[2])[1],
        ),
        (
            rf"{NUMBER} signs held steady",
            lambda m: as_int(m[1]) == sum(before is not None and values[s] == before.ratings[s] for s in compared),
        ),
        (rf"{NUMBER} more signs rose too", lambda m: as_int(m[1]) == len(rises()) - 2 > 1),
        (r"one more sign rose too", lambda m: len(rises()) == 3),
        (
            rf"{NAME} was your lowest that week, at {NUMBER}",
            lambda m: (
                value_of(m[1]) == as_int(m[2]) == min(rated_values) and rated_values.count(min(rated_values)) == 1
            ),
        ),
        (
            rf"{NAME} was among your lowest that week, at {NUMBER}",
            lambda m: value_of(m[1]) == as_int(m[2]) == min(rated_values),
        ),
        (
            rf"{NAME} is your lowest right now, at {NUMBER}",
            lambda m: (
                value_of(m[1]) == as_int(m[2]) == min(rated_values) and rated_values.count(min(rated_values)) == 1
            ),
        ),
        (
            rf"{NAME} is among your lowest right now, at {NUMBER}",
            lambda m: value_of(m[1]) == as_int(m[2]) == min(rated_values),
        ),
        (
            rf"your highest was {NAME}, at {NUMBER}",
            lambda m: (
                value_of(m[1]) == as_int(m[2]) == max(rated_values) and rated_values.count(max(rated_values)) == 1
            ),
        ),
        (rf"{NAME} was among your highest, at {NUMBER}", lambda m: value_of(m[1]) == as_int(m[2]) == max(rated_values)),
        (rf"every sign you rated a {NUMBER}", lambda m: set(rated_values) == {as_int(m[1])}),
        (rf"{NUMBER} of twelve signs got a rating", lambda m: as_int(m[1]) == len(values) < 12),
        (rf"it's been {NUMBER} weeks since", lambda m: before is not None and week_key(as_int(m[1])) == before.week),
        (rf"was {NUMBER} weeks earlier", lambda m: before is not None and week_key(as_int(m[1])) == before.week),
        (rf"checked in {NUMBER} weeks in a row", lambda m: as_int(m[1]) == oracle_streak(this, earlier) >= 2),
    ]
    for pattern, holds in checks:
        for match in re.finditer(pattern, text, re.IGNORECASE):
            assert holds(match), f"{match[0]!r} is not true of the data in {text!r}"
        text = re.sub(pattern, " ", text, flags=re.IGNORECASE)
    return text


@settings(max_examples=examples(400), deadline=None)
@given(histories())
def test_any_recap_is_short_kind_and_true_to_the_data(
    history: tuple[WeekAnswers, list[WeekAnswers], bool, int],
) -> None:
    this, earlier, current, budget = history
    recap = build_recap(this, earlier, current=current)
    text = spoken(recap, budget)
    assert 0 < word_count(text) <= budget
    assert judging_words_in(text) == []
    for name, sign in SIGN_NAMES.items():
        if re.search(rf"\b{re.escape(name)}\b", text, re.IGNORECASE):
            assert sign in this.ratings, f"{name} is named but was not rated: {text!r}"
        for match in re.finditer(rf"(?<![.?!] )(?<!^)\b{re.escape(name.capitalize())}\b", text):
            raise AssertionError(f"a sign name is capitalised mid-sentence at {match.start()}: {text!r}")
    rest = check_numbers(text, this, earlier)
    leftover = re.findall(rf"\b{NUMBER}\b", rest, re.IGNORECASE)
    assert leftover == [], f"numbers {leftover} are not accounted for in {text!r}"


def test_longest_recap_measured_against_the_budget() -> None:
    """The longest recap the composer can produce (gap, partial week, two rises, steady, streak, dip) fits."""
    this = answers(0, all_at(3, connection=5, others_notice=5, ongoing_work=1), skipped=("hope",))
    earlier = [answers(2, all_at(3, connection=1, others_notice=1, ongoing_work=5, hope=4))]
    text = spoken(build_recap(this, earlier, current=True))
    assert "Welcome back" in text and "rose" in text and "dipped" in text
    assert word_count(text) <= RECAP_WORD_BUDGET


# Trends.


@pytest.mark.parametrize(
    ("values", "direction"),
    [
        ([2, 3, 4], Direction.RISING),
        ([2, 2, 3, 3, 4], Direction.RISING),
        ([1, 2, 1, 3, 4, 5], Direction.RISING),
        ([4, 4, 4], Direction.STEADY),
        ([3, 4, 3, 3], Direction.STEADY),
        ([5, 4, 2], Direction.DIPPING),
        ([5, 4, 5, 3, 2], Direction.DIPPING),
        ([1, 5, 1, 5], Direction.UP_AND_DOWN),
        ([3, 5, 1, 3], Direction.UP_AND_DOWN),
    ],
)
def test_direction_in_words(values: list[int], direction: Direction) -> None:
    assert direction_of(values) is direction


@given(st.lists(st.integers(min_value=1, max_value=5), min_size=2, max_size=8))
def test_direction_never_contradicts_first_and_latest(values: list[int]) -> None:
    direction = direction_of(values)
    if direction is Direction.RISING:
        assert values[-1] > values[0]
    if direction is Direction.DIPPING:
        assert values[-1] < values[0]
    if direction is Direction.STEADY:
        assert abs(values[-1] - values[0]) <= 1 and max(values) - min(values) <= 1


def test_trend_uses_the_last_eight_weeks_and_leaves_skips_out() -> None:
    weeks = [answers(n, {"hope": (n % 5) + 1}) for n in range(9)]
    weeks[2] = answers(2, {}, skipped=("hope",))
    trend = trend_for("hope", weeks)
    assert [week for week, _ in trend.points] == [week_key(n) for n in (7, 6, 5, 4, 3, 1, 0)]
    assert trend.skipped_weeks == (week_key(2),)
    assert trend.first == 3 and trend.latest == 1
    assert trend_for("coping", weeks).direction is None and trend_for("coping", weeks).first is None


# The chart on screens.


def test_chart_datasource_bars_are_proportional_and_skips_are_distinct() -> None:
    this = answers(0, {"boundaries": 4, "hope": 5, "coping": 1}, skipped=("triggers",))
    before = answers(1, {"boundaries": 2}, skipped=("hope",))
    data = chart_datasource(this, before, SPEECH, short_name)["recapChart"]
    signs = {entry["name"]: entry for entry in data["signs"]}
    assert [entry["label"] for entry in data["signs"]] == [str(n) for n in range(1, 13)]
    assert data["thisLabel"] == "This week" and data["beforeLabel"] == "Last week"
    assert signs["boundaries"]["this"] == {"state": "rated", "value": 4, "text": "4", "heightPercent": 80}
    assert signs["boundaries"]["before"]["heightPercent"] == 40
    assert signs["hope"]["this"]["heightPercent"] == 100 and signs["coping"]["this"]["heightPercent"] == 20
    assert signs["hope"]["before"] == {"state": "skipped", "value": None, "text": "skipped", "heightPercent": 0}
    assert signs["triggers"]["this"]["state"] == "skipped"
    assert signs["relationships"]["this"] == {"state": "missing", "value": None, "text": "–", "heightPercent": 0}
    first = chart_datasource(this, None, SPEECH, short_name, before_is_last_week=False)["recapChart"]
    assert first["beforeLabel"] == "Last check-in"
    assert all(entry["before"]["state"] == "missing" for entry in first["signs"])


def test_chart_document_is_apl_and_reads_the_datasource() -> None:
    document = chart_document()
    assert document is chart_document(), "loaded once and cached"
    assert document["type"] == "APL" and document["mainTemplate"]["parameters"] == ["payload"]
    text = json.dumps(document)
    for field in ("payload.recapChart.signs", "payload.recapChart.title", "data.label", "heightPercent", "state"):
        assert field in text
    assert json.loads(DOCUMENT_PATH.read_text(encoding="utf-8")) == document
