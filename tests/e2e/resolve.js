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
const { LAUNCH_WORDS, matcher } = require("./matching");

const modelPath = process.argv[2];
const alexa = VirtualAlexa.Builder().interactionModelFile(modelPath).skillURL("http://127.0.0.1:9").create();
const match = matcher(modelPath, alexa.context().interactionModel());

function resolve(text) {
  return { intent: match(text), launch: LAUNCH_WORDS.test(text) };
}

const utterances = JSON.parse(fs.readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(utterances.map(resolve)));
