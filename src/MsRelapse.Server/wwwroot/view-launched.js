// A patient's record opened from the EHR by a SMART on FHIR launch (/launch): read from the EHR's FHIR server with
// the token it granted, evaluated here, and not stored unless the user saves it into the registry.
import { h, dl } from './dom.js';
import { api } from './api.js';
import { renderRecommendation, renderProblem } from './render.js';
import { edssTimeline } from './chart.js';
import { readRecord, edssAsRead } from './record.js';
import { dataUsed, scoresEdss } from './view-patient.js';
import { SEX, label } from './labels.js';
import { dateField, status, busy, problemOf, today, shortDate } from './fields.js';

export function launchedView(key) {
  const heading = h('h1', { tabindex: '-1' }, 'Patient from the EHR');
  const facts = h('div', { class: 'patient-facts' });
  const { input: asOf, field: asOfField } = dateField('as-of', 'Evaluate as of', today());
  const evaluateButton = h('button', { type: 'submit' }, 'Evaluate');
  const saveButton = h('button', { type: 'button', class: 'secondary', id: 'save-launched', disabled: true }, 'Save into the registry');
  const live = status('');
  const result = h('div', { id: 'result' });
  const form = h('form', { class: 'evaluate-form no-print' }, asOfField, evaluateButton, saveButton);
  let bundle = null;
  let record = null;

  async function evaluate() {
    busy(evaluateButton, true, 'Evaluating…');
    try {
      const rec = await api.evaluateBundle(JSON.stringify(bundle), asOf.value || today());
      // The EDSS values as the engine read them (view-patient.js does the same).
      const used = await edssAsRead(record, rec, scoresEdss);
      result.replaceChildren(renderRecommendation(rec, {
        provenance: ['read from the EHR, not stored'], aside: dataUsed(used, rec.asOf), afterTop: edssTimeline(used, rec),
      }));
      live.textContent = 'Evaluated; nothing is stored.';
    } catch (error) {
      result.replaceChildren(renderProblem(problemOf(error), 'The evaluation failed.'));
    } finally {
      busy(evaluateButton, false);
    }
  }

  (async () => {
    try {
      const data = await api.smartRecord(key);
      bundle = data.bundle;
      record = readRecord(bundle);
      const p = record.patient;
      if (p?.name) heading.textContent = p.name;
      facts.replaceChildren(dl([
        ['Patient id', h('code', null, p?.id ?? '')], ['Birth date', p?.birthDate ? shortDate(p.birthDate) : null],
        ['Sex', p?.gender ? label(SEX, p.gender) : null], ['From', data.fhirServer ?? null],
      ], { class: 'facts inline' }));
      saveButton.disabled = !p?.id;
      await evaluate();
    } catch (error) {
      result.replaceChildren(renderProblem(problemOf(error), 'The record from the EHR is not available (the launch has expired or was not completed): launch again from the EHR.'));
    }
  })();

  form.addEventListener('submit', e => { e.preventDefault(); evaluate(); });
  saveButton.addEventListener('click', async () => {
    busy(saveButton, true, 'Saving…');
    try {
      await api.putPatient(record.patient.id, bundle);
      live.textContent = 'Saved into the registry.';
      result.prepend(h('p', { class: 'notice', role: 'status' }, 'Saved into the registry. ',
        h('a', { href: `#/patients/${encodeURIComponent(record.patient.id)}` }, 'Open the stored record')));
      saveButton.textContent = 'Saved';
    } catch (error) {
      result.prepend(renderProblem(problemOf(error), error?.status === 412 ? 'A record with this patient id is already in the registry: nothing was overwritten.' : 'Not saved.'));
      busy(saveButton, false);
    }
  });
  return h('div', { class: 'view view-launched' }, heading, facts,
    h('p', { class: 'notice' }, 'Opened from the EHR: this record is read for this session and is not stored unless you save it.'),
    form, live, result);
}
