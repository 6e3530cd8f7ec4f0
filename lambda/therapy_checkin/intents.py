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
EMERGENCY: Final = "EmergencyIntent"
CRISIS: Final = "CrisisIntent"
DISTRESS: Final = "DistressIntent"
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

CRISIS_INTENTS: Final = (EMERGENCY, CRISIS, DISTRESS)
"""The crisis family, most urgent first: immediate danger, thoughts of suicide or self-harm, distress.
Where each phrasing belongs is decided in interaction-model/en/crisis.yaml."""

# Slots.
RATING_SLOT: Final = "rating"
SIGN_SLOT: Final = "sign"
SIGN_NUMBER_SLOT: Final = "signNumber"
CODE_SLOT: Final = "code"
DAY_SLOT: Final = "day"
TIME_SLOT: Final = "time"

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
        EMERGENCY,
        CRISIS,
        DISTRESS,
        DELETE_DATA,
        SET_PASSCODE,
        REMOVE_PASSCODE,
        PASSCODE,
        FORGOT_PASSCODE,
        SET_REMINDER,
        REMINDER_ANSWER,
        REMINDER_STATUS,
        CANCEL_REMINDER,
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
