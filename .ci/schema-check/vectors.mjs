// Three validators agree, the ajv side: every conformance document vector's `record` is
// validated against the schema of its record type (Ajv2020, default strict mode, ajv-formats,
// the vocabulary), and the verdict must equal the vector's `schema_verdict`.
// usage: node vectors.mjs SCHEMAS_DIR VECTORS_DIR
import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const [schemasDir, vectorsDir] = process.argv.slice(2);
const TYPES = { Person: "person", Organization: "organization", Place: "place", Thing: "thing", Event: "event", Case: "case" };
const vocab = JSON.parse(fs.readFileSync(path.join(schemasDir, "vocabulary.json"), "utf8"));
const validators = {};
for (const [type, stem] of Object.entries(TYPES)) {
  const ajv = new Ajv2020();
  addFormats(ajv);
  ajv.addVocabulary(vocab);
  validators[type] = ajv.compile(JSON.parse(fs.readFileSync(path.join(schemasDir, `${stem}.schema.json`), "utf8")));
}
function walk(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    return e.isDirectory() ? walk(p) : e.name.endsWith(".json") ? [p] : [];
  });
}
let passed = 0, failed = 0;
for (const file of walk(vectorsDir).sort()) {
  const v = JSON.parse(fs.readFileSync(file, "utf8"));
  const rec = v.record;
  const validate = rec && typeof rec === "object" && !Array.isArray(rec) ? validators[rec.type] : undefined;
  const verdict = validate && validate(rec) ? "valid" : "invalid";
  if (verdict === v.schema_verdict) passed++;
  else {
    failed++;
    console.log(`DISAGREE ajv ${v.id}: ajv says ${verdict}, the vector says ${v.schema_verdict}`);
    if (validate && validate.errors) console.log("   " + JSON.stringify(validate.errors.slice(0, 3)));
  }
}
console.log(`ajv vectors: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
