"""Hearing how the weeks went: the weekly recap (this week's or the previous one) and one sign's trend.

The spoken text comes from pure functions (:mod:`therapy_checkin.domain.recap`, :mod:`therapy_checkin.domain.trends`);
here they meet the turn: the past answers the gate lets through (:mod:`therapy_checkin.gate`), the card, and the
chart on screens. :func:`recap_reply` and :func:`trend_reply` are the entry points; each asks the gate first,
so a passcode always comes before any rating is spoken or shown.

Every turn that speaks a recap or a trend stays within :data:`RECAP_WORD_BUDGET` words, everything in it
included. A recap that does not fit says what matters most, then asks "Want to hear more?"; "yes" brings the
rest (:class:`RecapFollowUpHandler`). A heavy week (all ones, or a sharp fall across many signs) ends its
check-in with a kind word and the offer of the support line instead of a reminder or a goodbye; whatever the
answer, the user can then go on with the recap. In a session the user opened, every answer ends with one
question (carry on, start this week, the rest, or what to hear next), so a second request never reaches a closed
skill; a one-shot request ("Alexa, ask therapy check in how I'm doing") is answered and the session ends.
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
    Recap,
    RecapPart,
    ShortName,
    build_recap,
    card_lines,
    compose_recap,
    first_answer_streak,
    recap_head,
    recap_rest,
    week_seed,
    word_count,
)
from therapy_checkin.domain.signs import sign_number
from therapy_checkin.domain.trends import Shape, TrendShape, trend_for
from therapy_checkin.domain.weeks import week_start, weeks_between
from therapy_checkin.gate import PastAnswers, past_answers, summary_answers
from therapy_checkin.handlers.crisis import SENTENCE_PAUSE, distress_speech, helpline_card, request_locale
from therapy_checkin.handlers.replies import end, offer_reflection, reply
from therapy_checkin.handlers.slots import is_sign_answer, resolved_sign
from therapy_checkin.session import Mode, PendingRecap, RecapOffer, RecapRequest
from therapy_checkin.speech import Speech
from therapy_checkin.speech.crisis import crisis_line
from therapy_checkin.speech.ssml import join, pause
from therapy_checkin.storage import StorageUnavailable
from therapy_checkin.turn import Turn, turn_of

Which = Literal["this", "last"]

CARD_WORD_BUDGET = 200
"""The card holds the whole recap: it is read, not heard, so it need not wait for "more"."""


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


def _one_shot(handler_input: HandlerInput) -> bool:
    """A request that opened its own session ("Alexa, ask therapy check in how I'm doing"): answer, then close."""
    session = handler_input.request_envelope.session
    return bool(session is not None and session.new)


def _seed(turn: Turn) -> int:
    return week_seed(turn.answers().week)


def _follow_up(after: RecapRequest, past: PastAnswers | None) -> RecapOffer:
    """What to offer next: last week's recap after this week's (when there is one), else a sign's trend."""
    if after is RecapRequest.THIS_WEEK and past is not None:
        current = past.this_week
        if current.started and past.latest_before(current.week) is not None:
            return RecapOffer(RecapRequest.LAST_WEEK)
    return RecapOffer(RecapRequest.TREND)


_FOLLOW_UP_KEYS = {
    RecapRequest.LAST_WEEK: "recap_follow_up_last_week",
    RecapRequest.TREND: "recap_follow_up_trend",
}


def _closing(handler_input: HandlerInput, after: RecapRequest, past: PastAnswers | None) -> tuple[str, str | None]:
    """What follows a recap or a trend, as (speech, reprompt); a ``None`` reprompt ends the session.

    Mid-check-in: carry on. A one-shot request: goodbye. A week not finished: start or resume it. Otherwise the
    conversation stays open with one question: what to hear next.
    """
    turn = turn_of(handler_input)
    state = turn.state
    speech = turn.speech
    if state.asking_sign:
        state.mode = Mode.OFFER_RESUME
        return speech("carry_on"), speech("carry_on")
    if _one_shot(handler_input):
        state.mode = Mode.IDLE
        return speech("goodbye"), None
    answers = turn.answers()
    index = resume_index(answers)
    if index is not None and answers.started:
        state.mode, state.index = Mode.OFFER_RESUME, index
        return speech("carry_on"), speech("carry_on")
    if index is not None:
        state.mode = Mode.OFFER_START
        return speech("recap_offer_start"), speech("recap_offer_start")
    offer = _follow_up(after, past)
    state.mode, state.recap_offer = Mode.RECAP_FOLLOW_UP, offer
    key = "trend_follow_up" if after is RecapRequest.TREND else _FOLLOW_UP_KEYS[offer.request]
    question = speech(key, variant=_seed(turn))
    return question, question


def _offer_question(turn: Turn, offer: RecapOffer) -> str:
    """The question that made ``offer``, asked again."""
    if offer.request is RecapRequest.SUPPORT:
        return turn.speech("reprompt_heavy_week_offer")
    if offer.said is not None:
        return turn.speech("recap_reprompt_more")
    return turn.speech(_FOLLOW_UP_KEYS.get(offer.request, "recap_follow_up_trend"), variant=_seed(turn))


def _longest(speech: Speech, key: str) -> int:
    """The most words any variant of ``key`` has: room kept for the question that may end the turn."""
    return max(word_count(speech(key, variant=n)) for n in range(speech.variants(key)))


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


def _short_name(speech: Speech) -> ShortName:
    return lambda sign: speech.sign(sign).short_name


def _build(past: PastAnswers, target: WeekAnswers) -> Recap:
    return build_recap(
        target,
        past.weeks,
        past.streaks,
        current=target.week == past.current_week,
        earlier_known=past.earlier_known,
        weeks_ago=weeks_between(target.week, past.current_week),
    )


def _show(handler_input: HandlerInput, past: PastAnswers, recap: Recap) -> None:
    """The card (the whole recap and a line per sign) and, on screens, the chart."""
    speech = turn_of(handler_input).speech
    short_name = _short_name(speech)
    whole = " ".join(compose_recap(recap, speech, short_name, budget=CARD_WORD_BUDGET))
    _card(
        handler_input, past, speech("recap_card_title"), "\n".join([whole, "", *card_lines(recap, speech, short_name)])
    )
    if _supports_apl(handler_input):
        from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

        datasource = chart_datasource(
            recap.this, recap.before, speech, short_name, before_is_last_week=recap.weeks_apart <= 1
        )
        handler_input.response_builder.add_directive(
            RenderDocumentDirective(token=TOKEN, document=chart_document(), datasources=datasource)
        )


def _recap_response(
    handler_input: HandlerInput,
    past: PastAnswers,
    target: WeekAnswers,
    which: RecapRequest,
    opening: str,
    *,
    end_of_check_in: bool = False,
    question: tuple[str, str] | None = None,
) -> Response:
    """Speak the first part of a recap of ``target`` after ``opening``, then one question (or goodbye).

    The turn never passes :data:`RECAP_WORD_BUDGET` words: room is kept for the longest question that may end
    it, and what does not fit waits for "Want to hear more?" (only where the user can still answer).
    """
    turn = turn_of(handler_input)
    speech = turn.speech
    recap = _build(past, target)
    state = turn.state
    if end_of_check_in and recap.heavy and not _one_shot(handler_input):
        return _heavy_week_response(handler_input, past, recap, opening)
    # The closing if the recap fits; it tells whether the user can still be asked "Want to hear more?".
    closing: str
    reprompt: str | None
    if question is not None:
        (closing, reprompt), can_offer_more = question, False
    elif end_of_check_in:
        closing, reprompt = speech("check_in_goodbye", variant=week_seed(target.week)), None
        can_offer_more = not _one_shot(handler_input)
    else:
        closing, reprompt = _closing(handler_input, which, past)
        can_offer_more = state.mode is Mode.RECAP_FOLLOW_UP
    text, head = recap_turn(recap, speech, opening, closing, can_offer_more=can_offer_more)
    if head.more and can_offer_more:
        state.mode, state.recap_offer = Mode.RECAP_FOLLOW_UP, RecapOffer(which, said=head.said)
        reprompt = speech("recap_reprompt_more")
    elif end_of_check_in:
        state.mode = Mode.IDLE
    _show(handler_input, past, recap)
    return _respond(handler_input, text, reprompt)


def heavy_week(past: PastAnswers) -> bool:
    """Whether this week is a week of all ones or a sharp fall across many signs (:attr:`Recap.heavy`)."""
    return _build(past, past.this_week).heavy


def check_in_thanks(turn: Turn) -> str:
    """The thanks at the end of a check-in: "That's all twelve." and a thank-you that changes with the week."""
    speech = turn.speech
    return f"{speech('complete')} {speech('check_in_thanks', variant=_seed(turn))}"


def heavy_week_turn(recap: Recap, speech: Speech, opening: str) -> tuple[str, RecapPart]:
    """The end of a heavy week's check-in: ``opening``, what matters most of the recap, then a kind word and the
    offer of the support line (the kind word left out when the turn has no room for it). Pure, to be measured.

    When not even the recap's first fact fits, the turn is the offer alone and the recap waits for "go on"."""
    offers = (speech("heavy_week_offer"), speech("heavy_week_offer_short"))
    head = RecapPart((), 0, more=True)
    for offer in offers:
        head = recap_head(
            recap, speech, _short_name(speech), RECAP_WORD_BUDGET - word_count(opening) - word_count(offer)
        )
        if head.sentences:
            return " ".join(part for part in (opening, head.text, offer) if part), head
    return " ".join(part for part in (opening, offers[-1]) if part), head


def _heavy_week_response(handler_input: HandlerInput, past: PastAnswers, recap: Recap, opening: str) -> Response:
    """No reminder and no plain goodbye after a week of all ones or a sharp fall: the recap's first part, a kind
    word, and the offer of the support line; "yes" gives the line, and either answer gives the choice to go on."""
    turn = turn_of(handler_input)
    text, head = heavy_week_turn(recap, turn.speech, opening)
    said = head.said if head.more else None
    turn.state.mode, turn.state.recap_offer = Mode.RECAP_FOLLOW_UP, RecapOffer(RecapRequest.SUPPORT, said=said)
    _show(handler_input, past, recap)
    return reply(handler_input, text, turn.speech("reprompt_heavy_week_offer"))


def support_reply(handler_input: HandlerInput, offer: RecapOffer, *, wanted: bool) -> Response:
    """The answer to the offer of the support line after a heavy week: the line, said slowly as for someone in
    distress, when wanted; then the choice to go on: the rest of the recap when some is left, else a sign's
    trend. Reads nothing from the table: the line comes from the request's locale alone."""
    turn = turn_of(handler_input)
    speech = turn.speech
    if offer.said is not None:
        next_offer, question = RecapOffer(RecapRequest.THIS_WEEK, said=offer.said), speech("heavy_week_go_on_more")
    else:
        next_offer, question = RecapOffer(RecapRequest.TREND), speech("heavy_week_go_on")
    turn.state.mode, turn.state.recap_offer = Mode.RECAP_FOLLOW_UP, next_offer
    if not wanted:
        return reply(handler_input, f"{speech('heavy_week_declined')} {question}", question)
    line = crisis_line(request_locale(handler_input))
    said = join(distress_speech(speech, line, offer=False), pause(SENTENCE_PAUSE), question)
    card = StandardCard(title=speech("helpline_card_title"), text=helpline_card(speech, line))
    return handler_input.response_builder.speak(said).ask(question).set_card(card).response


def recap_turn(
    recap: Recap, speech: Speech, opening: str, closing: str, *, can_offer_more: bool
) -> tuple[str, RecapPart]:
    """The words of a turn that starts a recap: ``opening``, as much of the recap as fits, then ``closing``, or
    "Want to hear more?" when more is left and the user can still answer. Pure, so any history can be measured.

    Room is kept for the longest question that may end the turn, so it never passes :data:`RECAP_WORD_BUDGET`.
    """
    offer = max(_longest(speech, "recap_offer_more"), _longest(speech, "recap_offer_whole"))
    room = offer if can_offer_more else word_count(closing)
    head = recap_head(recap, speech, _short_name(speech), RECAP_WORD_BUDGET - word_count(opening) - room)
    if can_offer_more and not head.more and word_count(closing) > room:
        # Everything fitted beside the short question, but the closing that replaces it is longer.
        budget = RECAP_WORD_BUDGET - word_count(opening) - word_count(closing)
        head = recap_head(recap, speech, _short_name(speech), budget)
    if head.more and can_offer_more:
        key = "recap_offer_more" if head.said else "recap_offer_whole"
        closing = speech(key, variant=week_seed(recap.this.week))
    return " ".join(part for part in (opening, head.text, closing) if part), head


def recap_reply(handler_input: HandlerInput, which: Which = "this") -> Response:
    """The recap the user asked for: this week's (or the newest before it), or the one before this week."""
    turn = turn_of(handler_input)
    asked = RecapRequest.THIS_WEEK if which == "this" else RecapRequest.LAST_WEEK
    past = past_answers(turn, then=PendingRecap(asked))
    target, lead = _recap_target(turn, past, which)
    if target is None:
        closing, reprompt = _closing(handler_input, asked, past)
        nothing = turn.speech("recap_none_yet" if which == "this" else "recap_no_earlier")
        return _respond(handler_input, f"{nothing} {closing}", reprompt)
    return _recap_response(handler_input, past, target, asked, lead)


def recap_rest_reply(handler_input: HandlerInput, offer: RecapOffer) -> Response:
    """Yes to "Want to hear more?": what the first part left out, then what to hear next."""
    turn = turn_of(handler_input)
    which: Which = "last" if offer.request is RecapRequest.LAST_WEEK else "this"
    try:
        past = past_answers(turn, then=PendingRecap(offer.request))
    except StorageUnavailable:
        # The table went down after the first part (often the reason answers are waiting to be saved): this
        # week's recap can still be finished from this session's answers, as the end of a check-in does.
        summary = summary_answers(turn)
        if which == "last" or not isinstance(summary, PastAnswers):
            raise
        past = summary
    target, _ = _recap_target(turn, past, which)
    turn.state.recap_offer = None
    if target is None:
        closing, reprompt = _closing(handler_input, offer.request, past)
        return _respond(handler_input, closing, reprompt)
    recap = _build(past, target)
    closing, reprompt = _closing(handler_input, offer.request, past)
    budget = RECAP_WORD_BUDGET - word_count(closing)
    rest = recap_rest(recap, turn.speech, _short_name(turn.speech), offer.said or 0, budget)
    return _respond(handler_input, " ".join(part for part in (rest.text, closing) if part), reprompt)


def check_in_recap(
    handler_input: HandlerInput,
    past: PastAnswers,
    opening: str,
    aside: str = "",
    question: tuple[str, str] | None = None,
) -> Response:
    """The end of a check-in: ``opening`` (thanks) and ``aside`` (such as answers not saved yet), then as much
    of the week's recap as fits the turn, and "Want to hear more?" when there is more; otherwise goodbye.
    A ``question`` (and its reprompt), such as the offer of a weekly reminder, takes the place of both.

    When the earlier weeks cannot be read, the week is still recapped from this session's answers, without a
    comparison or a streak.
    """
    turn = turn_of(handler_input)
    turn.state.mode = Mode.IDLE
    said_first = " ".join(part for part in (opening, aside) if part)
    return _recap_response(
        handler_input, past, past.this_week, RecapRequest.THIS_WEEK, said_first, end_of_check_in=True, question=question
    )


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
    """How one sign moved over the last few weeks it was rated: the shape of its ratings in words, a card."""
    turn = turn_of(handler_input)
    past = past_answers(turn, then=PendingRecap(RecapRequest.TREND, sign_id))
    speech = turn.speech
    name = speech.sign(sign_id).short_name
    trend = trend_for(sign_id, past.weeks)
    shape = trend.shape
    # Variants turn with the week and differ from sign to sign, so two trends in a row do not sound alike.
    variant = _seed(turn) + sign_number(sign_id)
    if trend.first is None:
        text = speech("trend_none", name=name)
    elif shape is None:
        text = speech("trend_one", variant=variant, name=name, value=speech.number(trend.first))
    else:
        text = trend_words(speech, name, len(trend.points), shape, variant)
    if trend.points:
        points = [
            speech("trend_card_point", date=speech.day(week_start(week)), value=value) for week, value in trend.points
        ]
        _card(handler_input, past, speech("trend_card_title", name=name), "\n".join([text, "", *points]))
    closing, reprompt = _closing(handler_input, RecapRequest.TREND, past)
    return _respond(handler_input, f"{text} {closing}", reprompt)


def trend_words(speech: Speech, name: str, count: int, shape: TrendShape, variant: int = 0) -> str:
    """One sentence for a sign's trend: its shape, with the first and latest numbers only where they differ."""
    key = f"trend_{shape.shape.value}"
    if not shape.ends_apart and shape.shape is Shape.DIP_AND_RECOVERY:
        key = "trend_dip_and_back"
    elif not shape.ends_apart and shape.shape is Shape.UP_AND_DOWN:
        key = "trend_up_and_down_back"
    numbers = {
        field: speech.number(value)
        for field, value in (
            ("first", shape.first),
            ("latest", shape.latest),
            ("low", shape.low),
            ("high", shape.high),
            ("usual", shape.usual),
        )
    }
    return speech(key, variant=variant, name=name, count=speech.number(count), **numbers)


def ask_which_sign(handler_input: HandlerInput) -> Response:
    """Ask which sign's trend to tell, once the gate is open (so a passcode comes before the question)."""
    turn = turn_of(handler_input)
    past_answers(turn, then=PendingRecap(RecapRequest.TREND))
    if turn.state.asking_sign:
        turn.state.return_to = turn.state.index
    turn.state.mode = Mode.CHOOSE_TREND
    return reply(handler_input, turn.speech("trend_which"), turn.speech("trend_which_reprompt"))


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
            return reply(handler_input, turn.speech("unknown_sign"), turn.speech("trend_which_reprompt"))
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


MORE_OF_THE_RECAP = (intents.EXPLAIN, intents.RESUME, intents.NEXT)
"""At "Shall I tell you more?", "tell me more", "more", "the rest", "go on" and "next" mean yes: words that
elsewhere ask what a sign means or move to the next sign; the mode decides."""


class RecapFollowUpHandler(AbstractRequestHandler):
    """Yes or no to the question after a recap or a trend: the rest of the recap, or what was offered next.
    "Repeat" asks the question again."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        state = turn_of(handler_input).state
        if state.mode is not Mode.RECAP_FOLLOW_UP:
            return False
        answers: tuple[str, ...] = (intents.YES, intents.NO, intents.REPEAT)
        offer = state.recap_offer
        if offer is not None and offer.said is not None and offer.request is not RecapRequest.SUPPORT:
            answers += MORE_OF_THE_RECAP
        return any(is_intent_name(name)(handler_input) for name in answers)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        offer = turn.state.recap_offer
        if is_intent_name(intents.REPEAT)(handler_input) and offer is not None:
            question = _offer_question(turn, offer)
            return reply(handler_input, question, question)
        turn.state.mode, turn.state.recap_offer = Mode.IDLE, None
        if offer is not None and offer.request is RecapRequest.SUPPORT:
            return support_reply(handler_input, offer, wanted=not is_intent_name(intents.NO)(handler_input))
        if is_intent_name(intents.NO)(handler_input) or offer is None:
            # Before goodbye, a completed week offers a reflection on the sign that moved most (replies.py).
            reflection = offer_reflection(handler_input)
            return reflection or end(handler_input, turn.speech("recap_follow_up_done", variant=_seed(turn)))
        if offer.said is not None:
            return recap_rest_reply(handler_input, offer)
        if offer.request is RecapRequest.LAST_WEEK:
            return recap_reply(handler_input, "last")
        if offer.request is RecapRequest.THIS_WEEK:
            return recap_reply(handler_input, "this")
        return ask_which_sign(handler_input)
