// Expands sample-utterance templates with npm alexa-utterances, the expander Alexa's own tooling used.
//
//   node devtools/expand_utterances.js < request.json > samples.json
//
// request: {"parts": [[name, [template, ...]], ...], "intents": {IntentName: [template, ...]}}
//   parts   named phrase lists, expanded in order; a part may use the parts before it as {name}
//   intents templates per intent: {a|b} alternatives, {a|} optional words, {name} a part, {-|slot} a slot
// answer:  {"IntentName": [sample, ...]} in the order the expander produced them (the caller sorts).
"use strict";

const utterances = require("alexa-utterances");

function expand(template, dictionary) {
  return utterances(template, {}, dictionary).map((sample) => sample.replace(/\s+/g, " ").trim());
}

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const request = JSON.parse(input);
  const dictionary = {};
  for (const [name, templates] of request.parts || []) {
    dictionary[name] = templates.flatMap((template) => expand(template, dictionary));
  }
  const result = {};
  for (const [intent, templates] of Object.entries(request.intents || {})) {
    result[intent] = templates.flatMap((template) => expand(template, dictionary));
  }
  process.stdout.write(JSON.stringify(result));
});
