"""Notes for the next therapy session and getting ready for it, through the real Lambda handler over moto.

A note is read back and kept only after "yes"; "what did I want to bring up?" reads this week's and last week's,
newest first; clearing asks first; the passcode and the voice guard notes as they guard ratings; a note that says
a crisis gets the crisis answer and is not kept; the words of a note never reach a log line or a metric.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import Device, resolved_slot
from tests.conftest import Figures, stored_data, table_items
from tests.test_passcode import CODE, set_passcode
from tests.test_recap import judging_words_in
from therapy_checkin.domain.checkin import WeekAnswers
from therapy_checkin.domain.crisis_text import crisis_in, normalise
from therapy_checkin.domain.get_ready import ready_facts, ready_speech
from therapy_checkin.domain.notes import MAX_NOTE_CHARACTERS, MAX_NOTES, clean_note
from therapy_checkin.domain.recap import RECAP_WORD_BUDGET, word_count
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.speech import speech_for

Talk = Callable[..., Conversation]
SPEECH = speech_for("en-US")
INDEPENDENT = Path(__file__).parent / "data" / "independent"


def notes_in_table(dynamodb: Any) -> list[list[str]]:
    """Every profile's stored notes, as their texts in stored order."""
    return [
        [entry["text"] for entry in item.get("notes", [])]
        for item in table_items(dynamodb)
        if item["sk"].endswith("#PROFILE")
    ]


def add_note(conversation: Conversation, words: str, keep: bool = True) -> Reply:
    """Say a note in one go and answer the read-back; returns the answer to the read-back."""
    read_back = conversation.intent("AddNoteIntent", note=words)
    assert read_back.speech.startswith("Your note says: "), read_back.speech
    assert read_back.speech.endswith("Shall I keep it for your next session?")
    return conversation.intent("AMAZON.YesIntent" if keep else "AMAZON.NoIntent")


# The note's life: read back, kept on "yes", read newest first, cleared after "yes"


def test_a_note_is_read_back_and_kept_only_after_yes(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    read_back = conversation.intent("AddNoteIntent", note="that I want to talk about my sleep")
    assert read_back.speech == "Your note says: I want to talk about my sleep. Shall I keep it for your next session?"
    assert notes_in_table(dynamodb) in ([], [[]]), "nothing is kept before yes"
    kept = conversation.intent("AMAZON.YesIntent")
    assert kept.speech.startswith(tuple(SPEECH("note_kept", variant=n) for n in range(2)))
    assert notes_in_table(dynamodb) == [["I want to talk about my sleep"]]
    assert "noteDraft" not in kept.attributes


def test_no_lets_the_note_go_and_the_check_in_offer_comes_back(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    offer = conversation.launch()
    dropped = add_note(conversation, "my sister", keep=False)
    assert dropped.speech.startswith("Okay, I've let that note go.")
    assert dropped.speech.endswith(offer.reprompt), "back to the question the launch asked"
    assert notes_in_table(dynamodb) in ([], [[]])


def test_a_note_without_words_asks_for_them(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    asked = conversation.intent("AddNoteIntent")
    assert asked.speech == SPEECH("note_ask")
    # A stray phrase meanwhile: the question again, nothing stored.
    again = conversation.intent("AMAZON.FallbackIntent")
    assert again.speech == SPEECH("reprompt_note_ask")
    read_back = conversation.intent("AddNoteIntent", note="note, ask about the new medication")
    assert read_back.speech.startswith("Your note says: Ask about the new medication.")
    conversation.intent("AMAZON.YesIntent")
    assert notes_in_table(dynamodb) == [["Ask about the new medication"]]


def test_a_note_mid_check_in_keeps_the_check_in_in_its_place(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    kept = add_note(conversation, "work stress")
    assert kept.attributes["mode"] == "rating" and kept.attributes["index"] == 1, "still at sign two"
    after = conversation.rate(3)
    assert after.attributes["index"] == 2
    assert notes_in_table(dynamodb) == [["Work stress"]]


def test_notes_are_read_newest_first_from_this_week_and_last_only(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    add_note(conversation, "an old thought")
    conversation.advance(weeks=1)
    conversation.launch()
    add_note(conversation, "last week's thought")
    conversation.advance(weeks=1)
    conversation.launch()
    add_note(conversation, "first this week")
    conversation.advance(hours=1)
    conversation.launch()
    add_note(conversation, "second this week")
    conversation.launch()
    heard = conversation.intent("ReadNotesIntent")
    assert heard.speech.startswith(
        "You have three notes for your next session, newest first. One: Second this week. Two: First this week. "
        "Three: Last week's thought. Once you've talked about them, you can say: clear my notes."
    ), heard.speech
    assert "old thought" not in heard.speech
    assert "old thought" not in str(table_items(dynamodb)), "a note no longer read is dropped at the next write"


def test_clearing_asks_first_and_then_forgets_every_note(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    add_note(conversation, "one thing")
    add_note(conversation, "another thing")
    asked = conversation.intent("ClearNotesIntent")
    assert asked.speech == "Shall I clear your two notes? They can't be brought back."
    kept = conversation.intent("AMAZON.NoIntent")
    assert kept.speech.startswith("Okay, your notes are still here.")
    assert notes_in_table(dynamodb) == [["One thing", "Another thing"]]
    conversation.launch()
    conversation.intent("ClearNotesIntent")
    cleared = conversation.intent("AMAZON.YesIntent")
    assert cleared.speech.startswith("Done. Your notes are cleared.")
    assert notes_in_table(dynamodb) == [[]]
    conversation.launch()
    assert conversation.intent("ReadNotesIntent").speech.startswith(SPEECH("notes_none"))


def test_notes_are_capped_in_length_and_in_number(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    long_words = " ".join(["remember"] * 60)
    conversation.intent("AddNoteIntent", note=long_words)
    conversation.intent("AMAZON.YesIntent")
    (stored,) = notes_in_table(dynamodb)
    assert 0 < len(stored[0]) <= MAX_NOTE_CHARACTERS and stored[0].endswith("remember")
    for number in range(2, MAX_NOTES + 1):
        conversation.launch()
        add_note(conversation, f"thought {number}")
    conversation.launch()
    full = add_note(conversation, "one too many")
    assert full.speech.startswith(f"You already have {SPEECH.number(MAX_NOTES)} notes waiting")
    assert len(notes_in_table(dynamodb)[0]) == MAX_NOTES and "one too many" not in str(table_items(dynamodb))


def test_a_note_kept_on_another_device_meanwhile_is_not_overwritten(talk: Talk, dynamodb: Any) -> None:
    device = Device()
    kitchen, bedroom = talk(device), talk(Device(user_id=device.user_id))
    kitchen.launch()
    bedroom.launch()
    kitchen.intent("AddNoteIntent", note="from the kitchen")
    bedroom.intent("AddNoteIntent", note="from the bedroom")
    kitchen.intent("AMAZON.YesIntent")
    bedroom.intent("AMAZON.YesIntent")
    assert sorted(notes_in_table(dynamodb)[0]) == ["From the bedroom", "From the kitchen"]


def test_a_note_waits_in_the_session_while_the_table_is_down(talk: Talk, dynamodb: Any, faults: Any) -> None:
    conversation = talk()
    conversation.launch()
    conversation.intent("AddNoteIntent", note="my sleep")
    faults.fail("UpdateItem", "throttled")
    failed = conversation.intent("AMAZON.YesIntent")
    assert failed.speech == SPEECH("note_not_saved") and not failed.ends_session
    faults.recover()
    conversation.intent("AMAZON.YesIntent")
    assert notes_in_table(dynamodb) == [["My sleep"]]


# Privacy: the passcode, the voice, the card, deletion and the logs


def test_the_passcode_guards_reading_and_clearing_notes(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    set_passcode(conversation)
    conversation.intent("AMAZON.NoIntent")
    conversation.launch()
    add_note(conversation, "my private thought")
    conversation.launch()
    asked = conversation.intent("ReadNotesIntent")
    assert "passcode" in asked.speech and "my private thought" not in asked.speech
    heard = conversation.intent("PasscodeIntent", code=CODE)
    assert "My private thought" in heard.speech
    assert heard.card is None, "no card with a passcode set"
    conversation.launch()
    asked = conversation.intent("ClearNotesIntent")
    assert "passcode" in asked.speech
    confirm = conversation.intent("PasscodeIntent", code=CODE)
    assert confirm.speech.startswith("Shall I clear your note?")
    conversation.intent("AMAZON.YesIntent")
    assert notes_in_table(dynamodb) == [[]]


def test_one_voice_never_hears_or_clears_another_voices_notes(talk: Talk, dynamodb: Any) -> None:
    home = Device(person_id="amzn1.ask.person.ALEX")
    alex = talk(home)
    alex.launch()
    add_note(alex, "something only Alex says")
    sam = talk(Device(user_id=home.user_id, device_id=home.device_id, person_id="amzn1.ask.person.SAM"))
    sam.launch()
    heard = sam.intent("ReadNotesIntent")
    assert heard.speech.startswith(SPEECH("notes_none"))
    assert sam.intent("ClearNotesIntent").speech.startswith(SPEECH("notes_none_to_clear"))
    assert "Something only Alex says" in str(table_items(dynamodb))
    # In one session on one device: the draft another voice left is gone when the next voice says yes.
    alex.launch()
    alex.intent("AddNoteIntent", note="Alex's draft")
    alex.device.person_id = "amzn1.ask.person.SAM"
    answered = alex.intent("AMAZON.YesIntent")
    assert "Alex's draft" not in str(table_items(dynamodb))
    assert "noteDraft" not in answered.attributes


def test_notes_reach_a_card_only_for_the_account_without_a_passcode(talk: Talk) -> None:
    account = talk()
    account.launch()
    add_note(account, "card thought")
    account.launch()
    card = account.intent("ReadNotesIntent").card
    assert card is not None and card["title"] == SPEECH("notes_card_title") and "Card thought" in card["content"]
    voice = talk(Device(person_id="amzn1.ask.person.ALEX"))
    voice.launch()
    add_note(voice, "voice thought")
    voice.launch()
    assert voice.intent("ReadNotesIntent").card is None


def test_deleting_my_data_deletes_the_notes(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    add_note(conversation, "to be deleted")
    conversation.launch()
    conversation.intent("DeleteDataIntent")
    conversation.intent("AMAZON.YesIntent")
    assert "o be deleted" not in str(stored_data(dynamodb))
    assert notes_in_table(dynamodb) == []


def test_the_words_of_a_note_never_reach_a_log_line_or_metric(talk: Talk, logged: Callable[[], list[str]]) -> None:
    conversation = talk()
    conversation.launch()
    add_note(conversation, "zebra quartz secret")
    conversation.intent("ReadNotesIntent")
    conversation.intent("AddNoteIntent", note="another zebra quartz")
    conversation.intent("AMAZON.NoIntent")
    lines = logged()
    assert lines, "the skill logs and emits metrics for these turns"
    assert not [line for line in lines if "zebra" in line or "quartz" in line]


# A note that says a crisis


@pytest.mark.parametrize(
    ("words", "opening"),
    [
        ("I have been thinking about killing myself", SPEECH("crisis_heard")),
        ("I took all my pills an hour ago", SPEECH("emergency_heard")),
        ("my husband hits me when he drinks", SPEECH("abuse_heard")),
    ],
)
def test_a_note_that_says_a_crisis_gets_the_crisis_answer_and_is_not_kept(
    talk: Talk, dynamodb: Any, words: str, opening: str
) -> None:
    conversation = talk()
    conversation.launch()
    answered = conversation.intent("AddNoteIntent", note=words)
    assert answered.speech.startswith(opening), answered.speech
    assert answered.ends_session
    assert words not in answered.speech, "nothing of the note is said back"
    assert notes_in_table(dynamodb) in ([], [[]])


def test_a_note_that_says_distress_gets_the_gentle_answer_then_a_choice(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    answered = conversation.intent("AddNoteIntent", note="I feel so hopeless about everything")
    assert answered.speech.startswith(SPEECH("distress_heard"))
    assert answered.speech.endswith(SPEECH("note_after_distress"))
    assert answered.card is not None and answered.card["title"] == SPEECH("helpline_card_title")
    assert notes_in_table(dynamodb) in ([], [[]]), "not kept until the person asks"
    conversation.intent("AMAZON.YesIntent")
    assert notes_in_table(dynamodb) == [["I feel so hopeless about everything"]]


def test_the_note_check_uses_the_models_crisis_phrases() -> None:
    """The phrases file is what the generator makes from the checked-in model (``make models`` keeps them in step),
    and a note is checked by whole words: "skill" is not "kill"."""
    assert crisis_in("remind me to ask how to kill myself") is not None
    assert crisis_in("ask about the skills group") is None
    assert crisis_in("the film where he tried to kill the dragon") is None
    assert normalise("I'm NOT safe.") == "im not safe"


def _labelled(name: str) -> list[tuple[str, str]]:
    with (INDEPENDENT / name).open(encoding="utf-8") as source:
        rows = csv.reader((line for line in source if not line.startswith("#")), delimiter="\t")
        return [(row[0], row[2]) for row in rows if len(row) >= 3]


def test_crisis_phrasings_nobody_here_wrote_are_caught_in_notes(figure: Figures) -> None:
    """The independent phrasings (tests/data/independent) said as a note: the open set's crisis phrasings are
    caught at least as often as Alexa's model catches them, and no everyday phrasing is taken for a crisis. The
    locked set is counted, never printed phrase by phrase."""
    rates = {}
    for name in ("open.tsv", "locked.tsv"):
        rows = _labelled(name)
        crisis = [text for label, text in rows if label != "ordinary"]
        ordinary = [text for label, text in rows if label == "ordinary"]
        caught = sum(crisis_in(text) is not None for text in crisis)
        false_alarms = sum(crisis_in(text) is not None for text in ordinary)
        rates[name] = caught / len(crisis)
        figure("crisis", f"notes, {name}: {caught}/{len(crisis)} crisis phrasings caught, {false_alarms} false alarms")
        assert false_alarms == 0
    assert rates["open.tsv"] >= 0.83
    assert rates["locked.tsv"] >= 0.55


def test_clean_note_drops_joining_words_only() -> None:
    assert clean_note("that my mum called") == "My mum called"
    assert clean_note("that's been on my mind") == "That's been on my mind"
    assert clean_note("note: sleep") == "Sleep"
    assert clean_note("i think i should ask") == "I think I should ask"
    assert clean_note("  ") is None


# Getting ready for therapy


def weeks_of(*series: dict[str, int], last: str = "2026-W49") -> list[WeekAnswers]:
    """Weeks ending at ``last``, oldest first, each with the given ratings."""
    number = int(last.split("W")[1])
    return [WeekAnswers(week=f"2026-W{number - len(series) + 1 + i:02d}", ratings=r) for i, r in enumerate(series)]


def spoken(weeks: list[WeekAnswers], notes: int = 0, variant: int = 0) -> str:
    return ready_speech(
        ready_facts(weeks, weeks[-1].week),
        notes,
        lambda key, **values: SPEECH(key, variant=variant, **values),
        lambda sign: SPEECH.sign(sign).short_name,
        SPEECH.number,
    )


def test_get_ready_names_the_largest_rises_and_a_hard_sign_kindly() -> None:
    weeks = weeks_of(
        {"hope": 2, "boundaries": 1, "coping": 3, "triggers": 2},
        {"hope": 3, "boundaries": 2, "coping": 3, "triggers": 2},
        {"hope": 4, "boundaries": 2, "coping": 4, "triggers": 1},
    )
    text = spoken(weeks, notes=2)
    hope, boundaries, triggers = (SPEECH.sign(s).short_name for s in ("hope", "boundaries", "triggers"))
    assert text.startswith(f"Over the last four weeks, {hope} rose from two to four")
    assert f"{triggers} feels hard, at one" in text, "the hard sign is kept before a second rise"
    assert boundaries not in text
    assert text.endswith("You have two notes waiting. Would you like to hear them?")
    assert word_count(text) <= RECAP_WORD_BUDGET and not judging_words_in(text)


def test_get_ready_looks_back_four_weeks_only() -> None:
    weeks = weeks_of({"hope": 1}, {"hope": 3}, {"hope": 3}, {"hope": 3}, {"hope": 3})
    assert "rose" not in spoken(weeks), "the rise from one was five weeks ago"
    assert spoken(weeks).startswith(SPEECH("get_ready_no_rise"))


@pytest.mark.parametrize("notes", [0, 1, 7])
def test_get_ready_stays_within_the_word_budget_with_the_longest_names(notes: int) -> None:
    names = sorted(SIGN_IDS, key=lambda sign: -len(SPEECH.sign(sign).short_name))
    first = {names[0]: 1, names[1]: 1, names[2]: 1}
    last = {names[0]: 5, names[1]: 5, names[2]: 1}
    for variant in range(2):
        text = spoken(weeks_of(first, last), notes=notes, variant=variant)
        assert word_count(text) <= RECAP_WORD_BUDGET, text
        assert SPEECH.sign(names[0]).short_name in text, "the largest rise is always said"


def test_get_ready_through_the_skill_offers_the_notes_and_reads_them(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    for values in ((2, 1, 3), (4, 2, 3)):
        conversation.launch()
        conversation.intent("AMAZON.YesIntent")
        for value in values:
            conversation.rate(value)
        conversation.intent("AMAZON.StopIntent")
        conversation.advance(weeks=1)
    conversation.launch()
    add_note(conversation, "ask about sleep")
    conversation.launch()
    ready = conversation.intent("GetReadyIntent")
    connection, perspective = (SPEECH.sign(s).short_name for s in SIGN_IDS[:2])
    assert ready.speech == (
        f"Over the last four weeks, {connection} rose from two to four, and {perspective} from one to two. "
        "You have one note waiting. Would you like to hear it?"
    ), ready.speech
    assert word_count(ready.speech) <= RECAP_WORD_BUDGET
    heard = conversation.intent("AMAZON.YesIntent")
    assert heard.speech.startswith("You have one note for your next session. Ask about sleep.")


def test_get_ready_is_behind_the_passcode(talk: Talk) -> None:
    conversation = talk()
    conversation.launch()
    set_passcode(conversation)
    conversation.intent("AMAZON.NoIntent")
    conversation.launch()
    asked = conversation.intent("GetReadyIntent")
    assert "passcode" in asked.speech and "rose" not in asked.speech
    ready = conversation.intent("PasscodeIntent", code=CODE)
    assert ready.speech.startswith(SPEECH("get_ready_no_weeks"))


def test_get_ready_without_notes_closes_kindly(talk: Talk) -> None:
    conversation = talk()
    offer = conversation.launch()
    ready = conversation.intent("GetReadyIntent")
    assert ready.speech.startswith(SPEECH("get_ready_no_weeks"))
    assert SPEECH("get_ready_no_notes") in ready.speech
    assert ready.speech.endswith(offer.reprompt), "the offer to start waits after it"
    one_shot = talk()
    closed = one_shot.intent("GetReadyIntent")
    assert closed.speech == f"{SPEECH('get_ready_no_weeks')} {SPEECH('get_ready_no_notes')}" and closed.ends_session


def test_a_note_after_a_reflection_is_kept_and_the_reflection_offer_comes_back(talk: Talk, dynamodb: Any) -> None:
    conversation = talk()
    conversation.launch()
    reflection = conversation.intent("ReflectIntent", sign=resolved_slot("hope", [("hope", "hope")], "SIGN"))
    assert "add a note for my therapist" in reflection.speech
    kept = add_note(conversation, "hope feels closer")
    assert notes_in_table(dynamodb) == [["Hope feels closer"]]
    assert kept.attributes["mode"] == "reflecting" and kept.speech.endswith(
        "reflect on the next sign, others noticing a change?"
    )
