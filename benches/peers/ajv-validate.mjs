// ajv peer: Ajv2020 with its default strict mode and ajv-formats, the committed Person schema
// compiled once; every line of an NDJSON file validated, errors collected for invalid records.
// usage: node ajv-validate.mjs SCHEMA VOCABULARY FILE [MAX_RECORDS]
import fs from "node:fs";
import readline from "node:readline";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemaPath, vocabPath, file, maxArg] = process.argv.slice(2);
const max = maxArg ? Number(maxArg) : Infinity;
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
ajv.addVocabulary(JSON.parse(fs.readFileSync(vocabPath, "utf8")));
const validate = ajv.compile(JSON.parse(fs.readFileSync(schemaPath, "utf8")));
let records = 0, invalid = 0, errors = 0, bytes = 0;
const start = process.hrtime.bigint();
const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
for await (const line of rl) {
  if (records >= max) break;
  bytes += Buffer.byteLength(line) + 1;
  if (!line.trim()) continue;
  records++;
  let doc;
  try { doc = JSON.parse(line); } catch { invalid++; continue; }
  if (!validate(doc)) { invalid++; errors += validate.errors.length; }
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
console.log(`records=${records} invalid=${invalid} bytes=${bytes} seconds=${seconds.toFixed(3)}`);
