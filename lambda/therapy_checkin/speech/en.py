"""Everything the skill says in English (US spelling); other English locales override a few entries.

Each sign has a spoken name, a short reflection prompt (a statement the user weighs, second person, at most
about 25 words) and a two- or three-sentence explanation for "what does that mean?".
"""

from __future__ import annotations

from therapy_checkin.speech.catalogue import SignText

SIGNS: dict[str, SignText] = {
    "connection": SignText(
        name="feeling connected to your therapist",
        short_name="connection with your therapist",
        prompt="Think of your recent sessions. You feel safe being honest with your therapist, "
        "and you trust they're on your side.",
        explanation="This sign is about trust. When therapy is working, sessions start to feel like a safe "
        "place to say hard things and be met with care. That bond helps everything else grow.",
    ),
    "perspective": SignText(
        name="seeing things from new angles",
        short_name="perspective",
        prompt="When something upset you, you could step back and wonder whether there was another way to see it.",
        explanation="This sign is about flexible thinking. Progress can mean noticing an old, harsh story "
        "in your head and gently asking if it's the whole picture. The thought can stay; it just loosens "
        "its grip.",
    ),
    "relationships": SignText(
        name="your relationships",
        short_name="relationships",
        prompt="Time with the people close to you felt a little more honest, calm, or caring.",
        explanation="What you practice in therapy often shows up with the people around you. It might be "
        "saying what you need, listening without bracing for a fight, or stepping back from someone who "
        "drains you.",
    ),
    "boundaries": SignText(
        name="setting boundaries",
        short_name="boundaries",
        prompt="You noticed your own limits and let others know about them, even in a small way.",
        explanation="A boundary is a kind way of protecting your time and energy, like saying no to an "
        "extra task or leaving a conversation that isn't respectful. It often feels awkward at first, and "
        "that's normal.",
    ),
    "feelings": SignText(
        name="sitting with hard feelings",
        short_name="hard feelings",
        prompt="When a difficult feeling came up, you let it be there for a while without pushing it away.",
        explanation="This sign isn't about feeling less. It's about riding out sadness, worry, or anger "
        "without being swept away, trusting that the wave will pass.",
    ),
    "coping": SignText(
        name="healthier coping",
        short_name="coping",
        prompt="On a tough day, you reached for something that truly helps, like a walk, a journal, or a friend.",
        explanation="Everyone has ways of getting through stress. Progress can look like choosing a steadier "
        "habit over an old one that cost you later. Even one small swap counts.",
    ),
    "self_compassion": SignText(
        name="kindness toward yourself",
        short_name="self-compassion",
        prompt="When you slipped up, you spoke to yourself the way you would speak to a good friend.",
        explanation="Many of us carry a harsh inner critic. This sign is about that voice softening, so a "
        "mistake becomes something to learn from rather than proof that you're not enough.",
    ),
    "practice": SignText(
        name="practicing between sessions",
        short_name="practice between sessions",
        prompt="Between sessions, you tried out some of the ideas or skills you've been working on.",
        explanation="Much of therapy's work happens on ordinary days. Using a breathing skill, writing in a "
        "journal, or testing a new way to respond all count, however small.",
    ),
    "triggers": SignText(
        name="understanding your triggers",
        short_name="triggers",
        prompt="You noticed what tends to set off strong reactions in you, and began to see a pattern.",
        explanation="A trigger is something that stirs up a big reaction, like a certain conversation or "
        "time of day. Spotting the pattern gives you a chance to prepare and respond on your own terms.",
    ),
    "hope": SignText(
        name="hope for the future",
        short_name="hope",
        prompt="You felt that things can get better for you, even if only a little.",
        explanation="Hope doesn't mean feeling happy all the time. It can be as quiet as making a plan, "
        "looking forward to something, or believing change is possible.",
    ),
    "others_notice": SignText(
        name="others noticing a change",
        short_name="others noticing a change",
        prompt="People around you have noticed that you seem calmer, more open, or more at ease lately.",
        explanation="Sometimes the people close to us see our growth before we do. A friend's remark or a "
        "partner's comment can be a gentle sign that the inner work is showing.",
    ),
    "ongoing_work": SignText(
        name="accepting the work goes on",
        short_name="accepting the work goes on",
        prompt="You feel at peace with being a work in progress. There's more to explore, and that's okay.",
        explanation="Therapy has no finish line. Seeing that there will always be more to learn, and "
        "feeling steady rather than discouraged about it, is a sign of real growth.",
    ),
}

NUMBERS: tuple[str, ...] = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)

MESSAGES: dict[str, str] = {
    # Launch
    "welcome_first": "Welcome to Therapy Check-In. Each week, I'll walk you through twelve signs of progress "
    "in therapy, and you'll rate each one from one to five.",
    "disclaimer": "I'm a reflection aid, not a therapist, and nothing here is medical advice.",
    "offer_first": "Shall we start?",
    "welcome_new_week": "Welcome back. Ready for this week's check-in?",
    "welcome_resume": "Welcome back. You stopped at sign {number} of twelve, {name}. Shall we pick up there?",
    "welcome_done": "Welcome back. You've already checked in this week. Would you like to hear how it went?",
    "reprompt_offer_start": "Would you like to start your check-in? Say yes or no.",
    "reprompt_offer_resume": "Would you like to pick up where you left off? Say yes or no.",
    "reprompt_offer_recap": "Would you like to hear how this week went? Say yes or no.",
    "not_now": "That's okay. Whenever you're ready, just say: open therapy check in.",
    "done_no_recap": "Okay. If you'd like to change an answer, say something like: change sign four. Or say stop.",
    "reprompt_done_menu": "You can change an answer, hear your recap, or say stop.",
    # Asking a sign
    "ask_sign": "{lead}Sign {number} of twelve: {name}. {prompt} {question}",
    "question": "How true was that this week, from one to five?",
    "reprompt_sign": "How true was {name} for you this week? Say a number from one to five, or say skip.",
    "lead_first": "Let's begin. ",
    "lead_halfway": "You're halfway there. ",
    "lead_last": "Last one. ",
    "ack_rating": "Thanks. ",
    "ack_skipped": "Okay, we'll leave that one. ",
    "ack_kept": "Okay, I'll keep your earlier answer. ",
    "resume_lead": "Picking up where you left off. ",
    # Bad answers
    "out_of_range": "Let's keep it between one and five, where one is not at all and five is very true. {question}",
    "not_a_rating": "Sorry, I didn't catch a number. Please pick one from one to five. {question}",
    "offer_skip": "That's okay if this one is hard to rate. Would you like to skip it?",
    "reprompt_offer_skip": "Say yes to skip this sign, or give a number from one to five.",
    "fallback_rating": "Let's stay with this one for now. {question}",
    "didnt_catch": "Sorry, I didn't catch that.",
    # Navigation
    "no_previous": "This is the first sign, so there's nothing to go back to. ",
    "going_back": "Going back. ",
    "explain": "{explanation} {question}",
    "choose_sign": "Which sign would you like to change? You can say a number, like sign four.",
    "reprompt_choose_sign": "Say the number of the sign you'd like to change, from one to twelve.",
    "unknown_sign": "I'm not sure which sign that is. Say a number from one to twelve.",
    "change_sign": "Sure. Sign {number}: {name}. {prompt} {question}",
    "change_saved": "Updated. Your answer for {name} is now {value}.",
    "offer_recap_after_done": "You've finished this week's check-in already. Would you like to hear how it went?",
    "offer_resume_short": "Shall we pick up at sign {number}, {name}?",
    "carry_on": "Shall we carry on with your check-in?",
    # Help
    "help_rating": "You're on sign {number} of twelve. Rate how true it felt this week, from one, not at all, "
    "to five, very true. You can also say skip, go back, or what does that mean. {question}",
    "help_about": "Once a week, I'll ask about twelve signs of progress in therapy, and you rate each from "
    "one to five. You can start a check-in, hear your recap, or change an answer.",
    "what_next": "What would you like to do?",
    "reprompt_general": "You can say start my check-in, give me my recap, or stop.",
    # Ending
    "paused": "Okay. Everything you've said is saved. Whenever you're ready, say open therapy check in, "
    "and we'll pick up where you left off.",
    "goodbye": "Take care. Talk to you next week.",
    "complete": "That's all twelve. Thank you for taking this time for yourself.",
    # Recap (domain/recap.py composes these; {when} is "this week" or "that week")
    "recap_when_current": "this week",
    "recap_when_past": "that week",
    "recap_baseline": "This is your first check-in, so it's your starting point. Next time, I'll compare with it.",
    "recap_baseline_past": "That was your first check-in, your starting point.",
    "recap_welcome_back": "Welcome back. It's been {weeks} weeks since your last check-in, and that's okay. "
    "I'll compare with that check-in.",
    "recap_welcome_back_plain": "Welcome back. It's good to hear from you.",
    "recap_gap_past": "The check-in before it was {weeks} weeks earlier, so I'll compare with that.",
    "recap_counts": "{rated} of twelve signs got a rating.",
    "recap_rise_one": "{name} rose from {before} to {after}.",
    "recap_rise_two": "{first} rose from {first_before} to {first_after}, and {second} from {second_before} "
    "to {second_after}.",
    "recap_more_rises_one": "One more sign rose too.",
    "recap_more_rises": "{count} more signs rose too.",
    "recap_steady_one": "{name} held steady at {value}.",
    "recap_steady_two": "{first} and {second} held steady.",
    "recap_steady_many": "{count} signs held steady.",
    "recap_highest_one": "Your highest was {name}, at {value}.",
    "recap_highest_tie": "{name} was among your highest, at {value}.",
    "recap_streak": "You've checked in {weeks} weeks in a row.",
    "recap_dip_note": "{name} dipped from {before} to {after}. Dips are a normal part of the work, and they "
    "don't undo your progress.",
    "recap_all_falling": "Each sign you rated both times came in lower, like {name}, from {before} to {after}. "
    "Hard weeks happen, and they don't erase what you've built.",
    "recap_low_note_one": "{name} is your lowest right now, at {value}. That's a normal place to be, and worth "
    "exploring gently.",
    "recap_low_note_tie": "{name} is among your lowest right now, at {value}. That's a normal place to be, and "
    "worth exploring gently.",
    "recap_low_note_one_past": "{name} was your lowest that week, at {value}. That's a normal place to be, and "
    "worth exploring gently.",
    "recap_low_note_tie_past": "{name} was among your lowest that week, at {value}. That's a normal place to be, "
    "and worth exploring gently.",
    "recap_all_fives": "You gave every sign you rated a five {when}. That's lovely to hear, and there's always "
    "more to explore, which is okay too.",
    "recap_all_ones": "You gave every sign you rated a one {when}. That sounds like a heavy stretch, and those "
    "happen. Checking in still counts, and it may help to share this with your therapist.",
    "recap_all_same": "You gave every sign you rated a {value} {when}. Even weeks are part of the work too.",
    "recap_nothing_rated": "You skipped every sign {when}, and that's completely okay. Checking in still counts.",
    "recap_intro_last_check_in": "You haven't checked in yet this week, so here's your last check-in.",
    "recap_intro_last_week": "Here's your previous check-in.",
    "recap_none_yet": "There's nothing to recap yet. Once you've checked in, I'll have something to share.",
    "recap_no_earlier": "There's no earlier check-in to recap yet.",
    "recap_offer_start": "Would you like to do this week's check-in now?",
    "recap_card_title": "Your weekly recap",
    "card_private_title": "Therapy Check-In",
    "card_private": "Your ratings are private, so they aren't shown here. To hear them, open Therapy Check-In "
    "and say: how am I doing.",
    "card_last_week": "last week",
    "card_last_check_in": "last check-in",
    "card_line": "{name}: {value} ({label} {before})",
    "card_line_baseline": "{name}: {value}",
    "card_skipped": "skipped",
    "card_unanswered": "–",
    "chart_title": "This week and last",
    "chart_this_week": "This week",
    "chart_last_week": "Last week",
    "chart_last_check_in": "Last check-in",
    # Trends for one sign
    "trend_which": "Which sign would you like to hear about? Say a number from one to twelve, or a name like hope.",
    "reprompt_trend_which": "Say the sign's number, from one to twelve, or its name.",
    "trend_none": "You haven't rated {name} yet. Once you have, I can tell you how it's going.",
    "trend_one": "So far you've rated {name} once, at {value}. After another check-in, I can show how it moves.",
    "trend_rising": "Over your last {count} ratings, {name} has been rising, from {first} to {latest}.",
    "trend_steady": "Over your last {count} ratings, {name} has held fairly steady, starting at {first} and "
    "now at {latest}.",
    "trend_dipping": "Over your last {count} ratings, {name} has dipped, from {first} to {latest}. Dips are "
    "a normal part of the work.",
    "trend_up_and_down": "Over your last {count} ratings, {name} has gone up and down, from {first} to {latest}. "
    "That's how progress often looks.",
    "trend_card_title": "Your {name} trend",
    "trend_card_point": "Week of {date}: {value}",
    # Saving when the table is unavailable: never claim "saved" for something that is not
    "not_saved_kept": "I couldn't save that just now; I'll keep it and try again.",
    "unsaved_at_end": "I couldn't save some of your answers just now, so I may ask for them again next time. "
    "I'm sorry about that.",
    "unsaved_on_stop": "I couldn't save your latest answers just now, so I may ask for them again next time. "
    "I'm sorry about that. Take care.",
    "storage_unavailable": "I can't reach your check-ins just now. Please try again in a few minutes.",
    # Errors
    "error_in_check_in": "Sorry, something went wrong on my side. Nothing you've said is lost. {question}",
    "error_general": "Sorry, something went wrong on my side. Please try again in a moment.",
    "card_title": "Therapy Check-In",
    # Safety and privacy: crisis answers, deleting data, the recap passcode
    "crisis_heard": "Thank you for telling me. You matter, and you don't have to face this alone.",
    "crisis_limits": "I can't help in an emergency, and I can't contact anyone for you.",
    "crisis_line": "You can reach {name} at any hour. {how} {number}.",
    "crisis_repeat": "That's {number}.",
    "crisis_emergency": "If you're in danger right now, call {emergency}.",
    "crisis_close": "Please reach out to them now.",
    "crisis_card_title": "You matter. Help is there.",
    "emergency_heard": "Thank you for telling me. Your safety comes first.",
    "emergency_call": "Please call {emergency} now, or ask someone near you to call.",
    "emergency_repeat": "That's {emergency}.",
    "emergency_line": "You can also reach {name} at any hour. {how} {number}.",
    "emergency_limits": "I can't call anyone for you, so please reach out now.",
    "distress_heard": "I'm sorry things feel so heavy. You don't have to carry this alone.",
    "distress_line": "If it would help to talk, {name} is there at any hour. {how} {number}.",
    "distress_emergency": "And if you're ever in danger, call {emergency}.",
    "distress_offer": "There's no rush, and we can stop here for today. Would you like to keep going?",
    "reprompt_distress_offer": "Would you like to keep going with your check-in?",
    "distress_card_title": "Help is there when you need it.",
    "confirm_delete": "This deletes all your check-ins, ratings, and settings, and it can't be undone. "
    "Shall I delete everything?",
    "reprompt_confirm_delete": "Should I delete all your check-ins, ratings, and settings? Say yes or no.",
    "deleted": "Done. I've deleted all your check-ins, ratings, and settings. If you come back, we'll start "
    "fresh. Take care.",
    "delete_declined": "Okay, I haven't deleted anything.",
    "delete_failed": "Sorry, I couldn't finish deleting your data just now. Please try again in a few minutes.",
    "passcode_new": "Let's set a passcode for your recaps. Please say four digits you'll remember, but not a PIN "
    "you use anywhere else.",
    "reprompt_passcode_new": "Please say four digits for your passcode, or say no to leave it.",
    "passcode_confirm": "Thanks. Please say it once more to confirm.",
    "reprompt_passcode_confirm": "Please say your new passcode once more, or say no to leave it.",
    "passcode_mismatch": "Those didn't match, and that's okay. Let's start over. Please say four digits for "
    "your passcode.",
    "passcode_saved": "Your passcode is set. I'll ask for it before reading your recaps. Check-ins never need it.",
    "passcode_exists": "You already have a passcode. To change it, first say: remove my passcode.",
    "passcode_not_four": "I need exactly four digits. Please say them one at a time.",
    "passcode_for_recap": "Your recaps are protected. What's your passcode?",
    "passcode_to_remove": "To turn off your passcode, please say it now.",
    "reprompt_passcode": "Please say your four-digit passcode, or say no to skip it.",
    "passcode_wrong": "That's not it. You can try {remaining} more times. What's your passcode?",
    "passcode_wrong_last": "That's not it. You can try once more. What's your passcode?",
    "passcode_locked_now": "That wasn't it either, so recaps are locked for {length}. "
    "Your check-ins still work as usual. If you've forgotten it, just say: I forgot my passcode.",
    "passcode_locked": "Recaps are locked for now, after too many tries. Please try again in {wait}. "
    "Your check-ins still work as usual.",
    "wait_minute": "about a minute",
    "wait_minutes": "about {count} minutes",
    "wait_hour": "about an hour",
    "wait_hours": "about {count} hours",
    "lock_fifteen_minutes": "fifteen minutes",
    "lock_minutes": "{count} minutes",
    "lock_hour": "an hour",
    "lock_day": "a day",
    "forgot_passcode": "I'm sorry. A passcode can't be recovered or reset by voice, because I can't be sure "
    "who's speaking. Your check-ins still work. Deleting your data starts fresh, without a passcode. "
    "Would you like to delete your data and start fresh?",
    "reprompt_forgot_passcode": "Would you like to delete your data and start fresh?",
    "forgot_kept": "Okay. Nothing has changed, and your check-ins still work.",
    "forgot_no_passcode": "That's okay. You don't have a passcode set, so there's nothing to remember.",
    "forgot_new_passcode": "That's okay. Let's start over. Please say four digits you'll remember.",
    "passcode_declined": "Okay, no recap for now.",
    "passcode_left_unset": "Okay, I haven't set a passcode.",
    "passcode_kept": "Okay, your passcode stays on.",
    "passcode_removed": "Your passcode is off. Your recaps are no longer protected.",
    "passcode_none": "You don't have a passcode set. To set one, say: set a passcode.",
    "recap_protected": "Your recap is protected by your passcode. To hear it, say: how am I doing.",
    # Weekly reminder
    "reminder_offer": "A weekly reminder can help the habit stick. Would you like one?",
    "reprompt_reminder_offer": "Shall I set a weekly reminder for your check-in?",
    "reminder_offer_declined": "Okay, no reminder. If you change your mind, say: set a weekly reminder.",
    "reminder_ask_day": "Which day of the week suits you best?",
    "reprompt_reminder_day": "Which day should I remind you? For example, Sunday.",
    "reminder_ask_time": "And what time on {day}?",
    "reprompt_reminder_time": "What time should I remind you? For example, seven p.m.",
    "reminder_not_a_day": "Sorry, I need a day of the week, like Sunday or Wednesday. Which day suits you?",
    "reminder_not_a_time": "Sorry, I didn't catch a time. Please say one like seven p.m. or eight thirty a.m.",
    "reminder_bare_hour": "Did you mean {hour} a.m. or {hour} p.m.?",
    "reminder_set": "All set. I'll remind you every week, on {day} at {time}.",
    "reminder_changed": "Done. Your weekly reminder is now on {day} at {time}.",
    "reminder_when": "Your weekly reminder is on {day} at {time}.",
    "reminder_when_unknown": "You have a weekly reminder, but I can't read its time. To set it again, say: "
    "change my reminder.",
    "reminder_none": "You don't have a weekly reminder. To set one, say: set a weekly reminder.",
    "reminder_cancelled": "Okay, I've cancelled your weekly reminder.",
    "reminder_cancel_failed": "Sorry, I couldn't cancel your reminder just now, so it's still set. Please try "
    "again later.",
    "reminder_check_failed": "Sorry, I can't check your reminder just now. Please try again later.",
    "reminder_permission_card": "I need your permission to set reminders, so I've sent a card to the Alexa app "
    "where you can allow it.",
    "reminder_permission_denied": "Okay, I won't set a reminder.",
    "reminder_permission_not_answered": "No problem, I haven't set a reminder. You can ask again anytime.",
    "reminder_busy": "Alexa's reminders are busy right now, so nothing has changed. Please try again in a few minutes.",
    "reminder_unavailable": "I couldn't reach Alexa's reminders just now, so nothing has changed. Please try "
    "again later.",
    "reminder_not_saved": "I couldn't save your reminder just now, so I haven't set it. Please try again later.",
    "reminder_retry": "Shall I set your weekly reminder now?",
    "reminder_permission_lead": "First, I need your permission.",
    "reminder_text": "It's time for your weekly check-in. When you're ready, say: open therapy check in.",
    "reminder_day_MO": "Monday",
    "reminder_day_TU": "Tuesday",
    "reminder_day_WE": "Wednesday",
    "reminder_day_TH": "Thursday",
    "reminder_day_FR": "Friday",
    "reminder_day_SA": "Saturday",
    "reminder_day_SU": "Sunday",
    "reminder_time_on_the_hour": "{hour} {meridiem}",
    "reminder_time_minutes": "{hour}:{minute} {meridiem}",
    "reminder_time_am": "AM",
    "reminder_time_pm": "PM",
    "reminder_time_noon": "noon",
    "reminder_time_midnight": "midnight",
    "delete_reminder_failed": "Sorry, I couldn't remove your reminder just now, so I haven't deleted anything. "
    "Please try again in a few minutes.",
    "deleted_reminder_in_app": "If a reminder from me is still in the Alexa app, you can delete it there.",
}
