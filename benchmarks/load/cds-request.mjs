// The CDS Hooks load request of benchmarks/load/cds.sh: the steroid-refractory example grown into a long record
// (weights, hematocrits and calcium every two weeks since 2019, about 50 kB of prefetch), as a patient-view call.
//   node benchmarks/load/cds-request.mjs EXAMPLE_BUNDLE OUT
import fs from 'node:fs';

const [example, out] = process.argv.slice(2);
const bundle = JSON.parse(fs.readFileSync(example, 'utf8'));
const resources = bundle.entry.map((e) => e.resource);
const day = Date.UTC(2019, 0, 15);
for (let i = 0; i < 150; i++) {
  const kind = i % 3;
  const when = `${new Date(day + 14 * i * 86_400_000).toISOString().slice(0, 10)}T09:00:00Z`;
  if (when >= '2026-04-01') break;
  const [code, value, unit] = [['29463-7', 82 + (i % 5) * 0.5, 'kg'], ['4544-3', 43 + (i % 4) * 0.5, '%'], ['17861-6', 9.4, 'mg/dL']][kind];
  resources.push({ resourceType: 'Observation', id: `hist-${i}`, status: 'final',
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: kind === 0 ? 'vital-signs' : 'laboratory' }] }],
    code: { coding: [{ system: 'http://loinc.org', code }] }, subject: { reference: 'Patient/p1' },
    effectiveDateTime: when, valueQuantity: { value, unit, system: 'http://unitsofmeasure.org', code: unit } });
}
const types = { conditions: 'Condition', observations: 'Observation', medicationAdministrations: 'MedicationAdministration',
  medicationRequests: 'MedicationRequest', medicationStatements: 'MedicationStatement', allergies: 'AllergyIntolerance', procedures: 'Procedure' };
const prefetch = { patient: resources.find((r) => r.resourceType === 'Patient') };
for (const [key, type] of Object.entries(types)) {
  const found = resources.filter((r) => r.resourceType === type);
  prefetch[key] = { resourceType: 'Bundle', type: 'searchset', total: found.length, entry: found.map((resource) => ({ resource, search: { mode: 'match' } })) };
}
fs.writeFileSync(out, JSON.stringify({ hookInstance: '7f1c1e0e-4b8e-4f5e-9f55-0b9e1c0d2a11', hook: 'patient-view',
  context: { userId: 'Practitioner/load', patientId: 'p1' }, prefetch }));
