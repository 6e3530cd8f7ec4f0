"""The check-in itself: launching, starting or resuming, rating, skipping, going back, explaining.

Where a rating is saved: :func:`record_rating` (one DynamoDB UpdateItem per answer, before the next question).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents, saving
from therapy_checkin.domain.checkin import MISSES_BEFORE_SKIP_OFFER, next_sign_index, resume_index
from therapy_checkin.domain.ratings import NotARating, OutOfRange, Rating, parse_rating
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.gate import PastAnswers, SummaryWithheld, summary_answers
from therapy_checkin.handlers.recap import check_in_recap, streak_to_store
from therapy_checkin.handlers.replies import ask_sign, end, reask_sign, reply, sign_question, start_or_resume
from therapy_checkin.handlers.slots import slot_text
from therapy_checkin.observability import count
from therapy_checkin.session import OFFERS, Mode
from therapy_checkin.turn import turn_of


def _mode_is(handler_input: HandlerInput, *modes: Mode) -> bool:
    return turn_of(handler_input).state.mode in modes


def _asking_sign(handler_input: HandlerInput) -> bool:
    return turn_of(handler_input).state.asking_sign


class LaunchHandler(AbstractRequestHandler):
    """Launch ("Alexa, open therapy check in"): welcome, then offer what fits where the user is this week."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        speech = turn.speech
        history = turn.history()
        # A profile without a first visit holds only settings (a passcode set in a one-shot request).
        if history.profile is None or history.profile.first_seen is None:
            turn.store.save_profile(turn.user, turn.now, time_zone=turn.time_zone())
            turn.answers()  # keep this (empty) week in the session, so the next turn need not read the table
            turn.state.mode = Mode.OFFER_START
            welcome = " ".join((speech("welcome_first"), speech("disclaimer"), speech("offer_first")))
            return reply(handler_input, welcome, speech("reprompt_offer_start"))
        answers = turn.answers()
        index = resume_index(answers)
        if index is None:
            turn.state.mode = Mode.OFFER_RECAP
            return reply(handler_input, speech("welcome_done"), speech("reprompt_offer_recap"))
        if answers.started:
            turn.state.mode, turn.state.index = Mode.OFFER_RESUME, index
            name = speech.sign(SIGN_IDS[index]).name
            return reply(
                handler_input,
                speech("welcome_resume", number=speech.number(index + 1), name=name),
                speech("reprompt_offer_resume"),
            )
        turn.state.mode = Mode.OFFER_START
        return reply(handler_input, speech("welcome_new_week"), speech("reprompt_offer_start"))


class StartCheckInHandler(AbstractRequestHandler):
    """Yes to an offer to start or resume, or "start my check-in" / "resume" from anywhere but mid-sign."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name(intents.YES)(handler_input):
            return _mode_is(handler_input, Mode.OFFER_START, Mode.OFFER_RESUME)
        return (
            is_intent_name(intents.START_CHECK_IN)(handler_input) or is_intent_name(intents.RESUME)(handler_input)
        ) and not _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return start_or_resume(handler_input)


class DeclineOfferHandler(AbstractRequestHandler):
    """No to starting, resuming or hearing the recap: nothing changes, and the door stays open."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.NO)(handler_input) and _mode_is(handler_input, *OFFERS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.state.mode is Mode.OFFER_RECAP:
            turn.state.mode = Mode.DONE_MENU
            return reply(handler_input, turn.speech("done_no_recap"), turn.speech("reprompt_done_menu"))
        return end(handler_input, turn.speech("not_now"))


def record_rating(handler_input: HandlerInput, value: int) -> Response:
    """Save the rating for the sign being asked, then move on. The write happens before anything is said."""
    turn = turn_of(handler_input)
    state = turn.state
    sign_id = SIGN_IDS[state.index]
    stored = saving.save(turn, saving.rating(turn, sign_id, value, streak=streak_to_store(turn)))
    if stored:
        count("RatingsSaved")
    state.answers = turn.answers().with_rating(sign_id, value)
    if state.mode is Mode.CHANGING:
        name, spoken = turn.speech.sign(sign_id).short_name, turn.speech.number(value)
        return after_change(
            handler_input,
            turn.speech("change_saved", name=name, value=spoken) if stored else turn.speech("not_saved_kept"),
        )
    return advance(handler_input, turn.speech("ack_rating") if stored else turn.speech("not_saved_kept") + " ")


def advance(handler_input: HandlerInput, prefix: str) -> Response:
    """Ask the next open sign, or finish the check-in when none is left."""
    turn = turn_of(handler_input)
    following = next_sign_index(turn.answers(), turn.state.index)
    if following is None:
        return finish(handler_input)
    return ask_sign(handler_input, following, prefix)


def after_change(handler_input: HandlerInput, saved: str) -> Response:
    """After changing one answer: back to the sign the user was on, or to the menu."""
    turn = turn_of(handler_input)
    return_to = turn.state.return_to
    turn.state.return_to = None
    if return_to is not None:
        return ask_sign(handler_input, return_to, saved + " ")
    turn.state.mode = Mode.DONE_MENU
    return reply(handler_input, f"{saved} {turn.speech('reprompt_done_menu')}", turn.speech("reprompt_done_menu"))


def finish(handler_input: HandlerInput) -> Response:
    """The last sign is answered: thank the user, mark the week complete, and sum it up."""
    turn = turn_of(handler_input)
    answers = turn.answers()
    if not answers.completed and saving.save(turn, saving.completion(turn)):
        count("CheckInsCompleted")
    turn.state.answers = answers.as_completed()
    turn.state.mode = Mode.IDLE
    # The recap passes the gate like any other: with a passcode not given this session, it is not read aloud.
    summary = summary_answers(turn)
    unsaved = (turn.speech("unsaved_at_end"),) if turn.state.pending else ()
    closing = " ".join((*unsaved, turn.speech("goodbye")))
    if isinstance(summary, PastAnswers):
        return check_in_recap(handler_input, summary, turn.speech("complete"), " ".join(unsaved))
    protected = turn.speech("recap_protected") if summary is SummaryWithheld.PROTECTED else ""
    return end(handler_input, " ".join(part for part in (turn.speech("complete"), protected, closing) if part))


def missed_answer(handler_input: HandlerInput, message: str) -> Response:
    """An answer that cannot be used: nothing is stored; after the second miss, offer to skip."""
    turn = turn_of(handler_input)
    turn.state.misses += 1
    if turn.state.misses >= MISSES_BEFORE_SKIP_OFFER:
        return reply(handler_input, turn.speech("offer_skip"), turn.speech("reprompt_offer_skip"))
    return reask_sign(handler_input, message)


class RateHandler(AbstractRequestHandler):
    """A number while a sign is being asked. Only a whole number from one to five is ever stored."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.RATE)(handler_input) and _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        speech = turn_of(handler_input).speech
        outcome = parse_rating(slot_text(handler_input, intents.RATING_SLOT))
        match outcome:
            case Rating(value):
                return record_rating(handler_input, value)
            case OutOfRange():
                return missed_answer(handler_input, speech("out_of_range", question=speech("question")))
            case NotARating():
                return missed_answer(handler_input, speech("not_a_rating", question=speech("question")))


class SkipHandler(AbstractRequestHandler):
    """ "Skip" / "next": leave this sign unrated and move on. An earlier rating of the sign is kept."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        skip = is_intent_name(intents.SKIP)(handler_input) or is_intent_name(intents.NEXT)(handler_input)
        return skip and _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        return skip_current(handler_input)


def skip_current(handler_input: HandlerInput) -> Response:
    turn = turn_of(handler_input)
    sign_id = SIGN_IDS[turn.state.index]
    answers = turn.answers()
    if sign_id in answers.ratings:
        prefix = turn.speech("ack_kept")
    else:
        stored = saving.save(turn, saving.skip(turn, sign_id, streak=streak_to_store(turn)))
        turn.state.answers = answers.with_skip(sign_id)
        prefix = turn.speech("ack_skipped") if stored else turn.speech("not_saved_kept") + " "
    if turn.state.mode is Mode.CHANGING:
        return after_change(handler_input, prefix.strip())
    return advance(handler_input, prefix)


class SkipOfferHandler(AbstractRequestHandler):
    """Yes or no after the skill offered to skip a sign that was hard to rate."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        yes_or_no = is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)
        state = turn_of(handler_input).state
        return yes_or_no and state.asking_sign and state.misses >= MISSES_BEFORE_SKIP_OFFER

    def handle(self, handler_input: HandlerInput) -> Response:
        if is_intent_name(intents.YES)(handler_input):
            return skip_current(handler_input)
        turn = turn_of(handler_input)
        turn.state.misses = MISSES_BEFORE_SKIP_OFFER - 1
        return reask_sign(handler_input, turn.speech("question"))


class PreviousHandler(AbstractRequestHandler):
    """ "Go back": ask the previous sign again; the new answer replaces the old one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.PREVIOUS)(handler_input) and _mode_is(handler_input, Mode.RATING)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.state.index == 0:
            turn.state.misses = 0
            return reply(
                handler_input,
                turn.speech("no_previous") + sign_question(turn, 0),
                turn.speech("reprompt_sign", name=turn.speech.sign(SIGN_IDS[0]).name),
            )
        return ask_sign(handler_input, turn.state.index - 1, turn.speech("going_back"))


class ExplainHandler(AbstractRequestHandler):
    """ "What does that mean?": a few sentences about the sign, then the same question."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.EXPLAIN)(handler_input) and _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        text = turn.speech.sign(SIGN_IDS[turn.state.index])
        return reask_sign(
            handler_input, turn.speech("explain", explanation=text.explanation, question=turn.speech("question"))
        )
