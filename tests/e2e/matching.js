// How virtual-alexa's matcher is read the way Alexa would hear an utterance: one place for driver.js (whole
// conversations) and resolve.js (many utterances at once), so both judge an utterance alike.
"use strict";

const fs = require("fs");
const { Utterance } = require(require.resolve("virtual-core", { paths: [require.resolve("virtual-alexa")] }));

const LAUNCH_WORDS = /(ask|open|launch|talk to|tell).*/i; // virtual-alexa's own launch rule
const NUMBER_WORDS = new Set(
  ("zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand " +
    "million and a minus negative").split(" "),
);
const NUMBER_SLOT_TYPES = new Set(["AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"]);

function soundsLikeANumber(value) {
  const words = String(value).trim().toLowerCase().split(/\s+/);
  return /^-?\d+$/.test(String(value).trim()) || words.every((word) => NUMBER_WORDS.has(word));
}

// A matcher over one interaction model file and virtual-alexa's parsed copy of it. match(text) gives the intent
// Alexa would find, or null where it would send AMAZON.FallbackIntent: virtual-alexa fills a built-in number
// slot with any words at all ("purple elephants" as a passcode), and such a match counts as no match.
function matcher(modelPath, interactionModel) {
  const slotsOf = new Map(
    JSON.parse(fs.readFileSync(modelPath, "utf8")).interactionModel.languageModel.intents.map((intent) => [
      intent.name,
      intent.slots || [],
    ]),
  );
  return function match(text) {
    const utterance = new Utterance(interactionModel, text);
    if (!utterance.matched()) {
      return null;
    }
    const intent = utterance.intent();
    const values = utterance.toJSON();
    const fits = (slotsOf.get(intent) || []).every(
      (slot) => !NUMBER_SLOT_TYPES.has(slot.type) || values[slot.name] === undefined || soundsLikeANumber(values[slot.name]),
    );
    return fits ? intent : null;
  };
}

module.exports = { LAUNCH_WORDS, matcher };
