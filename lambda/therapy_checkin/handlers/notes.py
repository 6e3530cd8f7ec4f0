"""Bringing the week to therapy: notes for the next session, and getting ready for it.

- "Note for therapy: I want to talk about sleep", "remind me to bring up my sister", "add a note for my
  therapist" (then the words): the note is read back, and kept only after "yes".
- "What did I want to bring up?": the notes of this week and last week, newest first.
- "I talked about it", "clear my notes": after "yes", every note is forgotten.
- "Help me get ready for therapy": the last four weeks in a few words (:mod:`therapy_checkin.domain.get_ready`),
  how many notes are waiting, and an offer to hear them.

Notes are as private as ratings: reading or clearing them passes the same gate (:func:`therapy_checkin.gate.
kept_notes`), they go on a card only where ratings may, and their words are never logged. A note whose words say
a crisis (:func:`therapy_checkin.domain.crisis_text.crisis_in`) gets the crisis answer first and is not kept;
after the gentle answer to distress, the person is asked whether to keep it still.
"""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from therapy_checkin import intents
from therapy_checkin.domain.crisis_text import crisis_in
from therapy_checkin.domain.get_ready import ready_facts, ready_speech
from therapy_checkin.domain.notes import MAX_NOTES, Note, clean_note
from therapy_checkin.domain.recap import week_seed
from therapy_checkin.gate import kept_notes, past_answers
from therapy_checkin.handlers.crisis import crisis_response, distress_speech, helpline_card, request_locale
from therapy_checkin.handlers.detour import come_back, leave_detour, say_then_go_on, start_detour
from therapy_checkin.handlers.replies import end, reply
from therapy_checkin.handlers.slots import slot_text
from therapy_checkin.session import DETOURS, Mode, PendingRecap, RecapRequest
from therapy_checkin.speech.crisis import crisis_line
from therapy_checkin.speech.ssml import join, pause
from therapy_checkin.storage import StorageUnavailable
from therapy_checkin.turn import Turn, turn_of

AFTER_CRISIS_PAUSE_MS = 600
MAX_HEARD_NOTE = 2000
"""The longest note text read at all; what is kept is cut to MAX_NOTE_CHARACTERS at a whole word."""
SETTLED = (Mode.IDLE, Mode.OFFER_RECAP, Mode.DONE_MENU, Mode.RECAP_FOLLOW_UP, Mode.OFFER_NOTES)
"""Modes where nothing is under way or waiting: an answer given here closes the session kindly. Elsewhere (a sign
being asked, the offer to start or resume) the question that was waiting is asked again after it."""


def _language(turn: Turn) -> str:
    return turn.speech.locale.split("-")[0]


def _and_go_on(handler_input: HandlerInput, message: str, goodbye: bool = True) -> Response:
    """Say ``message``, then carry on with what the user was doing; with nothing under way, close kindly (with
    a short goodbye unless ``message`` says one of its own)."""
    turn = turn_of(handler_input)
    return say_then_go_on(handler_input, message, turn.speech("notes_goodbye") if goodbye else "", SETTLED)


def _stamp(turn: Turn) -> str:
    return turn.now.isoformat(timespec="seconds").replace("+00:00", "Z")


class AddNoteHandler(AbstractRequestHandler):
    """A note for the next session, with its words or without (then they are asked for). Also heard while a
    note is being confirmed: saying it again replaces the one read back."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        mode = turn_of(handler_input).state.mode
        return is_intent_name(intents.ADD_NOTE)(handler_input) and (
            mode not in DETOURS or mode in (Mode.NOTE_TEXT, Mode.CONFIRM_NOTE)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        text = clean_note(slot_text(handler_input, intents.NOTE_SLOT, limit=MAX_HEARD_NOTE))
        turn.state.note_draft = None
        if text is None:
            start_detour(handler_input, Mode.NOTE_TEXT)
            return reply(handler_input, turn.speech("note_ask"), turn.speech("reprompt_note_ask"))
        crisis = crisis_in(text, _language(turn))
        if crisis is not None and crisis != intents.DISTRESS:
            # The answer that ends the session; the note is not kept, and nothing of it is said back.
            if turn.state.mode in DETOURS:
                leave_detour(handler_input)
            return crisis_response(handler_input, crisis)
        start_detour(handler_input, Mode.CONFIRM_NOTE)
        turn.state.note_draft = text
        if crisis == intents.DISTRESS:
            line = crisis_line(request_locale(handler_input))
            speech = join(
                distress_speech(turn.speech, line, offer=False),
                pause(AFTER_CRISIS_PAUSE_MS),
                turn.speech("note_after_distress"),
            )
            handler_input.response_builder.set_card(
                SimpleCard(turn.speech("helpline_card_title"), helpline_card(turn.speech, line))
            )
            return reply(handler_input, speech, turn.speech("reprompt_note_confirm"))
        return reply(handler_input, turn.speech("note_read_back", text=text), turn.speech("reprompt_note_confirm"))


class NoteAnswerHandler(AbstractRequestHandler):
    """Yes or no to keeping the note read back; no when its words were asked for."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        mode = turn_of(handler_input).state.mode
        if mode is Mode.CONFIRM_NOTE:
            return is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)
        return mode is Mode.NOTE_TEXT and is_intent_name(intents.NO)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        draft = turn.state.note_draft
        if draft is None or not is_intent_name(intents.YES)(handler_input):
            turn.state.note_draft = None
            return come_back(handler_input, turn.speech("note_dropped"))
        note = Note(text=draft, week=turn.week(), at=_stamp(turn))
        try:
            saved = self._save(turn, note)
        except StorageUnavailable:
            # The draft stays in the session: "yes" tries again, and nothing said is lost meanwhile.
            return reply(handler_input, turn.speech("note_not_saved"), turn.speech("reprompt_note_confirm"))
        turn.state.note_draft = None
        if saved is None:
            return come_back(handler_input, turn.speech("notes_full", count=MAX_NOTES))
        return come_back(handler_input, turn.speech("note_kept", variant=week_seed(note.week) + len(draft)))

    @staticmethod
    def _save(turn: Turn, note: Note) -> bool | None:
        """Store the note beside those kept; when another device kept one meanwhile, read again and retry once."""
        for attempt in range(2):
            profile = (turn.history() if attempt == 0 else turn.read_history_again()).profile
            saved = turn.store.save_note(turn.user, note, profile.notes if profile else (), turn.now)
            if saved is not False:
                return saved
        raise StorageUnavailable("SaveNote", "Contended")


def read_notes_reply(handler_input: HandlerInput) -> Response:
    """The notes of this week and last, newest first, once the gate lets them through."""
    turn = turn_of(handler_input)
    kept = kept_notes(turn, PendingRecap(RecapRequest.NOTES))
    if turn.state.mode is Mode.OFFER_NOTES:
        turn.state.mode = Mode.IDLE
    if not kept.notes:
        return _and_go_on(handler_input, turn.speech("notes_none"))
    items = [
        turn.speech("notes_item", number=turn.speech.number(index).capitalize(), text=note.text)
        for index, note in enumerate(kept.notes, start=1)
    ]
    if len(items) == 1:
        items = [f"{kept.notes[0].text}."]
    count = len(kept.notes)
    spoken = " ".join([turn.speech("notes_intro", count=count), *items, turn.speech("notes_outro", count=count)])
    if kept.on_cards:
        lines = "\n".join(f"{index}. {note.text}" for index, note in enumerate(kept.notes, start=1))
        handler_input.response_builder.set_card(SimpleCard(turn.speech("notes_card_title"), lines))
    return _and_go_on(handler_input, spoken)


class ReadNotesHandler(AbstractRequestHandler):
    """ "What did I want to bring up?": the notes, behind the passcode when one is set."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.READ_NOTES)(handler_input) and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        return read_notes_reply(handler_input)


def clear_notes_reply(handler_input: HandlerInput) -> Response:
    """Ask before forgetting every note (behind the passcode when one is set)."""
    turn = turn_of(handler_input)
    kept = kept_notes(turn, PendingRecap(RecapRequest.CLEAR_NOTES))
    if not kept.all_kept:
        return _and_go_on(handler_input, turn.speech("notes_none_to_clear"))
    start_detour(handler_input, Mode.CONFIRM_CLEAR_NOTES)
    question = turn.speech("notes_clear_confirm", count=max(1, len(kept.notes)))
    return reply(handler_input, question, turn.speech("reprompt_notes_clear"))


class ClearNotesHandler(AbstractRequestHandler):
    """ "I talked about it", "clear my notes": asked to confirm first."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.CLEAR_NOTES)(handler_input) and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        return clear_notes_reply(handler_input)


class ClearNotesAnswerHandler(AbstractRequestHandler):
    """Yes or no to clearing every note."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return turn_of(handler_input).state.mode is Mode.CONFIRM_CLEAR_NOTES and (
            is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.NO)(handler_input):
            return come_back(handler_input, turn.speech("notes_clear_kept"))
        try:
            turn.store.clear_notes(turn.user, turn.now)
        except StorageUnavailable:
            return come_back(handler_input, turn.speech("notes_clear_failed"))
        return come_back(handler_input, turn.speech("notes_cleared"))


def get_ready_reply(handler_input: HandlerInput) -> Response:
    """The last four weeks in a few words and the notes waiting, once the gate lets them through."""
    turn = turn_of(handler_input)
    then = PendingRecap(RecapRequest.GET_READY)
    past = past_answers(turn, then)
    kept = kept_notes(turn, then)
    facts = ready_facts(past.weeks, past.current_week)
    seed = week_seed(past.current_week)
    speech = turn.speech

    def say(key: str, **values: object) -> str:
        return speech(key, variant=seed, **values)

    def name(sign: str) -> str:
        return speech.sign(sign).short_name

    mid_flow = turn.state.asking_sign or turn.state.mode in DETOURS
    waiting = 0 if mid_flow else len(kept.notes)
    text = ready_speech(facts, waiting, say, name, speech.number)
    if mid_flow and kept.notes:
        text = f"{text} {speech('notes_waiting_mid_check_in', count=len(kept.notes))}"
    if waiting:
        turn.state.mode = Mode.OFFER_NOTES
        return reply(handler_input, text, speech("reprompt_notes_offer"))
    return _and_go_on(handler_input, text, goodbye=False)


class GetReadyHandler(AbstractRequestHandler):
    """ "Help me get ready for therapy"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(intents.GET_READY)(handler_input) and turn_of(handler_input).state.mode not in DETOURS

    def handle(self, handler_input: HandlerInput) -> Response:
        return get_ready_reply(handler_input)


class NotesOfferHandler(AbstractRequestHandler):
    """Yes or no to hearing the notes, offered after getting ready."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return turn_of(handler_input).state.mode is Mode.OFFER_NOTES and (
            is_intent_name(intents.YES)(handler_input) or is_intent_name(intents.NO)(handler_input)
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if is_intent_name(intents.YES)(handler_input):
            return read_notes_reply(handler_input)
        turn.state.mode = Mode.IDLE
        return end(handler_input, turn.speech("notes_offer_declined"))


__all__ = [
    "AddNoteHandler",
    "ClearNotesAnswerHandler",
    "ClearNotesHandler",
    "GetReadyHandler",
    "NoteAnswerHandler",
    "NotesOfferHandler",
    "ReadNotesHandler",
    "clear_notes_reply",
    "get_ready_reply",
    "read_notes_reply",
]
