// The desk's messages between its page and gettext (scripts/po runs this).
//
// The desk's English catalog, analyst/desk/messages/en.json, is the source: one
// key per message, as the page's code names them. Translators work in
// po/gongyou-analyst/<lang>.po like everyone else, where each desk message has
// its key as msgctxt and its English as msgid; the page bundles the JSON this
// script compiles from the .po (committed beside en.json, like the .pot).
//
//   node scripts/desk-catalog.mjs pot EN_JSON      template entries, on standard output
//   node scripts/desk-catalog.mjs json EN_JSON PO  the language's JSON catalog, on standard output
//
// A message missing, untranslated or fuzzy in the .po is an error: scripts/po
// check already refuses such a catalog, and a desk half in English is not shipped.
import { readFileSync } from "node:fs";

const [, , mode, enPath, poPath] = process.argv;
const en = JSON.parse(readFileSync(enPath, "utf8"));

// A PO string literal's C escapes.
function unquote(s) {
  if (!s.startsWith('"') || !s.endsWith('"')) throw new Error(`not a PO string: ${s}`);
  return s.slice(1, -1).replace(/\\(["\\ntr])/g, (_, c) => ({ n: "\n", t: "\t", r: "\r" })[c] ?? c);
}
function quote(s) {
  return '"' + s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t") + '"';
}

// The entries of a PO file: { ctxt, id, str, fuzzy }.
function parsePo(text) {
  const entries = [];
  let e = null, field = null;
  const flush = () => { if (e && e.id !== undefined) entries.push(e); e = null; field = null; };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "") { flush(); continue; }
    if (line.startsWith("#~")) continue;  // obsolete
    if (line.startsWith("#,")) { e ??= {}; if (line.includes("fuzzy")) e.fuzzy = true; continue; }
    if (line.startsWith("#")) { e ??= {}; continue; }
    const m = /^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(".*")$/.exec(line);
    if (m) {
      e ??= {};
      if (m[1] === "msgctxt" && e.id !== undefined) { flush(); e = {}; }
      field = { msgctxt: "ctxt", msgid: "id", msgid_plural: "plural", msgstr: "str" }[m[1]] ?? "str";
      e[field] = unquote(m[2]);
    } else if (line.startsWith('"') && e && field) {
      e[field] += unquote(line);
    } else {
      throw new Error(`cannot read PO line: ${raw}`);
    }
  }
  flush();
  return entries;
}

if (mode === "pot") {
  let out = "";
  for (const [key, text] of Object.entries(en)) {
    out += "\n";
    if (/\{\d+\}/.test(text)) out += "#. {0}, {1}… are filled in by the desk; keep each one.\n";
    out += `#: ${enPath}\nmsgctxt ${quote(key)}\nmsgid ${quote(text)}\nmsgstr ""\n`;
  }
  process.stdout.write(out.slice(1));
} else if (mode === "json") {
  const byKey = new Map();
  for (const e of parsePo(readFileSync(poPath, "utf8"))) if (e.ctxt !== undefined) byKey.set(e.ctxt, e);
  const out = {};
  const problems = [];
  for (const [key, text] of Object.entries(en)) {
    const e = byKey.get(key);
    if (!e || e.id !== text) problems.push(`${key}: not in the catalog (run scripts/po update)`);
    else if (e.fuzzy || e.str === "") problems.push(`${key}: not translated`);
    else out[key] = e.str;
  }
  if (problems.length) {
    process.stderr.write(`desk-catalog: ${poPath}:\n  ${problems.join("\n  ")}\n`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(out, null, 2) + "\n");
} else {
  process.stderr.write("usage: desk-catalog.mjs pot EN_JSON | json EN_JSON PO\n");
  process.exit(2);
}
