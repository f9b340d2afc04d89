// "Evaluate a bundle": a pasted or loaded FHIR Bundle, evaluated and forgotten (nothing stored). The as-of date
// follows the bundle: the date of its latest entry is offered, so an example written last year reads as it was meant.
import { h, num } from './dom.js';
import { api } from './api.js';
import { renderRecommendation, renderProblem } from './render.js';
import { latestDate } from './record.js';
import { ACTIONS, URGENCY, label } from './labels.js';
import { dateField, status, busy, problemOf, today, shortDate } from './fields.js';

// ---------------------------------------------------------------- evaluate a bundle
export function bundleView() {
  const text = h('textarea', { id: 'bundle-json', name: 'bundle', rows: '14', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'bundle-hint', placeholder: '{ "resourceType": "Bundle", "type": "collection", "entry": [ … ] }' });
  const file = h('input', { type: 'file', id: 'bundle-file', accept: '.json,application/json,application/fhir+json' });
  const { input: asOf, field: asOfField } = dateField('bundle-as-of', 'Evaluate as of', today());
  const button = h('button', { type: 'submit', id: 'bundle-evaluate' }, 'Evaluate');
  const live = status('');
  const result = h('div', { id: 'bundle-result' });

  const dateHint = h('p', { class: 'hint', id: 'bundle-date-hint', 'data-testid': 'bundle-date-hint' });
  let asOfTouched = false;
  asOf.addEventListener('input', () => { asOfTouched = true; });

  /** A changed bundle: the old answer or error no longer belongs to it; offer the bundle's own latest date. */
  function changed() {
    if (result.querySelector('[data-testid=problem]') || !text.value.trim()) result.replaceChildren();
    let latest = null;
    try { latest = latestDate(JSON.parse(text.value)); } catch { latest = null; }
    if (latest && !asOfTouched) {
      asOf.value = latest;
      asOf.dispatchEvent(new Event('change'));
      dateHint.textContent = `Set to the date of the bundle’s latest entry (${shortDate(latest)}), so the record reads as it was written. Change it to evaluate as of another day, e.g. today (${shortDate(today())}).`;
    } else if (!text.value.trim()) {
      dateHint.textContent = '';
      if (!asOfTouched) { asOf.value = today(); asOf.dispatchEvent(new Event('change')); }
    }
  }
  let timer = null;
  text.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(changed, 200); });

  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    text.value = await f.text();
    changed();
    live.textContent = `Loaded ${f.name} (${num(f.size)} bytes).`;
  });

  const form = h('form', { class: 'bundle-form' },
    h('div', { class: 'field' }, h('label', { for: 'bundle-json' }, 'FHIR R4 Bundle (JSON)'), text,
      h('p', { id: 'bundle-hint', class: 'hint' }, 'Paste a Bundle, or load one from a file. Nothing is stored: the bundle is evaluated and forgotten.')),
    h('div', { class: 'row wrap' },
      h('div', { class: 'field' }, h('label', { for: 'bundle-file' }, 'Load from a file'), file),
      asOfField,
      button),
    dateHint);

  form.addEventListener('submit', async e => {
    e.preventDefault();
    // A change still waiting for its debounce is settled now: fired after the answer, it would wipe the answer away.
    clearTimeout(timer);
    changed();
    if (!text.value.trim()) { live.textContent = 'Paste or load a FHIR Bundle first.'; text.focus(); return; }
    busy(button, true, 'Evaluating…');
    live.textContent = 'Evaluating…';
    try {
      const rec = await api.evaluateBundle(text.value, asOf.value || today());
      result.replaceChildren(renderRecommendation(rec));
      live.textContent = `Evaluated: ${label(ACTIONS, rec.recommendation.primary)}, ${URGENCY[rec.recommendation.urgency]?.label ?? rec.recommendation.urgency}.`;
    } catch (error) {
      const problem = problemOf(error);
      live.textContent = 'The bundle was not evaluated.';
      result.replaceChildren(renderProblem(problem, problem.code === 'validation-failed'
        ? 'The bundle has errors: fix them and evaluate again.'
        : problem.code === 'fhir-parse-error' ? 'This is not a readable FHIR Bundle.' : 'The bundle was not evaluated.'));
    } finally {
      busy(button, false);
    }
    result.querySelector('h2, h3')?.setAttribute('tabindex', '-1');
    result.querySelector('h2, h3')?.focus();
  });

  return h('div', { class: 'view view-bundle' }, h('h1', { tabindex: '-1' }, 'Evaluate a bundle'), form, live, result);
}

