// Builds the CDS Hooks load request (benchmarks/load/cds.sh): the steroid-refractory example grown into a long record
// (years of weights, hematocrits and calcium every 14 days) until its prefetch reaches PREFETCH_BYTES (default 50000:
// issue 9 asks for "a full prefetch of about 50 KB"), as a patient-view request with a full prefetch.
//
// CDS Hooks has no as-of date: the service evaluates as of today. The example is written for 2026-05-11, so every
// date in the record is moved by the days between that date and today; otherwise the episode would have closed
// (R2.2a) and the run would measure the "no card" answer instead of the card an EHR gets for this patient.
//
//   PREFETCH_BYTES=50000 node benchmarks/load/cds-request.mjs EXAMPLE.json OUT.json   # prints the prefetch's bytes
import { readFileSync, writeFileSync } from "node:fs";

const [examplePath, outPath] = process.argv.slice(2);
const prefetchBytes = Number(process.env.PREFETCH_BYTES ?? 50_000);
const exampleAsOf = Date.UTC(2026, 4, 11);
const dayMs = 86_400_000;
const today = new Date();
const shiftDays = Math.round((Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - exampleAsOf) / dayMs);

const bundle = JSON.parse(readFileSync(examplePath, "utf8"));
const resources = bundle.entry.map((entry) => entry.resource);

const history = [
  { code: "29463-7", category: "vital-signs", unit: "kg", value: (i) => 82 + (i % 5) * 0.5 },
  { code: "4544-3", category: "laboratory", unit: "%", value: (i) => 43 + (i % 4) * 0.5 },
  { code: "17861-6", category: "laboratory", unit: "mg/dL", value: () => 9.4 },
];
const firstDay = Date.UTC(2019, 0, 15);
const historyObservation = (i) => {
  const when = new Date(firstDay + 14 * i * dayMs).toISOString().slice(0, 10);
  const kind = history[i % 3];
  return {
    resourceType: "Observation", id: `hist-${i}`, status: "final",
    category: [{ coding: [{ system: "http://terminology.hl7.org/CodeSystem/observation-category", code: kind.category }] }],
    code: { coding: [{ system: "http://loinc.org", code: kind.code }] }, subject: { reference: "Patient/p1" },
    effectiveDateTime: `${when}T09:00:00Z`,
    valueQuantity: { value: kind.value(i), unit: kind.unit, system: "http://unitsofmeasure.org", code: kind.unit },
  };
};

// Every FHIR date, dateTime and instant starts with YYYY-MM-DD; the rest (time, zone) is kept.
const datePrefix = /^(\d{4})-(\d{2})-(\d{2})(?=$|T)/;
const shift = (value) => {
  if (typeof value === "string") {
    const m = datePrefix.exec(value);
    if (!m) return value;
    const moved = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]) + shiftDays * dayMs).toISOString().slice(0, 10);
    return moved + value.slice(10);
  }
  if (Array.isArray(value)) return value.map(shift);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shift(v)]));
  return value;
};

const types = {
  conditions: "Condition", observations: "Observation", medicationAdministrations: "MedicationAdministration",
  medicationRequests: "MedicationRequest", medicationStatements: "MedicationStatement",
  allergies: "AllergyIntolerance", procedures: "Procedure",
};
const prefetchOf = (moved) => {
  const prefetch = { patient: moved.find((r) => r.resourceType === "Patient") };
  for (const [key, type] of Object.entries(types)) {
    const found = moved.filter((r) => r.resourceType === type);
    prefetch[key] = {
      resourceType: "Bundle", type: "searchset", total: found.length,
      entry: found.map((resource) => ({ resource, search: { mode: "match" } })),
    };
  }
  return prefetch;
};

// History before the relapse (the example's episode starts in 2026), added until the prefetch reaches its size.
const lastHistoryDay = "2026-04-01";
const moved = resources.map(shift);
let prefetch = prefetchOf(moved);
for (let i = 0; Buffer.byteLength(JSON.stringify(prefetch)) < prefetchBytes; i++) {
  const observation = historyObservation(i);
  if (observation.effectiveDateTime >= lastHistoryDay) {
    throw new Error(`cds-request: PREFETCH_BYTES=${prefetchBytes} needs more history than fits before ${lastHistoryDay}`);
  }
  moved.push(shift(observation));
  prefetch = prefetchOf(moved);
}
const request = {
  hookInstance: "7f1c1e0e-4b8e-4f5e-9f55-0b9e1c0d2a11", hook: "patient-view",
  context: { userId: "Practitioner/load", patientId: "p1" }, prefetch,
};
writeFileSync(outPath, JSON.stringify(request));
console.log(Buffer.byteLength(JSON.stringify(prefetch)));
