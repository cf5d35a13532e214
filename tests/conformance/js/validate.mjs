// The second-language check of the Pulse contract: validates record values with ajv
// (Draft 2020-12, strict mode, every format checked by ajv-formats), as a JavaScript
// producer would before sending.
//
// usage: node validate.mjs SCHEMA_PATH < corpus.jsonl > verdicts.jsonl
// Each input line is {"id": "...", "value_b64": "..."} (the record value's exact bytes);
// each output line is {"id": "...", "valid": true|false, "errors": ["..."]}.
// Bytes that are not JSON are invalid here too. Exit 2 when the schema does not compile.
import { readFileSync } from "node:fs";
import { createInterface } from "node:readline";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const schema = JSON.parse(readFileSync(process.argv[2], "utf8"));
const ajv = new Ajv2020({ strict: true, allErrors: false });
addFormats(ajv);
let validate;
try {
  validate = ajv.compile(schema);
} catch (error) {
  console.error(`ajv (strict) refuses the schema: ${error.message}`);
  process.exit(2);
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line) continue;
  const { id, value_b64: valueB64 } = JSON.parse(line);
  let verdict;
  try {
    const value = JSON.parse(decoder.decode(Buffer.from(valueB64, "base64")));
    const valid = validate(value);
    verdict = { id, valid, errors: (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`) };
  } catch (error) {
    verdict = { id, valid: false, errors: [`not JSON: ${error.message}`] };
  }
  process.stdout.write(JSON.stringify(verdict) + "\n");
}
