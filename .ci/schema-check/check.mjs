#!/usr/bin/env node
// ajv side of the Linli schema check.
//
// usage: node check.mjs SCHEMAS_DIR [--instances DIR]... [--report FILE]
//
// Every *.json in SCHEMAS_DIR (not recursive) except vocabulary.json must
// compile, unchanged, in its own fresh Ajv2020 instance with default strict
// mode, ajv-formats, and the custom keywords from vocabulary.json registered
// by a single ajv.addVocabulary() call. A strict-mode warning sent to the
// logger counts as a failure. Each file gets its own instance, which proves
// each file loads on its own (no cross-file $ref).
//
// With --instances DIR, every *.json under DIR (recursive) and every line of
// every *.ndjson is validated, with format assertion, against the schema
// picked by its "type" field.
//
// --report FILE writes the per-item results as JSON (run.sh hands it to
// check.py, which prints the combined summary).
//
// Exit status: 0 all passed, 1 some check failed, 2 bad usage/setup.

import fs from "node:fs";
import path from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const VOCABULARY_FILE = "vocabulary.json";
const SCHEMA_FOR_TYPE = {
  Person: "person.schema.json",
  Organization: "organization.schema.json",
  Place: "place.schema.json",
  Thing: "thing.schema.json",
  Event: "event.schema.json",
  Case: "case.schema.json",
};

function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error("usage: node check.mjs SCHEMAS_DIR [--instances DIR]... [--report FILE]");
  process.exit(2);
}

function parseArgs(argv) {
  const out = { schemasDir: null, instanceDirs: [], report: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--instances" || a === "--report") {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      if (a === "--instances") out.instanceDirs.push(v);
      else out.report = v;
    } else if (a.startsWith("--instances=")) {
      out.instanceDirs.push(a.slice("--instances=".length));
    } else if (a.startsWith("--report=")) {
      out.report = a.slice("--report=".length);
    } else if (a === "-h" || a === "--help") {
      usage();
    } else if (a.startsWith("-")) {
      usage(`unknown option ${a}`);
    } else if (out.schemasDir === null) {
      out.schemasDir = a;
    } else {
      usage(`unexpected argument ${a}`);
    }
  }
  if (out.schemasDir === null) usage("missing SCHEMAS_DIR");
  return out;
}

function isDir(p) {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function walk(dir) {
  const files = [];
  for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, ent.name);
    if (ent.isDirectory()) files.push(...walk(p));
    // like python's os.walk: symlinked dirs are not followed, symlinked files are
    else if (ent.isFile() || (ent.isSymbolicLink() && isFile(p))) files.push(p);
  }
  return files;
}

function formatAjvErrors(errors) {
  return (errors || []).map((e) => {
    const where = e.instancePath === "" ? "(root)" : e.instancePath;
    const params = e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : "";
    return `${where}: ${e.message} [${e.schemaPath}]${params}`;
  });
}

const args = parseArgs(process.argv.slice(2));
if (!isDir(args.schemasDir)) usage(`schemas dir not found: ${args.schemasDir}`);
for (const d of args.instanceDirs) if (!isDir(d)) usage(`instances dir not found: ${d}`);

// results: name -> list of error strings (empty list = passed)
const schemaResults = {};
const instanceResults = {};
const log = (s) => console.log(s);

// --- vocabulary -----------------------------------------------------------
const vocabPath = path.join(args.schemasDir, VOCABULARY_FILE);
let vocabulary = null;
{
  const errs = [];
  try {
    vocabulary = JSON.parse(fs.readFileSync(vocabPath, "utf8"));
    if (!Array.isArray(vocabulary) || vocabulary.some((k) => typeof k !== "string" || k === "")) {
      errs.push("must be a JSON array of non-empty keyword strings");
      vocabulary = null;
    } else if (new Set(vocabulary).size !== vocabulary.length) {
      errs.push("contains duplicate keywords");
      vocabulary = null;
    }
  } catch (e) {
    errs.push(`cannot read: ${e.message}`);
  }
  // Only listed when broken (then no schema can compile either).
  if (errs.length) schemaResults[VOCABULARY_FILE] = errs;
}

// --- schemas ----------------------------------------------------------------
// The record schemas, and the tool schemas under reports/ (the validator's JSON report).
const listed = (sub) =>
  (fs.existsSync(path.join(args.schemasDir, sub)) ? fs.readdirSync(path.join(args.schemasDir, sub)) : [])
    .map((n) => (sub ? `${sub}/${n}` : n))
    .filter((n) => n.endsWith(".json") && n !== VOCABULARY_FILE && isFile(path.join(args.schemasDir, n)));
const schemaFiles = [...listed(""), ...listed("reports")].sort();
if (schemaFiles.length === 0) schemaResults["(schemas)"] = [`no *.json schema files in ${args.schemasDir}`];

const validators = {}; // file name -> compiled validate function
const seenIds = {};
for (const name of schemaFiles) {
  const errs = [];
  schemaResults[name] = errs;
  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(path.join(args.schemasDir, name), "utf8"));
  } catch (e) {
    errs.push(`cannot parse: ${e.message}`);
    continue;
  }
  if (schema && typeof schema === "object" && typeof schema.$id === "string") {
    if (seenIds[schema.$id]) errs.push(`duplicate $id ${schema.$id} (also in ${seenIds[schema.$id]})`);
    else seenIds[schema.$id] = name;
  }
  if (vocabulary === null) {
    errs.push(`not compiled: ${VOCABULARY_FILE} is missing or invalid`);
    continue;
  }
  const warnings = [];
  const logger = {
    log: () => {},
    warn: (...a) => warnings.push(a.map(String).join(" ")),
    error: (...a) => warnings.push(`error: ${a.map(String).join(" ")}`),
  };
  try {
    // Default options = default strict mode; only the logger is ours.
    const ajv = new Ajv2020({ logger });
    addFormats(ajv);
    ajv.addVocabulary(vocabulary);
    validators[name] = ajv.compile(schema);
  } catch (e) {
    errs.push(`ajv.compile failed: ${e.message}`);
  }
  for (const w of warnings) errs.push(`ajv logged: ${w}`);
}

// --- instances --------------------------------------------------------------
function checkInstance(loc, instance) {
  const errs = [];
  instanceResults[loc] = errs;
  if (instance === null || typeof instance !== "object" || Array.isArray(instance)) {
    errs.push("instance is not a JSON object");
    return;
  }
  const t = instance.type;
  // A dataset's manifest is checked against the manifest schema, not a record schema.
  const schemaName = path.basename(loc) === "manifest.json"
    ? "manifest.schema.json"
    : Object.prototype.hasOwnProperty.call(SCHEMA_FOR_TYPE, t) ? SCHEMA_FOR_TYPE[t] : undefined;
  if (schemaName === undefined) {
    errs.push(`no schema for "type": ${JSON.stringify(t)} (known: ${Object.keys(SCHEMA_FOR_TYPE).join(", ")})`);
    return;
  }
  const validate = validators[schemaName];
  if (!validate) {
    errs.push(`schema ${schemaName} is missing or did not compile`);
    return;
  }
  if (!validate(instance)) {
    for (const m of formatAjvErrors(validate.errors)) errs.push(`${schemaName}: ${m}`);
  }
}

for (const dir of args.instanceDirs) {
  // absolute paths: the same keys as check.py (os.path.abspath)
  const files = walk(path.resolve(dir))
    .filter((p) => p.endsWith(".json") || p.endsWith(".ndjson"))
    .sort();
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (e) {
      instanceResults[file] = [`cannot read: ${e.message}`];
      continue;
    }
    if (file.endsWith(".ndjson")) {
      const lines = text.split("\n");
      lines.forEach((line, i) => {
        if (line.trim() === "") return;
        const loc = `${file}:${i + 1}`;
        let inst;
        try {
          inst = JSON.parse(line);
        } catch (e) {
          instanceResults[loc] = [`cannot parse: ${e.message}`];
          return;
        }
        checkInstance(loc, inst);
      });
    } else {
      let inst;
      try {
        inst = JSON.parse(text);
      } catch (e) {
        instanceResults[file] = [`cannot parse: ${e.message}`];
        continue;
      }
      checkInstance(file, inst);
    }
  }
}

// --- report -----------------------------------------------------------------
const failedOf = (r) => Object.entries(r).filter(([, e]) => e.length > 0);
const schemaFailures = failedOf(schemaResults);
const instanceFailures = failedOf(instanceResults);
for (const [name, errs] of schemaFailures) {
  log(`FAIL ajv schema ${name}`);
  for (const e of errs) log(`    ${e}`);
}
for (const [loc, errs] of instanceFailures) {
  log(`FAIL ajv instance ${loc}`);
  for (const e of errs) log(`    ${e}`);
}

const total = Object.keys(schemaResults).length + Object.keys(instanceResults).length;
const failed = schemaFailures.length + instanceFailures.length;
const nInstances = Object.keys(instanceResults).length;
const schemasOk = schemaFiles.filter((n) => schemaResults[n].length === 0).length;
log(
  `ajv: ${schemasOk}/${schemaFiles.length} schemas compiled` +
    (args.instanceDirs.length ? `; ${nInstances - instanceFailures.length}/${nInstances} instances valid` : ""),
);
log(`ajv: ${total - failed} passed, ${failed} failed`);

if (args.report) {
  fs.writeFileSync(
    args.report,
    JSON.stringify({ tool: "ajv", schemas: schemaResults, instances: instanceResults }, null, 1) + "\n",
  );
}
process.exit(failed ? 1 : 0);
