// Resolves many utterances at once with virtual-alexa's own matcher, against one interaction model.
//
//   node tests/e2e/resolve.js <model.json> < utterances.json > resolutions.json
//
// stdin:  a JSON list of utterances.
// stdout: a JSON list, one entry per utterance: {"intent": name or null, "launch": bool}. null is what
//         virtual-alexa gives up on (Alexa would send AMAZON.FallbackIntent). As in driver.js, a built-in
//         number slot filled with words that are no number counts as no match. "launch" is true where
//         virtual-alexa's client would send a LaunchRequest instead (an utterance containing "ask", "open",
//         "launch", "tell" or "talk to"); the intent is still the one its matcher finds, as Alexa would find it
//         in an open session.
"use strict";

const fs = require("fs");
const { VirtualAlexa } = require("virtual-alexa");
const { Utterance } = require(require.resolve("virtual-core", { paths: [require.resolve("virtual-alexa")] }));

const modelPath = process.argv[2];
const model = JSON.parse(fs.readFileSync(modelPath, "utf8"));
const alexa = VirtualAlexa.Builder().interactionModelFile(modelPath).skillURL("http://127.0.0.1:9").create();
const interactionModel = alexa.context().interactionModel();

const LAUNCH_WORDS = /(ask|open|launch|talk to|tell).*/i; // virtual-alexa's own launch rule
const NUMBER_WORDS = new Set(
  ("zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen " +
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand " +
    "million and a minus negative").split(" "),
);
const NUMBER_SLOT_TYPES = new Set(["AMAZON.NUMBER", "AMAZON.FOUR_DIGIT_NUMBER"]);
const slotsOf = new Map(model.interactionModel.languageModel.intents.map((intent) => [intent.name, intent.slots || []]));

function soundsLikeANumber(value) {
  const words = String(value).trim().toLowerCase().split(/\s+/);
  return /^-?\d+$/.test(String(value).trim()) || words.every((word) => NUMBER_WORDS.has(word));
}

function resolve(text) {
  const utterance = new Utterance(interactionModel, text);
  let intent = utterance.matched() ? utterance.intent() : null;
  if (intent) {
    const values = utterance.toJSON();
    const fits = (slotsOf.get(intent) || []).every(
      (slot) => !NUMBER_SLOT_TYPES.has(slot.type) || values[slot.name] === undefined || soundsLikeANumber(values[slot.name]),
    );
    intent = fits ? intent : null;
  }
  return { intent, launch: LAUNCH_WORDS.test(text) };
}

const utterances = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(utterances.map(resolve)));
