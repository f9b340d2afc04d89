// What the record holds, read from the patient's FHIR Bundle for display (the codes of shared/fhir-profile.md):
// EDSS assessments, relapse onsets, steroid doses, apheresis sessions, weight, height and labs, each with its date
// and its source (resource type and id). The engine reads the same bundle on the server; this is only what the page
// shows beside the recommendation so that its numbers can be checked.

export const SNOMED = 'http://snomed.info/sct';
export const LOINC = 'http://loinc.org';
export const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
export const CPT = 'http://www.ama-assn.org/go/cpt';
export const UCUM = 'http://unitsofmeasure.org';
export const MSR = 'http://msrelapse.org/fhir/CodeSystem/msrelapse';

const has = (concept, system, codes) => (concept?.coding ?? []).some(c => c.system === system && codes.includes(c.code));
const date = value => (typeof value === 'string' && value.length >= 10 ? value.slice(0, 10) : null);
const source = r => `${r.resourceType}${r.id ? `/${r.id}` : ''}`;

function ignored(r) {
  if (r.status === 'entered-in-error') return true;
  const vs = r.verificationStatus?.coding?.[0]?.code;
  return vs === 'entered-in-error' || vs === 'refuted';
}

/** The lab and vital observations shown, by LOINC code. */
export const MEASURES = [
  { key: 'weight', code: '29463-7', label: 'Weight' },
  { key: 'height', code: '8302-2', label: 'Height' },
  { key: 'hematocrit', code: '4544-3', label: 'Hematocrit' },
  { key: 'temperature', code: '8310-5', label: 'Temperature' },
  { key: 'bloodPressure', code: '85354-9', label: 'Blood pressure' },
  { key: 'systolic', code: '8480-6', label: 'Systolic blood pressure' },
  { key: 'calcium', code: '17861-6', label: 'Calcium (total)' },
  { key: 'fibrinogen', code: '3255-7', label: 'Fibrinogen' },
  { key: 'igg', code: '2465-3', label: 'IgG' },
  { key: 'hba1c', code: '4548-4', label: 'HbA1c' },
];

function quantity(q) {
  if (!q || q.value === undefined || q.value === null) return null;
  return `${q.value}${q.unit ?? q.code ? ` ${q.unit ?? q.code}` : ''}`;
}

const STEROIDS = { '6902': 'methylprednisolone', '8640': 'prednisone', '8638': 'prednisolone' };

function steroidName(concept) {
  for (const c of concept?.coding ?? []) {
    if (c.system === RXNORM && STEROIDS[c.code]) return STEROIDS[c.code];
  }
  const text = `${concept?.text ?? ''} ${(concept?.coding ?? []).map(c => c.display ?? '').join(' ')}`.toLowerCase();
  return Object.values(STEROIDS).find(n => new RegExp(`\\b${n}\\b`).test(text)) ?? null;
}

function route(concept) {
  if (has(concept, SNOMED, ['47625008'])) return 'intravenous';
  if (has(concept, SNOMED, ['26643006'])) return 'oral';
  return null;
}

/** Every day of a period (or the one day), as YYYY-MM-DD. */
function days(start, end) {
  const out = [];
  if (!start) return out;
  const d = new Date(`${start}T00:00:00Z`);
  const last = new Date(`${end ?? start}T00:00:00Z`);
  for (let i = 0; d <= last && i < 366; i++) {
    out.push(d.toISOString().slice(0, 10));
    d.setUTCDate(d.getUTCDate() + 1);
  }
  return out;
}

/**
 * The record's facts: { patient, edss[], relapses[], steroids[], apheresis[], measures[] }, each item with date and
 * source, sorted by date. Entries marked entered-in-error are left out, as the engine leaves them out.
 */
export function readRecord(bundle) {
  const out = { patient: null, edss: [], relapses: [], steroids: [], apheresis: [], measures: [] };
  for (const entry of bundle?.entry ?? []) {
    const r = entry?.resource;
    if (!r || typeof r !== 'object' || ignored(r)) continue;
    if (r.resourceType === 'Patient' && !out.patient) {
      const n = (r.name ?? []).find(x => x.use === 'official') ?? r.name?.[0];
      out.patient = {
        id: r.id ?? null,
        // Family name first, as ward lists show it.
        name: n ? (n.text ?? [n.family, ...(n.given ?? [])].filter(Boolean).join(' ')) : null,
        birthDate: r.birthDate ?? null,
        gender: r.gender ?? null,
        identifier: (r.identifier ?? []).map(i => i.value).find(Boolean) ?? null,
      };
    } else if (r.resourceType === 'Observation' && (has(r.code, SNOMED, ['273554001']) || has(r.code, MSR, ['edss']))) {
      const components = {};
      for (const c of r.component ?? []) {
        const code = (c.code?.coding ?? []).find(x => x.system === MSR)?.code;
        const v = c.valueInteger ?? c.valueQuantity?.value;
        if (code && v !== undefined) components[code] = v;
      }
      out.edss.push({ date: date(r.effectiveDateTime ?? r.effectivePeriod?.start), value: r.valueQuantity?.value ?? null, components, source: source(r) });
    } else if (r.resourceType === 'Observation') {
      const m = MEASURES.find(x => has(r.code, LOINC, [x.code]));
      if (!m) continue;
      let value = quantity(r.valueQuantity);
      if (m.key === 'bloodPressure') {
        const sys = (r.component ?? []).find(c => has(c.code, LOINC, ['8480-6']));
        const dia = (r.component ?? []).find(c => has(c.code, LOINC, ['8462-4']));
        value = sys ? `${sys.valueQuantity?.value ?? '?'}${dia ? `/${dia.valueQuantity?.value ?? '?'}` : ''} mm[Hg]` : value;
      }
      out.measures.push({ key: m.key, label: m.label, date: date(r.effectiveDateTime ?? r.effectivePeriod?.start ?? r.issued), value: value ?? '—', source: source(r) });
    } else if (r.resourceType === 'Condition' && has(r.code, SNOMED, ['192929006'])) {
      out.relapses.push({ date: date(r.onsetDateTime), resolved: date(r.abatementDateTime), source: source(r) });
    } else if (r.resourceType === 'MedicationAdministration') {
      const drug = steroidName(r.medicationCodeableConcept);
      if (!drug) continue;
      for (const day of days(date(r.effectiveDateTime ?? r.effectivePeriod?.start), date(r.effectivePeriod?.end))) {
        out.steroids.push({ date: day, drug, doseMg: r.dosage?.dose?.value ?? null, route: route(r.dosage?.route), source: source(r) });
      }
    } else if (r.resourceType === 'MedicationRequest' && r.intent === 'order' && ['active', 'completed'].includes(r.status)) {
      const drug = steroidName(r.medicationCodeableConcept);
      if (!drug) continue;
      const di = r.dosageInstruction?.[0];
      const bounds = di?.timing?.repeat?.boundsPeriod;
      const first = date(bounds?.start ?? r.authoredOn);
      const count = di?.timing?.repeat?.count;
      const all = days(first, date(bounds?.end));
      const list = count && first ? Array.from({ length: Math.min(count, 366) }, (_, i) => addDays(first, i)) : all;
      for (const day of list) {
        out.steroids.push({ date: day, drug, doseMg: di?.doseAndRate?.[0]?.doseQuantity?.value ?? null, route: route(di?.route), source: source(r) });
      }
    } else if (r.resourceType === 'Procedure' && r.status === 'completed') {
      const kind = has(r.code, CPT, ['36514']) || has(r.code, MSR, ['therapeutic-plasma-exchange']) ? 'plasma-exchange'
        : has(r.code, CPT, ['36516']) || has(r.code, MSR, ['immunoadsorption']) ? 'immunoadsorption' : null;
      if (kind) out.apheresis.push({ date: date(r.performedDateTime ?? r.performedPeriod?.start), kind, source: source(r) });
    }
  }
  for (const list of [out.edss, out.relapses, out.steroids, out.apheresis, out.measures]) {
    list.sort((a, b) => String(a.date).localeCompare(String(b.date)));
  }
  return out;
}

/**
 * The record with its EDSS assessments as the engine used them. When a recorded total disagrees with the total
 * computed from its functional systems, the engine uses the computed one (flag edss-inconsistent), as it does for an
 * assessment with scores and no total; its dataUsed entry for that assessment (source "Observation/id (…)") carries
 * the value it used. Shown as recorded, the data used and the timeline would give one assessment a total other than
 * the episode's, without a word: such an assessment takes the engine's value and keeps the recorded one in
 * `recorded`, with the reason in edssNote. Assessments the engine did not use stay as recorded.
 */
export function edssAsUsed(record, rec) {
  const used = edssUsed(rec);
  if (!used.size) return record;
  const inconsistent = (rec.flags ?? []).some(f => f.code === 'edss-inconsistent');
  const edss = record.edss.map(p => {
    const value = used.get(p.source);
    if (value === undefined || value === p.value) return p;
    return { ...p, value, recorded: p.value, inconsistent: inconsistent && p.value !== null };
  });
  return { ...record, edss };
}

/** The EDSS values of the recommendation's dataUsed, by assessment source ("Observation/id"). */
function edssUsed(rec) {
  const used = new Map();
  for (const u of rec?.dataUsed ?? []) {
    const source = String(u?.source ?? '').replace(/ \(.*\)$/, '');
    const value = Number(u?.value);
    // An id-less resource ("Observation") names no one assessment.
    if (u?.item === 'edss' && source.includes('/') && Number.isFinite(value) && !used.has(source)) used.set(source, value);
  }
  return used;
}

/**
 * edssAsUsed, and the same for the assessments the engine did not use (neither baseline, nadir nor latest: no dataUsed
 * entry). The engine reads every assessment with a complete set of scores as the EDSS computed from them — a recorded
 * total that disagrees raises edss-inconsistent whether or not the assessment is used (R4, 2026.2), and the rationale
 * names both — so shown as recorded, such an assessment would carry a total the engine does not give it. Its computed
 * EDSS comes from scoresEdss(components): the service's calculator (GET /api/edss, the engine's own), not a second
 * calculation here; null (an incomplete set, a refusal, no answer) leaves the assessment as recorded.
 */
export async function edssAsRead(record, rec, scoresEdss) {
  const used = edssUsed(rec);
  const asUsed = edssAsUsed(record, rec);
  const edss = await Promise.all(asUsed.edss.map(async p => {
    if (used.has(p.source) || p.value === null || p.value === undefined || !Object.keys(p.components ?? {}).length) return p;
    const computed = await scoresEdss(p.components);
    if (computed === null || computed === undefined || !Number.isFinite(computed) || computed === Number(p.value)) return p;
    return { ...p, value: computed, recorded: p.value, inconsistent: true };
  }));
  return { ...asUsed, edss };
}

/** Why an assessment shows a total other than the one recorded (see edssAsUsed), in words; '' when it does not. */
export function edssNote(p) {
  if (p.recorded === undefined) return '';
  if (p.recorded === null) return 'computed from its scores';
  const recorded = `recorded ${Number(p.recorded).toFixed(1)}`;
  return p.inconsistent ? `${recorded} — inconsistent with its scores` : recorded;
}

/** YYYY-MM-DD plus n days. */
export function addDays(value, n) {
  const d = new Date(`${value}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Consecutive daily doses of one drug by one route, as courses: [{ drug, route, first, last, days, doseMg }]. */
export function steroidCourses(steroids) {
  const courses = [];
  for (const s of steroids) {
    const c = courses[courses.length - 1];
    if (c && c.drug === s.drug && c.route === s.route && s.date <= addDays(c.last, 1)) {
      if (s.date > c.last) { c.last = s.date; c.days++; }
    } else {
      courses.push({ drug: s.drug, route: s.route, first: s.date, last: s.date, days: 1, doseMg: s.doseMg, source: s.source });
    }
  }
  return courses;
}

/** The latest date of any dated entry in a bundle (for "Evaluate a bundle": its own date rather than today). */
export function latestDate(bundle) {
  let latest = null;
  const consider = v => { const d = date(v); if (d && /^\d{4}-\d{2}-\d{2}$/.test(d) && (!latest || d > latest)) latest = d; };
  for (const entry of bundle?.entry ?? []) {
    const r = entry?.resource;
    if (!r || r.resourceType === 'Patient') continue;
    for (const v of [r.effectiveDateTime, r.effectivePeriod?.end, r.effectivePeriod?.start, r.onsetDateTime, r.abatementDateTime,
      r.performedDateTime, r.performedPeriod?.end, r.authoredOn, r.recordedDate, r.issued]) consider(v);
  }
  return latest;
}
