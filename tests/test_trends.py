"""One sign's trend in words: the shape its ratings really have, checked against every short series.

Every series of two to four ratings (775 of them), and longer ones drawn by hypothesis, is put into words in
every phrasing; an oracle of its own (worked out from the raw numbers, not from :func:`shape_of`) reads each
sentence back and checks every claim in it: a sign said to rise never went down, a "dip" has a low below both
ends, "steady at four" is four every week, and the first and latest numbers are said only where they differ.
"""

from __future__ import annotations

import re
from itertools import pairwise, product

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import examples
from tests.test_recap import NUMBER, as_int, judging_words_in, message_forms, short_name, week_key
from tests.test_recap import answers as week_answers
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.trends import Shape, shape_of, trend_for
from therapy_checkin.handlers.recap import trend_words
from therapy_checkin.speech import speech_for

SPEECH = speech_for("en-US")
LEAD = "For setting boundaries, your last "
SHAPE_KEYS = [
    key
    for key in SPEECH.catalogue.messages
    if key.startswith("trend_")
    and key not in ("trend_which", "trend_which_reprompt", "trend_none", "trend_one", "trend_follow_up")
    and not key.startswith("trend_card")
]


def pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    text = ""
    for index, part in enumerate(parts):
        if index % 2 == 0:
            text += re.escape(part)
        elif part == "name":
            text += r"(?P<name>.+?)"
        else:
            text += rf"(?P<{part}>{NUMBER})"
    return re.compile(text + "$")


TEMPLATES = [(key, pattern(form)) for key in SHAPE_KEYS for form in message_forms(key)]


def rises(values: list[int]) -> bool:
    return all(b >= a for a, b in pairwise(values)) and values[-1] > values[0]


def falls(values: list[int]) -> bool:
    return all(b <= a for a, b in pairwise(values)) and values[-1] < values[0]


def claims_hold(key: str, said: dict[str, int], values: list[int]) -> bool:  # noqa: PLR0912 - one rule per shape
    """What the sentence ``key`` claims, checked against the raw ratings."""
    first, latest, low, high = values[0], values[-1], min(values), max(values)
    if said.pop("count") != len(values):
        return False
    ends = {name: said[name] for name in ("first", "latest") if name in said}
    if ends.get("first", first) != first or ends.get("latest", latest) != latest:
        return False
    if "first" in said and "latest" in said and first == latest:
        return False  # never "from four to four"
    if key == "trend_steady":
        return set(values) == {said["latest"]}
    if key == "trend_rising":
        return rises(values)
    if key == "trend_falling":
        return falls(values)
    if key in ("trend_one_low_week", "trend_one_high_week"):
        odd = [index for index, value in enumerate(values) if value != said["usual"]]
        if len(odd) != 1 or not 0 < odd[0] < len(values) - 1:
            return False
        other = values[odd[0]]
        if key.endswith("low_week"):
            return other == said["low"] < said["usual"]
        return other == said["high"] > said["usual"]
    if key in ("trend_dip_and_recovery", "trend_dip_and_back"):
        bottom = values.index(low)
        down, up = values[: bottom + 1], values[bottom:]
        shaped = all(b <= a for a, b in pairwise(down)) and all(b >= a for a, b in pairwise(up))
        return said["low"] == low < min(first, latest) and shaped and (key == "trend_dip_and_back") == (first == latest)
    if key in ("trend_mostly_rising", "trend_mostly_falling"):
        steps = [b - a for a, b in pairwise(values)]
        if key == "trend_mostly_rising":
            return latest > first and any(step < 0 for step in steps) and min(steps) >= -1
        return latest < first and any(step > 0 for step in steps) and max(steps) <= 1
    if key in ("trend_up_and_down", "trend_up_and_down_back"):
        steps = [b - a for a, b in pairwise(values)]
        moved_both_ways = any(step > 0 for step in steps) and any(step < 0 for step in steps)
        bounds = key == "trend_up_and_down" or (said["low"], said["high"]) == (low, high)
        return moved_both_ways and bounds and (key == "trend_up_and_down_back") == (first == latest)
    raise AssertionError(f"no rule for {key}")


def check(values: list[int]) -> list[str]:
    """Every phrasing of the trend of ``values``, each read back and checked; returns the sentences."""
    sentences = []
    for variant in range(2):
        text = trend_words(SPEECH, short_name("boundaries"), len(values), shape_of(values), variant)
        matches = [(key, match) for key, compiled in TEMPLATES if (match := compiled.match(text))]
        assert len(matches) >= 1, f"no message matches {text!r}"
        key, match = matches[0]
        said = {name: as_int(value) for name, value in match.groupdict().items() if name != "name"}
        assert claims_hold(key, said, values), f"{values}: {text!r} ({key}) contradicts the series"
        assert judging_words_in(text) == []
        sentences.append(text)
    return sentences


SHORT_SERIES = [list(values) for length in (2, 3, 4) for values in product(range(1, 6), repeat=length)]


def test_the_words_never_contradict_any_short_series() -> None:
    assert len(SHORT_SERIES) == 5**2 + 5**3 + 5**4
    shapes = set()
    for values in SHORT_SERIES:
        check(values)
        shapes.add(shape_of(values).shape)
    assert shapes >= set(Shape) - {Shape.MOSTLY_RISING, Shape.MOSTLY_FALLING}, "every short shape is reached"


@settings(max_examples=examples(500), deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=5), min_size=5, max_size=8))
def test_the_words_never_contradict_a_longer_series(values: list[int]) -> None:
    check(values)


@pytest.mark.parametrize(
    ("values", "said"),
    [
        ([3, 3, 2, 4], LEAD + "four ratings dipped from three to two, then came back up to four."),
        ([4, 4, 2, 4], LEAD + "four ratings stayed at four, apart from one lower week at two."),
        ([2, 3, 4], LEAD + "three ratings went up, from two to four."),
        ([4, 4, 4], LEAD + "three ratings stayed steady, at four each time."),
        ([5, 4, 2], LEAD + "three ratings went down, from five to two."),
        ([4, 2, 3, 4], LEAD + "four ratings had a dip, to two, and are back at four now."),
        ([3, 5, 3], LEAD + "three ratings stayed at three, apart from one higher week at five."),
        ([1, 5, 1, 5], LEAD + "four ratings moved up and down, one at the start and five now."),
        ([3, 5, 1, 3], LEAD + "four ratings moved between one and five, and are at three now."),
        ([1, 2, 1, 3, 4, 5], LEAD + "six ratings mostly went up, from one to five"),
    ],
)
def test_each_shape_in_words(values: list[int], said: str) -> None:
    text = trend_words(SPEECH, short_name("boundaries"), len(values), shape_of(values), variant=1)
    assert text.startswith(said), text


def test_the_first_and_latest_numbers_are_said_only_where_they_differ() -> None:
    for values in SHORT_SERIES:
        if values[0] == values[-1]:
            for text in check(values):
                assert not re.search(rf"from {NUMBER} to {NUMBER}", text) or "down to" in text, text


def test_trend_uses_the_last_eight_weeks_and_leaves_skips_out() -> None:
    weeks = [week_answers(n, {"hope": (n % 5) + 1}) for n in range(9)]
    weeks[2] = week_answers(2, {}, skipped=("hope",))
    trend = trend_for("hope", weeks)
    assert [week for week, _ in trend.points] == [week_key(n) for n in (7, 6, 5, 4, 3, 1, 0)]
    assert trend.skipped_weeks == (week_key(2),)
    assert trend.first == 3 and trend.latest == 1
    assert trend_for("coping", weeks).shape is None and trend_for("coping", weeks).first is None


def test_every_sign_reads_right_in_every_trend_sentence() -> None:
    for key in SHAPE_KEYS:
        for variant in range(SPEECH.variants(key)):
            for sign in SIGN_IDS:
                values = dict.fromkeys(("count", "first", "latest", "low", "high", "usual"), "three")
                text = SPEECH(key, variant=variant, name=short_name(sign), **values)
                assert text[0].isupper() and text.endswith("."), text
