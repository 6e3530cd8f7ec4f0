"""Notes for the next therapy session: what a person wants to bring up, kept for this week and the next.

A note is the most sensitive thing the skill holds: words in the person's own voice, about their therapy. So it
is short (:data:`MAX_NOTE_CHARACTERS`), there are few of them (:data:`MAX_NOTES`), and one is read only in the
week it was made and the week after (:func:`notes_to_read`), which covers a session every week or every other
week. Older notes are never read again and are dropped at the next write (:func:`kept_with`).

Everything here is pure: storing is :meth:`therapy_checkin.storage.CheckInStore.save_note`, and the gate that
guards reading them is :func:`therapy_checkin.gate.kept_notes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from therapy_checkin.domain.weeks import previous_week

MAX_NOTE_CHARACTERS = 200
"""About thirty-five spoken words: enough for a thought to bring up, short enough to read back in one breath."""
MAX_NOTES = 10
"""Notes kept at once. A person with ten waiting hears that the list is full, and that clearing it makes room."""

_LEADING_FILLER = re.compile(r"^(?:(?:that|about|the note is|note|colon)(?:[,:;.-]+\s*|\s+))+", re.I)


@dataclass(frozen=True)
class Note:
    text: str
    week: str
    """The ISO week it was made in ("2026-W49"): it is read in this week and the next."""
    at: str
    """When it was kept (ISO 8601 UTC to the second): notes are read newest first."""


def clean_note(raw: str | None) -> str | None:
    """The words to keep, or ``None`` when nothing is left to keep.

    What Alexa heard after the carrier phrase ("note for therapy: that I ...") may start with a joining word;
    that is dropped. A note longer than :data:`MAX_NOTE_CHARACTERS` is cut at the last whole word that fits.
    """
    if raw is None:
        return None
    text = " ".join(raw.split())
    text = _LEADING_FILLER.sub("", text).strip(" ,.;:-")
    if not text:
        return None
    # Alexa sends a phrase slot in lower case: "i" and the first letter are written as a person would.
    text = re.sub(r"\bi\b", "I", text)
    text = text[0].upper() + text[1:]
    if len(text) > MAX_NOTE_CHARACTERS:
        cut = text[: MAX_NOTE_CHARACTERS + 1].rsplit(" ", 1)[0]
        text = cut if cut else text[:MAX_NOTE_CHARACTERS]
    return text


def is_current(note: Note, week: str) -> bool:
    """Whether a note is still read in ``week``: made in that week or the one before."""
    return note.week in (week, previous_week(week))


def notes_to_read(notes: Sequence[Note], week: str) -> list[Note]:
    """The notes of ``week`` and the week before, newest first."""
    return sorted((note for note in notes if is_current(note, week)), key=lambda note: note.at, reverse=True)


def kept_with(notes: Sequence[Note], new: Note) -> list[Note] | None:
    """The list to store once ``new`` is added, oldest first: notes no longer read are dropped. ``None`` when
    :data:`MAX_NOTES` current notes are already kept."""
    current = [note for note in notes if is_current(note, new.week)]
    if len(current) >= MAX_NOTES:
        return None
    return [*sorted(current, key=lambda note: note.at), new]
