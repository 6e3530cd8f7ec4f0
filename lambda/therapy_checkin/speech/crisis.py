"""Where someone in crisis can turn, per locale: the one place that holds crisis lines and emergency numbers.

The words of the crisis answer live in the locale catalogues (``speech/locales/``) like every other message; the
numbers live here, keyed by the request's own locale. Words fall back to en-US for locales without their own
catalogue, but a crisis line never does when the locale is listed here: someone in London must hear 999, not 911.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CrisisLine:
    """A free crisis line that answers at any hour, and the emergency number, for one locale."""

    name: str
    """The line's name as it is said aloud, without its number ("Samaritans")."""
    how: str
    """How to reach it, as a lower-case imperative ("call or text")."""
    number: str
    """The number as it is written locally; spaces mark the groups it is read in ("116 123")."""
    emergency: str
    """The emergency services number ("999")."""


DEFAULT_CRISIS_LOCALE = "en-US"

# Each line answers 24 hours a day, every day, and was checked against its operator's published details:
# 988 (US, call or text; emergency 911); 9-8-8: Suicide Crisis Helpline (Canada since November 2023, run with
# CAMH, call or text; 911); Samaritans (UK and Ireland, free from landlines and mobiles; 999); Lifeline
# Australia (13 11 14 by phone, 0477 13 11 14 by text; 000); Tele-MANAS (India's national tele-mental health
# line, 14416 or 1-800-891-4416, in 20 languages; 112, the Emergency Response Support System).
CRISIS_LINES: dict[str, CrisisLine] = {
    "en-US": CrisisLine(name="the Suicide and Crisis Lifeline", how="call or text", number="988", emergency="911"),
    "en-CA": CrisisLine(name="the Suicide Crisis Helpline", how="call or text", number="988", emergency="911"),
    "en-GB": CrisisLine(name="Samaritans", how="call", number="116 123", emergency="999"),
    "en-AU": CrisisLine(name="Lifeline", how="call", number="13 11 14", emergency="000"),
    "en-IN": CrisisLine(name="Tele-MANAS", how="call", number="14416", emergency="112"),
}


@dataclass(frozen=True)
class AbuseLine:
    """A free line for people hurt or threatened at home, answering at any hour, for one locale."""

    name: str
    """Said aloud, without its number ("the National Domestic Violence Hotline")."""
    how: str
    number: str


# Each checked against its operator's published details: the National Domestic Violence Hotline (US, 24 hours,
# 1-800-799-7233); the National Domestic Abuse Helpline run by Refuge (England, free, 24 hours, 0808 2000 247);
# 1800RESPECT (Australia's national domestic, family and sexual violence counselling line, 24 hours,
# 1800 737 732); the Women Helpline (India, 181, 24 hours, run by the states under the Ministry of Women and
# Child Development). Canada has no national line (shelters and lines are provincial), so en-CA hears the
# emergency number and its crisis line, which takes calls from anyone in distress.
ABUSE_LINES: dict[str, AbuseLine] = {
    "en-US": AbuseLine(name="the National Domestic Violence Hotline", how="call", number="1 800 799 7233"),
    "en-GB": AbuseLine(name="the National Domestic Abuse Helpline", how="call", number="0808 2000 247"),
    "en-AU": AbuseLine(name="1800RESPECT", how="call", number="1800 737 732"),
    "en-IN": AbuseLine(name="the Women Helpline", how="call", number="181"),
}


def abuse_line(locale: str | None) -> AbuseLine | None:
    """The domestic violence line for the request's locale; None where the country has no national one."""
    if locale in ABUSE_LINES:
        return ABUSE_LINES[locale]
    return None if locale in CRISIS_LINES else ABUSE_LINES[DEFAULT_CRISIS_LOCALE]


def crisis_line(locale: str | None) -> CrisisLine:
    """The crisis line for the request's locale, or the US one for a locale not listed."""
    return CRISIS_LINES.get(locale or "", CRISIS_LINES[DEFAULT_CRISIS_LOCALE])
