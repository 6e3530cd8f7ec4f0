"""Building blocks shared by the handlers: asking a sign, offering, re-asking, and finishing a response.

Every response that keeps the session open goes through :func:`reply`, which insists on a reprompt.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin.domain.checkin import WeekAnswers, resume_index
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.observability import count
from therapy_checkin.session import Mode
from therapy_checkin.speech.ssml import speakable
from therapy_checkin.turn import Turn, turn_of


def reply(handler_input: HandlerInput, speech: str, reprompt: str, card: str | None = None) -> Response:
    """A response that waits for the user's answer."""
    builder = handler_input.response_builder.speak(speakable(speech)).ask(speakable(reprompt))
    if card:
        builder.set_card(SimpleCard(turn_of(handler_input).speech("card_title"), card))
    return builder.response


def end(handler_input: HandlerInput, speech: str | None = None, card: str | None = None) -> Response:
    """A response that closes the session."""
    builder = handler_input.response_builder.set_should_end_session(True)
    if speech:
        builder.speak(speakable(speech))
    if card:
        builder.set_card(SimpleCard(turn_of(handler_input).speech("card_title"), card))
    return builder.response


def sign_lead(turn: Turn, index: int, answers: WeekAnswers) -> str:
    """A short cue that tells the user where they are, only at the turns where it helps."""
    if index == 0 and not answers.started:
        return turn.speech("lead_first")
    if index == SIGN_COUNT - 1:
        return turn.speech("lead_last")
    if index == SIGN_COUNT // 2 and answers.answered_count == SIGN_COUNT // 2:
        return turn.speech("lead_halfway")
    return ""


def sign_question(turn: Turn, index: int, lead: str = "") -> str:
    """The full turn for one sign: where we are, its name, its prompt, and the question."""
    text = turn.speech.sign(SIGN_IDS[index])
    return turn.speech(
        "ask_sign",
        lead=lead,
        number=turn.speech.number(index + 1),
        name=text.name,
        prompt=text.prompt,
        question=turn.speech("question"),
    )


def sign_reprompt(turn: Turn, index: int) -> str:
    return turn.speech("reprompt_sign", name=turn.speech.sign(SIGN_IDS[index]).name)


def ask_sign(handler_input: HandlerInput, index: int, prefix: str = "") -> Response:
    """Move the check-in to a sign and ask it."""
    turn = turn_of(handler_input)
    answers = turn.answers()
    if not answers.started and index == 0:
        count("CheckInsStarted")
    turn.state.ask(index)
    speech = prefix + sign_question(turn, index, lead=sign_lead(turn, index, answers))
    return reply(handler_input, speech, sign_reprompt(turn, index))


def reask_sign(handler_input: HandlerInput, prefix: str) -> Response:
    """Ask the current sign again in a shorter form, after an answer that could not be used."""
    turn = turn_of(handler_input)
    return reply(handler_input, prefix, sign_reprompt(turn, turn.state.index))


def start_or_resume(handler_input: HandlerInput, prefix: str = "") -> Response:
    """Go to the first sign still open this week, or, when all are answered, offer to hear how it went."""
    turn = turn_of(handler_input)
    index = resume_index(turn.answers())
    if index is None:
        turn.state.mode = Mode.OFFER_RECAP
        return reply(handler_input, prefix + turn.speech("offer_recap_after_done"), turn.speech("reprompt_offer_recap"))
    lead = turn.speech("resume_lead") if turn.answers().started and not prefix else ""
    return ask_sign(handler_input, index, prefix + lead)


DETOUR_QUESTIONS = {
    Mode.CONFIRM_DELETE: "reprompt_confirm_delete",
    Mode.SET_PASSCODE: "reprompt_passcode_new",
    Mode.CONFIRM_PASSCODE: "reprompt_passcode_confirm",
    Mode.PASSCODE_FOR_RECAP: "reprompt_passcode",
    Mode.PASSCODE_TO_REMOVE: "reprompt_passcode",
    Mode.OFFER_FRESH_START: "reprompt_forgot_passcode",
    Mode.OFFER_REMINDER: "reprompt_reminder_offer",
    Mode.REMINDER_DAY: "reprompt_reminder_day",
    Mode.REMINDER_TIME: "reprompt_reminder_time",
    Mode.REMINDER_PERMISSION: "reminder_retry",
}
"""What a detour (deleting data, the passcode) is waiting for, for repeat, help and errors."""

WAITING_FOR: dict[Mode, tuple[str, str]] = {
    Mode.OFFER_START: ("reprompt_offer_start", "reprompt_offer_start"),
    Mode.OFFER_RECAP: ("reprompt_offer_recap", "reprompt_offer_recap"),
    Mode.CHOOSE_SIGN: ("choose_sign", "reprompt_choose_sign"),
    Mode.DONE_MENU: ("reprompt_done_menu", "reprompt_done_menu"),
    Mode.CHOOSE_TREND: ("trend_which", "reprompt_trend_which"),
    **{mode: (key, key) for mode, key in DETOUR_QUESTIONS.items()},
}
"""The question and reprompt (message keys) of each mode that asks something fixed; the rest ask in words of
their own (a sign, the resume offer) or nothing in particular."""


def current_question(handler_input: HandlerInput) -> tuple[str, str]:
    """What the skill is waiting for right now, as (speech, reprompt): used by repeat, help and errors."""
    turn = turn_of(handler_input)
    state = turn.state
    speech = turn.speech
    if state.asking_sign:
        return sign_question(turn, state.index), sign_reprompt(turn, state.index)
    if state.mode is Mode.OFFER_RESUME:
        name = speech.sign(SIGN_IDS[state.index]).name
        question = speech("offer_resume_short", number=speech.number(state.index + 1), name=name)
        return question, speech("reprompt_offer_resume")
    question_key, reprompt_key = WAITING_FOR.get(state.mode, ("what_next", "reprompt_general"))
    return speech(question_key), speech(reprompt_key)
