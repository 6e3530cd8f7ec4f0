"""Building blocks shared by the handlers: asking a sign, offering, re-asking, and finishing a response.

Every response that keeps the session open goes through :func:`reply`, which insists on a reprompt.
"""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin.domain.checkin import WeekAnswers, knows_the_signs, resume_index
from therapy_checkin.domain.recap import build_recap
from therapy_checkin.domain.reflection import most_moved
from therapy_checkin.domain.signs import SIGN_COUNT, SIGN_IDS
from therapy_checkin.domain.weeks import week_start
from therapy_checkin.gate import PastAnswers, summary_answers
from therapy_checkin.observability import count
from therapy_checkin.session import Mode
from therapy_checkin.speech.ssml import speakable
from therapy_checkin.storage import StorageUnavailable
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


def familiar(turn: Turn) -> bool:
    """Whether this speaker already knows the signs, so each is asked by its name and its own short question.

    Worked out from the history (read at launch, or here on a one-shot request) and kept in the session. When the
    table cannot be read, the signs are read in full: too much explanation is kinder than too little.
    """
    state = turn.state
    if state.familiar is None:
        try:
            weeks = turn.history().weeks
        except StorageUnavailable:
            return False
        state.familiar = knows_the_signs(turn.week(), weeks)
    return state.familiar


def variant(turn: Turn, index: int) -> int:
    """Which variant of a message to say at sign ``index``: fixed by the week and the position, so a test can pin
    it, yet the same place sounds different from one week to the next, and neighbouring signs never share one."""
    return week_start(turn.week()).toordinal() // 7 + index


def acknowledgement(turn: Turn, key: str, index: int) -> str:
    """A short "thanks" after the answer to sign ``index``; some variants are empty, so it is sometimes left out."""
    return turn.speech(key, variant=variant(turn, index))


def saving_note(turn: Turn, stored: bool) -> str:
    """What to say about saving after an answer: that it could not be saved yet, the first time only, while the
    table is down; then nothing, so the check-in carries on; and once every answer that waited is stored, that
    it is, once. An empty string when there is nothing to say."""
    state = turn.state
    if not stored:
        if state.unsaved_told:
            return ""
        state.unsaved_told = True
        return turn.speech("not_saved_kept")
    if state.unsaved_told and not state.pending:
        state.unsaved_told = False
        return turn.speech("all_saved_now")
    return ""


def with_saving_note(turn: Turn, stored: bool, said: str) -> str:
    """``said`` (an acknowledgement, ending in a space when it is not empty) with :func:`saving_note` in front; while
    the table is down, the note in place of it, the first time it is said."""
    note = saving_note(turn, stored)
    if note and not stored:
        return f"{note} "
    return f"{note} {said}".lstrip()


def sign_lead(turn: Turn, index: int, answers: WeekAnswers) -> str:
    """A short cue that tells the user where they are, only at the turns where it helps."""
    if index == 0 and not answers.started:
        return turn.speech("lead_first", variant=variant(turn, 0))
    if index == SIGN_COUNT - 1:
        return turn.speech("lead_last")
    if index == SIGN_COUNT // 2 and answers.answered_count == SIGN_COUNT // 2:
        return turn.speech("lead_halfway")
    return ""


def with_scale(turn: Turn, question: str) -> str:
    """A sign's own question with the scale in front: "From one to five, how well did you ...?"."""
    lowered = question[:1].lower() + question[1:] if question[1:2].islower() else question
    return turn.speech("with_scale", question=lowered)


def own_question(turn: Turn, index: int, scale: bool = True) -> str:
    """The sign's own short question, for asking again after a miss, a detour, or help."""
    question = turn.speech.sign(SIGN_IDS[index]).question
    return with_scale(turn, question) if scale else question


def sign_question(turn: Turn, index: int, lead: str = "", scale: bool = False) -> str:
    """The turn that asks one sign. Someone new to the signs hears its statement in full and "how true was that";
    someone who knows them hears the name and the sign's own question. The scale is said on the first sign and
    whenever ``scale`` asks for it (after a pause, or when the question is repeated)."""
    text = turn.speech.sign(SIGN_IDS[index])
    scale = scale or index == 0
    number = turn.speech.number(index + 1)
    if familiar(turn):
        # The count and the scale together, where the user needs their bearings: first sign, after a pause.
        where = turn.speech("where_full" if scale else "where_short", number=number)
        question = with_scale(turn, text.question) if scale else text.question
        return turn.speech("ask_sign_familiar", lead=lead, where=where, name=text.name, question=question)
    return turn.speech(
        "ask_sign",
        lead=lead,
        number=number,
        name=text.name,
        prompt=text.prompt,
        question=turn.speech("question") if scale else turn.speech("how_true", variant=variant(turn, index)),
    )


def sign_reprompt(turn: Turn, index: int) -> str:
    return turn.speech("reprompt_sign", reprompt=turn.speech.sign(SIGN_IDS[index]).reprompt)


def ask_sign(handler_input: HandlerInput, index: int, prefix: str = "", scale: bool = False) -> Response:
    """Move the check-in to a sign and ask it."""
    turn = turn_of(handler_input)
    answers = turn.answers()
    if not answers.started and index == 0:
        count("CheckInsStarted")
    turn.state.ask(index)
    speech = prefix + sign_question(turn, index, lead=sign_lead(turn, index, answers), scale=scale)
    return reply(handler_input, speech, sign_reprompt(turn, index))


def reask_sign(handler_input: HandlerInput, prefix: str) -> Response:
    """Ask the current sign again in a shorter form, after an answer that could not be used."""
    turn = turn_of(handler_input)
    return reply(handler_input, prefix, sign_reprompt(turn, turn.state.index))


def farewell(turn: Turn, after: bool = False) -> str:
    """The last words of a session: "talk to you next week" only once this week's check-in is done. ``after``
    something already said (a passcode set, a deletion declined), without another "Okay." in front."""
    answers = turn.state.answers
    if answers is not None and answers.completed:
        return turn.speech("goodbye")
    return turn.speech("not_started_goodbye" if after else "not_started_stop")


def start_or_resume(handler_input: HandlerInput, prefix: str = "") -> Response:
    """Go to the first sign still open this week, or, when all are answered, offer to hear how it went."""
    turn = turn_of(handler_input)
    index = resume_index(turn.answers())
    if index is None:
        turn.state.mode = Mode.OFFER_RECAP
        return reply(handler_input, prefix + turn.speech("offer_recap_after_done"), turn.speech("reprompt_offer_recap"))
    resuming = turn.answers().started
    lead = turn.speech("resume_lead") if resuming and not prefix else ""
    return ask_sign(handler_input, index, prefix + lead, scale=resuming)


def next_reflection(index: int) -> int:
    """The sign whose reflection follows sign ``index``'s: the next one, and after the twelfth, the first."""
    return (index + 1) % SIGN_COUNT


def reflection_question(turn: Turn) -> tuple[str, str]:
    """The question that ends a reflection, as (speech, reprompt): carry on with the check-in when it was asked
    for mid-check-in, otherwise the next sign's reflection."""
    if turn.state.return_to is not None:
        return turn.speech("carry_on"), turn.speech("carry_on")
    name = turn.speech.sign(SIGN_IDS[next_reflection(turn.state.index)]).name
    return turn.speech("reflect_next", name=name), turn.speech("reprompt_reflect_next", name=name)


def offer_reflection(handler_input: HandlerInput) -> Response | None:
    """Where a completed week's recap conversation would say goodbye: the offer of a reflection on the sign whose
    rating moved most since the check-in before. ``None`` (say goodbye) when the week is not complete, its recap
    is withheld (the same gate as the recap itself), nothing moved, or the table cannot tell."""
    turn = turn_of(handler_input)
    state = turn.state
    if state.answers is None or not state.answers.completed:
        return None
    try:
        past = summary_answers(turn)
    except StorageUnavailable:
        return None
    if not isinstance(past, PastAnswers):
        return None
    sign_id = most_moved(build_recap(past.this_week, past.weeks, earlier_known=past.earlier_known))
    if sign_id is None:
        return None
    state.mode, state.index = Mode.OFFER_REFLECTION, SIGN_IDS.index(sign_id)
    return reply(handler_input, *reflection_offer(turn))


def reflection_offer(turn: Turn) -> tuple[str, str]:
    """The offer of a reflection on the sign at ``index``, as (speech, reprompt)."""
    name = turn.speech.sign(SIGN_IDS[turn.state.index]).name
    return turn.speech("reflect_offer", name=name), turn.speech("reprompt_reflect_offer", name=name)


DETOUR_QUESTIONS = {
    Mode.CONFIRM_DELETE: "reprompt_confirm_delete",
    Mode.SET_PASSCODE: "reprompt_passcode_new",
    Mode.CONFIRM_PASSCODE: "reprompt_passcode_confirm",
    Mode.PASSCODE_FOR_RECAP: "reprompt_passcode",
    Mode.PASSCODE_TO_REMOVE: "reprompt_passcode",
    Mode.PASSCODE_FOR_DELETE: "reprompt_passcode",
    Mode.OFFER_REMINDER: "reprompt_reminder_offer",
    Mode.REMINDER_DAY: "reprompt_reminder_day",
    Mode.REMINDER_TIME: "reprompt_reminder_time",
    Mode.REMINDER_PERMISSION: "reminder_retry",
    Mode.NOTE_TEXT: "reprompt_note_ask",
    Mode.CONFIRM_NOTE: "reprompt_note_confirm",
    Mode.CONFIRM_CLEAR_NOTES: "reprompt_notes_clear",
    Mode.REPORT_PERMISSION: "report_retry",
    Mode.CONFIRM_REPORT: "reprompt_confirm_report",
}
"""What a detour (deleting data, the passcode) is waiting for, for repeat, help and errors."""

WAITING_FOR: dict[Mode, tuple[str, str]] = {
    Mode.OFFER_START: ("reprompt_offer_start", "reprompt_offer_start"),
    Mode.OFFER_RECAP: ("reprompt_offer_recap", "reprompt_offer_recap"),
    Mode.CHOOSE_SIGN: ("choose_sign", "reprompt_choose_sign"),
    Mode.DONE_MENU: ("reprompt_done_menu", "reprompt_done_menu"),
    Mode.CHOOSE_TREND: ("trend_which", "reprompt_trend_which"),
    Mode.OFFER_NOTES: ("reprompt_notes_offer", "reprompt_notes_offer"),
    Mode.CHOOSE_REFLECTION: ("reflect_which", "reprompt_reflect_which"),
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
        return sign_question(turn, state.index, scale=True), sign_reprompt(turn, state.index)
    if state.mode is Mode.OFFER_RESUME:
        name = speech.sign(SIGN_IDS[state.index]).name
        question = speech("offer_resume_short", number=speech.number(state.index + 1), name=name)
        return question, speech("reprompt_offer_resume")
    bare_hour = state.reminder_draft.bare_hour if state.reminder_draft else None
    if state.mode is Mode.REMINDER_TIME and bare_hour is not None:
        question = speech("reprompt_reminder_bare_hour", hour=speech.number(bare_hour))
        return question, question
    if state.mode is Mode.REFLECTING:
        return reflection_question(turn)
    if state.mode is Mode.OFFER_REFLECTION:
        return reflection_offer(turn)
    question_key, reprompt_key = WAITING_FOR.get(state.mode, ("what_next", "reprompt_general"))
    return speech(question_key), speech(reprompt_key)
