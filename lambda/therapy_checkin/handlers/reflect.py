"""A guided reflection on one sign: about a minute of words and pauses, hands-free, with nothing rated or stored.

"Help me reflect on boundaries", "can we reflect on sign seven", yes to the offer at the end of a check-in, or
"guide me through a reflection" (mid-check-in: on the sign being asked; elsewhere the skill asks which). The
reflection is one response (:func:`reflection_speech`): what the sign looks like in daily life, an open question,
time to think, a second question, time to think, a short close, then one question. The person need not say
anything until then, and Alexa lets them interrupt with the wake word at any point:

* "stop" ends kindly (the stop handler; mid-check-in it says the answers are saved);
* "next" or "skip": asked for mid-check-in, back to the check-in's sign; otherwise on to the next sign's
  reflection, which is also what "yes" to the closing question brings;
* "repeat" says the same reflection again; "no" ends kindly.

It reads nothing and writes nothing: the session keeps the mode, the sign, the check-in's place, and which telling
of each sign was heard (:attr:`therapy_checkin.session.SessionState.reflected`).
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.domain.reflection import reflection_variant
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import week_of
from therapy_checkin.handlers.checkin import is_no
from therapy_checkin.handlers.replies import (
    ask_sign,
    current_question,
    end,
    next_reflection,
    reflection_question,
    reply,
)
from therapy_checkin.handlers.slots import is_sign_answer, resolved_sign, slot_text
from therapy_checkin.session import Mode, SessionState
from therapy_checkin.speech import Speech
from therapy_checkin.speech.ssml import Ssml, join, pause
from therapy_checkin.turn import Turn, turn_of

SETTLE_MS = 1000
"""After the opening words, before the sign's picture of daily life."""
BEFORE_QUESTION_MS = 1500
"""A breath before the first question, and before the words that follow the close."""
THINK_MS = 10_000
"""Time to think after each question: the longest break Alexa allows in one ``<break>``."""


def reflection_speech(speech: Speech, sign_id: str, variant: int) -> Ssml:
    """One telling of a sign's reflection, as spoken: the parts in order, with the pauses between them."""
    text = speech.reflection(sign_id, variant)
    return join(
        speech("reflect_intro", variant=variant, name=speech.sign(sign_id).name),
        pause(SETTLE_MS),
        text.daily,
        pause(BEFORE_QUESTION_MS),
        text.first,
        pause(THINK_MS),
        text.second,
        pause(THINK_MS),
        text.close,
        pause(BEFORE_QUESTION_MS),
        speech("reflect_note_hint"),
    )


def check_in_place(state: SessionState) -> int | None:
    """The check-in's sign the user was on, to come back to after a reflection; ``None`` outside a check-in."""
    if state.mode is Mode.RATING:
        return state.index
    if state.mode in (Mode.CHANGING, Mode.CHOOSE_SIGN, Mode.CHOOSE_TREND, Mode.REFLECTING, Mode.CHOOSE_REFLECTION):
        return state.return_to
    return None


def reflect(handler_input: HandlerInput, index: int, *, again: bool = False) -> Response:
    """Speak the reflection on sign ``index`` (the telling just heard, when ``again``), then one question."""
    turn = turn_of(handler_input)
    state = turn.state
    return_to = check_in_place(state)
    bit = 1 << index
    if again:
        state.reflected ^= bit  # back to the telling just heard
    variant = reflection_variant(week_of(turn.now), index, state.reflected)
    state.reflected ^= bit
    state.mode, state.index, state.return_to, state.misses = Mode.REFLECTING, index, return_to, 0
    question, reprompt = reflection_question(turn)
    return reply(handler_input, join(reflection_speech(turn.speech, SIGN_IDS[index], variant), question), reprompt)


def _heard_a_sign(handler_input: HandlerInput) -> bool:
    """Whether the request named a sign at all, whether or not it is one the skill knows ("sign fifteen")."""
    return any(slot_text(handler_input, name) for name in (intents.SIGN_SLOT, intents.SIGN_NUMBER_SLOT))


def ask_which(handler_input: HandlerInput, unknown: bool = False) -> Response:
    """Ask which sign to reflect on, keeping the check-in's place."""
    turn = turn_of(handler_input)
    state = turn.state
    state.return_to = check_in_place(state)
    state.mode = Mode.CHOOSE_REFLECTION
    question = turn.speech("unknown_sign" if unknown else "reflect_which")
    return reply(handler_input, question, turn.speech("reprompt_reflect_which"))


class ReflectHandler(AbstractRequestHandler):
    """ "Help me reflect on boundaries", "reflect on sign seven"; without a sign, the sign being asked in a
    check-in, or else the question of which one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.REFLECT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is not None:
            return reflect(handler_input, SIGN_IDS.index(sign_id))
        if _heard_a_sign(handler_input):
            return ask_which(handler_input, unknown=True)
        state = turn_of(handler_input).state
        if state.asking_sign:
            return reflect(handler_input, state.index)
        return ask_which(handler_input)


class ChooseReflectionHandler(AbstractRequestHandler):
    """The answer to "which sign would you like to reflect on?": a number or a sign's name."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return turn_of(handler_input).state.mode is Mode.CHOOSE_REFLECTION and is_sign_answer(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is None:
            return ask_which(handler_input, unknown=True)
        return reflect(handler_input, SIGN_IDS.index(sign_id))


MOVE_ON = (intents.YES, intents.NEXT, intents.SKIP)
"""During or after a reflection: on to what the closing question offers (the check-in, or the next sign)."""


class ReflectionAnswerHandler(AbstractRequestHandler):
    """What is said during or after a reflection, or at the offer of one at the end of a check-in: yes, no,
    next, skip, repeat. (Stop is the stop handler's; anything else is answered as anywhere else.)"""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if turn_of(handler_input).state.mode not in (Mode.REFLECTING, Mode.OFFER_REFLECTION):
            return False
        answers = (*MOVE_ON, intents.REPEAT)
        return is_no(handler_input) or any(is_intent_name(name)(handler_input) for name in answers)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        state = turn.state
        if is_intent_name(intents.REPEAT)(handler_input):
            if state.mode is Mode.REFLECTING:
                return reflect(handler_input, state.index, again=True)
            question, reprompt = current_question(handler_input)
            return reply(handler_input, question, reprompt)
        if state.mode is Mode.OFFER_REFLECTION:
            if is_intent_name(intents.YES)(handler_input):
                return reflect(handler_input, state.index)
            state.mode = Mode.IDLE
            return end(handler_input, turn.speech("reflect_offer_declined"))
        if any(is_intent_name(name)(handler_input) for name in MOVE_ON):
            return move_on(turn, handler_input)
        return stop_reflecting(turn, handler_input)


def move_on(turn: Turn, handler_input: HandlerInput) -> Response:
    """Back to the check-in's sign when the reflection was asked for mid-check-in; otherwise the next sign's."""
    state = turn.state
    if state.return_to is not None:
        index, state.return_to = state.return_to, None
        return ask_sign(handler_input, index, turn.speech("resume_lead"), scale=True)
    return reflect(handler_input, next_reflection(state.index))


def stop_reflecting(turn: Turn, handler_input: HandlerInput) -> Response:
    """No to carrying on: a check-in under way pauses (its answers are saved); otherwise a kind goodbye."""
    state = turn.state
    paused = state.return_to is not None and state.answers is not None and state.answers.started
    state.mode, state.return_to = Mode.IDLE, None
    return end(handler_input, turn.speech("paused" if paused else "reflect_done"))
