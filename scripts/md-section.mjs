// Replaces a generated section of a Markdown file: the text between "<!-- NAME:begin -->" and "<!-- NAME:end -->"
// becomes the given content (the markers are added at the end of the file the first time). The scripts that
// measure (fuzz/run.sh, benchmarks/soak/run.sh, benchmarks/load/*.sh) write their figures with it, so no figure in
// those sections is typed by hand.
//   node scripts/md-section.mjs FILE NAME < content
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

if (import.meta.url === `file://${process.argv[1]}`) {
  const [file, name] = process.argv.slice(2);
  if (!file || !name) {
    process.stderr.write('usage: node scripts/md-section.mjs FILE NAME < content\n');
    process.exit(2);
  }
  replaceSection(file, name, fs.readFileSync(0, 'utf8'));
}
