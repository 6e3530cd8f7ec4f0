"""Every intent and slot name the skill knows, in one place.

The handlers, the interaction models and the tests all refer to these names; a test checks that every intent
named here is in each interaction model and that every intent in a model is handled. Renaming one means
renaming it here and in the models, nowhere else.
"""

from __future__ import annotations

from typing import Final

# The skill's own intents.
RATE: Final = "RateIntent"
SKIP: Final = "SkipIntent"
EXPLAIN: Final = "ExplainIntent"
START_CHECK_IN: Final = "StartCheckInIntent"
CHANGE_ANSWER: Final = "ChangeAnswerIntent"
SIGN_NAME: Final = "SignNameIntent"
RECAP: Final = "RecapIntent"
LAST_WEEK_RECAP: Final = "LastWeekRecapIntent"
TREND: Final = "TrendIntent"
REFLECT: Final = "ReflectIntent"
"""A guided reflection on one sign ("help me reflect on boundaries"), or on one to be chosen ("guide me through a
reflection")."""
EMERGENCY: Final = "EmergencyIntent"
CRISIS: Final = "CrisisIntent"
DISTRESS: Final = "DistressIntent"
ABUSE: Final = "AbuseIntent"
"""Someone at home is hurting, threatening or controlling the speaker: a domestic violence line, not a suicide line."""
DELETE_DATA: Final = "DeleteDataIntent"
SET_PASSCODE: Final = "SetPasscodeIntent"
REMOVE_PASSCODE: Final = "RemovePasscodeIntent"
PASSCODE: Final = "PasscodeIntent"
FORGOT_PASSCODE: Final = "ForgotPasscodeIntent"
SET_REMINDER: Final = "SetReminderIntent"
REMINDER_ANSWER: Final = "ReminderAnswerIntent"
"""A day or a time said on its own ("Sunday", "seven pm"): the answer to the reminder's questions."""
REMINDER_STATUS: Final = "ReminderStatusIntent"
CANCEL_REMINDER: Final = "CancelReminderIntent"
ADD_NOTE: Final = "AddNoteIntent"
"""A note for the next therapy session: "note for therapy: ...", "remind me to bring up ...", or no words yet."""
READ_NOTES: Final = "ReadNotesIntent"
CLEAR_NOTES: Final = "ClearNotesIntent"
GET_READY: Final = "GetReadyIntent"
"""Getting ready for therapy: the last four weeks in a few words, and the notes waiting."""
EMAIL_REPORT: Final = "EmailReportIntent"
"""The progress report of the last eight weeks, sent to the Amazon account's email."""
IN_BETWEEN: Final = "InBetweenIntent"
"""An answer between two ratings: "three and a half", "between three and four", "three or four"."""
LEANING: Final = "LeaningIntent"
"""An answer in words, not a number: "pretty good", "kind of", "not at all"."""
UNSURE: Final = "UnsureIntent"
"""No answer yet: "I don't know", "I'm not sure", "hard to say"."""

# Amazon's built-in intents.
YES: Final = "AMAZON.YesIntent"
NO: Final = "AMAZON.NoIntent"
HELP: Final = "AMAZON.HelpIntent"
STOP: Final = "AMAZON.StopIntent"
CANCEL: Final = "AMAZON.CancelIntent"
PAUSE: Final = "AMAZON.PauseIntent"
RESUME: Final = "AMAZON.ResumeIntent"
REPEAT: Final = "AMAZON.RepeatIntent"
PREVIOUS: Final = "AMAZON.PreviousIntent"
NEXT: Final = "AMAZON.NextIntent"
NAVIGATE_HOME: Final = "AMAZON.NavigateHomeIntent"
FALLBACK: Final = "AMAZON.FallbackIntent"

STOP_INTENTS: Final = (STOP, CANCEL, PAUSE, NAVIGATE_HOME)
"""Every way of saying "that's enough for now"."""

RECAP_INTENTS: Final = (RECAP, LAST_WEEK_RECAP, TREND)
"""Every intent that asks to hear past answers."""

CRISIS_INTENTS: Final = (EMERGENCY, CRISIS, ABUSE, DISTRESS)
"""The crisis family, most urgent first: immediate danger, thoughts of suicide or self-harm, harm at home,
distress. Where each phrasing belongs is decided in interaction-model/en/crisis.yaml."""

# Slots.
RATING_SLOT: Final = "rating"
SIGN_SLOT: Final = "sign"
SIGN_NUMBER_SLOT: Final = "signNumber"
CODE_SLOT: Final = "code"
DAY_SLOT: Final = "day"
TIME_SLOT: Final = "time"
HALF_OF_DAY_SLOT: Final = "halfOfDay"
"""The answer to "a.m. or p.m.?" on its own ("p.m.", "in the evening"): the half of the day for an hour said."""
LOWER_SLOT: Final = "lower"
UPPER_SLOT: Final = "upper"
LEANING_SLOT: Final = "leaning"
REPORT_PART_SLOT: Final = "include"
"""What else the emailed report should hold ("with my notes"): entity-resolved to ``notes``."""
NOTE_SLOT: Final = "note"
"""The words of a note for the therapist (AMAZON.SearchQuery). Never logged."""
CRISIS_PHRASE_SLOT: Final = "said"
"""The crisis family's phrase slot (AMAZON.SearchQuery): whatever was said around a key phrase. Never logged."""
CRISIS_WHO_SLOTS: Final = frozenset({"person", "abuser", "victim"})
"""The crisis family's slots that say who; every other slot of the family holds the words that carry the meaning
(an act, a means, a feeling, a harm)."""

HANDLED_INTENTS: Final = frozenset(
    {
        RATE,
        SKIP,
        EXPLAIN,
        START_CHECK_IN,
        CHANGE_ANSWER,
        SIGN_NAME,
        RECAP,
        LAST_WEEK_RECAP,
        TREND,
        REFLECT,
        EMERGENCY,
        CRISIS,
        DISTRESS,
        ABUSE,
        DELETE_DATA,
        SET_PASSCODE,
        REMOVE_PASSCODE,
        PASSCODE,
        FORGOT_PASSCODE,
        SET_REMINDER,
        REMINDER_ANSWER,
        REMINDER_STATUS,
        CANCEL_REMINDER,
        ADD_NOTE,
        READ_NOTES,
        CLEAR_NOTES,
        GET_READY,
        EMAIL_REPORT,
        IN_BETWEEN,
        LEANING,
        UNSURE,
        YES,
        NO,
        HELP,
        STOP,
        CANCEL,
        PAUSE,
        RESUME,
        REPEAT,
        PREVIOUS,
        NEXT,
        NAVIGATE_HOME,
        FALLBACK,
    }
)
"""The intents the skill answers; every interaction model declares exactly these."""
