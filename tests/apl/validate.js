// Checks APL documents with Amazon's own validator (npm apl-suggester), as the APL authoring tool does.
//
//   node tests/apl/validate.js < documents.json > results.json
//
// stdin:  a JSON list of APL documents.
// stdout: a JSON list, one entry per document: the validator's findings ({path, errorMessage, level}), empty
//         when it has nothing to say. The validator needs a DOM, which jsdom-global provides.
"use strict";

require("jsdom-global")();
const fs = require("fs");
const { StaticAplTemplateValidator } = require("apl-suggester");

// The validator prints a note for every mainTemplate it meets ("No mixin for component"): not a finding.
console.log = () => {};

async function main() {
  const documents = JSON.parse(fs.readFileSync(0, "utf8"));
  const validator = new StaticAplTemplateValidator();
  const results = [];
  for (const document of documents) {
    results.push(await validator.validate(document));
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(1);
});
