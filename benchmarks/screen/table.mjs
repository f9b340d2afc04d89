// Writes the results of benchmarks/screen/run.sh into the "Screening" section of benchmarks/README.md.
//   node benchmarks/screen/table.mjs RESULTS PATIENTS README
import { readFileSync, writeFileSync } from "node:fs";

const [results, patients, readme] = process.argv.slice(2);
const line = /^(small|large) (\S+) (\w+)\s+([\d.]+) s\s+([\d.]+) MB\s+([\d.]+) MB\/s\s+(\d+) patients\s+(\d+) patients\/s\s+cpu\s+([\d.]+) s\s+peak\s+(\d+) MB(?:\s+gc ([\d.]+) s paused, \S+ collections, ([\d.]+) GB allocated(?:, jit ([\d.]+) s, (\d+) methods)?)?/;
const rows = readFileSync(results, "utf8").split("\n").filter(Boolean).map((l) => {
  const m = line.exec(l);
  if (!m) throw new Error(`unreadable result line: ${l}`);
  return { set: m[1], load: m[2], mode: m[3], s: +m[4], mb: +m[5], mbs: +m[6], patients: +m[7], ps: +m[8], cpu: +m[9], peak: +m[10], gc: m[11], allocated: m[12], jit: m[13], methods: m[14] };
});
const get = (set, mode) => rows.find((r) => r.set === set && r.mode === mode);
const floor = get("small", "floor"), firely = get("small", "firely"), screen = get("small", "screen"), large = get("large", "screen");
const warm = get("small", "warm");
const pct = (x) => `${(100 * x).toFixed(0)} %`;
const verdict = (ok) => (ok ? "**met**" : "**not met**");
const ofFloor = screen.mbs / floor.mbs, ofFirely = screen.mbs / firely.mbs, memory = large.peak / screen.peak;
const cpuOfFloor = floor.cpu / screen.cpu, cpuOfFirely = firely.cpu / screen.cpu;
const n = Number(patients);
const when = new Date().toISOString().slice(0, 16).replace("T", " ");

const table = [
  "| export | mode | load avg | time | CPU (user+sys) | MB/s | patients/s | peak | GC paused | allocated | JIT |",
  "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ...[floor, firely, screen, warm, large].filter(Boolean).map((r, i) =>
    `| ${r === large ? `synth ${(n * 10).toLocaleString("en")} patients (10×), ${r.mb} MB` : i === 0 ? `synth ${n.toLocaleString("en")} patients, ${r.mb} MB` : ""} | ${r.mode} | ${r.load} | ${r.s.toFixed(1)} s | ${r.cpu.toFixed(1)} s | ${r.mbs.toFixed(1)} | ${r.mode === "floor" ? "—" : r.ps.toLocaleString("en")} | ${r.peak} MB | ${r.gc === undefined ? "—" : `${r.gc} s`} | ${r.allocated === undefined ? "—" : `${r.allocated} GB`} | ${r.jit === undefined ? "—" : `${r.jit} s, ${Number(r.methods).toLocaleString("en")} methods`} |`),
].join("\n");

const section = `## Screening (\`msrelapse screen\`) against its floor and the Firely path

\`benchmarks/screen/run.sh [PATIENTS]\` generates two exports with \`msrelapse synth\` (seed 1, as of 2026-05-11, NDJSON
per type split at 16 MB; PATIENTS and 10 × PATIENTS patients) and runs \`benchmarks/MsRelapse.ScreenBench\` on the same
files, both cores: **floor** (a bare \`JsonDocument.Parse\` of every line), **firely** (the same split by patient, then
each patient's resources as a Bundle through the Firely reader and the engine), **screen** (\`ScreenRun\`: the split, the
UTF-8 reader and the engine, patients.csv, summary.json, report.html), **warm** (a second screen in the same process,
timed alone: what a screen costs once its code is compiled, as on a silo that screens again; the goals are read on the
first, **screen**; its peak is the process's, over both runs), then **screen** on the 10× export. Peak = the process's
peak working set; GC paused and allocated: the .NET runtime's own totals for the process (pause time, bytes
allocated); JIT: the runtime's time compiling methods and how many it compiled (\`JitInfo\`; summed over threads, so
inflated when the compiler's thread waits for a core). The load average (1 min) is read as each mode starts: the machine
is shared, so wall-time ratios move with the other engineers' builds; the CPU seconds (user + system) of each mode say
what it costs.

Recorded ${when} UTC by the script:

${table}

Goals (issue 11 item 6), plainly:
- screening ≥ 50 % of the floor's throughput: ${pct(ofFloor)} by wall time (${pct(cpuOfFloor)} by CPU time) — ${verdict(ofFloor >= 0.5)}${warm ? ` (a second screen in the same process, its code compiled: ${pct(warm.mbs / floor.mbs)} by wall time, ${pct(floor.cpu / warm.cpu)} by CPU time)` : ""};
- screening ≥ 10× the Firely path: ${ofFirely.toFixed(1)}× by wall time (${cpuOfFirely.toFixed(1)}× by CPU time) — ${verdict(ofFirely >= 10)};
- peak memory for the 10× export ≤ 1.2× the smaller one's: ${memory.toFixed(2)}× (${large.peak} MB against ${screen.peak} MB) — ${verdict(memory <= 1.2)}.
`;

const text = readFileSync(readme, "utf8");
const start = text.indexOf("## Screening (`msrelapse screen`)");
if (start < 0) throw new Error("no Screening section in " + readme);
const next = text.indexOf("\n## ", start + 3);
writeFileSync(readme, text.slice(0, start) + section + (next < 0 ? "" : text.slice(next)));
console.log(section);
