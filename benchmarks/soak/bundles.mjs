// Helpers of benchmarks/soak/run.sh (Node, like the rest of the repository's tooling; no Python):
//   node bundles.mjs padded SRC OUT BYTES   the soak bundle with a Patient narrative of BYTES random letters (full disk)
//   node bundles.mjs large SRC OUT BYTES ID the soak bundle grown to about BYTES with a long history of weight and
//                                          EDSS Observations, SOAK_ID replaced by ID (memory: a 4.7 MB evaluation)
//   node bundles.mjs field FILE KEY...      the JSON file's top-level KEYs, space-separated ("" where absent)
import fs from 'node:fs';

const [command, ...args] = process.argv.slice(2);
if (command === 'padded') {
  const [src, out, bytes] = args;
  const bundle = JSON.parse(fs.readFileSync(src, 'utf8'));
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let text = '';
  for (let i = 0; i < Number(bytes); i++) text += letters[Math.floor(Math.random() * letters.length)];
  for (const e of bundle.entry) {
    if (e.resource.resourceType === 'Patient') e.resource.text = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${text}</div>` };
  }
  fs.writeFileSync(out, JSON.stringify(bundle));
} else if (command === 'large') {
  const [src, out, bytes, id] = args;
  const bundle = JSON.parse(fs.readFileSync(src, 'utf8').replaceAll('SOAK_ID', id));
  let size = JSON.stringify(bundle).length;
  const start = Date.UTC(2006, 0, 1);
  for (let i = 0; size < Number(bytes); i++) {
    const when = new Date(start + i * 3600_000 * 6).toISOString().replace('.000', '');
    const edss = i % 2 === 1;
    const resource = {
      resourceType: 'Observation', id: `history-${i}`, status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: edss ? 'exam' : 'vital-signs' }] }],
      code: { coding: [edss ? { system: 'http://snomed.info/sct', code: '273554001', display: 'Kurtzke Expanded Disability Status Scale' } : { system: 'http://loinc.org', code: '29463-7', display: 'Body weight' }] },
      subject: { reference: `Patient/${id}` }, effectiveDateTime: when,
      valueQuantity: edss ? { value: 3 + (i % 3) * 0.5, system: 'http://unitsofmeasure.org', code: '{score}' } : { value: 70 + (i % 10) * 0.5, unit: 'kg', system: 'http://unitsofmeasure.org', code: 'kg' },
    };
    const entry = { fullUrl: `https://ehr.example.org/fhir/Observation/history-${i}`, resource };
    bundle.entry.push(entry);
    size += JSON.stringify(entry).length + 1;
  }
  fs.writeFileSync(out, JSON.stringify(bundle));
} else if (command === 'field') {
  const [file, ...keys] = args;
  let json = {};
  try { json = JSON.parse(fs.readFileSync(file, 'utf8')); } catch { json = {}; }
  process.stdout.write(`${keys.map((k) => (json && json[k] !== undefined ? String(json[k]) : '')).join(' ')}\n`);
} else {
  process.stderr.write('usage: node bundles.mjs padded|large|field ...\n');
  process.exit(2);
}
