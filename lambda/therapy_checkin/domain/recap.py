"""The weekly recap: what changed since the last check-in, told kindly and truthfully.

Two pure steps, so every case can be tested with plain values:

1. :func:`build_recap` turns one week's answers and the earlier weeks into facts (:class:`Recap`): which
   signs rose, held steady or dipped against the most recent earlier week with ratings, the lowest signs,
   the streak, and whether this is a baseline or follows a gap.
2. :func:`compose_recap` turns those facts into a few short sentences with the locale's words, within a word
   budget, so the spoken recap stays under about 45 seconds. Detail that does not fit goes on the card.

Truthfulness rules the composer keeps: a skipped sign is unanswered, never zero; only signs rated in the
week are named; a sign is said to rise only if it rose; every number spoken is a rating, a count or a number
of weeks taken from the answers. Nothing is ranked ("the most", "the best"), so ties can never make a
sentence false. The last sentence is always one gentle note: a dip or the lowest sign, framed as a normal part
of the work.

The streak (consecutive ISO weeks with a check-in) must be right however long the history, while a turn reads
at most a few weeks. So each week item stores the streak it completes, written once when the week's first
answer is saved (``if_not_exists``), computed by :func:`first_answer_streak` from the previous week's stored
value. Reading then needs only the newest stored value: :func:`streak_at` walks back through the bounded window
and stops at the first week that carries one. Weeks written before streaks were stored simply count within the
window.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MAX_RATING, MIN_RATING
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.domain.weeks import previous_week, weeks_between

RECAP_WORD_BUDGET = 110
"""About 45 seconds at Alexa's pace of roughly 150 words a minute, for everything said in one recap turn."""

MAX_RISES_SPOKEN = 2


class Words(Protocol):
    """The part of a locale's speech catalogue the recap needs."""

    def __call__(self, key: str, **values: Any) -> str: ...

    def number(self, value: int) -> str: ...


ShortName = Callable[[str], str]


@dataclass(frozen=True)
class Change:
    """One sign rated in both weeks."""

    sign: str
    before: int
    after: int

    @property
    def size(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Recap:
    """The facts of one week's recap, with nothing phrased yet."""

    this: WeekAnswers
    before: WeekAnswers | None
    """The most recent earlier week with at least one rating; ``None`` for a baseline."""
    rises: tuple[Change, ...]
    """Signs that rose, biggest rise first, then in sign order."""
    steady: tuple[Change, ...]
    falls: tuple[Change, ...]
    """Signs that dipped, biggest dip first, then in sign order."""
    lowest: tuple[str, ...]
    """Signs at this week's lowest rating, in sign order; empty when nothing was rated."""
    highest: tuple[str, ...]
    streak: int
    """Consecutive weeks with a check-in, ending with this one."""
    current: bool
    """True when the recap is of the user's current week (it changes the wording, not the facts)."""
    earlier_known: bool = True
    """False when the earlier weeks could not be read: then nothing is compared and no baseline is claimed."""

    @property
    def rated(self) -> list[tuple[str, int]]:
        return [(sign, self.this.ratings[sign]) for sign in SIGN_IDS if sign in self.this.ratings]

    @property
    def baseline(self) -> bool:
        return self.before is None

    @property
    def weeks_apart(self) -> int:
        return weeks_between(self.before.week, self.this.week) if self.before else 0

    @property
    def gap(self) -> bool:
        return self.weeks_apart > 1

    @property
    def nothing_rated(self) -> bool:
        return not self.this.ratings

    @property
    def same_value(self) -> int | None:
        """The one rating every rated sign got, when they all got the same."""
        values = set(self.this.ratings.values())
        return values.pop() if len(values) == 1 else None

    @property
    def all_falling(self) -> bool:
        return bool(self.falls) and not self.rises and not self.steady


def _changes(this: WeekAnswers, before: WeekAnswers | None) -> list[Change]:
    if before is None:
        return []
    return [
        Change(sign, before.ratings[sign], this.ratings[sign])
        for sign in SIGN_IDS
        if sign in this.ratings and sign in before.ratings
    ]


def _at_value(ratings: Mapping[str, int], value: int | None) -> tuple[str, ...]:
    return tuple(sign for sign in SIGN_IDS if value is not None and ratings.get(sign) == value)


def build_recap(
    this: WeekAnswers,
    earlier: Sequence[WeekAnswers],
    stored_streaks: Mapping[str, int] | None = None,
    *,
    current: bool = True,
    earlier_known: bool = True,
) -> Recap:
    """The facts of ``this`` week's recap.

    ``earlier`` is the bounded history (any order; weeks at or after ``this`` are ignored). The comparison week
    is the most recent earlier week with a rating, however many weeks back: a gap is compared, not punished.
    """
    known = earlier if earlier_known else ()
    older = sorted((week for week in known if week.week < this.week), key=lambda week: week.week, reverse=True)
    before = next((week for week in older if week.ratings), None)
    changes = _changes(this, before)
    order = {sign: index for index, sign in enumerate(SIGN_IDS)}
    rises = sorted((c for c in changes if c.size > 0), key=lambda c: (-c.size, order[c.sign]))
    falls = sorted((c for c in changes if c.size < 0), key=lambda c: (c.size, order[c.sign]))
    values = this.ratings.values()
    return Recap(
        this=this,
        before=before,
        rises=tuple(rises),
        steady=tuple(c for c in changes if c.size == 0),
        falls=tuple(falls),
        lowest=_at_value(this.ratings, min(values, default=None)),
        highest=_at_value(this.ratings, max(values, default=None)),
        streak=streak_at(this.week, [this, *older], stored_streaks or {}),
        current=current,
        earlier_known=earlier_known,
    )


def streak_at(week: str, window: Sequence[WeekAnswers], stored: Mapping[str, int]) -> int:
    """Consecutive weeks with a check-in, ending with ``week`` (0 if that week has none).

    Walks back one ISO week at a time through the bounded ``window``; the first week that carries a stored
    streak ends the walk, so the answer is exact for any history length as long as streaks are stored.
    """
    started = {answers.week for answers in window if answers.started}
    count = 0
    cursor = week
    while cursor in started:
        if cursor in stored and stored[cursor] > 0:
            return count + stored[cursor]
        count += 1
        cursor = previous_week(cursor)
    return count


def first_answer_streak(week: str, window: Sequence[WeekAnswers], stored: Mapping[str, int]) -> int:
    """The streak to store on a week item when its first answer is saved: one more than last week's, or one."""
    return streak_at(previous_week(week), window, stored) + 1


def word_count(text: str) -> int:
    return len(text.split())


@dataclass(frozen=True)
class _Sentence:
    text: str
    priority: int
    """0 must be said; higher numbers are dropped first when the recap is over its word budget."""


def _name(short_name: ShortName, sign: str) -> str:
    """A sign's short name at the start of a sentence."""
    return _capitalised(short_name(sign))


def _opening(recap: Recap, words: Words) -> list[_Sentence]:
    if not recap.earlier_known:
        return []
    if recap.baseline:
        return [_Sentence(words("recap_baseline" if recap.current else "recap_baseline_past"), 0)]
    if recap.gap:
        key = "recap_welcome_back" if recap.current else "recap_gap_past"
        return [_Sentence(words(key, weeks=words.number(recap.weeks_apart)), 0)]
    return []


def _rises(recap: Recap, words: Words, short_name: ShortName) -> list[_Sentence]:
    spoken = recap.rises[:MAX_RISES_SPOKEN]
    if len(spoken) == 1:
        (rise,) = spoken
        text = words(
            "recap_rise_one",
            name=_name(short_name, rise.sign),
            before=words.number(rise.before),
            after=words.number(rise.after),
        )
        return [_Sentence(text, 1)]
    if len(spoken) == 2:
        first, second = spoken
        text = words(
            "recap_rise_two",
            first=_name(short_name, first.sign),
            first_before=words.number(first.before),
            first_after=words.number(first.after),
            second=short_name(second.sign),
            second_before=words.number(second.before),
            second_after=words.number(second.after),
        )
        more = len(recap.rises) - MAX_RISES_SPOKEN
        if more > 0:
            also = words("recap_more_rises", count=more)
            return [_Sentence(text, 1), _Sentence(_capitalised(also), 2)]
        return [_Sentence(text, 1)]
    return []


def _steady(recap: Recap, words: Words, short_name: ShortName) -> list[_Sentence]:
    steady = recap.steady
    if len(steady) == 1:
        text = words("recap_steady_one", name=_name(short_name, steady[0].sign), value=words.number(steady[0].after))
    elif len(steady) == 2:
        text = words("recap_steady_two", first=_name(short_name, steady[0].sign), second=short_name(steady[1].sign))
    elif steady:
        text = words("recap_steady_many", count=_capitalised(words.number(len(steady))))
    else:
        return []
    return [_Sentence(text, 2)]


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _highest(recap: Recap, words: Words, short_name: ShortName) -> list[_Sentence]:
    if not recap.highest or recap.same_value is not None:
        return []
    value = words.number(recap.this.ratings[recap.highest[0]])
    if len(recap.highest) == 1:
        return [_Sentence(words("recap_highest_one", name=short_name(recap.highest[0]), value=value), 1)]
    return [_Sentence(words("recap_highest_tie", name=_name(short_name, recap.highest[0]), value=value), 1)]


def _same_value(recap: Recap, words: Words, value: int) -> list[_Sentence]:
    """The closing note when every rated sign got the same ``value``."""
    when = _when(recap, words)
    key = {MAX_RATING: "recap_all_fives", MIN_RATING: "recap_all_ones"}.get(value, "recap_all_same")
    return [_Sentence(words(key, when=when, value=words.number(value)), 0)]


def _note(recap: Recap, words: Words, short_name: ShortName) -> list[_Sentence]:
    """The closing gentle note: the biggest dip if any sign dipped, otherwise the lowest sign."""
    if recap.falls:
        dip = recap.falls[0]
        # "recap_all_falling" names the sign mid-sentence; "recap_dip_note" opens with it.
        key, name = (
            ("recap_all_falling", short_name(dip.sign))
            if recap.all_falling
            else ("recap_dip_note", _name(short_name, dip.sign))
        )
        text = words(key, name=name, before=words.number(dip.before), after=words.number(dip.after))
        return [_Sentence(text, 0)]
    low = recap.lowest
    key = ("recap_low_note_one" if len(low) == 1 else "recap_low_note_tie") + ("" if recap.current else "_past")
    value = words.number(recap.this.ratings[low[0]])
    return [_Sentence(words(key, name=_name(short_name, low[0]), value=value), 0)]


def _when(recap: Recap, words: Words) -> str:
    """ "this week" or "that week", as the recapped week is the current one or an earlier one."""
    return words("recap_when_current" if recap.current else "recap_when_past")


def _streak(recap: Recap, words: Words) -> list[_Sentence]:
    if recap.streak < 2:
        return []
    return [_Sentence(words("recap_streak", weeks=words.number(recap.streak)), 2)]


def _plan(recap: Recap, words: Words, short_name: ShortName) -> list[_Sentence]:
    """Every sentence the recap could say, in speaking order, ending with the one gentle note."""
    when = _when(recap, words)
    if recap.nothing_rated:
        # Nothing to compare or to set as a starting point: a plain welcome back at most.
        welcome = [_Sentence(words("recap_welcome_back_plain"), 0)] if recap.current and recap.gap else []
        return [*welcome, _Sentence(words("recap_nothing_rated", when=when), 0), *_streak(recap, words)]
    sentences = _opening(recap, words)
    rated = len(recap.this.ratings)
    if rated < SIGN_COUNT:
        sentences.append(_Sentence(words("recap_counts", rated=_capitalised(words.number(rated))), 3))
    same = recap.same_value
    if same in (MIN_RATING, MAX_RATING):
        # All fives or all ones: that sentence is the note. Rises are still true, and worth hearing.
        return [*sentences, *_rises(recap, words, short_name), *_streak(recap, words), *_same_value(recap, words, same)]
    if recap.all_falling:
        return [*sentences, *_streak(recap, words), *_note(recap, words, short_name)]
    middle = [*_rises(recap, words, short_name), *_steady(recap, words, short_name)]
    if not middle:
        middle = _highest(recap, words, short_name)
    even = same is not None and not recap.falls
    note = _same_value(recap, words, same) if even and same is not None else _note(recap, words, short_name)
    return [*sentences, *middle, *_streak(recap, words), *note]


def compose_recap(recap: Recap, words: Words, short_name: ShortName, budget: int = RECAP_WORD_BUDGET) -> list[str]:
    """The recap as sentences, within ``budget`` words: optional sentences go first, the note always stays."""
    sentences = _plan(recap, words, short_name)
    for priority in (3, 2, 1):
        if sum(word_count(s.text) for s in sentences) <= budget:
            break
        sentences = [s for s in sentences if s.priority != priority]
    return [s.text for s in sentences]


def card_lines(recap: Recap, words: Words, name: ShortName) -> list[str]:
    """One plain-text line per sign for the card: this week's answer beside the comparison week's."""
    before = recap.before
    label = words("card_last_week" if recap.weeks_apart <= 1 else "card_last_check_in")
    lines = []
    for sign in SIGN_IDS:
        now = _card_value(recap.this, sign, words)
        if before is None:
            lines.append(words("card_line_baseline", name=_name(name, sign), value=now))
        else:
            lines.append(
                words(
                    "card_line", name=_name(name, sign), value=now, label=label, before=_card_value(before, sign, words)
                )
            )
    return lines


def _card_value(answers: WeekAnswers, sign: str, words: Words) -> str:
    if sign in answers.ratings:
        return str(answers.ratings[sign])
    if sign in answers.skipped:
        return words("card_skipped")
    return words("card_unanswered")
