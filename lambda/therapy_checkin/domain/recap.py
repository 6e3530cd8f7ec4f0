"""The weekly recap: what changed since the last check-in, told kindly and truthfully, most important first.

Two pure steps, so every case can be tested with plain values:

1. :func:`build_recap` turns one week's answers and the earlier weeks into facts (:class:`Recap`): which
   signs rose, held steady or dipped against the most recent earlier week with ratings, the lowest signs,
   the streak, and whether this is a baseline or follows a gap.
2. :func:`recap_head` and :func:`recap_rest` turn those facts into short sentences with the locale's words, in
   turns of at most :data:`RECAP_WORD_BUDGET` words: the first turn carries what matters most; the rest waits
   for "Want to hear more?". :func:`compose_recap` gives the whole recap (for the card).

What is said is chosen by the size and kind of each change, across all twelve signs (:attr:`Recap.moved`):
a broad pattern is said as one fact ("every sign rose", "your ratings rose for ten signs"), else the biggest
change with its numbers; a marked fall (:data:`MARKED_CHANGE` points or more) is always said in the first part,
kindly, never left for "more"; "more" then tells the next biggest change with its numbers and names the other
signs that moved ("three other signs rose too: ..."). Streaks, steady signs and the lowest sign come after.
A week of all ones, or a sharp fall across many signs (:attr:`Recap.heavy`), is met with the support line at
the end of a check-in (see :mod:`therapy_checkin.handlers.recap`).

Listeners cannot scroll back, and the same words every week stop being heard, so each fact has several
phrasings (message variants), picked by the week and the sentence's place (:func:`week_seed`): the same week
always sounds the same (a repeated answer, a test), and next week sounds different. A sign's name always sits
inside a phrase that does not depend on its grammatical number ("your rating for setting boundaries dipped",
"your lowest right now is your relationships"), so every sign reads right in every sentence. A week told after
it ended is told in the past tense ("last week was harder than the week before").

Truthfulness rules the composer keeps: a skipped sign is unanswered, never zero; only signs rated in the
week are named; a sign is said to rise only if it rose; every number spoken is a rating, a count or a number
of weeks taken from the answers. Nothing is ranked ("the most", "the best"): the biggest change is given as an
example ("like hope, from one to four"), so ties can never make a sentence false. When every compared sign
rose, it says so ("every sign rose"), never "ten more signs rose"; one rating is never "every sign you rated";
a week much lower than the one before is named gently as a harder week.

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
from enum import IntEnum
from typing import Any, Protocol

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MAX_RATING, MIN_RATING
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.domain.weeks import previous_week, week_start, weeks_between

RECAP_WORD_BUDGET = 45
"""The most words in any turn that speaks a recap or a trend, everything said in it included: about 18 seconds
at Alexa's pace, one or two breaths, as much as a listener can hold without scrolling back."""

HARDER_WEEK_DROP = 1.0
"""How far the average of the signs rated both times must fall before the recap says the week was harder."""

MARKED_CHANGE = 2
"""A change of this many points or more on the five-point scale is marked: a fall this size is always said in
the recap's first part (never left for "more"), and a rise this size is told with its numbers."""

BROAD_SIGNS = 3
"""The fewest signs moving the same way for the recap to say it as one pattern ("eleven signs rose")."""

SHARP_FALL_SIGNS = 6
"""How many signs must fall by :data:`MARKED_CHANGE` or more for a week to be a sharp fall across many signs."""

NAMED_WORDS = 26
"""The most words a sentence that lists other signs by name may take ("Three other signs rose too: ..."); past
it, the largest are named and the rest counted ("Ten other signs dipped too, among them ...")."""


class Words(Protocol):
    """The part of a locale's speech catalogue the recap needs."""

    def __call__(self, key: str, *, variant: int = 0, **values: Any) -> str: ...

    def number(self, value: int) -> str: ...

    def variants(self, key: str) -> int: ...


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
    weeks_ago: int = 0
    """How many weeks before the user's current week this one is: 1 is told as "last week" in the past tense."""

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
    def all_rising(self) -> bool:
        """Two or more signs compared and every one rose: worth saying as one fact, "every sign rose"."""
        return len(self.rises) > 1 and not self.falls and not self.steady

    @property
    def harder_week(self) -> bool:
        """The signs rated both times came in clearly lower on average: a high week followed by a low one."""
        compared = [*self.rises, *self.steady, *self.falls]
        if len(compared) < 2:
            return False
        drop = sum(change.before - change.after for change in compared) / len(compared)
        return drop >= HARDER_WEEK_DROP

    @property
    def most_rising(self) -> bool:
        """At least :data:`BROAD_SIGNS` signs rose, two thirds of those compared or more, though not all: said as
        one fact too ("eleven signs rose"), so the pattern is heard before any one sign."""
        compared = len(self.rises) + len(self.steady) + len(self.falls)
        return not self.all_rising and len(self.rises) >= BROAD_SIGNS and 3 * len(self.rises) >= 2 * compared

    @property
    def most_falling(self) -> bool:
        """The same pattern downwards: at least :data:`BROAD_SIGNS` signs and two thirds of those compared fell."""
        compared = len(self.rises) + len(self.steady) + len(self.falls)
        return len(self.falls) >= BROAD_SIGNS and 3 * len(self.falls) >= 2 * compared

    @property
    def moved(self) -> tuple[Change, ...]:
        """Every sign that rose or fell, the biggest change first; at equal size a rise before a fall, then sign
        order. What the recap says first is chosen from the front of this order."""
        order = {sign: index for index, sign in enumerate(SIGN_IDS)}
        return tuple(sorted((*self.rises, *self.falls), key=lambda c: (-abs(c.size), c.size < 0, order[c.sign])))

    @property
    def all_ones(self) -> bool:
        """Several signs rated, and every one a one."""
        return len(self.this.ratings) > 1 and self.same_value == MIN_RATING

    @property
    def sharp_fall(self) -> bool:
        """A sharp fall across many signs: at least :data:`SHARP_FALL_SIGNS` signs (half of the twelve) came in
        :data:`MARKED_CHANGE` points or more lower than at the comparison week.

        One sign falling two points is a dip, and every sign one point lower is a harder week; half the signs
        falling two points or more at once is a week that may need more than a recap, so it is met like a week
        of all ones (see :attr:`heavy`)."""
        return sum(1 for change in self.falls if -change.size >= MARKED_CHANGE) >= SHARP_FALL_SIGNS

    @property
    def heavy(self) -> bool:
        """A week of all ones or a sharp fall across many signs: the end of such a check-in offers a kind word
        and the support line instead of a reminder or a plain goodbye."""
        return self.all_ones or self.sharp_fall


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
    weeks_ago: int = 0,
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
        weeks_ago=0 if current else weeks_ago,
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


def week_seed(week: str) -> int:
    """A number that grows by one each ISO week, so a message's variants take turns from one week to the next."""
    return week_start(week).toordinal() // 7


class _Slot(IntEnum):
    """Where a sentence sits in a recap. Added to the week's seed, it picks the sentence's variant: two
    consecutive weeks never use the same variant of a message in the same slot, and the sentences of one recap
    do not all take the same turn."""

    OPENING = 0
    HIGHLIGHT = 1
    MORE = 2
    STEADY = 3
    STREAK = 4
    COUNTS = 5
    NOTE = 6
    FALL = 7
    OTHERS = 8


@dataclass(frozen=True)
class _Sentence:
    text: str
    priority: int
    """0 must be said; the others are said in order of priority (1 first) while the turn has room."""
    shorter: tuple[str, ...] = ()
    """Shorter forms of the same fact, longest first, said when the full one does not fit (a list of names
    that names fewer and counts the rest)."""

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.text, *self.shorter)


@dataclass(frozen=True)
class RecapPart:
    """One turn's share of a recap: its sentences, which of the plan's sentences have now been said (bit ``i``
    is sentence ``i``), and whether anything worth hearing is left for another turn."""

    sentences: tuple[str, ...]
    said: int
    more: bool

    @property
    def text(self) -> str:
        return " ".join(self.sentences)


class _Composer:
    """Phrases one recap. Every sentence comes from a message in the locale, its variant picked by the week and
    the sentence's slot; a sign is always named inside a phrase ("your rating for ..."), so no verb has to agree
    with a sign's name."""

    def __init__(self, recap: Recap, words: Words, short_name: ShortName, seed: int | None) -> None:
        self.recap = recap
        self.words = words
        self.short_name = short_name
        self.seed = week_seed(recap.this.week) if seed is None else seed

    def say(self, key: str, slot: _Slot, **values: Any) -> str:
        return self.words(key, variant=self.seed + slot, **values)

    def num(self, value: int) -> str:
        return self.words.number(value)

    def when(self) -> str:
        recap = self.recap
        if recap.current:
            return self.words("recap_when_current")
        return self.words("recap_when_last_week" if recap.weeks_ago == 1 else "recap_when_past")

    def since(self) -> str:
        close = self.recap.weeks_apart <= 1
        if self.recap.current:
            return self.words("recap_since_last_week" if close else "recap_since_last_check_in")
        return self.words("recap_since_week_before" if close else "recap_since_check_in_before")

    def pair(self, change: Change) -> dict[str, Any]:
        """A change's sign and numbers, as a message's ``name``, ``before`` and ``after``."""
        return {
            "name": self.short_name(change.sign),
            "before": self.num(change.before),
            "after": self.num(change.after),
        }

    def change(self, key: str, slot: _Slot, change: Change) -> str:
        return self.say(key, slot, **self.pair(change))

    def opening(self) -> list[_Sentence]:
        recap = self.recap
        if not recap.earlier_known:
            return []
        if recap.baseline:
            return [_Sentence(self.say("recap_baseline" if recap.current else "recap_baseline_past", _Slot.OPENING), 1)]
        if recap.gap:
            key = "recap_welcome_back" if recap.current else "recap_gap_past"
            return [_Sentence(self.say(key, _Slot.OPENING, weeks=self.num(recap.weeks_apart)), 1)]
        return []

    def harder_key(self) -> str:
        """The words for a week clearly lower than the one compared with, in the tense of the week told."""
        recap = self.recap
        close = recap.weeks_apart <= 1
        if recap.current:
            return "recap_harder_week" if close else "recap_harder_since_check_in"
        return "recap_harder_last_week" if close and recap.weeks_ago == 1 else "recap_harder_that_week"

    def fall(self, change: Change, *, first: bool) -> str:
        """A fall said kindly: the first one carries "a harder week" when the whole week came in lower."""
        if first and self.recap.harder_week:
            return self.change(self.harder_key(), _Slot.NOTE, change)
        return self.change("recap_dip_note", _Slot.NOTE if first else _Slot.FALL, change)

    def shortest(self, key: str, **values: Any) -> str:
        """The shortest phrasing of a message: said when what must be said does not fit the turn otherwise."""
        return min((self.words(key, variant=n, **values) for n in range(self.words.variants(key))), key=word_count)

    def must_fall(self, change: Change, *, first: bool, priority: int) -> _Sentence:
        """A fall, with its shortest kind phrasing kept for a turn where it must fit beside the headline."""
        shortest = self.shortest("recap_dip_note", **self.pair(change))
        return _Sentence(self.fall(change, first=first), priority, (shortest,))

    def headline(self) -> _Sentence:
        """What matters most, said first and always in the first part: a broad pattern as one fact ("every sign
        rose"), else the biggest change with its numbers."""
        recap = self.recap
        top = recap.moved[0]
        broad: tuple[str, _Slot, dict[str, Any]] | None = None
        if recap.all_rising:
            key = "recap_all_rose" if len(recap.rises) == SIGN_COUNT else "recap_all_rose_compared"
            broad = (key, _Slot.HIGHLIGHT, {})
        elif recap.most_rising and top.size > 0:
            broad = ("recap_most_rose", _Slot.HIGHLIGHT, {"count": self.num(len(recap.rises))})
        elif recap.most_falling and top.size < 0 and not recap.harder_week:
            broad = ("recap_most_fell", _Slot.NOTE, {"count": self.num(len(recap.falls))})
        if broad is not None:
            key, slot, values = broad
            text = self.say(key, slot, since=self.since(), **values, **self.pair(top))
            return _Sentence(text, 0, (self.words(f"{key}_short", **values, **self.pair(top)),))
        if top.size > 0:
            text = self.change("recap_rise_one", _Slot.HIGHLIGHT, top)
            return _Sentence(text, 0, (self.shortest("recap_rise_one", **self.pair(top)),))
        return self.must_fall(top, first=True, priority=0)

    def others(self, key: str, changes: Sequence[Change], priority: int) -> _Sentence:
        """The signs that moved the same way and are not yet said, by name, the biggest change first: all of them
        when they fit in :data:`NAMED_WORDS` words, else the biggest and a count ("among them ..."); shorter
        forms name fewer, for a turn with less room."""
        names = [self.short_name(change.sign) for change in changes]
        forms = [_capitalised(self.words(key, count=len(changes), names=self.listed(names)))]
        forms += [
            _capitalised(self.words(f"{key}_some", count=len(changes), names=self.listed(names[:shown])))
            for shown in range(len(names) - 1, 0, -1)
        ]
        fitting = [form for form in forms if word_count(form) <= NAMED_WORDS] or forms[-1:]
        return _Sentence(fitting[0], priority, tuple(fitting[1:]))

    def listed(self, names: Sequence[str]) -> str:
        if len(names) == 1:
            return names[0]
        return self.words("recap_list_and", rest=", ".join(names[:-1]), last=names[-1])

    def changes(self) -> list[_Sentence]:
        """What moved, by size and kind: the headline; a marked fall, never hidden; the next biggest rise with its
        numbers; then the other rises and falls by name. A week of all ones leads with that instead."""
        recap = self.recap
        sentences: list[_Sentence] = []
        named: set[str] = set()
        top = recap.moved[0]
        if recap.all_ones:
            # Every change is a fall (nothing rises to a one): the week said as one fact, with its biggest fall.
            text = self.say("recap_all_ones_fell", _Slot.NOTE, when=self.when(), **self.pair(top))
            sentences.append(_Sentence(text, 0))
        else:
            sentences.append(self.headline())
        named.add(top.sign)
        if top.size > 0 and recap.falls:
            # A rise leads; the biggest fall is still said, in the first part when it is marked.
            fall = recap.falls[0]
            marked = -fall.size >= MARKED_CHANGE
            sentences.append(self.must_fall(fall, first=True, priority=0 if marked else 2))
            named.add(fall.sign)
        sentences += self.more_of(
            recap.rises, named, ("recap_rise_one", "recap_rises_listed"), "recap_rise_also", "recap_other_rises"
        )
        sentences += self.more_of(
            recap.falls, named, ("recap_dip_note", "recap_other_falls"), "recap_fall_also", "recap_other_falls"
        )
        return sentences

    def more_of(
        self, changes: Sequence[Change], named: set[str], fresh: tuple[str, str], also: str, others: str
    ) -> list[_Sentence]:
        """The rest of one kind of change for "more": the biggest with its numbers when it is marked (or alone),
        then the others by name. ``fresh`` are the (numbers, names) messages for when none of this kind has been
        said yet, so nothing says "too" or "other" of signs not told."""
        left = [change for change in changes if change.sign not in named]
        sentences = []
        told = len(left) < len(changes)
        if left and (abs(left[0].size) >= MARKED_CHANGE or len(left) == 1):
            key = also if told else fresh[0]
            # Another marked fall comes straight after what must be said, in the first part when it has room.
            priority = 1 if left[0].size <= -MARKED_CHANGE else 2
            sentences.append(_Sentence(self.change(key, _Slot.MORE, left[0]), priority))
            named.add(left[0].sign)
            left, told = left[1:], True
        if left:
            sentences.append(self.others(others if told else fresh[1], left, 2))
            named.update(change.sign for change in left)
        return sentences

    def moved_note(self) -> list[_Sentence]:
        """After the changes: one rating is one rating, all fives is lovely, and with nothing lower, the lowest."""
        recap = self.recap
        if len(recap.this.ratings) == 1:
            return [_Sentence(self.say("recap_one_rating_compared", _Slot.NOTE, when=self.when()), 1)]
        if recap.same_value == MAX_RATING:
            return [_Sentence(self.say("recap_all_fives", _Slot.NOTE, when=self.when()), 3)]
        if recap.falls or recap.same_value is not None:
            return []
        return [self.low_note(4)]

    def low_note(self, priority: int) -> _Sentence:
        recap = self.recap
        low = recap.lowest
        key = ("recap_low_note_one" if len(low) == 1 else "recap_low_note_tie") + ("" if recap.current else "_past")
        lowest = self.num(recap.this.ratings[low[0]])
        return _Sentence(self.say(key, _Slot.NOTE, name=self.short_name(low[0]), value=lowest), priority)

    def steady(self) -> list[_Sentence]:
        recap = self.recap
        steady = recap.steady
        if not steady:
            return []
        if len(steady) == 1:
            (held,) = steady
            text = self.say(
                "recap_steady_one", _Slot.STEADY, name=self.short_name(held.sign), value=self.num(held.after)
            )
        elif len(steady) == 2:
            first, second = (self.short_name(change.sign) for change in steady)
            text = self.say("recap_steady_two", _Slot.STEADY, first=first, second=second)
        elif len(steady) == SIGN_COUNT:
            text = self.say("recap_steady_all", _Slot.STEADY)
        else:
            text = _capitalised(self.words("recap_steady_many", count=len(steady)))
        return [_Sentence(text, 3 if recap.moved else 2)]

    def highest(self) -> list[_Sentence]:
        recap = self.recap
        if not recap.highest or recap.same_value is not None:
            return []
        key = "recap_highest_one" if len(recap.highest) == 1 else "recap_highest_tie"
        value = self.num(recap.this.ratings[recap.highest[0]])
        return [_Sentence(self.say(key, _Slot.HIGHLIGHT, name=self.short_name(recap.highest[0]), value=value), 2)]

    def streak(self) -> list[_Sentence]:
        if self.recap.streak < 2:
            return []
        key = "recap_streak" if self.recap.current else "recap_streak_past"
        return [_Sentence(self.say(key, _Slot.STREAK, weeks=self.num(self.recap.streak)), 3)]

    def counts(self) -> list[_Sentence]:
        rated = len(self.recap.this.ratings)
        if rated >= SIGN_COUNT or rated == 1:
            return []  # one rating has a note of its own
        return [_Sentence(self.say("recap_counts", _Slot.COUNTS, rated=_capitalised(self.num(rated))), 5)]

    def note(self) -> _Sentence:
        """The one gentle note about what is still hard, for a week in which nothing moved (a first check-in, one
        with nothing to compare, or every sign as before); a week with changes says its falls kindly instead."""
        recap = self.recap
        several = len(recap.this.ratings) > 1
        if several and recap.same_value == MIN_RATING:
            return _Sentence(self.say("recap_all_ones", _Slot.NOTE, when=self.when()), 0)
        if len(recap.this.ratings) == 1:
            ((sign, value),) = recap.rated
            if recap.steady:
                return _Sentence(self.say("recap_one_rating_compared", _Slot.NOTE, when=self.when()), 0)
            return _Sentence(
                self.say(
                    "recap_one_rating", _Slot.NOTE, when=self.when(), name=self.short_name(sign), value=self.num(value)
                ),
                0,
            )
        same = recap.same_value
        if same is not None:
            key = {MAX_RATING: "recap_all_fives", MIN_RATING: "recap_all_ones"}.get(same, "recap_all_same")
            return _Sentence(self.say(key, _Slot.NOTE, when=self.when(), value=self.num(same)), 0)
        return self.low_note(0)

    def plan(self) -> list[_Sentence]:
        """Every sentence the recap could say, in speaking order; which are said in which turn is by priority."""
        recap = self.recap
        if recap.nothing_rated:
            # Nothing to compare or to set as a starting point: a plain welcome back at most.
            welcome = recap.current and recap.gap and recap.earlier_known
            opening = [_Sentence(self.say("recap_welcome_back_plain", _Slot.OPENING), 1)] if welcome else []
            return [
                *opening,
                _Sentence(self.say("recap_nothing_rated", _Slot.NOTE, when=self.when()), 0),
                *self.streak(),
            ]
        if recap.moved:
            told = [*self.changes(), *self.steady(), *self.moved_note()]
            return [*self.opening(), *self.counts(), *told, *self.streak()]
        middle = self.steady() or self.highest()
        return [*self.opening(), *self.counts(), *middle, *self.streak(), self.note()]


def _plan(recap: Recap, words: Words, short_name: ShortName, seed: int | None) -> list[_Sentence]:
    return _Composer(recap, words, short_name, seed).plan()


def _fit(sentences: Sequence[tuple[int, _Sentence]], budget: int, *, last: bool = False) -> dict[int, str] | None:
    """The sentences said within ``budget`` words (index to the form said), most needed first; ``None`` when a
    must-say sentence does not fit.

    A turn that can offer more says the most important sentences in order and stops at the first that does not
    fit, so nothing less important goes before it (two must-say sentences too long together are said one per
    turn). The ``last`` turn of a recap fills its room instead: a
    sentence too long is said in its longest shorter form that fits, or left out for a shorter one after it."""
    must = _must_forms([(index, sentence) for index, sentence in sentences if sentence.priority == 0], budget)
    chosen: dict[int, str] = {}
    total = 0
    for index, sentence in sorted(sentences, key=lambda item: (item[1].priority, item[0])):
        forms = (must[index],) if index in must else sentence.forms if last else (sentence.text,)
        text = next((form for form in forms if total + word_count(form) <= budget), None)
        if text is not None:
            chosen[index] = text
            total += word_count(text)
        elif sentence.priority == 0 and (last or not chosen):
            return None
        elif not last:
            break  # what must be said but does not fit comes first in the next turn
    return dict(sorted(chosen.items()))


def _must_forms(must: Sequence[tuple[int, _Sentence]], budget: int) -> dict[int, str]:
    """The forms of the must-say sentences: each whole, unless together they pass ``budget``; then the first
    ones are shortened (their shorter forms, in order) until all fit, or no shorter form is left."""
    picked = {index: 0 for index, _ in must}

    def total() -> int:
        return sum(word_count(sentence.forms[picked[index]]) for index, sentence in must)

    for index, sentence in must:
        while total() > budget and picked[index] < len(sentence.forms) - 1:
            picked[index] += 1
    return {index: sentence.forms[picked[index]] for index, sentence in must}


def _part(chosen: dict[int, str], said: int, *, more: bool) -> RecapPart:
    return RecapPart(tuple(chosen.values()), said | sum(1 << index for index in chosen), more=more)


def recap_head(recap: Recap, words: Words, short_name: ShortName, budget: int, *, seed: int | None = None) -> RecapPart:
    """The first turn's share of a recap within ``budget`` words: what matters most always, then the rest by
    priority while it fits.

    When even what must be said does not fit, nothing is said yet and the whole recap is left for the next
    turn (a recap cut short of its most important fact would not be the true recap the user should hear).
    """
    plan = _plan(recap, words, short_name, seed)
    chosen = _fit(list(enumerate(plan)), budget)
    if chosen is None:
        return RecapPart((), 0, more=True)
    return _part(chosen, 0, more=len(chosen) < len(plan))


def recap_rest(
    recap: Recap, words: Words, short_name: ShortName, said: int, budget: int, *, seed: int | None = None
) -> RecapPart:
    """What the head left out, within ``budget`` words: the same sentences, since the plan is deterministic."""
    plan = _plan(recap, words, short_name, seed)
    left = [(index, sentence) for index, sentence in enumerate(plan) if not said >> index & 1]
    chosen = _fit(left, budget, last=True)
    if chosen is None:
        chosen = {index: sentence.text for index, sentence in left if sentence.priority == 0}
    return _part(chosen, said, more=False)


def compose_recap(
    recap: Recap, words: Words, short_name: ShortName, budget: int = RECAP_WORD_BUDGET, *, seed: int | None = None
) -> list[str]:
    """The recap as sentences, within ``budget`` words: optional sentences go first, the note always stays."""
    plan = _plan(recap, words, short_name, seed)
    chosen = _fit(list(enumerate(plan)), budget, last=True)
    if chosen is None:
        return [sentence.text for sentence in plan if sentence.priority == 0]
    return list(chosen.values())


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


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _name(short_name: ShortName, sign: str) -> str:
    """A sign's short name at the start of a card line."""
    return _capitalised(short_name(sign))


def _card_value(answers: WeekAnswers, sign: str, words: Words) -> str:
    if sign in answers.ratings:
        return str(answers.ratings[sign])
    if sign in answers.skipped:
        return words("card_skipped")
    return words("card_unanswered")
