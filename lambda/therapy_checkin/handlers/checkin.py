"""The check-in itself: launching, starting or resuming, rating, skipping, going back, explaining.

Where a rating is saved: :func:`record_rating` (one DynamoDB UpdateItem per answer, before the next question).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot, is_intent_name, is_request_type
from ask_sdk_model import Response

from therapy_checkin import intents, saving
from therapy_checkin.domain.checkin import MISSES_BEFORE_SKIP_OFFER, next_sign_index, resume_index
from therapy_checkin.domain.ratings import (
    Between,
    NotARating,
    OutOfRange,
    Rating,
    RatingOutcome,
    parse_between,
    parse_rating,
)
from therapy_checkin.domain.reminders import BareHour, ClockTime, parse_time
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.gate import PastAnswers, SummaryWithheld, summary_answers
from therapy_checkin.handlers.recap import check_in_recap, check_in_thanks, heavy_week, streak_to_store
from therapy_checkin.handlers.reminders import offers_reminder
from therapy_checkin.handlers.replies import (
    acknowledgement,
    ask_sign,
    end,
    familiar,
    own_question,
    reask_sign,
    reply,
    saving_note,
    sign_reprompt,
    start_or_resume,
    with_saving_note,
)
from therapy_checkin.handlers.slots import resolved_leaning, slot_text
from therapy_checkin.observability import count
from therapy_checkin.session import MAX_EXPLAINED, OFFERS, Mode
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
        offers_reminder(turn)  # decided from this read and kept, so the check-in's last turn reads nothing
        # A profile without a first visit holds only settings (a passcode set in a one-shot request).
        if history.profile is None or history.profile.first_seen is None:
            turn.time_zone()
            turn.save_profile(first_visit=True)
            turn.answers()  # keep this (empty) week in the session, so the next turn need not read the table
            turn.state.familiar = False
            turn.state.mode = Mode.OFFER_START
            welcome = " ".join((speech("welcome_first"), speech("disclaimer"), speech("offer_first")))
            return reply(handler_input, welcome, speech("reprompt_offer_start"))
        answers = turn.answers()
        familiar(turn)  # worked out now, from the history just read, and kept in the session
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


def is_no(handler_input: HandlerInput) -> bool:
    """No, or an answer in words that means it ("not at all", "not much"): "not really" is a no to an offer."""
    if is_intent_name(intents.NO)(handler_input):
        return True
    return is_intent_name(intents.LEANING)(handler_input) and resolved_leaning(handler_input) == "low"


class DeclineOfferHandler(AbstractRequestHandler):
    """No to starting, resuming or hearing the recap: nothing changes, and the session closes kindly. After a
    finished week there is nothing left to ask, so it says goodbye rather than listing what else could be said."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_no(handler_input) and _mode_is(handler_input, *OFFERS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.state.mode is Mode.OFFER_RECAP:
            turn.state.mode = Mode.IDLE
            return end(handler_input, turn.speech("done_no_recap"))
        return end(handler_input, turn.speech("not_now"))


def record_rating(handler_input: HandlerInput, value: int) -> Response:
    """Save the rating for the sign being asked, then move on. The write happens before anything is said."""
    turn = turn_of(handler_input)
    state = turn.state
    sign_id = SIGN_IDS[state.index]
    answers = turn.answers().with_rating(sign_id, value)
    # The answer that completes the week carries the completion mark in the same write.
    completes = (
        state.mode is not Mode.CHANGING and not answers.completed and next_sign_index(answers, state.index) is None
    )
    rating = saving.rating(turn, sign_id, value, streak=streak_to_store(turn))
    stored = saving.save(turn, rating, *((saving.completion(turn),) if completes else ()))
    if stored:
        count("RatingsSaved")
        if completes:
            count("CheckInsCompleted")
    state.answers = answers.as_completed() if completes else answers
    if state.mode is Mode.CHANGING:
        name, spoken = turn.speech.sign(sign_id).short_name, turn.speech.number(value)
        changed = turn.speech("change_saved", name=name, value=spoken)
        return after_change(handler_input, with_saving_note(turn, stored, changed).strip())
    return advance(handler_input, with_saving_note(turn, stored, acknowledgement(turn, "ack_rating", state.index)))


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
    if turn.state.pending:
        unsaved: tuple[str, ...] = (turn.speech("unsaved_at_end"),)
    else:
        unsaved = tuple(filter(None, (saving_note(turn, stored=True),)))
    # After the first completed check-in: offer a weekly reminder instead of saying goodbye; never after a heavy
    # week, which gets a kind word and the support line instead (check_in_recap).
    heavy = isinstance(summary, PastAnswers) and heavy_week(summary)
    offer = not turn.state.pending and not heavy and offers_reminder(turn)  # not while answers wait for the table
    question = (turn.speech("reminder_offer"), turn.speech("reprompt_reminder_offer")) if offer else None
    thanks = check_in_thanks(turn)
    if isinstance(summary, PastAnswers):
        response = check_in_recap(handler_input, summary, thanks, " ".join(unsaved), question)
    else:
        protected = turn.speech("recap_protected") if summary is SummaryWithheld.PROTECTED else ""
        closing = question[0] if question else turn.speech("goodbye")
        text = " ".join(part for part in (thanks, protected, *unsaved, closing) if part)
        response = reply(handler_input, text, question[1]) if question else end(handler_input, text)
    if offer:
        turn.state.mode = Mode.OFFER_REMINDER
    return response


def missed_answer(handler_input: HandlerInput, message: str, offered: str | None = None) -> Response:
    """An answer that cannot be used: nothing is stored; after the second miss, offer to skip. Once the skip is
    on offer, ``offered`` (a number off the scale, say) says what was wrong with the answer and keeps the offer."""
    turn = turn_of(handler_input)
    if offered is not None and turn.state.misses >= MISSES_BEFORE_SKIP_OFFER:
        turn.state.misses += 1
        return reply(handler_input, offered, turn.speech("reprompt_offer_skip"))
    turn.state.misses += 1
    if turn.state.misses >= MISSES_BEFORE_SKIP_OFFER:
        return reply(handler_input, turn.speech("offer_skip"), turn.speech("reprompt_offer_skip"))
    return reask_sign(handler_input, message)


class RateHandler(AbstractRequestHandler):
    """A number while a sign is being asked. Only a whole number from one to five is ever stored.

    A number in answer to "Shall we pick up there?" picks up there: it is the answer for the sign that waits."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not is_intent_name(intents.RATE)(handler_input):
            return False
        return _asking_sign(handler_input) or _mode_is(handler_input, Mode.OFFER_RESUME)

    def handle(self, handler_input: HandlerInput) -> Response:
        state = turn_of(handler_input).state
        if state.mode is Mode.OFFER_RESUME:
            state.ask(state.index)
        return answer_rating(handler_input, parse_rating(slot_text(handler_input, intents.RATING_SLOT)))


class StrayReminderAnswerHandler(AbstractRequestHandler):
    """A bare time heard while a sign is asked: Alexa may hear "four" as 4 o'clock. An hour from one to five on
    the hour is taken as that rating; anything else is a missed answer, and the sign is asked again."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REMINDER_ANSWER)(handler_input) and _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        time = parse_time(slot_text(handler_input, intents.TIME_SLOT))
        hour = time.hour if isinstance(time, BareHour) else None
        day = get_slot(handler_input, intents.DAY_SLOT)
        if isinstance(time, ClockTime) and time.minute == 0 and not (day is not None and day.value):
            hour = time.hour % 12
        if hour is not None and 1 <= hour <= 5:
            return record_rating(handler_input, hour)
        return missed_answer(handler_input, turn.speech("fallback_rating", question=turn.speech("question")))


def answer_rating(handler_input: HandlerInput, outcome: RatingOutcome) -> Response:
    """Store a whole rating; ask which is closer for one in between; ask again, with the scale, for anything else."""
    turn = turn_of(handler_input)
    speech = turn.speech
    question = own_question(turn, turn.state.index, scale=False)
    match outcome:
        case Rating(value):
            return record_rating(handler_input, value)
        case Between(low, high):
            key = "between" if high == low + 1 else "between_wide"
            low_word, high_word = speech.number(low), speech.number(high)
            return reply(
                handler_input,
                speech(key, low=low_word, high=high_word),
                speech(f"reprompt_{key}", low=low_word, high=high_word),
            )
        case OutOfRange():
            return missed_answer(
                handler_input, speech("out_of_range", question=question), speech("offer_skip_out_of_range")
            )
        case NotARating():
            return missed_answer(
                handler_input, speech("not_a_rating", question=question), speech("offer_skip_not_a_rating")
            )


LEANINGS = {"high": "leaning_high", "middle": "leaning_middle", "low": "leaning_low"}
"""A sign answered in words, by the slot value's ID: the reply names the numbers that fit those words."""


class OffScriptHandler(AbstractRequestHandler):
    """Answers to a sign that are not a whole number, each met where it is, and none counted as a miss:

    * between two numbers ("three and a half", "three or four"): which is closer? Nothing is stored yet.
    * in words ("pretty good", "kind of", "not at all"), or yes or no ("not really" is heard as no): the numbers
      that fit those words, then which one.
    * unsure ("I don't know", "hard to say"): an offer to skip, which the skip offer's yes or no then answers.

    Registered after the skip offer's handler, so yes and no after that offer still mean skip or don't.
    """

    INTENTS = (intents.IN_BETWEEN, intents.LEANING, intents.UNSURE, intents.YES, intents.NO)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _asking_sign(handler_input) and any(is_intent_name(name)(handler_input) for name in self.INTENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.IN_BETWEEN)(handler_input):
            lower, upper = slot_text(handler_input, intents.LOWER_SLOT), slot_text(handler_input, intents.UPPER_SLOT)
            return answer_rating(handler_input, parse_between(lower, upper))
        if is_intent_name(intents.UNSURE)(handler_input):
            turn.state.misses = MISSES_BEFORE_SKIP_OFFER
            return reply(handler_input, turn.speech("unsure"), turn.speech("reprompt_offer_skip"))
        if is_intent_name(intents.YES)(handler_input):
            leaning: str | None = "high"
        elif is_intent_name(intents.NO)(handler_input):
            leaning = "low"
        else:
            leaning = resolved_leaning(handler_input)
        message = turn.speech(LEANINGS.get(leaning or "middle", "leaning_middle"))
        return reply(handler_input, message, sign_reprompt(turn, turn.state.index))


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
        prefix = with_saving_note(turn, stored, acknowledgement(turn, "ack_skipped", turn.state.index))
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
        return reask_sign(handler_input, own_question(turn, turn.state.index))


class PreviousHandler(AbstractRequestHandler):
    """ "Go back": ask the previous sign again; the new answer replaces the old one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.PREVIOUS)(handler_input) and _mode_is(handler_input, Mode.RATING)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.state.index == 0:
            turn.state.misses = 0
            return reask_sign(handler_input, turn.speech("no_previous") + own_question(turn, 0))
        return ask_sign(handler_input, turn.state.index - 1, turn.speech("going_back"))


class ExplainHandler(AbstractRequestHandler):
    """ "What does that mean?" / "tell me more": more about the sign, then the question again.

    Someone who heard only the sign's name and short question first hears its full statement (the words a first
    check-in reads); asked again, or after the statement was read, the longer explanation.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.EXPLAIN)(handler_input) and _asking_sign(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        state = turn.state
        text = turn.speech.sign(SIGN_IDS[state.index])
        question = turn.speech("question")
        if familiar(turn) and state.explained == 0 and state.mode is Mode.RATING:
            message = turn.speech("explain_prompt", prompt=text.prompt, question=question)
        else:
            message = turn.speech("explain", explanation=text.explanation, question=question)
        state.explained = min(state.explained + 1, MAX_EXPLAINED)
        return reask_sign(handler_input, message)
