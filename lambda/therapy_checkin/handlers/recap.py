"""Hearing how the weeks went: the weekly recap (this week's or the previous one) and one sign's trend.

The spoken text comes from pure functions (:mod:`therapy_checkin.domain.recap`, :mod:`therapy_checkin.domain.trends`);
here they meet the turn: the past answers the gate lets through (:mod:`therapy_checkin.gate`), the card, and the
chart on screens. :func:`recap_reply` and :func:`trend_reply` are the entry points; each asks the gate first,
so a passcode always comes before any rating is spoken or shown.

Every recap turn stays within :data:`RECAP_WORD_BUDGET` words, including what is said around the recap.
"""

from __future__ import annotations

from typing import Literal

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces, is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import StandardCard

from therapy_checkin import intents
from therapy_checkin.chart import TOKEN, chart_datasource, chart_document
from therapy_checkin.domain.checkin import WeekAnswers, resume_index
from therapy_checkin.domain.recap import (
    RECAP_WORD_BUDGET,
    build_recap,
    card_lines,
    compose_recap,
    first_answer_streak,
    word_count,
)
from therapy_checkin.domain.trends import Direction, trend_for
from therapy_checkin.domain.weeks import week_start
from therapy_checkin.gate import PastAnswers, past_answers
from therapy_checkin.handlers.replies import end, reply
from therapy_checkin.handlers.slots import is_sign_answer, resolved_sign
from therapy_checkin.session import Mode, PendingRecap, RecapRequest
from therapy_checkin.storage import StorageUnavailable
from therapy_checkin.turn import Turn, turn_of

Which = Literal["this", "last"]


def streak_to_store(turn: Turn) -> int | None:
    """The streak to store with this week's first answer; ``None`` once the week has answers (already stored).

    Only a count of weeks is worked out here, never spoken, so it needs no pass through the gate.
    """
    answers = turn.answers()
    if answers.started:
        return None
    if turn.state.streak is not None:
        return turn.state.streak  # worked out from the launch's read
    try:
        history = turn.history()
    except StorageUnavailable:
        return None  # the week is then counted from the weeks around it when a recap is read
    return first_answer_streak(answers.week, history.weeks, history.streaks)


def _recap_target(turn: Turn, past: PastAnswers, which: Which) -> tuple[WeekAnswers | None, str]:
    """The week to recap and a short lead-in: this week when it has answers, else the newest before it."""
    current = past.this_week
    earlier = past.latest_before(current.week)
    if which == "this":
        if current.started:
            return current, ""
        return earlier, turn.speech("recap_intro_last_check_in") if earlier else ""
    return earlier, turn.speech("recap_intro_last_week") if earlier else ""


def _closing(turn: Turn) -> tuple[str, str | None]:
    """What follows the recap: carry on, start this week, or goodbye (a ``None`` reprompt ends the session)."""
    state = turn.state
    speech = turn.speech
    if state.asking_sign:
        state.mode = Mode.OFFER_RESUME
        return speech("carry_on"), speech("reprompt_offer_resume")
    answers = turn.answers()
    index = resume_index(answers)
    if index is None:
        state.mode = Mode.IDLE
        return speech("goodbye"), None
    if answers.started:
        state.mode, state.index = Mode.OFFER_RESUME, index
        return speech("carry_on"), speech("reprompt_offer_resume")
    state.mode = Mode.OFFER_START
    return speech("recap_offer_start"), speech("reprompt_offer_start")


def _respond(handler_input: HandlerInput, speech: str, reprompt: str | None) -> Response:
    return reply(handler_input, speech, reprompt) if reprompt else end(handler_input, speech)


def _supports_apl(handler_input: HandlerInput) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except (AttributeError, TypeError):
        return False


def _card(handler_input: HandlerInput, past: PastAnswers, title: str, text: str) -> None:
    """A card in the Alexa app, which everyone on the account can open: ratings only where nobody's are private."""
    speech = turn_of(handler_input).speech
    if not past.ratings_on_cards:
        title, text = speech("card_private_title"), speech("card_private")
    handler_input.response_builder.set_card(StandardCard(title=title, text=text))


def _recap_response(
    handler_input: HandlerInput,
    past: PastAnswers,
    target: WeekAnswers,
    opening: str,
    closing: str,
    reprompt: str | None,
) -> Response:
    """Speak a recap of ``target`` between ``opening`` and ``closing``; show the card, and the chart on screens."""
    turn = turn_of(handler_input)
    speech = turn.speech
    recap = build_recap(
        target, past.weeks, past.streaks, current=target.week == past.current_week, earlier_known=past.earlier_known
    )
    short_name = lambda sign: speech.sign(sign).short_name  # noqa: E731 - a one-line adapter
    budget = RECAP_WORD_BUDGET - word_count(opening) - word_count(closing)
    sentences = compose_recap(recap, speech, short_name, budget=budget)
    recap_text = " ".join(sentences)
    _card(
        handler_input,
        past,
        speech("recap_card_title"),
        "\n".join([recap_text, "", *card_lines(recap, speech, short_name)]),
    )
    if _supports_apl(handler_input):
        from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

        datasource = chart_datasource(
            recap.this, recap.before, speech, short_name, before_is_last_week=recap.weeks_apart <= 1
        )
        handler_input.response_builder.add_directive(
            RenderDocumentDirective(token=TOKEN, document=chart_document(), datasources=datasource)
        )
    return _respond(handler_input, " ".join(part for part in (opening, recap_text, closing) if part), reprompt)


def recap_reply(handler_input: HandlerInput, which: Which = "this") -> Response:
    """The recap the user asked for: this week's (or the newest before it), or the one before this week."""
    turn = turn_of(handler_input)
    asked = RecapRequest.THIS_WEEK if which == "this" else RecapRequest.LAST_WEEK
    past = past_answers(turn, then=PendingRecap(asked))
    target, lead = _recap_target(turn, past, which)
    closing, reprompt = _closing(turn)
    if target is None:
        nothing = turn.speech("recap_none_yet" if which == "this" else "recap_no_earlier")
        return _respond(handler_input, f"{nothing} {closing}", reprompt)
    return _recap_response(handler_input, past, target, lead, closing, reprompt)


def check_in_recap(
    handler_input: HandlerInput, past: PastAnswers, opening: str, closing: str, reprompt: str | None = None
) -> Response:
    """The end of a check-in: ``opening`` (thanks), the week's recap, ``closing`` (goodbye); the session ends,
    unless ``closing`` asks a question (the offer of a reminder) and ``reprompt`` repeats it.

    When the earlier weeks cannot be read, the week is still recapped from this session's answers, without a
    comparison or a streak.
    """
    turn = turn_of(handler_input)
    turn.state.mode = Mode.IDLE
    return _recap_response(handler_input, past, past.this_week, opening, closing, reprompt)


class RecapHandler(AbstractRequestHandler):
    """ "How am I doing?", "give me my weekly recap", or yes to hearing how the week went."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name(intents.YES)(handler_input):
            return turn_of(handler_input).state.mode is Mode.OFFER_RECAP
        return is_intent_name(intents.RECAP)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return recap_reply(handler_input, "this")


class LastWeekRecapHandler(AbstractRequestHandler):
    """ "Last week's recap", "how did last week go"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.LAST_WEEK_RECAP)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return recap_reply(handler_input, "last")


def trend_reply(handler_input: HandlerInput, sign_id: str) -> Response:
    """How one sign moved over the last few weeks it was rated: direction, first and latest numbers, a card."""
    turn = turn_of(handler_input)
    past = past_answers(turn, then=PendingRecap(RecapRequest.TREND, sign_id))
    speech = turn.speech
    name = speech.sign(sign_id).short_name
    trend = trend_for(sign_id, past.weeks)
    direction = trend.direction
    if trend.first is None or trend.latest is None:
        text = speech("trend_none", name=name)
    elif direction is None:
        text = speech("trend_one", name=name, value=speech.number(trend.first))
    else:
        text = speech(
            _TREND_KEYS[direction],
            name=name,
            count=speech.number(len(trend.points)),
            first=speech.number(trend.first),
            latest=speech.number(trend.latest),
        )
    if trend.points:
        points = [
            speech("trend_card_point", date=speech.day(week_start(week)), value=value) for week, value in trend.points
        ]
        _card(handler_input, past, speech("trend_card_title", name=name), "\n".join([text, "", *points]))
    closing, reprompt = _closing(turn)
    return _respond(handler_input, f"{text} {closing}", reprompt)


_TREND_KEYS = {
    Direction.RISING: "trend_rising",
    Direction.STEADY: "trend_steady",
    Direction.DIPPING: "trend_dipping",
    Direction.UP_AND_DOWN: "trend_up_and_down",
}


def ask_which_sign(handler_input: HandlerInput) -> Response:
    """Ask which sign's trend to tell, once the gate is open (so a passcode comes before the question)."""
    turn = turn_of(handler_input)
    past_answers(turn, then=PendingRecap(RecapRequest.TREND))
    if turn.state.asking_sign:
        turn.state.return_to = turn.state.index
    turn.state.mode = Mode.CHOOSE_TREND
    return reply(handler_input, turn.speech("trend_which"), turn.speech("reprompt_trend_which"))


class TrendHandler(AbstractRequestHandler):
    """ "How have my boundaries been?", "how am I doing on sign four?"; without a clear sign, ask which."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.TREND)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is None:
            return ask_which_sign(handler_input)
        return trend_reply(handler_input, sign_id)


class ChooseTrendSignHandler(AbstractRequestHandler):
    """The answer to "which sign would you like to hear about?": a number or a sign's name."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if turn_of(handler_input).state.mode is not Mode.CHOOSE_TREND:
            return False
        return is_sign_answer(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is None:
            turn = turn_of(handler_input)
            return reply(handler_input, turn.speech("unknown_sign"), turn.speech("reprompt_trend_which"))
        return answer_trend(handler_input, sign_id)


def answer_trend(handler_input: HandlerInput, sign_id: str) -> Response:
    """The trend for a sign, leaving the "which sign?" question first if that is where the user was."""
    turn = turn_of(handler_input)
    if turn.state.mode is Mode.CHOOSE_TREND:
        if turn.state.return_to is not None:
            # Asked mid-check-in: come back to the sign the user was on after the trend.
            turn.state.ask(turn.state.return_to)
            turn.state.return_to = None
        else:
            turn.state.mode = Mode.IDLE
    return trend_reply(handler_input, sign_id)
