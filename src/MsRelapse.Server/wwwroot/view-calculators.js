// The calculators: EDSS from the functional systems, and the plasma-exchange plan (the same as the CLI's).
import { h, dl, table } from './dom.js';
import { api } from './api.js';
import { plasmaExchangePlan } from './render.js';
import { field, showFieldErrors, formParams, busy, problemOf, today } from './fields.js';

// ---------------------------------------------------------------- calculators
const EDSS_FIELDS = [
  ['visual', 'Visual', 6, 'raw score; converted by the calculator'],
  ['brainstem', 'Brainstem', 5],
  ['pyramidal', 'Pyramidal', 6],
  ['cerebellar', 'Cerebellar', 5],
  ['sensory', 'Sensory', 6],
  ['bowelBladder', 'Bowel and bladder', 6, 'raw score; converted by the calculator'],
  ['cerebral', 'Cerebral', 5],
  ['ambulation', 'Ambulation (Neurostatus)', 16, '0 = fully ambulatory'],
];

function edssCalculator() {
  const summary = h('div', { class: 'form-summary' });
  const result = h('div', { class: 'calc-result', id: 'edss-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', id: 'edss-calculate' }, 'Calculate EDSS');
  const form = h('form', { class: 'calc-form', id: 'edss-form', novalidate: true },
    h('div', { class: 'field-grid' }, EDSS_FIELDS.map(([name, text, max, hint]) =>
      field('edss', name, `${text} (0–${max})`, { type: 'number', inputmode: 'numeric', min: '0', max: String(max), step: '1' }, hint))),
    summary, button);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    busy(button, true, 'Calculating…');
    try {
      const r = await api.edss(formParams(form));
      showFieldErrors(form, summary, null);
      result.replaceChildren(h('div', { class: 'edss-score' },
        h('p', { class: 'big-number' }, 'EDSS ', h('strong', { 'data-testid': 'edss-value' }, Number(r.edss).toFixed(1))),
        r.explanation ? h('p', { 'data-testid': 'edss-explanation' }, r.explanation) : null,
        dl([
          ['Deciding rule', r.decidingRule ?? null],
          ['Decided by', r.decidedBy ?? null],
          ['Functional systems step', r.functionalSystemStep != null ? Number(r.functionalSystemStep).toFixed(1) : null],
          ['Ambulation step', r.ambulationStep != null ? Number(r.ambulationStep).toFixed(1) : 'none'],
        ]),
        r.convertedScores ? table('Scores used (visual and bowel/bladder converted)', ['System', 'Converted'],
          Object.entries(r.convertedScores).map(([k, v]) => [EDSS_FIELDS.find(f => f[0] === k)?.[1] ?? k, String(v)])) : null));
    } catch (error) {
      result.replaceChildren();
      showFieldErrors(form, summary, problemOf(error));
    } finally {
      busy(button, false);
    }
  });
  return h('section', { class: 'card calculator', 'aria-labelledby': 'edss-title' },
    h('h2', { id: 'edss-title' }, 'EDSS from the functional systems'),
    h('p', { class: 'hint' }, 'Kurtzke functional-system scores as examined, and the Neurostatus ambulation score.'),
    form, result);
}

function tpeCalculator() {
  const summary = h('div', { class: 'form-summary' });
  const result = h('div', { class: 'calc-result', id: 'tpe-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'submit', id: 'tpe-calculate' }, 'Plan plasma exchange');
  const form = h('form', { class: 'calc-form', id: 'tpe-form', novalidate: true },
    h('div', { class: 'field-grid' },
      field('tpe', 'sex', 'Sex', { tag: 'select', options: [['', '— choose —'], ['female', 'Female'], ['male', 'Male']] }),
      field('tpe', 'heightCm', 'Height (cm)', { type: 'number', inputmode: 'decimal', min: '40', max: '250', step: 'any' }),
      field('tpe', 'weightKg', 'Weight (kg)', { type: 'number', inputmode: 'decimal', min: '2', max: '400', step: 'any' }),
      field('tpe', 'hematocrit', 'Hematocrit (%)', { type: 'number', inputmode: 'decimal', min: '10', max: '70', step: 'any' }),
      field('tpe', 'plasmaVolumes', 'Plasma volumes per exchange', { type: 'number', inputmode: 'decimal', min: '1', max: '1.5', step: '0.1', value: '1.0' }, '1.0–1.5'),
      field('tpe', 'exchanges', 'Exchanges', { type: 'number', inputmode: 'numeric', min: '5', max: '7', step: '1', value: '5' }, '5–7'),
      field('tpe', 'start', 'First exchange', { type: 'date', value: today() })),
    summary, button);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    busy(button, true, 'Planning…');
    try {
      const plan = await api.tpePlan(formParams(form));
      showFieldErrors(form, summary, null);
      result.replaceChildren(plasmaExchangePlan(plan, 'Plasma exchange plan'));
    } catch (error) {
      result.replaceChildren();
      showFieldErrors(form, summary, problemOf(error));
    } finally {
      busy(button, false);
    }
  });
  return h('section', { class: 'card calculator', 'aria-labelledby': 'tpe-title' },
    h('h2', { id: 'tpe-title' }, 'Plasma exchange plan'),
    h('p', { class: 'hint' }, "Blood volume by Nadler's formula, plasma volume from the hematocrit, albumin and the predicted IgG."),
    form, result);
}

export function calculatorsView() {
  return h('div', { class: 'view view-calculators' }, h('h1', { tabindex: '-1' }, 'Calculators'),
    h('div', { class: 'calc-grid' }, edssCalculator(), tpeCalculator()));
}

