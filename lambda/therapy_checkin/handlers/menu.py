"""Outside the sign-by-sign flow: changing one answer, hearing how the week went, repeat and help."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from therapy_checkin import intents
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.handlers.replies import current_question, end, own_question, reply, sign_reprompt
from therapy_checkin.handlers.slots import is_sign_answer, resolved_sign
from therapy_checkin.session import Mode
from therapy_checkin.turn import turn_of


def change_sign(handler_input: HandlerInput, sign_id: str) -> Response:
    """Ask one sign again, outside the usual order. Mid-check-in, the user returns to where they were."""
    turn = turn_of(handler_input)
    state = turn.state
    if state.mode is Mode.RATING:
        return_to: int | None = state.index
    else:
        return_to = state.return_to if state.mode is Mode.CHOOSE_SIGN else None
    index = SIGN_IDS.index(sign_id)
    turn.answers()
    state.ask(index, Mode.CHANGING)
    state.return_to = return_to if return_to != index else None
    text = turn.speech.sign(sign_id)
    speech = turn.speech(
        "change_sign",
        number=turn.speech.number(index + 1),
        name=text.name,
        prompt=text.prompt,
        question=turn.speech("question"),
    )
    return reply(handler_input, speech, sign_reprompt(turn, index))


class ChangeAnswerHandler(AbstractRequestHandler):
    """ "Change sign four" / "change my answer for boundaries"; without a sign, ask which one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CHANGE_ANSWER)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is not None:
            return change_sign(handler_input, sign_id)
        turn = turn_of(handler_input)
        if turn.state.mode is Mode.RATING:
            turn.state.return_to = turn.state.index
        turn.state.mode = Mode.CHOOSE_SIGN
        return reply(handler_input, turn.speech("choose_sign"), turn.speech("reprompt_choose_sign"))


class ChooseSignHandler(AbstractRequestHandler):
    """The answer to "which sign would you like to change?": a number or a sign's name."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if turn_of(handler_input).state.mode is not Mode.CHOOSE_SIGN:
            return False
        return is_sign_answer(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        sign_id = resolved_sign(handler_input)
        if sign_id is not None:
            return change_sign(handler_input, sign_id)
        turn = turn_of(handler_input)
        return reply(handler_input, turn.speech("unknown_sign"), turn.speech("reprompt_choose_sign"))


class NoSignHandler(AbstractRequestHandler):
    """No to "which sign would you like to hear about?" (or to change): nothing is read or changed. Asked
    mid-check-in, the sign the user was on is asked again; otherwise the session closes kindly, never with help."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        mode = turn_of(handler_input).state.mode
        return is_intent_name(intents.NO)(handler_input) and mode in (Mode.CHOOSE_TREND, Mode.CHOOSE_SIGN)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        state = turn.state
        if state.return_to is not None:
            state.ask(state.return_to)
            state.return_to = None
            question, reprompt = current_question(handler_input)
            return reply(handler_input, f"{turn.speech('no_sign_back')} {question}", reprompt)
        state.mode = Mode.IDLE
        answers = state.answers
        return end(handler_input, turn.speech("no_sign_done" if answers and answers.completed else "no_sign_later"))


class RepeatHandler(AbstractRequestHandler):
    """ "Repeat" / "say that again": the current question in full. Also "start" when a sign is being asked."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if is_intent_name(intents.REPEAT)(handler_input):
            return True
        restart = is_intent_name(intents.START_CHECK_IN)(handler_input) or is_intent_name(intents.RESUME)(handler_input)
        return restart and turn_of(handler_input).state.asking_sign

    def handle(self, handler_input: HandlerInput) -> Response:
        speech, reprompt = current_question(handler_input)
        return reply(handler_input, speech, reprompt)


class HelpHandler(AbstractRequestHandler):
    """How to answer, and where the user is."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.HELP)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if not turn.state.asking_sign:
            return general_help(handler_input)
        speech = turn.speech
        question = own_question(turn, turn.state.index)
        text = speech("help_rating", number=speech.number(turn.state.index + 1), question=question)
        return reply(handler_input, text, sign_reprompt(turn, turn.state.index))


def general_help(handler_input: HandlerInput, prefix: str = "") -> Response:
    """What the skill does and what the user can say, then whatever the skill was waiting for."""
    turn = turn_of(handler_input)
    if turn.state.mode is Mode.IDLE:
        turn.state.mode = Mode.DONE_MENU
    question, reprompt = current_question(handler_input)
    return reply(handler_input, f"{prefix}{turn.speech('help_about')} {question}", reprompt)
