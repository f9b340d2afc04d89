// Replaces a generated section of a Markdown file: the text between "<!-- NAME:begin -->" and "<!-- NAME:end -->"
// becomes the given content (the markers are added at the end of the file the first time). The scripts that
// measure (fuzz/run.sh, benchmarks/soak/run.sh, benchmarks/load/*.sh) write their figures with it, so no figure in
// those sections is typed by hand.
//   node scripts/md-section.mjs FILE NAME < content
//   node scripts/md-section.mjs FILE --heading "## Title" < content   (content starts with that heading): replaces
//     the section from that heading to the next "## " heading (appends it the first time) — for files where
//     several scripts each own one "##" section (benchmarks/README.md).
import fs from 'node:fs';

export function replaceSection(file, name, content) {
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const body = `${begin}\n${content.replace(/\s+$/, '')}\n${end}`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  const next = from >= 0 && to > from
    ? text.slice(0, from) + body + text.slice(to + end.length)
    : `${text.replace(/\s*$/, '')}\n\n${body}\n`;
  fs.writeFileSync(file, next);
}

export function replaceHeadingSection(file, heading, content) {
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  const body = `${content.replace(/\s+$/, '')}\n`;
  const lines = text.split('\n');
  const from = lines.indexOf(heading);
  if (from < 0) {
    fs.writeFileSync(file, `${text.replace(/\s*$/, '')}\n\n${body}`);
    return;
  }
  let to = lines.findIndex((l, i) => i > from && l.startsWith('## '));
  if (to < 0) to = lines.length;
  const after = lines.slice(to).join('\n');
  fs.writeFileSync(file, `${lines.slice(0, from).join('\n')}${from > 0 ? '\n' : ''}${body}${after ? `\n${after}` : ''}`.replace(/\s*$/, '\n'));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  if (args.length === 3 && args[1] === '--heading') {
    replaceHeadingSection(args[0], args[2], fs.readFileSync(0, 'utf8'));
  } else if (args.length === 2) {
    replaceSection(args[0], args[1], fs.readFileSync(0, 'utf8'));
  } else {
    process.stderr.write('usage: node scripts/md-section.mjs FILE NAME < content | FILE --heading "## Title" < content\n');
    process.exit(2);
  }
}
