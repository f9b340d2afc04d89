// Keeps benchmarks/soak/results.tsv (the last RESULT line of each check) and renders it into docs/reliability.md,
// section "soak-figures". Called by benchmarks/soak/run.sh:
//   node benchmarks/soak/report.mjs record RUN MACHINE < RESULT lines      (RUN: the run.sh mode, e.g. short, full)
//   node benchmarks/soak/report.mjs render
import fs from 'node:fs';
import path from 'node:path';
import { replaceSection } from '../../scripts/md-section.mjs';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const results = path.join(repo, 'benchmarks', 'soak', 'results.tsv');
const columns = ['check', 'run', 'finished', 'machine', 'result'];
const order = ['soak', 'db-outage', 'pg-restart', 'full-disk', 'kill', 'memory'];
const parse = (line) => Object.fromEntries([...line.matchAll(/(\w[\w-]*)=(\[[^\]]*\]|\S+)/g)].map((m) => [m[1], m[2].replace(/^\[|\]$/g, '')]));

let rows = fs.existsSync(results) ? fs.readFileSync(results, 'utf8').split('\n').slice(1).filter(Boolean)
  .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [columns[i], v]))) : [];
const [command, run, machine] = process.argv.slice(2);
if (command === 'record') {
  const finished = new Date().toISOString().slice(0, 16).replace('T', ' ');
  for (const line of fs.readFileSync(0, 'utf8').split('\n').filter((l) => l.startsWith('mode='))) {
    const check = parse(line).mode;
    rows = rows.filter((r) => r.check !== check).concat({ check, run, finished, machine, result: line });
  }
  rows.sort((a, b) => order.indexOf(a.check) - order.indexOf(b.check));
  fs.writeFileSync(results, [columns.join('\t'), ...rows.map((r) => columns.map((c) => r[c]).join('\t'))].join('\n') + '\n');
} else if (command !== 'render') {
  process.stderr.write('usage: node benchmarks/soak/report.mjs record RUN MACHINE < lines | render\n');
  process.exit(2);
}

const figures = {
  soak: (f) => `${f.seconds} s of mixed traffic at ${f.target_rps} requests/s (80 % of the ${f.capacity_rps}/s measured first; achieved ${f.achieved_rps}/s): ${f.requests} requests, **${f.non2xx} non-2xx, ${f.errors} transport errors**; p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms; RSS at start ${f.rss_start_mb} MB, peak ${f.peak_rss_mb} MB, at end ${f.rss_end_mb} MB (last third ${f.rss_last_mb} MB vs middle third ${f.rss_mid_mb} MB: flat ${f.flat})`,
  'db-outage': (f) => `PostgreSQL stopped ${f.outage_s} s under writes: readiness ${f.ready_during}; ${f.writes_during} writes during it answered ${f.answers_during} (problem \`${f.problem_code}\`, slowest ${f.slowest_answer_during_s} s); ready again ${f.ready_again_after_s} s after PostgreSQL came back, ${f.writes_ok_after} writes ok after, service restarted: ${f.service_restarted}`,
  'pg-restart': (f) => `PostgreSQL restarted (fast shutdown, start) under ${f.writers} writers over ${f.seconds} s: ${f.answers}; restart took ${f.restart_s} s, first write acknowledged ${f.first_ok_after_s} s after it; ${f.acknowledged_writes} acknowledged writes, ${f.records_checked} records checked, **${f.lost} lost**; service restarted: ${f.service_restarted}`,
  'full-disk': (f) => `SQLite on a ${f.filesystem}: ${f.writes} writes (${f.acknowledged} acknowledged) answered ${f.answers}; first refusal \`${f.first_refusal}\`; a read after the disk filled: ${f.read_after_full}; ${f.records_present} records present; \`PRAGMA integrity_check\`: **${f.integrity_check}**`,
  kill: (f) => `**${f.cycles} kill -9 cycles** under two writers: ${f.acknowledged_writes} acknowledged writes, ${f.records_checked} records checked, **${f.lost} lost**; \`PRAGMA integrity_check\`: ${f.integrity_check}`,
  memory: (f) => `${f.waves} waves of ${f.concurrency} concurrent ${f.body_mb} MB evaluations (\`POST /api/evaluate\`) over ${f.seconds} s, limiter ${f.limiter}: ${f.answers}; **${f.busy_with_retry_after} × 503 with Retry-After**; RSS before ${f.rss_before_mb} MB, **peak ${f.peak_rss_mb} MB**, ${f.settle_s} s after the last wave ${f.rss_after_mb} MB (the issue's defect: 1.7 GB, and it stayed there)`,
};
const lines = [
  'Written by `benchmarks/soak/run.sh` (via `benchmarks/soak/report.mjs`): the last run of each check. `full` writes it',
  'always, the other modes with `RECORD=1`; the raw RESULT lines follow the table.',
  '',
  '| check | run | verdict | figures | finished (UTC) | machine |',
  '|---|---|---|---|---|---|',
  ...rows.map((r) => {
    const f = parse(r.result);
    return `| ${r.check} | ${r.run} | ${f.ok === '1' ? 'ok' : '**failed**'} | ${(figures[r.check] ?? (() => r.result))(f)} | ${r.finished} | ${r.machine} |`;
  }),
  '',
  ...rows.map((r) => `    RESULT ${r.result}`),
];
replaceSection(path.join(repo, 'docs', 'reliability.md'), 'soak-figures', lines.join('\n'));
