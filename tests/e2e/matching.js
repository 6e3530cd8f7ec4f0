// How virtual-alexa's matcher is read the way Alexa would hear an utterance: one place for driver.js (whole
// conversations) and resolve.js (many utterances at once), so both judge an utterance alike.
"use strict";

const fs = require("fs");

const LAUNCH_WORDS = /(ask|open|launch|talk to|tell).*/i; // virtual-alexa's own launch rule
const NUMBER_WORDS = new Set(
  ("zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand " +
    "million and a minus negative").split(" "),
);
const NUMBER_SLOT_TYPES = new Set(["AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"]);
const DAYS = /^(monday|tuesday|wednesday|thursday|friday|saturday|sunday)s?$/i;
const TIME_WORDS = new Set(
  [...NUMBER_WORDS, "am", "pm", "a.m.", "p.m.", "a", "m", "p", "o'clock", "oclock", "noon", "midday", "midnight", "in",
    "the", "morning", "afternoon", "evening", "night", "tonight", "half", "past", "quarter", "to", "at"],
);

function soundsLikeANumber(value) {
  const words = String(value).trim().toLowerCase().split(/\s+/);
  return /^-?\d+$/.test(String(value).trim()) || words.every((word) => NUMBER_WORDS.has(word));
}

function soundsLikeATime(value) {
  const words = String(value).trim().toLowerCase().split(/\s+/);
  return words.every((word) => TIME_WORDS.has(word) || /^\d{1,2}(:\d{2})?(am|pm)?$/.test(word));
}

// The words of a text as virtual-alexa compares them: without its punctuation, in lower case.
function wordsOf(text) {
  return String(text)
    .replace(/[!"¿?|#$%/()=+\-_<>*{}·¡[\].,;:]/g, "")
    .toLowerCase()
    .split(/\s+/)
    .filter(Boolean);
}

// Whether the words virtual-alexa put in a built-in slot are words of its type: virtual-alexa fills a built-in
// slot with any words at all ("purple elephants" as a passcode, a whole sentence as a time), where Alexa would
// fill it only with a number, a day or a time.
function fitsItsType(type, value) {
  if (value === undefined || String(value).trim() === "") {
    return true;
  }
  if (NUMBER_SLOT_TYPES.has(type)) {
    return soundsLikeANumber(value);
  }
  if (type === "AMAZON.DayOfWeek") {
    return DAYS.test(String(value).trim());
  }
  if (type === "AMAZON.TIME") {
    return soundsLikeATime(value);
  }
  return true;
}

// A matcher over one interaction model file and virtual-alexa's parsed copy of it. match(text) gives the intent
// Alexa would find, or null where it would send AMAZON.FallbackIntent. It ranks samples as virtual-alexa's own
// Utterance does (most fixed characters, then most typed slots), but only among samples whose built-in slots
// hold words of their type, so a sample that swallows a sentence into a time slot never hides a better one.
function matcher(modelPath, interactionModel) {
  const slotsOf = new Map(
    JSON.parse(fs.readFileSync(modelPath, "utf8")).interactionModel.languageModel.intents.map((intent) => [
      intent.name,
      new Map((intent.slots || []).map((slot) => [slot.name, slot.type])),
    ]),
  );
  const samples = interactionModel.intentSchema
    .intents()
    .flatMap((intent) => interactionModel.sampleUtterances.samplesForIntent(intent.name))
    .map((sample) => ({ sample, words: wordsOf(sample.phrase.replace(/\{[^}]*\}/g, " ")) }));
  return function match(text) {
    let best = null;
    const said = new Set(wordsOf(text));
    // A sample whose fixed words are not all in the utterance cannot match it: skipped before its regex is built.
    for (const { sample, words } of samples) {
      if (!words.every((word) => said.has(word))) {
        continue;
      }
      const test = sample.matchesUtterance(text);
      if (!test.matches()) {
        continue;
      }
      const types = slotsOf.get(sample.intent) || new Map();
      const values = test.slotValues();
      const fits = values.every((value, index) => fitsItsType(types.get(sample.slotName(index)), value));
      if (!fits) {
        continue;
      }
      if (
        best === null ||
        test.score() > best.score() ||
        (test.score() === best.score() && test.scoreSlots() > best.scoreSlots())
      ) {
        best = test;
      }
    }
    return best === null ? null : best.samplePhrase.intent;
  };
}

module.exports = { LAUNCH_WORDS, matcher };
