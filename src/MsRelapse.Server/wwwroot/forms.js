// Data entry on the patient's page: an EDSS assessment (EDSS computed live by GET /api/edss, the engine's own
// calculator), a relapse onset, a steroid dose, an apheresis session, a lab value and vital signs. Each form writes
// FHIR resources with the codes of shared/fhir-profile.md through POST /api/patients/{id}/resources, conditional on the
// record's ETag. On any failure the form keeps what was typed; a conflicting edit (412) offers to reload the record.
import { h, edss as edssText } from './dom.js';
import { api, ApiError } from './api.js';
import { renderProblem } from './render.js';
import { field, setFieldError, showFieldErrors, busy, status, problemOf, today } from './fields.js';
import { SNOMED, LOINC, RXNORM, CPT, UCUM, MSR, addDays } from './record.js';

/** The eight scores of the EDSS form: parameter of GET /api/edss, label, largest raw value, FHIR component code. */
export const EDSS_FIELDS = [
  ['visual', 'Visual', 6, 'visual'],
  ['brainstem', 'Brainstem', 5, 'brainstem'],
  ['pyramidal', 'Pyramidal', 6, 'pyramidal'],
  ['cerebellar', 'Cerebellar', 5, 'cerebellar'],
  ['sensory', 'Sensory', 6, 'sensory'],
  ['bowelBladder', 'Bowel and bladder', 6, 'bowel-bladder'],
  ['cerebral', 'Cerebral', 5, 'cerebral'],
  ['ambulation', 'Ambulation', 16, 'ambulation'],
];

const coding = (system, code, display) => ({ system, code, ...(display ? { display } : {}) });
const category = code => [{ coding: [coding('http://terminology.hl7.org/CodeSystem/observation-category', code)] }];
const quantity = (value, unit, code) => ({ value, unit, system: UCUM, code: code ?? unit });

/** A whole number in [0, max], or a message in words. */
function wholeNumber(text, label, min, max) {
  if (text === '') return { message: `Enter the ${label.toLowerCase()} score (${min}–${max}).` };
  if (!/^\d+$/.test(text)) return { message: `${label} must be a whole number from ${min} to ${max}.` };
  const v = Number(text);
  if (v < min || v > max) return { message: `${label} must be from ${min} to ${max}.` };
  return { value: v };
}

/** A number in [min, max] (decimals allowed), or a message. */
function decimal(text, label, min, max, unit) {
  if (text === '') return { message: `Enter the ${label.toLowerCase()}.` };
  const v = Number(text.replace(',', '.'));
  if (!Number.isFinite(v)) return { message: `${label} must be a number.` };
  if (v < min || v > max) return { message: `${label} must be from ${min} to ${max} ${unit}: check the value and its unit.` };
  return { value: v };
}

function dateValue(text, label, maxDate) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text ?? '')) return { message: `Enter the ${label.toLowerCase()}.` };
  if (maxDate && text > maxDate) return { message: `${label} is after today (${maxDate}): record what has happened, not what is planned.` };
  return { value: text };
}

/** What an API failure means for the person at the form, in their words. */
function explain(error) {
  const problem = problemOf(error);
  const status = error instanceof ApiError ? error.status : 0;
  if (status === 0) return { heading: 'Not saved: the MsRelapse service cannot be reached. What you typed is still here; try again.', problem };
  if (status === 401) return { heading: 'Not saved: you are not signed in (or the session ended). Sign in again, then save: what you typed is still here.', problem };
  if (status === 403) return { heading: 'Not saved: recording data needs the clinician role. What you typed is still here.', problem };
  if (status === 404) return { heading: 'Not saved: this patient is no longer in the registry.', problem };
  if (status === 413) return { heading: 'Not saved: the record has grown beyond the size the service accepts.', problem };
  if (status === 422 || status === 400) return { heading: 'Not saved: the record would not be valid with this entry. Correct it and save again.', problem };
  return { heading: 'Not saved: the service could not store this entry. What you typed is still here; try again.', problem };
}

/**
 * The "Record new data" section. ctx: { patientId, etag(): string, reload(): Promise (re-reads the record and its
 * ETag, keeps the forms), saved(etag, what): Promise (after a successful write) }.
 */
export function dataEntry(ctx) {
  const live = status('');
  const forms = [
    ['EDSS assessment', edssForm],
    ['Relapse onset', relapseForm],
    ['Steroid dose', steroidForm],
    ['Apheresis session', apheresisForm],
    ['Lab value', labForm],
    ['Vital signs', vitalsForm],
  ].map(([title, make], i) => {
    const details = h('details', { class: 'entry', 'data-form': make.name, open: i === 0 ? true : null },
      h('summary', null, title), make(ctx, title, live));
    return details;
  });
  return h('section', { class: 'card data-entry no-print', 'aria-labelledby': 'entry-title', 'data-testid': 'data-entry' },
    h('h2', { id: 'entry-title' }, 'Record new data'),
    h('p', { class: 'hint' }, 'Saved into the patient’s record (FHIR), then the recommendation is evaluated again.'),
    forms, live);
}

/** The common save: validate, build the resources, POST with If-Match, handle 412 and errors; keeps the input on failure. */
function saveHandler(ctx, form, summary, button, live, what, build) {
  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (button.disabled) return; // a save is under way
    showFieldErrors(form, summary, null);
    // Busy from the start: building an entry may ask the service (the EDSS total), and a second Enter meanwhile must
    // not send the entry twice.
    busy(button, true, 'Saving…');
    try {
      const built = await build();
      if (!built) { form.querySelector('[aria-invalid="true"]')?.focus(); return; }
      const body = built.length === 1 ? built[0] : { resourceType: 'Bundle', type: 'collection', entry: built.map(resource => ({ resource })) };
      const { etag } = await api.addResources(ctx.patientId, body, ctx.etag());
      form.reset();
      form.dispatchEvent(new Event('saved'));
      live.textContent = `${what} saved.`;
      await ctx.saved(etag, what);
    } catch (error) {
      if (error instanceof ApiError && error.status === 412) {
        const reload = h('button', { type: 'button', class: 'secondary' }, 'Reload the record');
        reload.addEventListener('click', async () => {
          busy(reload, true, 'Reloading…');
          try {
            await ctx.reload();
            summary.replaceChildren(h('p', { class: 'notice', role: 'status' }, 'The record is reloaded. Your entry is still in the form: check it, then save again.'));
            button.focus();
          } catch (err) {
            summary.replaceChildren(renderProblem(problemOf(err), 'The record could not be reloaded.'));
          }
        });
        summary.replaceChildren(h('div', { class: 'problem', role: 'alert', 'data-testid': 'conflict' },
          h('h3', null, 'The record changed since you opened it.'),
          h('p', null, 'Someone else saved to this patient’s record in the meantime, so nothing was saved. What you typed is still here: reload the record to see the change, then save again.'),
          reload));
        live.textContent = 'Not saved: the record changed.';
      } else {
        const { heading, problem } = explain(error);
        summary.replaceChildren(renderProblem(problem, heading));
        live.textContent = 'Not saved.';
      }
    } finally {
      busy(button, false);
    }
  });
}

function shell(prefix, fields, buttonText, extra) {
  const summary = h('div', { class: 'form-summary' });
  const button = h('button', { type: 'submit', id: `${prefix}-save` }, buttonText);
  const form = h('form', { class: 'entry-form', id: `${prefix}-form`, novalidate: true },
    h('div', { class: 'field-grid' }, fields), extra ?? null, summary, button);
  return { form, summary, button };
}

// ---------------------------------------------------------------- EDSS assessment
function edssForm(ctx, title, live) {
  const output = h('output', { class: 'edss-live', id: 'entry-edss-output', 'data-testid': 'entry-edss', 'aria-live': 'polite', for: EDSS_FIELDS.map(f => `entry-${f[0]}`).join(' ') },
    'EDSS: fill in the eight scores.');
  const fields = [
    ...EDSS_FIELDS.map(([name, label, max]) => field('entry', name, label,
      { type: 'number', inputmode: 'numeric', min: '0', max: String(max), step: '1' },
      name === 'ambulation' ? `Neurostatus 0–${max}; 0 = fully ambulatory` : `0–${max}${name === 'visual' || name === 'bowelBladder' ? ', raw score' : ''}`)),
    field('entry', 'date', 'Date', { type: 'date', value: today(), max: today() }),
  ];
  const { form, summary, button } = shell('entry-edss', fields, 'Save EDSS assessment', h('p', { class: 'edss-live-line' }, output));
  // The live total is for the eye. The total saved is computed again at submit from exactly the scores saved: a total
  // shown a moment earlier may belong to scores changed since (a change, then Enter, within the debounce).
  let timer = null;
  let generation = 0;

  function check(showEmpty) {
    const values = {};
    let ok = true;
    for (const [name, label, max] of EDSS_FIELDS) {
      const text = form.elements[name].value.trim();
      const r = wholeNumber(text, label, 0, max);
      if (r.message && (text !== '' || showEmpty)) setFieldError(form, name, r.message);
      else setFieldError(form, name, null);
      if (r.message) ok = false; else values[name] = r.value;
    }
    return { ok, values };
  }

  /**
   * The service's EDSS for these scores (GET /api/edss, the engine's own calculator), shown in the live line:
   * { total }, or { error } when it could not be computed (the reasons beside the fields), or null when a newer
   * computation or a changed score made this one void (it is then neither shown nor returned).
   */
  async function compute(values) {
    const mine = ++generation;
    output.setAttribute('aria-busy', 'true');
    try {
      const r = await api.edss(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, String(v)])));
      if (mine !== generation) return null;
      const total = Number(r.edss);
      if (!Number.isFinite(total)) throw new Error('the EDSS calculator sent no total');
      output.replaceChildren('EDSS ', h('strong', { 'data-testid': 'entry-edss-value' }, edssText(total)),
        r.explanation ? h('span', { class: 'muted' }, ` — ${r.explanation}`) : null);
      return { total };
    } catch (error) {
      if (mine !== generation) return null;
      output.textContent = 'EDSS: not computed (see the messages beside the fields).';
      const problem = problemOf(error);
      for (const e of problem.errors ?? []) if (e.path) setFieldError(form, e.path, e.message);
      return { error };
    } finally {
      if (mine === generation) output.removeAttribute('aria-busy');
    }
  }

  async function recompute() {
    const { ok, values } = check(false);
    if (!ok) { output.textContent = 'EDSS: fill in the eight scores.'; return; }
    await compute(values);
  }

  form.addEventListener('input', e => {
    if (!EDSS_FIELDS.some(([name]) => name === e.target.name)) return;
    // A changed score voids the total shown and any answer still on its way, at once, not after the debounce.
    generation++;
    output.setAttribute('aria-busy', 'true');
    output.textContent = 'EDSS: computing…';
    clearTimeout(timer);
    timer = setTimeout(recompute, 150);
  });
  form.addEventListener('saved', () => {
    generation++;
    output.removeAttribute('aria-busy');
    output.textContent = 'EDSS: fill in the eight scores.';
    form.elements.date.value = today();
  });
  saveHandler(ctx, form, summary, button, live, 'EDSS assessment', async () => {
    const { ok, values } = check(true);
    const date = dateValue(form.elements.date.value, 'Date', today());
    setFieldError(form, 'date', date.message ?? null);
    if (!ok || date.message) return null;
    // The total for exactly the scores being saved, from the same calculator; without it nothing is saved.
    clearTimeout(timer);
    const result = await compute(values);
    if (!result || result.error) {
      summary.replaceChildren(result?.error
        ? renderProblem(problemOf(result.error), 'Not saved: the EDSS total could not be computed from these scores. What you typed is still here; try again.')
        : h('p', { class: 'notice', role: 'status' }, 'Not saved: a score changed while saving. Check the scores, then save again.'));
      return null;
    }
    const computed = result.total;
    return [{
      resourceType: 'Observation', status: 'final', category: category('survey'),
      code: { coding: [coding(SNOMED, '273554001', 'Kurtzke multiple sclerosis rating scale'), coding(MSR, 'edss', 'EDSS')], text: 'EDSS' },
      subject: { reference: `Patient/${ctx.patientId}` },
      effectiveDateTime: date.value,
      valueQuantity: quantity(computed, 'score', '{score}'),
      component: EDSS_FIELDS.map(([name, label, , code]) => ({ code: { coding: [coding(MSR, code, label)] }, valueInteger: values[name] })),
    }];
  });
  return form;
}

// ---------------------------------------------------------------- relapse onset
function relapseForm(ctx, title, live) {
  const { form, summary, button } = shell('entry-relapse', [
    field('relapse', 'onset', 'Onset date', { type: 'date', max: today() }),
    field('relapse', 'resolved', 'Symptoms resolved on', { type: 'date', max: today() }, 'Optional; leave empty while the relapse lasts.'),
  ], 'Save relapse onset');
  saveHandler(ctx, form, summary, button, live, 'Relapse onset', async () => {
    const onset = dateValue(form.elements.onset.value, 'Onset date', today());
    setFieldError(form, 'onset', onset.message ?? null);
    const resolvedText = form.elements.resolved.value;
    let resolvedMessage = null;
    if (resolvedText && onset.value && resolvedText < onset.value) resolvedMessage = 'Symptoms cannot resolve before the onset.';
    else if (resolvedText && resolvedText > today()) resolvedMessage = `The date is after today (${today()}).`;
    setFieldError(form, 'resolved', resolvedMessage);
    if (onset.message || resolvedMessage) return null;
    return [{
      resourceType: 'Condition',
      clinicalStatus: { coding: [coding('http://terminology.hl7.org/CodeSystem/condition-clinical', resolvedText ? 'resolved' : 'active')] },
      verificationStatus: { coding: [coding('http://terminology.hl7.org/CodeSystem/condition-ver-status', 'confirmed')] },
      code: { coding: [coding(SNOMED, '192929006', 'Exacerbation of multiple sclerosis')] },
      subject: { reference: `Patient/${ctx.patientId}` },
      onsetDateTime: onset.value,
      ...(resolvedText ? { abatementDateTime: resolvedText } : {}),
    }];
  });
  return form;
}

// ---------------------------------------------------------------- steroid dose
const DRUGS = { methylprednisolone: '6902', prednisone: '8640', prednisolone: '8638' };

function steroidForm(ctx, title, live) {
  const { form, summary, button } = shell('entry-steroid', [
    field('steroid', 'drug', 'Drug', { tag: 'select', options: [['methylprednisolone', 'Methylprednisolone'], ['prednisone', 'Prednisone'], ['prednisolone', 'Prednisolone']] }),
    field('steroid', 'dose', 'Dose (mg)', { type: 'number', inputmode: 'decimal', min: '1', max: '2000', step: 'any' }, 'Per day, in milligrams.'),
    field('steroid', 'route', 'Route', { tag: 'select', options: [['', '— choose —'], ['intravenous', 'Intravenous (IV)'], ['oral', 'Oral']] }),
    field('steroid', 'date', 'First day given', { type: 'date', value: today(), max: today() }),
    field('steroid', 'days', 'Days given', { type: 'number', inputmode: 'numeric', min: '1', max: '10', step: '1', value: '1' }, 'One dose a day, from the first day.'),
  ], 'Save steroid dose');
  saveHandler(ctx, form, summary, button, live, 'Steroid dose', async () => {
    const dose = decimal(form.elements.dose.value.trim(), 'Dose', 1, 2000, 'mg');
    const routeValue = form.elements.route.value;
    const date = dateValue(form.elements.date.value, 'First day given', today());
    const days = wholeNumber(form.elements.days.value.trim(), 'Days given', 1, 10);
    let daysMessage = days.message ?? null;
    if (!daysMessage && date.value && addDays(date.value, days.value - 1) > today()) daysMessage = `The last day would be after today (${today()}): record the doses given so far.`;
    setFieldError(form, 'dose', dose.message ?? null);
    setFieldError(form, 'route', routeValue ? null : 'Choose the route (IV or oral).');
    setFieldError(form, 'date', date.message ?? null);
    setFieldError(form, 'days', daysMessage);
    if (dose.message || !routeValue || date.message || daysMessage) return null;
    const drug = form.elements.drug.value;
    return Array.from({ length: days.value }, (_, i) => ({
      resourceType: 'MedicationAdministration', status: 'completed',
      medicationCodeableConcept: { coding: [coding(RXNORM, DRUGS[drug], drug)], text: drug },
      subject: { reference: `Patient/${ctx.patientId}` },
      effectiveDateTime: addDays(date.value, i),
      dosage: {
        route: { coding: [routeValue === 'oral' ? coding(SNOMED, '26643006', 'Oral route') : coding(SNOMED, '47625008', 'Intravenous route')] },
        dose: quantity(dose.value, 'mg'),
      },
    }));
  });
  return form;
}

// ---------------------------------------------------------------- apheresis session
function apheresisForm(ctx, title, live) {
  const { form, summary, button } = shell('entry-apheresis', [
    field('apheresis', 'kind', 'Kind', { tag: 'select', options: [['plasma-exchange', 'Plasma exchange'], ['immunoadsorption', 'Immunoadsorption']] }),
    field('apheresis', 'date', 'Date of the session', { type: 'date', value: today(), max: today() }),
  ], 'Save apheresis session');
  saveHandler(ctx, form, summary, button, live, 'Apheresis session', async () => {
    const date = dateValue(form.elements.date.value, 'Date of the session', today());
    setFieldError(form, 'date', date.message ?? null);
    if (date.message) return null;
    const tpe = form.elements.kind.value === 'plasma-exchange';
    return [{
      resourceType: 'Procedure', status: 'completed',
      code: { coding: tpe
        ? [coding(CPT, '36514', 'Therapeutic apheresis; for plasma pheresis'), coding(MSR, 'therapeutic-plasma-exchange', 'Therapeutic plasma exchange')]
        : [coding(CPT, '36516', 'Therapeutic apheresis; with extracorporeal immunoadsorption'), coding(MSR, 'immunoadsorption', 'Immunoadsorption')] },
      subject: { reference: `Patient/${ctx.patientId}` },
      performedDateTime: date.value,
    }];
  });
  return form;
}

// ---------------------------------------------------------------- lab value
/** Plausible ranges (to catch a wrong unit or a typo; the engine applies the clinical thresholds). */
const LABS = {
  hematocrit: { loinc: '4544-3', text: 'Hematocrit', units: { '%': [10, 70] } },
  calcium: { loinc: '17861-6', text: 'Calcium (total)', units: { 'mg/dL': [3, 20], 'mmol/L': [0.75, 5] } },
  fibrinogen: { loinc: '3255-7', text: 'Fibrinogen', units: { 'mg/dL': [20, 1500], 'g/L': [0.2, 15] } },
};

function labForm(ctx, title, live) {
  const { form, summary, button } = shell('entry-lab', [
    field('lab', 'test', 'Test', { tag: 'select', options: Object.entries(LABS).map(([k, v]) => [k, v.text]) }),
    field('lab', 'value', 'Value', { type: 'number', inputmode: 'decimal', step: 'any' }),
    field('lab', 'unit', 'Unit', { tag: 'select', options: [['%', '%']] }),
    field('lab', 'date', 'Date of the sample', { type: 'date', value: today(), max: today() }),
  ], 'Save lab value');
  const units = () => {
    const lab = LABS[form.elements.test.value];
    const keep = form.elements.unit.value;
    form.elements.unit.replaceChildren(...Object.keys(lab.units).map(u => h('option', { value: u }, u)));
    if (lab.units[keep]) form.elements.unit.value = keep;
  };
  form.elements.test.addEventListener('change', units);
  form.addEventListener('saved', units);
  saveHandler(ctx, form, summary, button, live, 'Lab value', async () => {
    const lab = LABS[form.elements.test.value];
    const unit = form.elements.unit.value;
    const [min, max] = lab.units[unit];
    const value = decimal(form.elements.value.value.trim(), lab.text, min, max, unit);
    const date = dateValue(form.elements.date.value, 'Date of the sample', today());
    setFieldError(form, 'value', value.message ?? null);
    setFieldError(form, 'date', date.message ?? null);
    if (value.message || date.message) return null;
    return [{
      resourceType: 'Observation', status: 'final', category: category('laboratory'),
      code: { coding: [coding(LOINC, lab.loinc, lab.text)], text: lab.text },
      subject: { reference: `Patient/${ctx.patientId}` },
      effectiveDateTime: date.value,
      valueQuantity: quantity(value.value, unit),
    }];
  });
  return form;
}

// ---------------------------------------------------------------- vital signs
function vitalsForm(ctx, title, live) {
  const { form, summary, button } = shell('entry-vitals', [
    field('vitals', 'date', 'Date measured', { type: 'date', value: today(), max: today() }),
    field('vitals', 'weight', 'Weight (kg)', { type: 'number', inputmode: 'decimal', step: 'any' }),
    field('vitals', 'height', 'Height (cm)', { type: 'number', inputmode: 'decimal', step: 'any' }),
    field('vitals', 'temperature', 'Temperature (°C)', { type: 'number', inputmode: 'decimal', step: 'any' }),
    field('vitals', 'systolic', 'Systolic blood pressure (mmHg)', { type: 'number', inputmode: 'numeric', step: '1' }),
    field('vitals', 'diastolic', 'Diastolic blood pressure (mmHg)', { type: 'number', inputmode: 'numeric', step: '1' }),
  ], 'Save vital signs', h('p', { class: 'hint' }, 'Fill in what was measured; empty fields are not recorded.'));
  saveHandler(ctx, form, summary, button, live, 'Vital signs', async () => {
    const date = dateValue(form.elements.date.value, 'Date measured', today());
    setFieldError(form, 'date', date.message ?? null);
    const get = (name, label, min, max, unit) => {
      const text = form.elements[name].value.trim();
      if (text === '') { setFieldError(form, name, null); return { empty: true }; }
      const r = decimal(text, label, min, max, unit);
      setFieldError(form, name, r.message ?? null);
      return r;
    };
    const weight = get('weight', 'Weight', 2, 400, 'kg');
    const height = get('height', 'Height', 40, 250, 'cm');
    const temperature = get('temperature', 'Temperature', 30, 45, '°C');
    const systolic = get('systolic', 'Systolic blood pressure', 40, 300, 'mmHg');
    const diastolic = get('diastolic', 'Diastolic blood pressure', 20, 200, 'mmHg');
    const all = [weight, height, temperature, systolic, diastolic];
    if (date.message || all.some(x => x.message)) return null;
    if (!diastolic.empty && systolic.empty) { setFieldError(form, 'systolic', 'Enter the systolic pressure with the diastolic.'); return null; }
    if (all.every(x => x.empty)) { setFieldError(form, 'weight', 'Fill in at least one measurement.'); return null; }
    const obs = (loinc, text, q, extra) => ({
      resourceType: 'Observation', status: 'final', category: category('vital-signs'),
      code: { coding: [coding(LOINC, loinc, text)], text }, subject: { reference: `Patient/${ctx.patientId}` },
      effectiveDateTime: date.value, ...(q ? { valueQuantity: q } : {}), ...(extra ?? {}),
    });
    const out = [];
    if (!weight.empty) out.push(obs('29463-7', 'Body weight', quantity(weight.value, 'kg')));
    if (!height.empty) out.push(obs('8302-2', 'Body height', quantity(height.value, 'cm')));
    if (!temperature.empty) out.push(obs('8310-5', 'Body temperature', quantity(temperature.value, 'Cel')));
    if (!systolic.empty) {
      out.push(obs('85354-9', 'Blood pressure panel', null, {
        component: [
          { code: { coding: [coding(LOINC, '8480-6', 'Systolic blood pressure')] }, valueQuantity: quantity(systolic.value, 'mm[Hg]') },
          ...(diastolic.empty ? [] : [{ code: { coding: [coding(LOINC, '8462-4', 'Diastolic blood pressure')] }, valueQuantity: quantity(diastolic.value, 'mm[Hg]') }]),
        ],
      }));
    }
    return out;
  });
  return form;
}
