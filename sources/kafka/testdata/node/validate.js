// Validates JSON records, one a line on stdin, against a JSON Schema (draft-07) with ajv, as a
// consumer's contract test would. Exits 0 when every record is valid, 1 listing what is not.
//
//   node validate.js schemas/jsonschema/ad.json < ads.jsonl
'use strict';
const fs = require('fs');
const Ajv = require('ajv');
const addFormats = require('ajv-formats');

const [schemaFile] = process.argv.slice(2);
if (!schemaFile) {
  process.stderr.write('usage: node validate.js SCHEMA.json < records.jsonl\n');
  process.exit(2);
}
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, 'utf8')));
const lines = fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.trim() !== '');
let bad = 0;
lines.forEach((line, i) => {
  if (!validate(JSON.parse(line))) {
    bad++;
    process.stderr.write(`record ${i + 1}: ${ajv.errorsText(validate.errors)}\n`);
  }
});
if (lines.length === 0) {
  process.stderr.write('no records on stdin\n');
  process.exit(1);
}
process.stdout.write(`${lines.length - bad} of ${lines.length} records valid against ${schemaFile}\n`);
process.exit(bad === 0 ? 0 : 1);
