// Writes the seed corpora of the ndjson and cds-request fuzz targets (fuzz/corpus/<target>/) from the test data:
// the shared examples (../shared/examples), the demo patients' bundles (fuzz/corpus/fhir-bundle) and one patient of
// the Synthea Bulk Data sample (../shared/data/synthea-bulk-10). Rerun after the examples change:
//   node fuzz/seed-corpora.mjs
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shared = path.resolve(repo, '..', 'shared');
const out = (target, name, text) => {
  const dir = path.join(repo, 'fuzz', 'corpus', target);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, name), text);
};
const line = (r) => JSON.stringify(r);
const bundles = {};
for (const f of fs.readdirSync(path.join(shared, 'examples')).filter((f) => f.endsWith('.json')).sort()) {
  bundles[`example-${f.replace(/\.json$/, '')}`] = JSON.parse(fs.readFileSync(path.join(shared, 'examples', f), 'utf8'));
}
for (const f of ['demo-steroid-refractory.json', 'demo-pediatric-relapse.json']) {
  bundles[f.replace(/\.json$/, '')] = JSON.parse(fs.readFileSync(path.join(repo, 'fuzz', 'corpus', 'fhir-bundle', f), 'utf8'));
}
const resourcesOf = (b) => b.entry.map((e) => e.resource);

// ndjson: each bundle as one export file (a patient's resources, one per line), then edge files.
for (const [name, b] of Object.entries(bundles)) out('ndjson', `${name}.ndjson`, resourcesOf(b).map(line).join('\n') + '\n');
const sample = path.join(shared, 'data', 'synthea-bulk-10');
const patient = JSON.parse(fs.readFileSync(path.join(sample, 'Patient.000.ndjson'), 'utf8').split('\n')[0]);
const ofPatient = (file, n) => fs.readFileSync(path.join(sample, file), 'utf8').split('\n').filter((l) => l.includes(`Patient/${patient.id}"`) || l.includes(`urn:uuid:${patient.id}"`)).slice(0, n);
out('ndjson', 'synthea-one-patient.ndjson', [line(patient), ...ofPatient('Condition.000.ndjson', 3), ...ofPatient('AllergyIntolerance.000.ndjson', 1)].join('\n') + '\n');
const p = resourcesOf(bundles['example-severe-relapse-untreated']);
const pat = p.find((r) => r.resourceType === 'Patient');
out('ndjson', 'one-patient-line.ndjson', line(pat));
out('ndjson', 'crlf-bom-blank.ndjson', '\uFEFF' + p.slice(0, 3).map(line).join('\r\n') + '\r\n\r\n  \r\n');
out('ndjson', 'malformed-and-skipped.ndjson', [
  line(pat),
  '{"resourceType":"Condition","id":"c1"',
  '{"resourceType":"Organization","id":"o1","name":"Clinic"}',
  '{"resourceType":"Observation","id":"o2","status":"final"}',
  '{"id":"x"}',
  '[1,2]',
  '{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/' + pat.id + '"}}',
  '{"resourceType":"Condition","resourceType":"Condition","subject":{"reference":"Patient/' + pat.id + '"}}',
].join('\n'));

// cds-request: "<service id>\n<request body>".
const prefetchOf = (b) => {
  const rs = resourcesOf(b);
  const types = { conditions: 'Condition', observations: 'Observation', medicationAdministrations: 'MedicationAdministration',
    medicationRequests: 'MedicationRequest', medicationStatements: 'MedicationStatement', allergies: 'AllergyIntolerance', procedures: 'Procedure' };
  const prefetch = { patient: rs.find((r) => r.resourceType === 'Patient') };
  for (const [key, t] of Object.entries(types)) {
    const found = rs.filter((r) => r.resourceType === t);
    prefetch[key] = { resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((r) => ({ resource: r, search: { mode: 'match' } })) };
  }
  return prefetch;
};
const request = (hook, b, extra = {}) => ({ hookInstance: 'd1577c69-dfbe-44ad-ba6d-3e05e953b2ea', hook,
  context: { userId: 'Practitioner/example', patientId: prefetchOf(b).patient.id }, prefetch: prefetchOf(b), ...extra });
const cds = (name, service, body) => out('cds-request', name, `${service}\n${typeof body === 'string' ? body : JSON.stringify(body)}`);
for (const [name, b] of Object.entries(bundles).filter(([n]) => n.startsWith('example-'))) cds(`patient-view-${name}.txt`, 'msrelapse-patient-view', request('patient-view', b));
const severe = bundles['example-severe-relapse-untreated'];
const id = prefetchOf(severe).patient.id;
const draft = { resourceType: 'MedicationRequest', id: 'draft-1', status: 'draft', intent: 'order',
  medicationCodeableConcept: { coding: [{ system: 'http://www.nlm.nih.gov/research/umls/rxnorm', code: '6902', display: 'methylprednisolone' }] },
  subject: { reference: `Patient/${id}` },
  dosageInstruction: [{ route: { coding: [{ system: 'http://snomed.info/sct', code: '47625008', display: 'Intravenous' }] },
    doseAndRate: [{ doseQuantity: { value: 1000, unit: 'mg', system: 'http://unitsofmeasure.org', code: 'mg' } }],
    timing: { repeat: { frequency: 1, period: 1, periodUnit: 'd', boundsDuration: { value: 5, unit: 'd', system: 'http://unitsofmeasure.org', code: 'd' } } } }] };
const drafts = { resourceType: 'Bundle', type: 'collection', entry: [{ resource: draft }] };
const sign = request('order-sign', severe); sign.context.draftOrders = drafts;
cds('order-sign.txt', 'msrelapse-order-sign', sign);
const select = request('order-select', severe); select.context.draftOrders = drafts; select.context.selections = ['MedicationRequest/draft-1'];
cds('order-select.txt', 'msrelapse-order-select', select);
const nulls = request('patient-view', severe); for (const k of Object.keys(nulls.prefetch)) if (k !== 'patient') nulls.prefetch[k] = null;
cds('prefetch-nulls.txt', 'msrelapse-patient-view', nulls);
cds('no-prefetch-fhir-server.txt', 'msrelapse-patient-view', { hookInstance: 'a', hook: 'patient-view', context: { patientId: id },
  fhirServer: 'https://ehr.example.org/fhir', fhirAuthorization: { access_token: 'x', token_type: 'Bearer' } });
const other = request('patient-view', severe); other.context.patientId = 'someone-else';
cds('other-patient.txt', 'msrelapse-patient-view', other);
cds('wrong-hook.txt', 'msrelapse-order-sign', request('patient-view', severe));
cds('unknown-service.txt', 'no-such-service', '{}');
cds('not-json.txt', 'msrelapse-patient-view', '{"hook":');
