"""The progress report by email, in whole conversations through the real Lambda handler.

DynamoDB and SES v2 are moto (the sender's identity verified first, as SES requires); the Customer Profile API is
``devtools/fake_alexa_api.py``, which answers the account's address only to a token that carries the email
permission. Each test checks what the person heard, whether a message left, and what it held: the sent raw MIME
is parsed back with the ``email`` module, its CSV attachment with ``csv``.
"""

from __future__ import annotations

import csv
import email
import io
import re
from collections.abc import Callable, Iterator
from email.message import Message
from typing import Any

import boto3
import pytest

from devtools.conversation import Conversation, Reply
from devtools.envelopes import EMAIL_SCOPE, Device, resolved_slot
from devtools.fake_alexa_api import FakeAlexaApi
from tests.conftest import MONDAY_NOON, SENDER, TABLE_NAME, table_items
from therapy_checkin.domain.report import CSV_FILENAME
from therapy_checkin.domain.signs import SIGN_IDS
from therapy_checkin.domain.weeks import previous_week, week_of
from therapy_checkin.speech import speech_for
from therapy_checkin.storage import UserKey

Talk = Callable[..., Conversation]
ADDRESS = "jane.doe@example.com"
CURRENT_WEEK = week_of(MONDAY_NOON)
"""2026-W48."""
WEEKS = [CURRENT_WEEK]
while len(WEEKS) < 8:
    WEEKS.append(previous_week(WEEKS[-1]))
WEEKS.reverse()
EMPTY_WEEK = WEEKS[3]
"""A week without a check-in: no bar, no ratings."""
SKIPPED = "boundaries"
"""Skipped in the current week."""
JUDGING_WORDS = re.compile(r"\b(good|bad|poor|fail\w*|worse|worst|better|best|improv\w*|declin\w*|wrong)\b", re.I)


def rating(week_index: int, sign_index: int) -> int:
    return 1 + (week_index + sign_index) % 5


def seed(dynamodb: Any, user: UserKey) -> None:
    """Eight weeks of check-ins ending this week, one week left out and one sign skipped this week."""
    requests = []
    for week_index, week in enumerate(WEEKS):
        if week == EMPTY_WEEK:
            continue
        item: dict[str, Any] = {"pk": {"S": user.pk}, "sk": {"S": user.checkin_sk(week)}}
        for sign_index, sign in enumerate(SIGN_IDS):
            if week == CURRENT_WEEK and sign == SKIPPED:
                continue
            item[f"r_{sign}"] = {"N": str(rating(week_index, sign_index))}
        if week == CURRENT_WEEK:
            item["skipped"] = {"SS": [SKIPPED]}
        requests.append({"PutRequest": {"Item": item}})
    dynamodb.batch_write_item(RequestItems={TABLE_NAME: requests})


@pytest.fixture
def ses(dynamodb: Any) -> Iterator[Any]:
    """moto's SES (v1 holds what v2 sends), emptied before and after, with the sender's identity verified."""
    from moto.core.models import DEFAULT_ACCOUNT_ID
    from moto.ses.models import ses_backends

    backend = ses_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    backend.sent_messages.clear()
    boto3.client("sesv2", region_name="us-east-1").create_email_identity(EmailIdentity=SENDER)
    yield backend
    backend.sent_messages.clear()
    backend.email_identities.clear()


def sent(ses: Any) -> list[Message]:
    return [email.message_from_string(message.raw_data) for message in ses.sent_messages]


def ask_and_grant(conversation: Conversation) -> Reply:
    """ "Email me my progress report", then yes to Alexa's permission question: the skill says where it goes."""
    asked = conversation.intent("EmailReportIntent")
    assert [directive["type"] for directive in asked.directives] == ["Connections.StartConnection"]
    return conversation.consent_answer("GRANTED")


def report_day(dynamodb: Any) -> list[str]:
    return [item["reportDay"] for item in table_items(dynamodb) if "reportDay" in item]


# --------------------------------------------------------------------------------------------------------------
# Consent


def test_granted_by_voice_a_recognised_voice_hears_where_it_goes_and_the_report_is_sent(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    device = Device(person_id="amzn1.ask.person.jane")
    seed(dynamodb, UserKey.from_ids(device.user_id, device.person_id))
    conversation = talk(device)
    asked = conversation.intent("EmailReportIntent")
    assert asked.speech == "To email your report, I need your permission to use your account's email address."
    assert asked.directives == [
        {
            "type": "Connections.StartConnection",
            "uri": "connection://AMAZON.AskForPermissionsConsent/2",
            "input": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": "alexa::profile:email:read", "consentLevel": "ACCOUNT"}],
            },
            "token": "progress-report",
        }
    ]
    assert not asked.ends_session and "shouldEndSession" not in asked.response, "Alexa takes the turn"
    assert ses.sent_messages == []

    confirm = conversation.consent_answer("GRANTED")
    assert confirm.speech == (
        "Your report of the last eight weeks would go to this Amazon account's email: the one starting with j, "
        "at example dot com. In a shared home, it may not be yours. Shall I send it?"
    )
    assert "jane" not in confirm.speech and ADDRESS not in str(confirm.raw), "masked, and never in the session"
    assert ses.sent_messages == [], "nothing leaves before yes"

    done = conversation.intent("AMAZON.YesIntent")
    assert done.speech.startswith("Done. Your report is on its way to the account's email.")
    assert done.ends_session
    (message,) = sent(ses)
    assert message["From"] == SENDER
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Your check-in report"
    assert report_day(dynamodb) == ["2026-11-23"]
    # The address was read only with the token that carries the permission, and never stored.
    tokens = [request.authorization for request in alexa_api.email_requests()]
    assert tokens == ["Bearer local-access-token", "Bearer local-access-token+email", "Bearer local-access-token+email"]
    assert ADDRESS not in str(table_items(dynamodb))


def test_permission_denied_by_voice_sends_nothing(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    reply = conversation.consent_answer("DENIED")
    assert reply.speech.startswith("Okay, I won't send a report.")
    assert reply.ends_session and reply.card is None
    assert ses.sent_messages == []
    assert report_day(dynamodb) == []
    assert len(alexa_api.email_requests()) == 1, "asked once, before the permission question"


def test_a_denial_said_as_one_status_for_the_request_sends_nothing(
    talk: Talk, dynamodb: Any, ses: Any, sender: str
) -> None:
    """The result's other form, one ``status`` for the whole request: DENIED is a no."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    reply = conversation.send(
        {
            "type": "SessionResumedRequest",
            "cause": {
                "type": "ConnectionCompleted",
                "token": "progress-report",
                "status": {"code": "200", "message": "OK"},
                "result": {"status": "DENIED"},
            },
        }
    )
    assert reply.speech.startswith("Okay, I won't send a report.") and reply.card is None
    assert ses.sent_messages == []


@pytest.mark.parametrize(
    ("status", "code"),
    [(None, "200"), ("GRANTED", "500"), ("DENIED", "403"), (None, "400")],
    ids=["not-answered", "failed", "not-allowed", "bad-request"],
)
def test_no_answer_or_voice_consent_unavailable_sends_the_permissions_card(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi, status: str | None, code: str
) -> None:
    """No result, or a status other than 200: whatever it says, the card, and nothing is sent or read again."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    reply = conversation.consent_answer(status, code=code)
    assert reply.card == {"type": "AskForPermissionsConsent", "permissions": ["alexa::profile:email:read"]}
    assert reply.speech.startswith(
        "I need your permission to use your account's email address, so I've sent a card to the Alexa app"
    )
    assert reply.ends_session
    assert ses.sent_messages == []
    assert len(alexa_api.email_requests()) == 1


def test_a_result_that_names_another_scope_or_status_sends_the_card(
    talk: Talk, dynamodb: Any, ses: Any, sender: str
) -> None:
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    for result in (
        {"permissionScopes": [{"permissionScope": "alexa::profile:name:read", "permissionStatus": "GRANTED"}]},
        {"permissionScopes": [{"permissionScope": EMAIL_SCOPE, "permissionStatus": "MAYBE"}]},
        {"status": "ACCEPTED"},
    ):
        conversation = talk(device)
        conversation.intent("EmailReportIntent")
        reply = conversation.send(
            {
                "type": "SessionResumedRequest",
                "cause": {
                    "type": "ConnectionCompleted",
                    "token": "progress-report",
                    "status": {"code": "200", "message": "OK"},
                    "result": result,
                },
            }
        )
        assert reply.card == {"type": "AskForPermissionsConsent", "permissions": [EMAIL_SCOPE]}, result
    assert ses.sent_messages == []


def test_granted_but_still_refused_by_the_profile_api_sends_the_card_instead_of_asking_again(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    """Alexa said GRANTED, yet the address is refused (403): no second voice question in a loop, the card."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    alexa_api.fail_email(403)
    reply = conversation.consent_answer("GRANTED")
    assert reply.directives == []
    assert reply.card == {"type": "AskForPermissionsConsent", "permissions": [EMAIL_SCOPE]}
    assert ses.sent_messages == []


def test_another_voice_answering_the_consent_question_is_offered_nothing(
    talk: Talk, dynamodb: Any, ses: Any, sender: str
) -> None:
    """Jane asks; the session comes back from Alexa with Sam's voice. The permission is the account's, so it
    stands, but the report was Jane's: Sam hears thanks, and nothing is offered or sent."""
    jane = Device(person_id="amzn1.ask.person.jane")
    sam = Device(user_id=jane.user_id, person_id="amzn1.ask.person.sam", device_id=jane.device_id)
    seed(dynamodb, UserKey.from_ids(jane.user_id, jane.person_id))
    seed(dynamodb, UserKey.from_ids(sam.user_id, sam.person_id))
    conversation = talk(jane)
    assert conversation.intent("EmailReportIntent").directives
    conversation.device = sam
    reply = conversation.consent_answer("GRANTED")
    assert reply.speech.startswith("Thanks. Whenever you'd like your report, just ask me to email it.")
    assert "Shall I send it?" not in reply.speech
    assert conversation.history[-1].ends_session
    assert ses.sent_messages == []
    assert report_day(dynamodb) == []


def test_an_unknown_token_is_not_taken_as_the_answer(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    """A session resumed by a connection the skill did not start: its GRANTED is not acted on; the question the
    skill was waiting on comes back, and a yes asks Alexa again."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    reply = conversation.consent_answer("GRANTED", token="someone-elses")
    assert reply.speech == "Shall I email your progress report?"
    assert not reply.ends_session and reply.card is None and reply.directives == []
    again = conversation.intent("AMAZON.YesIntent")
    assert [directive["type"] for directive in again.directives] == ["Connections.StartConnection"]
    assert ses.sent_messages == []


def test_mid_check_in_the_round_trip_comes_back_to_the_same_sign(
    talk: Talk, dynamodb: Any, ses: Any, sender: str
) -> None:
    """Asked for mid-check-in: the session goes to Alexa and back, the report is sent, and the check-in carries on
    at the sign it was on, its answers kept."""
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.advance(days=7)  # a new week: this week's check-in is not done yet
    conversation.launch()
    conversation.intent("AMAZON.YesIntent")
    conversation.rate(4)
    third = conversation.rate(3)
    confirm = ask_and_grant(conversation)
    assert confirm.speech.endswith("Shall I send it?")
    done = conversation.intent("AMAZON.YesIntent")
    assert done.speech.startswith("Done. Your report is on its way to the account's email.")
    assert not done.ends_session
    assert done.reprompt == third.reprompt, "back at the third sign"
    assert conversation.rate(5).speech, "the check-in carries on"
    assert len(ses.sent_messages) == 1


def test_no_at_the_confirmation_sends_nothing(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    assert conversation.intent("EmailReportIntent").speech.endswith("Shall I send it?"), "granted before: no question"
    reply = conversation.intent("AMAZON.NoIntent")
    assert reply.speech.startswith("Okay, I won't send it.")
    assert ses.sent_messages == []
    assert report_day(dynamodb) == []


def test_the_reminders_permission_answer_still_goes_to_the_reminder(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    conversation = talk(Device())
    conversation.intent("SetReminderIntent", day="sunday", time="19:00")
    reply = conversation.permission_answer("DENIED")
    assert reply.speech.startswith("Okay, I won't set a reminder.")
    assert alexa_api.email_requests() == []


# --------------------------------------------------------------------------------------------------------------
# Set up, limits, gate


def test_without_a_sender_the_report_is_not_set_up(
    talk: Talk, dynamodb: Any, ses: Any, no_sender: None, alexa_api: FakeAlexaApi
) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    reply = talk(device).intent("EmailReportIntent")
    assert reply.speech.startswith("Emailing a progress report isn't set up for this skill yet, so I can't send one.")
    assert reply.ends_session
    assert alexa_api.email_requests() == [], "no address is read for a report that cannot be sent"
    assert ses.sent_messages == []


def test_one_report_a_day(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    assert conversation.intent("AMAZON.YesIntent").speech.startswith("Done.")
    again = conversation.intent("EmailReportIntent")
    assert again.speech.startswith("I've already sent your report today. You can ask for another one tomorrow.")
    assert len(ses.sent_messages) == 1
    conversation.advance(days=1)
    assert conversation.intent("EmailReportIntent").speech.endswith("Shall I send it?")
    assert conversation.intent("AMAZON.YesIntent").speech.startswith("Done.")
    assert len(ses.sent_messages) == 2
    assert report_day(dynamodb) == ["2026-11-24"]


def test_two_confirmations_at_once_send_one_report(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    """Two devices both at "Shall I send it?": the day is reserved with a conditional write, so one sends."""
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    first, second = talk(device), talk(Device(user_id=device.user_id, email_permission=True))
    first.intent("EmailReportIntent")
    second.intent("EmailReportIntent")
    assert first.intent("AMAZON.YesIntent").speech.startswith("Done.")
    assert second.intent("AMAZON.YesIntent").speech.startswith("I've already sent your report today.")
    assert len(ses.sent_messages) == 1


def test_ses_refusing_releases_the_day(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    ses.email_identities.clear()  # the sender is not (or no longer) verified: SES refuses
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    reply = conversation.intent("AMAZON.YesIntent")
    assert reply.speech.startswith("Sorry, I couldn't send your report just now. Please try again later.")
    assert report_day(dynamodb) == [], "not sent, so not counted"
    assert conversation.intent("EmailReportIntent").speech.endswith("Shall I send it?")


def test_nothing_to_send(talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi) -> None:
    reply = talk(Device(email_permission=True)).intent("EmailReportIntent")
    assert reply.speech.startswith("There are no check-ins from the last eight weeks to send yet.")
    assert alexa_api.email_requests() == []


def test_an_account_without_an_email_address(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    alexa_api.account_email = None
    reply = talk(device).intent("EmailReportIntent")
    assert reply.speech.startswith("I couldn't find an email address on this Amazon account")
    assert ses.sent_messages == []


def test_a_403_from_the_profile_api_after_consent_was_withdrawn_asks_again(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    alexa_api.fail_email(403)
    reply = talk(device).intent("EmailReportIntent")
    assert [directive["type"] for directive in reply.directives] == ["Connections.StartConnection"]
    assert ses.sent_messages == []


def test_behind_the_passcode_like_the_recap(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code="4826")
    conversation.intent("PasscodeIntent", code="4826")
    conversation.end_session()
    asked = conversation.intent("EmailReportIntent")
    assert asked.speech == speech_for("en-US")("passcode_for_recap")
    confirm = conversation.intent("PasscodeIntent", code="4826")
    assert confirm.speech.endswith("In a shared home, it may not be yours. Shall I send it?")
    assert conversation.intent("AMAZON.YesIntent").speech.startswith("Done.")
    assert len(ses.sent_messages) == 1


def test_a_wrong_passcode_sends_nothing(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code="4826")
    conversation.intent("PasscodeIntent", code="4826")
    conversation.end_session()
    conversation.intent("EmailReportIntent")
    for _ in range(3):
        reply = conversation.intent("PasscodeIntent", code="1111")
    assert "locked" in reply.speech
    assert conversation.intent("AMAZON.YesIntent").speech != "Done."
    assert ses.sent_messages == []


def test_an_unrecognised_voice_in_a_shared_home_never_sends_a_recognised_ones_weeks(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, alexa_api: FakeAlexaApi
) -> None:
    """Jane's voice is recognised and has eight weeks; whoever speaks without a recognised voice is the account,
    which has none of them: nothing is sent, and the address is never read."""
    jane = Device(person_id="amzn1.ask.person.jane", email_permission=True)
    seed(dynamodb, UserKey.from_ids(jane.user_id, jane.person_id))
    stranger = talk(Device(user_id=jane.user_id, email_permission=True))
    reply = stranger.intent("EmailReportIntent")
    assert reply.speech.startswith("There are no check-ins from the last eight weeks to send yet.")
    assert ses.sent_messages == []
    assert alexa_api.email_requests() == []


def test_the_address_and_the_report_are_never_logged(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, logged: Callable[[], list[str]]
) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    conversation.intent("AMAZON.YesIntent")
    assert len(ses.sent_messages) == 1
    lines = "\n".join(logged())
    for secret in (ADDRESS, "jane", "example dot com", "check-in report", SENDER):
        assert secret not in lines


# --------------------------------------------------------------------------------------------------------------
# What the message holds


@pytest.fixture
def report_message(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> Message:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.intent("EmailReportIntent")
    conversation.intent("AMAZON.YesIntent")
    (message,) = sent(ses)
    return message


def parts(message: Message) -> dict[str, Message]:
    return {part.get_content_type(): part for part in message.walk() if not part.is_multipart()}


def text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(part.get_content_charset() or "utf-8")


def test_the_message_is_html_with_a_plain_text_alternative_and_a_csv(report_message: Message) -> None:
    assert report_message.get_content_type() == "multipart/mixed"
    found = parts(report_message)
    assert set(found) == {"text/plain", "text/html", "text/csv"}
    assert found["text/csv"].get_filename() == CSV_FILENAME
    assert found["text/csv"].get_content_disposition() == "attachment"


def test_the_html_names_the_twelve_signs_draws_the_chart_inline_and_ends_with_the_disclaimer_and_crisis_line(
    report_message: Message,
) -> None:
    page = text_of(parts(report_message)["text/html"])
    speech = speech_for("en-US")
    for sign in SIGN_IDS:
        assert f">{speech.sign(sign).name}</th>" in page
    assert page.count("<svg") == 1
    assert len(re.findall(r'<rect [^>]*fill="#2e6fba"', page)) == 7, "a bar per week with ratings, none for the gap"
    assert not re.search(r"<img|src=|url\(|https?://(?!www\.w3\.org/2000/svg)", page), "nothing fetched remotely"
    foot = page[page.index("<footer") :]
    assert "a reflection aid, not therapy or medical advice" in foot
    assert "call or text the Suicide and Crisis Lifeline at 988, or call 911 in an emergency" in foot
    assert page.index("<table") < page.index("<footer")
    assert "notes" not in page.lower(), "notes only when asked for"
    text = re.sub(r"<[^>]+>", " ", page)
    assert not JUDGING_WORDS.search(text), JUDGING_WORDS.search(text)


def test_the_csv_attachment_holds_the_same_weeks(report_message: Message) -> None:
    rows = list(csv.reader(io.StringIO(text_of(parts(report_message)["text/csv"]))))
    assert rows[0] == ["Number", "Sign", *("2026-" + date for date in (
        "10-05", "10-12", "10-19", "10-26", "11-02", "11-09", "11-16", "11-23"
    ))]  # fmt: skip
    speech = speech_for("en-US")
    assert [row[1] for row in rows[1:]] == [speech.sign(sign).name for sign in SIGN_IDS]
    for sign_index, row in enumerate(rows[1:]):
        assert row[0] == str(sign_index + 1)
        for week_index, value in enumerate(row[2:]):
            if WEEKS[week_index] == EMPTY_WEEK:
                assert value == ""
            elif WEEKS[week_index] == CURRENT_WEEK and SIGN_IDS[sign_index] == SKIPPED:
                assert value == "skipped"
            else:
                assert value == str(rating(week_index, sign_index))


# --------------------------------------------------------------------------------------------------------------
# The pure parts


def test_the_address_is_said_by_its_first_letter_and_its_domain() -> None:
    from therapy_checkin.domain.report import MaskedAddress, mask_address

    assert mask_address("Jane.Doe@Mail.Example.com", "dot") == MaskedAddress("j", "mail dot example dot com")
    for unusable in ("", "jane", "@example.com", "jane@", "jane@localhost"):
        assert mask_address(unusable, "dot") is None


def test_the_eight_weeks_end_with_this_week_and_leave_older_ones_out() -> None:
    from therapy_checkin.domain.checkin import WeekAnswers
    from therapy_checkin.domain.report import build_report

    older = previous_week(WEEKS[0])
    report = build_report(CURRENT_WEEK, [WeekAnswers(older, {"hope": 5}), WeekAnswers(CURRENT_WEEK, {"hope": 2})])
    assert [week.week for week in report.weeks] == WEEKS
    assert [week.average for week in report.weeks] == [None] * 7 + [2.0]
    assert not build_report(CURRENT_WEEK, [WeekAnswers(older, {"hope": 5})]).has_ratings


def test_notes_appear_only_when_passed_and_are_escaped() -> None:
    from therapy_checkin.domain.checkin import WeekAnswers
    from therapy_checkin.domain.report import build_report, report_csv, report_html, report_plain_text
    from therapy_checkin.handlers.report import report_text

    text = report_text(speech_for("en-US"), "en-US")
    weeks = [WeekAnswers(CURRENT_WEEK, {"hope": 4})]
    without = build_report(CURRENT_WEEK, weeks)
    assert "Your notes" not in report_html(without, text)
    with_notes = build_report(CURRENT_WEEK, weeks, notes=["Talk about <work> & sleep"])
    page = report_html(with_notes, text)
    assert "<h2>Your notes</h2><ul><li>Talk about &lt;work&gt; &amp; sleep</li></ul>" in page
    assert "- Talk about <work> & sleep" in report_plain_text(with_notes, text)
    assert "sleep" not in report_csv(with_notes, text), "the CSV holds the ratings only"


# --------------------------------------------------------------------------------------------------------------
# Notes for the therapist: only when asked for


NOTE = "I want to talk about my sleep"
WITH_NOTES = resolved_slot("my notes", [("my notes", "notes")], "REPORT_PART")


def keep_note(conversation: Conversation) -> None:
    conversation.intent("AddNoteIntent", note=NOTE)
    assert conversation.intent("AMAZON.YesIntent").speech, "kept"


def test_notes_go_in_only_when_asked_for(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    device = Device(email_permission=True)
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    keep_note(conversation)
    conversation.end_session()
    conversation.intent("EmailReportIntent")
    conversation.intent("AMAZON.YesIntent")
    (without,) = sent(ses)
    assert NOTE not in text_of(parts(without)["text/html"])
    conversation.advance(days=1)
    asked = conversation.intent("EmailReportIntent", include=WITH_NOTES)
    assert asked.speech.startswith("Your report of the last eight weeks, with your notes for therapy, would go to")
    conversation.intent("AMAZON.YesIntent")
    page = text_of(parts(sent(ses)[1])["text/html"])
    assert f"<h2>Your notes</h2><ul><li>{NOTE}</li></ul>" in page
    assert page.index("Your notes") < page.index("<footer")


def test_the_wish_for_notes_survives_the_passcode_and_the_permission_question(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, logged: Callable[[], list[str]]
) -> None:
    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    conversation = talk(device)
    conversation.launch()
    conversation.intent("SetPasscodeIntent")
    conversation.intent("PasscodeIntent", code="4826")
    conversation.intent("PasscodeIntent", code="4826")
    keep_note(conversation)
    conversation.end_session()
    assert conversation.intent("EmailReportIntent", include=WITH_NOTES).speech == speech_for("en-US")(
        "passcode_for_recap"
    )
    asked = conversation.intent("PasscodeIntent", code="4826")
    assert [directive["type"] for directive in asked.directives] == ["Connections.StartConnection"]
    assert asked.attributes["reportNotes"] is True, "kept in the session through the round trip"
    confirm = conversation.consent_answer("GRANTED")
    assert "with your notes for therapy" in confirm.speech
    conversation.intent("AMAZON.YesIntent")
    (message,) = sent(ses)
    assert NOTE in text_of(parts(message)["text/plain"])
    assert NOTE not in "\n".join(logged())


def test_another_voice_cannot_say_yes_to_someone_elses_report(talk: Talk, dynamodb: Any, ses: Any, sender: str) -> None:
    """Jane is asked "Shall I send it?"; a different voice answers yes: the question was Jane's, so nothing goes."""
    jane = Device(person_id="amzn1.ask.person.jane", email_permission=True)
    seed(dynamodb, UserKey.from_ids(jane.user_id, jane.person_id))
    conversation = talk(jane)
    assert conversation.intent("EmailReportIntent").speech.endswith("Shall I send it?")
    conversation.device = Device(
        user_id=jane.user_id, person_id="amzn1.ask.person.sam", device_id=jane.device_id, email_permission=True
    )
    reply = conversation.intent("AMAZON.YesIntent")
    assert "on its way" not in reply.speech
    assert ses.sent_messages == []
    assert report_day(dynamodb) == []


# --------------------------------------------------------------------------------------------------------------
# The console shows Alexa's own consent question


@pytest.mark.parametrize(
    ("answer", "sent_as", "heard"),
    [
        ("I approve", "GRANTED", "Shall I send it?"),
        ("yes", "GRANTED", "Shall I send it?"),
        ("no", "DENIED", "Okay, I won't send a report."),
        ("what", "no result", "so I've sent a card to the Alexa app"),
    ],
)
def test_the_console_asks_alexas_consent_question_and_sends_the_answer_back(
    talk: Talk, dynamodb: Any, ses: Any, sender: str, answer: str, sent_as: str, heard: str
) -> None:
    from devtools.console import CONSENT_PROMPT, Clock, Console, Speaker
    from devtools.nlu import understanding

    device = Device()
    seed(dynamodb, UserKey.from_ids(device.user_id))
    out = io.StringIO()
    console = Console(talk(device), understanding("en-US"), Clock(MONDAY_NOON), Speaker(False, out), out)
    console.say("open therapy check in")
    console.say("email me my progress report")
    assert CONSENT_PROMPT in " ".join(out.getvalue().split()), "shown wrapped"
    assert "May Therapy Check-In set reminders" not in out.getvalue(), "not the reminders' question"
    shown = len(out.getvalue())
    console.say(answer)
    after = out.getvalue()[shown:]
    assert f"[SessionResumedRequest ({sent_as})]" in after
    assert heard in " ".join(after.split())
    assert ses.sent_messages == []
