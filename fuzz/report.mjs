// Keeps fuzz/results.tsv (the latest run of each target and mode) and renders it into docs/reliability.md, section
// "fuzz-figures". Called by fuzz/run.sh after each run:
//   node fuzz/report.mjs record TARGET MODE EXECUTIONS SECONDS CRASHES HANGS EDGES FINISHED MACHINE
//   node fuzz/report.mjs render
import fs from 'node:fs';
import path from 'node:path';
import { replaceSection } from '../scripts/md-section.mjs';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const results = path.join(repo, 'fuzz', 'results.tsv');
const columns = ['target', 'mode', 'executions', 'seconds', 'crashes', 'hangs', 'edges', 'finished', 'machine'];
const goal = 1_000_000;

const read = () => (fs.existsSync(results) ? fs.readFileSync(results, 'utf8').split('\n').slice(1).filter(Boolean)
  .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i], v]))) : []);

const [command, ...args] = process.argv.slice(2);
let rows = read();
if (command === 'record') {
  const row = Object.fromEntries(columns.map((c, i) => [c, (args[i] ?? '').replace(/[\t\n]/g, ' ')]));
  rows = rows.filter((r) => !(r.target === row.target && r.mode === row.mode)).concat(row)
    .sort((a, b) => a.target.localeCompare(b.target) || a.mode.localeCompare(b.mode));
  fs.writeFileSync(results, [columns.join('\t'), ...rows.map((r) => columns.map((c) => r[c]).join('\t'))].join('\n') + '\n');
} else if (command !== 'render') {
  process.stderr.write('usage: node fuzz/report.mjs record ...|render\n');
  process.exit(2);
}

const n = (v) => Number(v).toLocaleString('en-US').replace(/,/g, ' ');
const lines = [
  'Written by `fuzz/run.sh` (via `fuzz/report.mjs`) from its last run of each target and mode; rerun `bash fuzz/run.sh all`.',
  '',
  '| target | mode | executions | time | executions/s | crashes | hangs | edges | goal ≥ 10⁶ | finished (UTC) | machine at start |',
  '|---|---|---:|---:|---:|---:|---:|---:|---|---|---|',
  ...rows.map((r) => {
    const s = Number(r.seconds);
    const ok = Number(r.executions) >= goal && r.crashes === '0' && r.hangs === '0';
    return `| ${r.target} | ${r.mode === 'afl' ? 'AFL++' : 'blind mutation'} | ${n(r.executions)} | ${s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s} s`} | ${n(Math.round(Number(r.executions) / Math.max(1, s)))} | ${r.crashes} | ${r.hangs} | ${r.edges} | ${ok ? 'met' : 'not met'} | ${r.finished} | ${r.machine} |`;
  }),
];
replaceSection(path.join(repo, 'docs', 'reliability.md'), 'fuzz-figures', lines.join('\n'));
