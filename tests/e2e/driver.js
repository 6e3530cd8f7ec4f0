// One Alexa conversation through virtual-alexa, driven line by line from Python.
//
//   node tests/e2e/driver.js '<config JSON>'
//
// config: {model, url, skillId, userId, deviceId, apiEndpoint, locale, timestamp?}
// stdin:  one JSON command per line: {"op": "launch"} | {"op": "utter", "text": "4"} |
//         {"op": "intend", "name": "AMAZON.YesIntent", "slots": {}} | {"op": "endSession", "reason": "USER_INITIATED"} |
//         {"op": "user", "userId": "...", "deviceId": "..."} (another user on another device, no session open:
//         one process serves many conversations in turn)
// stdout: one JSON line per command: {"ok": true, "request": <envelope sent>, "response": <skill reply>,
//         "fallback": <true when the utterance matched nothing>} or {"ok": false, "error": "..."}
//
// virtual-alexa resolves utterances against the interaction model and POSTs real envelopes to the skill's URL.
// The filter adds what it leaves out (apiEndpoint, apiAccessToken, deviceId), keeps one user across sessions,
// and sets the request time when the test fixes a clock.
"use strict";

const readline = require("readline");
const { VirtualAlexa } = require("virtual-alexa");

const config = JSON.parse(process.argv[2]);
const alexa = VirtualAlexa.Builder()
  .interactionModelFile(config.model)
  .skillURL(config.url)
  .applicationID(config.skillId)
  .locale(config.locale || "en-US")
  .create();

let lastRequest = null;
alexa.filter((request) => {
  const system = request.context.System;
  system.user.userId = config.userId;
  system.device.deviceId = config.deviceId;
  system.apiEndpoint = config.apiEndpoint;
  system.apiAccessToken = "e2e-access-token";
  if (request.session) {
    request.session.user.userId = config.userId;
  }
  if (config.timestamp) {
    request.request.timestamp = config.timestamp;
  }
  lastRequest = JSON.parse(JSON.stringify(request));
});

const REASONS = { ERROR: 0, EXCEEDED_MAX_REPROMPTS: 1, USER_INITIATED: 2 };

const { LAUNCH_WORDS, matcher } = require("./matching");
const match = matcher(config.model, alexa.context().interactionModel());

function alexa_would_match(text) {
  return LAUNCH_WORDS.test(text) || match(text) !== null;
}

async function run(command) {
  let fallback = false;
  let reply;
  switch (command.op) {
    case "launch":
      reply = await alexa.launch();
      break;
    case "utter":
      try {
        if (!alexa_would_match(command.text)) {
          throw new Error(`Unable to match utterance: ${command.text}`);
        }
        reply = await alexa.utter(command.text);
      } catch (error) {
        // Alexa sends AMAZON.FallbackIntent where virtual-alexa gives up on an utterance.
        if (!String(error && error.message).startsWith("Unable to match utterance")) {
          throw error;
        }
        fallback = true;
        reply = await alexa.intend("AMAZON.FallbackIntent");
      }
      break;
    case "intend":
      reply = await alexa.intend(command.name, command.slots || {});
      break;
    case "endSession":
      reply = await alexa.endSession(REASONS[command.reason || "USER_INITIATED"]);
      break;
    case "user":
      // As if the last conversation's speaker walked away: nothing is sent to the skill.
      alexa.context().endSession();
      config.userId = command.userId;
      config.deviceId = command.deviceId;
      return { ok: true, request: null, response: null, fallback: false };
    default:
      throw new Error(`unknown op ${command.op}`);
  }
  return { ok: true, request: lastRequest, response: reply, fallback };
}

// Commands run strictly one after another, in the order they arrive.
let queue = Promise.resolve();
readline.createInterface({ input: process.stdin, terminal: false }).on("line", (line) => {
  if (!line.trim()) {
    return;
  }
  queue = queue.then(async () => {
    let result;
    try {
      result = await run(JSON.parse(line));
    } catch (error) {
      result = { ok: false, error: String((error && error.stack) || error) };
    }
    process.stdout.write(JSON.stringify(result) + "\n");
  });
});
