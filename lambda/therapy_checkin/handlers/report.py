"""The progress report by email: "email me my progress report" sends the last eight weeks to the account's email.

The steps, each a turn only when it must be:

1. Not set up (no verified sender in the deployment): say so; nothing else happens.
2. The gate (:mod:`therapy_checkin.gate`), as for a recap: with a passcode set, it is asked first, and the report
   is taken up again once it is given (``RecapRequest.REPORT``).
3. Nothing to send (no ratings in the eight weeks), or one was sent today already: say so.
4. The account's email address (:mod:`therapy_checkin.account_email`). Without the permission
   ``alexa::profile:email:read``, Alexa asks for it by voice: voice-forward consent, a ``Connections.StartConnection``
   directive to ``AMAZON.AskForPermissionsConsent/2`` at the account's consent level (the only level Alexa offers
   for the email address). Alexa hands the session back in a ``SessionResumedRequest`` whose cause names each scope
   GRANTED or DENIED. Anything else (a status other than 200, no result: the question went unanswered or could not
   be asked) sends the permissions card to the Alexa app instead.
   The person's notes for their next session (:mod:`therapy_checkin.domain.notes`) go in only when they asked
   for them ("email me my report with my notes"): the request is kept as ``RecapRequest.REPORT_WITH_NOTES``
   through the passcode, and as ``SessionState.report_notes`` through the permission and the confirmation.
5. Say where it would go, partly masked ("the one starting with j, at example dot com"), and that in a shared
   home the account's address may not be the speaker's: every speaker hears this, a recognised voice too. Then
   ask whether to send it.
6. Yes: one report a day per person (a conditional write on their profile), then SES. If SES fails, the day is
   released so they can ask again.

The address is read from Alexa on the turns that need it and never stored, logged or kept in the session.
"""

from __future__ import annotations

from copy import deepcopy
from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents, mailer
from therapy_checkin.account_email import SCOPE, EmailUnavailable, Failure, account_email
from therapy_checkin.config import settings
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import zone
from therapy_checkin.gate import kept_notes, past_answers
from therapy_checkin.handlers.crisis import request_locale
from therapy_checkin.handlers.detour import say_then_go_on, start_detour
from therapy_checkin.handlers.replies import DETOUR_QUESTIONS, current_question, reply
from therapy_checkin.handlers.slots import resolved_id
from therapy_checkin.observability import count, logger
from therapy_checkin.session import DETOURS, REPORT_MODES, Mode, PendingRecap, RecapRequest
from therapy_checkin.speech import Speech
from therapy_checkin.speech.crisis import crisis_line
from therapy_checkin.storage import report_day_of
from therapy_checkin.turn import Turn, turn_of

if TYPE_CHECKING:
    from therapy_checkin.domain.report import MaskedAddress, Report, ReportText

NOTES = "notes"
"""The value ID of the report's ``include`` slot that asks for the notes."""
SESSION_RESUMED = "SessionResumedRequest"
CONSENT_URI = "connection://AMAZON.AskForPermissionsConsent/2"
PERMISSION_TOKEN = "progress-report"  # noqa: S105 - a request label, not a secret
"""Returned as-is in the ``SessionResumedRequest``: it names the request, and carries nothing of the user."""
CONSENT_REQUEST: dict[str, object] = {
    "@type": "AskForPermissionsConsentRequest",
    "@version": "2",
    "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
}
"""The ``input`` of the ``Connections.StartConnection`` directive that asks for the email permission by voice."""


# --------------------------------------------------------------------------------------------------------------
# Words


def report_text(speech: Speech, locale: str | None) -> ReportText:
    """Every written word of the report, from the person's catalogue; the crisis line follows their locale."""
    from therapy_checkin.domain.report import ReportText

    line = crisis_line(locale)
    catalogue = speech.catalogue
    return ReportText(
        subject=speech("report_subject"),
        title=speech("report_title"),
        intro=speech("report_intro", first="{first}", last="{last}"),
        chart_caption=speech("report_chart_caption"),
        sign_heading=speech("report_sign_heading"),
        number_heading=speech("report_number_heading"),
        skipped=speech("report_skipped"),
        notes_heading=speech("report_notes_heading"),
        attachment_note=speech("report_attachment_note"),
        disclaimer=speech("report_disclaimer"),
        crisis=speech("report_crisis", how=line.how, name=line.name, number=line.number, emergency=line.emergency),
        sign_names={sign: speech.sign(sign).name for sign in SIGN_IDS},
        date_label=catalogue.date,
        months=catalogue.months,
    )


def _today(turn: Turn) -> str:
    """The person's own date: one report a day is counted in their time zone."""
    return turn.now.astimezone(zone(turn.time_zone())).date().isoformat()


# --------------------------------------------------------------------------------------------------------------
# Steps


def _free_to_start(handler_input: HandlerInput) -> bool:
    """Not while another detour (a deletion, a passcode, a reminder) waits for its answer."""
    mode = turn_of(handler_input).state.mode
    return mode not in DETOURS or mode in REPORT_MODES


SETTLED = (Mode.IDLE, Mode.OFFER_RECAP, Mode.OFFER_REMINDER, Mode.RECAP_FOLLOW_UP)
"""Where nothing is under way: the report's last word closes the session."""


def _finish(handler_input: HandlerInput, message: str) -> Response:
    """Say ``message`` and go back to what the user was doing; outside any flow, close the session."""
    turn = turn_of(handler_input)
    turn.state.report_notes = False
    return say_then_go_on(handler_input, message, turn.speech("goodbye"), SETTLED)


def _report(turn: Turn, with_notes: bool) -> Report:
    """The eight weeks the gate lets through (raises for the passcode), with the notes for the next session only
    when the person asked for them (read through the same gate)."""
    then = PendingRecap(RecapRequest.REPORT_WITH_NOTES if with_notes else RecapRequest.REPORT)
    past = past_answers(turn, then=then)
    notes = [note.text for note in kept_notes(turn, then).notes] if with_notes else None
    from therapy_checkin.domain.report import build_report

    return build_report(past.current_week, past.weeks, notes)


def asks_for_notes(handler_input: HandlerInput) -> bool:
    """ "... with my notes": the report's ``include`` slot resolved to the notes."""
    return resolved_id(handler_input, intents.REPORT_PART_SLOT) == NOTES


def _sent_today(turn: Turn) -> bool:
    return report_day_of(turn.history().profile) == _today(turn)


def _address_or_reply(handler_input: HandlerInput, by_voice: bool = True) -> tuple[str, MaskedAddress] | Response:
    """The account's address and how it is said, or the response that says why there is none (or that asks for
    the permission: by voice, or with ``by_voice`` False, on the card, so an answer just given is never asked
    again in a loop)."""
    turn = turn_of(handler_input)
    try:
        address = account_email(handler_input)
    except EmailUnavailable as error:
        if error.failure is Failure.PERMISSION:
            return _ask_permission(handler_input) if by_voice else _permission_card(handler_input)
        return _finish(handler_input, turn.speech("report_address_unavailable"))
    from therapy_checkin.domain.report import mask_address

    masked = mask_address(address, turn.speech("report_dot")) if address is not None else None
    if address is None or masked is None:
        return _finish(handler_input, turn.speech("report_no_address"))
    return address, masked


def report_reply(handler_input: HandlerInput, with_notes: bool = False, by_voice: bool = True) -> Response:
    """ "Email me my progress report": check what can be checked, then say where it would go and ask.
    ``with_notes``: the person asked for their notes to be in it. ``by_voice``: the permission may still be asked
    by voice (not right after Alexa said it was granted)."""
    turn = turn_of(handler_input)
    if settings().report_sender is None:
        return _finish(handler_input, turn.speech("report_not_set_up"))
    if not _report(turn, with_notes).has_ratings:
        return _finish(handler_input, turn.speech("report_nothing_yet"))
    turn.state.report_notes = with_notes  # kept through the permission question and the confirmation
    if _sent_today(turn):
        return _finish(handler_input, turn.speech("report_once_a_day"))
    found = _address_or_reply(handler_input, by_voice)
    if isinstance(found, Response):
        return found
    _, masked = found
    start_detour(handler_input, Mode.CONFIRM_REPORT)
    count("ReportOffered")
    return reply(
        handler_input,
        turn.speech(
            "report_confirm_notes" if with_notes else "report_confirm", initial=masked.initial, domain=masked.domain
        ),
        turn.speech("reprompt_confirm_report"),
    )


def send_report(handler_input: HandlerInput) -> Response:
    """Yes to sending: one a day per person, then SES. The notes go in only when the person asked for them."""
    turn = turn_of(handler_input)
    sender = settings().report_sender
    if sender is None:
        return _finish(handler_input, turn.speech("report_not_set_up"))
    report = _report(turn, turn.state.report_notes)
    if not report.has_ratings:
        return _finish(handler_input, turn.speech("report_nothing_yet"))
    found = _address_or_reply(handler_input)
    if isinstance(found, Response):
        return found
    address, _ = found
    day = _today(turn)
    if not turn.store.reserve_report_day(turn.user, day, turn.now):
        return _finish(handler_input, turn.speech("report_once_a_day"))
    from therapy_checkin.domain.report import report_message

    message = report_message(report, report_text(turn.speech, request_locale(handler_input)), sender, address)
    try:
        mailer.send_raw(sender, address, message)
    except mailer.ReportNotSent:
        turn.store.release_report_day(turn.user, day, turn.now)
        return _finish(handler_input, turn.speech("report_not_sent"))
    count("ReportSent")
    return _finish(handler_input, turn.speech("report_sent"))


def _ask_permission(handler_input: HandlerInput) -> Response:
    """Hand the session to Alexa, which asks for the email permission by voice and then resumes it; the mode,
    the detour's way back and the wish for notes stay in the session attributes meanwhile."""
    from ask_sdk_model.interfaces.connections.v1 import StartConnectionDirective

    turn = turn_of(handler_input)
    start_detour(handler_input, Mode.REPORT_PERMISSION)
    count("ReportPermissionAsked")
    builder = handler_input.response_builder.speak(turn.speech("report_permission_lead"))
    builder.add_directive(
        StartConnectionDirective(uri=CONSENT_URI, input=deepcopy(CONSENT_REQUEST), token=PERMISSION_TOKEN)
    )
    return builder.response


def _permission_card(handler_input: HandlerInput) -> Response:
    """Voice consent is unavailable on this device: the permissions card in the Alexa app."""
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    turn = turn_of(handler_input)
    count("ReportPermissionCard")
    handler_input.response_builder.set_card(AskForPermissionsConsentCard(permissions=[SCOPE]))
    return _finish(handler_input, turn.speech("report_permission_card"))


# --------------------------------------------------------------------------------------------------------------
# Handlers


class EmailReportHandler(AbstractRequestHandler):
    """ "Email me my progress report", "send my report to my email"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.EMAIL_REPORT)(handler_input) and _free_to_start(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return report_reply(handler_input, with_notes=asks_for_notes(handler_input))


class ReportYesNoHandler(AbstractRequestHandler):
    """Yes or no to sending the report, or to asking again after the permission question went unanswered."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if turn_of(handler_input).state.mode not in REPORT_MODES:
            return False
        return is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.NO)(handler_input):
            count("ReportDeclined")
            return _finish(handler_input, turn.speech("report_declined"))
        if turn.state.mode is Mode.CONFIRM_REPORT:
            return send_report(handler_input)
        return report_reply(handler_input, with_notes=turn.state.report_notes)


def consent_status(cause: object) -> str | None:
    """GRANTED or DENIED for the email scope, from the ``cause`` of a ``SessionResumedRequest``; ``None`` when the
    connection did not complete with 200, or its result names no answer.

    The answer is read in either form seen for this task: each scope's ``permissionStatus`` (GRANTED or DENIED)
    in ``result.permissionScopes``, or one ``result.status`` for the request (ACCEPTED or DENIED). Taking either
    is safe: a DENIED sends nothing, and after a GRANTED the address is still read from the Customer Profile API,
    which refuses it (and the card is sent) unless the permission really is there."""
    status = getattr(getattr(cause, "status", None), "code", None)
    result = getattr(cause, "result", None)
    if str(status) != "200" or not isinstance(result, dict):
        return None
    scopes = result.get("permissionScopes")
    for entry in scopes if isinstance(scopes, list) else []:
        if isinstance(entry, dict) and entry.get("permissionScope") == SCOPE:
            answer = entry.get("permissionStatus")
            return answer if answer in ("GRANTED", "DENIED") else None
    overall = result.get("status")
    return {"ACCEPTED": "GRANTED", "DENIED": "DENIED"}.get(overall) if isinstance(overall, str) else None


def _resumed_token(handler_input: HandlerInput) -> str | None:
    """The token of the skill connection that resumed this session, if it is one."""
    if not is_request_type(SESSION_RESUMED)(handler_input):
        return None
    cause = getattr(handler_input.request_envelope.request, "cause", None)
    token = getattr(cause, "token", None)
    return token if isinstance(token, str) else ""


class ReportConsentHandler(AbstractRequestHandler):
    """Alexa hands the session back after asking for the email permission (voice-forward consent).

    GRANTED: on with the report, for the person who asked (the permission is not asked by voice again: if Alexa
    still refuses the address, the card). DENIED: nothing is sent. Not answered, or voice consent unavailable on
    this device: the card. Another voice answering finds no report waiting for it (the state was the asker's and
    was dropped): it hears the outcome, and nothing of anyone's report is offered or sent.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _resumed_token(handler_input) == PERMISSION_TOKEN

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        answer = consent_status(getattr(handler_input.request_envelope.request, "cause", None))
        if answer is None:
            return _permission_card(handler_input)
        if answer == "DENIED":
            count("ReportPermissionRefused")
            return _finish(handler_input, turn.speech("report_permission_denied"))
        count("ReportPermissionGranted")
        if turn.state.mode is not Mode.REPORT_PERMISSION:
            return _finish(handler_input, turn.speech("report_permission_granted_elsewhere"))
        return report_reply(handler_input, with_notes=turn.state.report_notes, by_voice=False)


class UnknownResumeHandler(AbstractRequestHandler):
    """A session resumed by a connection the skill did not start (an unknown token): its result is not acted on;
    the user hears what the skill was waiting for, so nothing is lost."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _resumed_token(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        logger.info("Session resumed by an unknown connection")
        if turn.state.mode in DETOURS:
            question = turn.speech(DETOUR_QUESTIONS[turn.state.mode])
            return reply(handler_input, question, question)
        question, reprompt = current_question(handler_input)
        return reply(handler_input, question, reprompt)
