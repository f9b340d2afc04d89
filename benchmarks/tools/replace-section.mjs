// Replaces (or appends) one "## Heading" section of a Markdown file with the text on stdin: the load and soak
// scripts record their figures this way, so a rerun rewrites its own section and leaves the others alone.
//
//   node benchmarks/tools/replace-section.mjs FILE "## Heading" < section.md
import { readFileSync, writeFileSync } from "node:fs";

const [file, heading] = process.argv.slice(2);
if (!file || !heading?.startsWith("## ")) {
  console.error('usage: replace-section.mjs FILE "## Heading" < section.md');
  process.exit(2);
}
const section = readFileSync(0, "utf8").trimEnd() + "\n";
const text = readFileSync(file, "utf8");
const lines = text.split("\n");
const start = lines.findIndex((line) => line === heading);
let result;
if (start < 0) {
  result = text.trimEnd() + "\n\n" + section;
} else {
  let end = lines.findIndex((line, i) => i > start && line.startsWith("## "));
  if (end < 0) end = lines.length;
  const after = lines.slice(end).join("\n");
  result = lines.slice(0, start).join("\n") + "\n" + section + (after ? "\n" + after : "");
}
writeFileSync(file, result.trimEnd() + "\n");
