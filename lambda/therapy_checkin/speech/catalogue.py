"""The shape of a locale's speech catalogue."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SignText:
    """How one sign is spoken in one locale."""

    name: str
    """Read when the sign is asked: "Sign four of twelve: setting boundaries"."""
    short_name: str
    """Used in recaps and lists, where a shorter name reads better."""
    prompt: str
    """The statement the user weighs, in the second person."""
    explanation: str
    """Two or three sentences for "what does that mean?"."""
