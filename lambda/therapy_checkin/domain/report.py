"""The progress report a person can bring to therapy: eight weeks of check-ins, as an email.

Pure: from the weeks the gate let through and the words of the person's locale, this module builds the whole
message (an HTML part with the chart drawn as inline SVG, a plain-text part, and the same figures as a CSV
attachment) as MIME bytes, ready for SES. Nothing here reads the table, calls Amazon or logs; sending lives in
:mod:`therapy_checkin.mailer`.

The chart shows, for each of the eight weeks, the average of the signs rated that week, on the same 1 to 5
scale as the answers; a week without ratings has no bar, only its date. The table below it names the twelve
signs as the check-in names them and gives each week's rating, "skipped", or nothing. Notes appear only when the
caller passes them (:func:`build_report`'s ``notes``): they are included only when the person asked for them.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.ratings import MAX_RATING, MIN_RATING
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import previous_week, week_start

REPORT_WEEKS = 8
"""Weeks in a report: the current one and the seven before it."""

CSV_FILENAME = "check-in-report.csv"

# The chart's geometry (SVG user units, one per CSS pixel) and colours. Tests look for these colours in the
# rendered picture, so each is used for one thing only.
CHART_WIDTH = 640
CHART_HEIGHT = 260
PLOT_LEFT = 40
PLOT_RIGHT = 10
PLOT_TOP = 16
PLOT_BOTTOM = 40
BAR_COLOUR = "#2e6fba"
"""The bars: one per week with ratings."""
GRID_COLOUR = "#d0d7de"
TEXT_COLOUR = "#333333"


@dataclass(frozen=True)
class ReportText:
    """Every written word of a report, in the person's locale (from the speech catalogue)."""

    subject: str
    title: str
    intro: str
    """Says which weeks are covered and what the numbers mean; ``{first}`` and ``{last}`` are the first and last
    weeks' start dates."""
    chart_caption: str
    sign_heading: str
    number_heading: str
    """The CSV's first column: each sign's number in the check-in."""
    skipped: str
    notes_heading: str
    attachment_note: str
    disclaimer: str
    crisis: str
    """Where to turn in a crisis, with the locale's line and emergency number already in it."""
    sign_names: Mapping[str, str]
    """Each sign's name as the check-in says it."""
    date_label: str
    """How a week's start date is written: ``{month}`` and ``{day}`` (a locale's card date)."""
    months: Sequence[str]


@dataclass(frozen=True)
class ReportWeek:
    """One column of the report: a week's start date and what was said of each sign that week."""

    week: str
    ratings: Mapping[str, int]
    skipped: frozenset[str]

    @property
    def average(self) -> float | None:
        """The mean of the week's ratings, or ``None`` when nothing was rated."""
        values = [self.ratings[sign] for sign in SIGN_IDS if sign in self.ratings]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class Report:
    weeks: tuple[ReportWeek, ...]
    """Oldest first, exactly :data:`REPORT_WEEKS` of them, ending with the current week."""
    notes: tuple[str, ...] | None = None

    @property
    def has_ratings(self) -> bool:
        return any(week.ratings for week in self.weeks)


def build_report(current_week: str, weeks: Sequence[WeekAnswers], notes: Sequence[str] | None = None) -> Report:
    """The eight weeks ending with ``current_week``, from the answers the gate let through (any order; weeks
    outside the eight are left out, missing ones are empty).

    ``notes`` are the person's own notes for their therapist. They are included only when the person asked for
    them in this request; leave them out (``None``) otherwise, and the report never mentions them.
    """
    keys = [current_week]
    while len(keys) < REPORT_WEEKS:
        keys.append(previous_week(keys[-1]))
    by_week = {answers.week: answers for answers in weeks}
    columns = []
    for key in reversed(keys):
        answers = by_week.get(key)
        ratings = dict(answers.ratings) if answers else {}
        skipped = (answers.skipped - ratings.keys()) if answers else frozenset()
        columns.append(ReportWeek(key, ratings, frozenset(skipped)))
    return Report(tuple(columns), tuple(notes) if notes is not None else None)


def week_label(text: ReportText, week: str) -> str:
    start = week_start(week)
    return text.date_label.format(month=text.months[start.month - 1], day=start.day)


def cell(text: ReportText, week: ReportWeek, sign: str) -> str:
    """What the table shows for one sign in one week: the rating, "skipped", or nothing."""
    if sign in week.ratings:
        return str(week.ratings[sign])
    return text.skipped if sign in week.skipped else ""


# --------------------------------------------------------------------------------------------------------------
# The chart


def bar_box(index: int, average: float) -> tuple[float, float, float, float]:
    """(x, y, width, height) of week ``index``'s bar (0 = oldest), in the chart's coordinates."""
    plot_width = CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT
    slot = plot_width / REPORT_WEEKS
    width = slot * 0.6
    x = PLOT_LEFT + slot * index + (slot - width) / 2
    height = _y_of(MIN_RATING - 1) - _y_of(average)
    return x, _y_of(average), width, height


def _y_of(value: float) -> float:
    """The vertical position of a rating: 0 at the bottom of the plot, 5 at its top."""
    plot_height = CHART_HEIGHT - PLOT_TOP - PLOT_BOTTOM
    return PLOT_TOP + plot_height * (1 - value / MAX_RATING)


def chart_svg(report: Report, text: ReportText) -> str:
    """The eight weeks as bars on a 0 to 5 scale: inline SVG, with no script, font file or remote image."""
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" '
        f'viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" aria-label="{html.escape(text.chart_caption)}">',
        f'<rect x="0" y="0" width="{CHART_WIDTH}" height="{CHART_HEIGHT}" fill="#ffffff"/>',
    ]
    for value in range(MIN_RATING, MAX_RATING + 1):
        y = _y_of(value)
        parts.append(
            f'<line x1="{PLOT_LEFT}" y1="{y:.1f}" x2="{CHART_WIDTH - PLOT_RIGHT}" y2="{y:.1f}" '
            f'stroke="{GRID_COLOUR}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{PLOT_LEFT - 8}" y="{y + 4:.1f}" text-anchor="end" font-family="sans-serif" '
            f'font-size="12" fill="{TEXT_COLOUR}">{value}</text>'
        )
    slot = (CHART_WIDTH - PLOT_LEFT - PLOT_RIGHT) / REPORT_WEEKS
    for index, week in enumerate(report.weeks):
        average = week.average
        if average is not None:
            x, y, width, height = bar_box(index, average)
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}">'
                f"<title>{html.escape(week_label(text, week.week))}: {average:.1f}</title></rect>"
            )
        centre = PLOT_LEFT + slot * index + slot / 2
        parts.append(
            f'<text x="{centre:.1f}" y="{CHART_HEIGHT - PLOT_BOTTOM + 18}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="12" fill="{TEXT_COLOUR}">'
            f"{html.escape(week_label(text, week.week))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------------------------------------------
# The message


def report_html(report: Report, text: ReportText) -> str:
    """The message's HTML part: title, what it covers, the chart, the table of signs, notes when asked for, and
    the disclaimer and crisis lines at the foot. Every piece of text is escaped; nothing is fetched."""
    escape = html.escape
    first, last = week_label(text, report.weeks[0].week), week_label(text, report.weeks[-1].week)
    header = "".join(
        f'<th style="padding:4px 6px;text-align:center">{escape(week_label(text, week.week))}</th>'
        for week in report.weeks
    )
    rows = []
    for sign in SIGN_IDS:
        cells = "".join(
            f'<td style="padding:4px 6px;text-align:center">{escape(cell(text, week, sign))}</td>'
            for week in report.weeks
        )
        rows.append(f'<tr><th style="padding:4px 6px;text-align:left">{escape(text.sign_names[sign])}</th>{cells}</tr>')
    notes = ""
    if report.notes:
        items = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
        notes = f"<h2>{escape(text.notes_heading)}</h2><ul>{items}</ul>"
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(text.title)}</title></head>"
        f'<body style="font-family:sans-serif;color:{TEXT_COLOUR};background:#ffffff;margin:16px">'
        f"<h1>{escape(text.title)}</h1>"
        f"<p>{escape(text.intro.format(first=first, last=last))}</p>"
        f'<figure style="margin:0">{chart_svg(report, text)}'
        f"<figcaption>{escape(text.chart_caption)}</figcaption></figure>"
        f'<table style="border-collapse:collapse;margin-top:16px">'
        f'<thead><tr><th style="padding:4px 6px;text-align:left">{escape(text.sign_heading)}</th>{header}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"{notes}"
        f"<p>{escape(text.attachment_note)}</p>"
        f'<footer style="margin-top:24px;font-size:13px">'
        f"<p>{escape(text.disclaimer)}</p><p>{escape(text.crisis)}</p></footer>"
        "</body></html>"
    )


def report_plain_text(report: Report, text: ReportText) -> str:
    """The same report for mail readers that show no HTML: one line per sign, then the foot."""
    first, last = week_label(text, report.weeks[0].week), week_label(text, report.weeks[-1].week)
    lines = [text.title, "", text.intro.format(first=first, last=last), ""]
    dates = ", ".join(week_label(text, week.week) for week in report.weeks)
    lines.append(f"{text.sign_heading}: {dates}")
    for sign in SIGN_IDS:
        values = ", ".join(cell(text, week, sign) or "-" for week in report.weeks)
        lines.append(f"{text.sign_names[sign]}: {values}")
    if report.notes:
        lines += ["", text.notes_heading, *(f"- {note}" for note in report.notes)]
    lines += ["", text.attachment_note, "", text.disclaimer, text.crisis]
    return "\n".join(lines) + "\n"


def report_csv(report: Report, text: ReportText) -> str:
    """The table as CSV: a row per sign (its number and name), a column per week (its start date, ISO 8601)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    dates = [week_start(week.week).isoformat() for week in report.weeks]
    writer.writerow([text.number_heading, text.sign_heading, *dates])
    for number, sign in enumerate(SIGN_IDS, start=1):
        writer.writerow([number, text.sign_names[sign], *(cell(text, week, sign) for week in report.weeks)])
    return buffer.getvalue()


def report_message(report: Report, text: ReportText, sender: str, recipient: str) -> bytes:
    """The whole email as MIME bytes (multipart/mixed: the text and HTML alternatives, then the CSV).

    The standard library's ``email`` and ``csv`` are imported here, on the turn that sends, not at cold start."""
    from email.message import EmailMessage
    from email.policy import SMTP
    from email.utils import make_msgid

    message = EmailMessage(policy=SMTP)
    message["Subject"] = text.subject
    message["From"] = sender
    message["To"] = recipient
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(report_plain_text(report, text), cte="quoted-printable")
    message.add_alternative(report_html(report, text), subtype="html", cte="quoted-printable")
    message.add_attachment(
        report_csv(report, text).encode("utf-8"), maintype="text", subtype="csv", filename=CSV_FILENAME
    )
    return message.as_bytes()


# --------------------------------------------------------------------------------------------------------------
# Saying where it goes


@dataclass(frozen=True)
class MaskedAddress:
    """An email address as it is said before sending: the first letter of the name, then the domain in full."""

    initial: str
    domain: str


def mask_address(address: str, dot: str) -> MaskedAddress | None:
    """("jane@example.com", "dot") -> ("j", "example dot com"): only the first letter of the name is said, the
    domain in full with ``dot`` (the locale's word) between its parts. ``None`` for anything not an address."""
    local, at, domain = address.strip().rpartition("@")
    if not at or not local or not domain or "." not in domain:
        return None
    return MaskedAddress(initial=local[0].lower(), domain=f" {dot} ".join(domain.lower().split(".")))
