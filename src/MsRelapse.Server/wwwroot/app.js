// MsRelapse clinician page: patients, patient view (evaluate, past evaluations), evaluate a bundle, calculators.
// Routes live in the hash (#/patients/{id}): the only patient data a URL ever holds is the patient id.
import { h, append, dl, table, localToday, dateTime, num } from './dom.js';
import { api, ApiError } from './api.js';
import { renderRecommendation, renderProblem, plasmaExchangePlan } from './render.js';
import { ACTIONS, URGENCY, label } from './labels.js';

const main = document.getElementById('main');
let serverToday = null;

// The patient list keeps its search and page while the user moves around (never in the URL: names are patient data).
const listState = { q: '', page: 1, pageSize: 20 };

function today() {
  return serverToday ?? localToday();
}

function problemOf(error) {
  return error instanceof ApiError ? error.problem : { title: 'Unexpected error in the page.', detail: String(error?.message ?? error) };
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Monday 11 May 2026" for "2026-05-11"; '' when not a date. */
function dateInWords(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A date input with the chosen date in words beneath it: 05/11 reads as May or November depending on the machine. */
function dateField(id, text, value) {
  const input = h('input', { type: 'date', id, name: id === 'as-of' ? 'asOf' : id, value, required: true, 'aria-describedby': `${id}-words` });
  const words = h('p', { class: 'date-words', id: `${id}-words`, 'data-testid': `${id}-words` });
  const update = () => { words.textContent = dateInWords(input.value); };
  input.addEventListener('input', update);
  input.addEventListener('change', update);
  update();
  return { input, field: h('div', { class: 'field' }, h('label', { for: id }, text), input, words) };
}

/** Replaces the main content, sets the title (never a name) and moves focus to the view's heading. */
function show(view, title, focus = true) {
  main.replaceChildren(view);
  document.title = `${title} — MsRelapse`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    const current = location.hash.startsWith(`#/${link.dataset.nav}`) || (link.dataset.nav === 'patients' && (location.hash === '' || location.hash === '#/'));
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  if (focus) main.querySelector('h1')?.focus();
}

function status(text) {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, text);
}

function busy(button, on, text) {
  button.disabled = on;
  if (on) { button.dataset.label = button.textContent; button.textContent = text; }
  else if (button.dataset.label) button.textContent = button.dataset.label;
}

// ---------------------------------------------------------------- patients
function patientsView() {
  const input = h('input', { type: 'search', id: 'patient-search', name: 'q', autocomplete: 'off', value: listState.q,
    placeholder: 'e.g. Novak or demo-aqp4', 'aria-describedby': 'patient-search-hint' });
  const results = h('div', { id: 'patient-results' });
  const live = status('');
  const form = h('form', { class: 'search', role: 'search' },
    h('label', { for: 'patient-search' }, 'Search patients'),
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Search')),
    h('p', { id: 'patient-search-hint', class: 'hint' }, 'By name (part of it) or patient id (its beginning).'));

  let timer = null;
  let generation = 0;
  async function load() {
    const mine = ++generation;
    live.textContent = 'Loading patients…';
    try {
      const data = await api.patients(listState.q, listState.page, listState.pageSize);
      if (mine !== generation) return;
      const pages = Math.max(1, Math.ceil(data.total / data.pageSize));
      live.textContent = data.total === 0
        ? 'No patient matches this search.'
        : `${data.total} patient${data.total === 1 ? '' : 's'}${listState.q ? ' match' : ''}; page ${data.page} of ${pages}.`;
      const prev = h('button', { type: 'button', class: 'secondary', disabled: data.page <= 1 }, '← Previous');
      const next = h('button', { type: 'button', class: 'secondary', disabled: data.page >= pages }, 'Next →');
      prev.addEventListener('click', () => { listState.page = Math.max(1, data.page - 1); load(); });
      next.addEventListener('click', () => { listState.page = data.page + 1; load(); });
      results.replaceChildren();
      append(results, [
        data.items.length ? table(null, ['Name', 'Patient id', 'Record', 'Last updated'],
          data.items.map(p => [
            h('a', { href: `#/patients/${encodeURIComponent(p.id)}`, class: 'patient-link' }, p.name || p.id),
            h('code', null, p.id), `version ${p.version}`, dateTime(p.updatedAt)]),
          { class: 'patients', 'data-testid': 'patient-table' }) : h('p', { class: 'muted' }, 'No patients to show.'),
        pages > 1 || data.page > 1 ? h('nav', { class: 'pager', 'aria-label': 'Pages' }, prev, h('span', null, `Page ${data.page} of ${pages}`), next) : null]);
    } catch (error) {
      if (mine !== generation) return;
      live.textContent = '';
      results.replaceChildren(renderProblem(problemOf(error), 'The patient list could not be loaded.'));
    }
  }

  form.addEventListener('submit', e => { e.preventDefault(); clearTimeout(timer); listState.q = input.value.trim(); listState.page = 1; load(); });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { listState.q = input.value.trim(); listState.page = 1; load(); }, 250);
  });
  load();
  return h('div', { class: 'view view-patients' },
    h('h1', { tabindex: '-1' }, 'Patients'), form, live, results);
}

// ---------------------------------------------------------------- patient
function patientSummary(bundle) {
  const patient = (bundle?.entry ?? []).map(e => e.resource).find(r => r?.resourceType === 'Patient');
  if (!patient) return { name: null, facts: [] };
  const n = (patient.name ?? []).find(x => x.use === 'official') ?? patient.name?.[0];
  // Family name first, as the patient list shows it (and as ward lists do).
  const name = n ? (n.text ?? [n.family, ...(n.given ?? [])].filter(Boolean).join(' ')) : null;
  return { name, facts: [['Sex', patient.gender ?? null], ['Birth date', patient.birthDate ?? null]] };
}

function patientView(id) {
  const heading = h('h1', { tabindex: '-1' }, `Patient ${id}`);
  const facts = h('div', { class: 'patient-facts' });
  const { input: asOf, field: asOfField } = dateField('as-of', 'Evaluate as of', today());
  const button = h('button', { type: 'submit', id: 'evaluate-button' }, 'Evaluate');
  const printButton = h('button', { type: 'button', class: 'secondary', id: 'print-button' }, 'Print');
  const live = status('');
  const result = h('div', { id: 'result' });
  const history = h('section', { class: 'history', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Past evaluations'), h('div', { id: 'history-body' }, h('p', { class: 'muted' }, 'Loading…')));
  const form = h('form', { class: 'evaluate-form no-print' },
    asOfField, button, printButton);

  printButton.addEventListener('click', () => window.print());

  api.patient(id).then(bundle => {
    const s = patientSummary(bundle);
    if (s.name) heading.textContent = s.name;
    facts.replaceChildren(dl([['Patient id', h('code', null, id)], ...s.facts], { class: 'facts inline' }));
  }).catch(error => {
    facts.replaceChildren(renderProblem(problemOf(error), 'This patient could not be loaded.'));
    button.disabled = true;
  });

  async function loadHistory() {
    const body = history.querySelector('#history-body');
    try {
      const data = await api.evaluations(id);
      const items = [...(data.items ?? [])].sort((a, b) => b.id - a.id);
      if (!items.length) { body.replaceChildren(h('p', { class: 'muted' }, 'No evaluations stored yet.')); return; }
      body.replaceChildren(table(null, ['Evaluated', 'As of', 'Primary action', 'Urgency', 'Engine / knowledge base', 'Record', ''],
        items.map(e => {
          const open = h('button', { type: 'button', class: 'secondary small no-print' }, 'Show');
          open.addEventListener('click', async () => {
            busy(open, true, 'Loading…');
            try { showResult(await api.evaluation(id, e.id)); } catch (error) { result.replaceChildren(renderProblem(problemOf(error))); } finally { busy(open, false); }
          });
          const u = URGENCY[e.urgency];
          return [dateTime(e.createdAt), e.asOf, label(ACTIONS, e.primaryAction),
            h('span', { class: `badge urgency-badge urgency-${e.urgency}` }, u ? u.label : e.urgency),
            `${e.engineVersion} / ${e.knowledgeBase}`, `v${e.patientVersion}`, open];
        }), { class: 'history-table', 'data-testid': 'history-table' }));
    } catch (error) {
      body.replaceChildren(renderProblem(problemOf(error), 'Past evaluations could not be loaded.'));
    }
  }

  function showResult(evaluation) {
    result.replaceChildren(renderRecommendation(evaluation.recommendation, {
      title: `Recommendation as of ${evaluation.asOf}`,
      provenance: [`evaluation #${evaluation.id} stored ${dateTime(evaluation.createdAt)}`, `record version ${evaluation.patientVersion}`,
        `input SHA-256 ${String(evaluation.inputSha256 ?? '').slice(0, 12)}…`],
    }));
    live.textContent = `Evaluated as of ${evaluation.asOf}: ${label(ACTIONS, evaluation.recommendation.recommendation.primary)}, ${URGENCY[evaluation.urgency]?.label ?? evaluation.urgency}.`;
    result.querySelector('h2')?.focus();
  }

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (!asOf.value) { live.textContent = 'Choose the evaluation date.'; asOf.focus(); return; }
    busy(button, true, 'Evaluating…');
    live.textContent = 'Evaluating…';
    try {
      showResult(await api.evaluatePatient(id, asOf.value));
      loadHistory();
    } catch (error) {
      live.textContent = 'The evaluation failed.';
      result.replaceChildren(renderProblem(problemOf(error), 'The evaluation failed.'));
    } finally {
      busy(button, false);
    }
  });

  loadHistory();
  return h('div', { class: 'view view-patient' },
    h('p', { class: 'back no-print' }, h('a', { href: '#/patients' }, '← All patients')),
    heading, facts, form, live, result, history);
}

// ---------------------------------------------------------------- evaluate a bundle
function bundleView() {
  const text = h('textarea', { id: 'bundle-json', name: 'bundle', rows: '14', spellcheck: 'false', autocomplete: 'off',
    'aria-describedby': 'bundle-hint', placeholder: '{ "resourceType": "Bundle", "type": "collection", "entry": [ … ] }' });
  const file = h('input', { type: 'file', id: 'bundle-file', accept: '.json,application/json,application/fhir+json' });
  const { input: asOf, field: asOfField } = dateField('bundle-as-of', 'Evaluate as of', today());
  const button = h('button', { type: 'submit', id: 'bundle-evaluate' }, 'Evaluate');
  const live = status('');
  const result = h('div', { id: 'bundle-result' });

  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    text.value = await f.text();
    live.textContent = `Loaded ${f.name} (${num(f.size)} bytes).`;
  });

  const form = h('form', { class: 'bundle-form' },
    h('div', { class: 'field' }, h('label', { for: 'bundle-json' }, 'FHIR R4 Bundle (JSON)'), text,
      h('p', { id: 'bundle-hint', class: 'hint' }, 'Paste a Bundle, or load one from a file. Nothing is stored: the bundle is evaluated and forgotten.')),
    h('div', { class: 'row wrap' },
      h('div', { class: 'field' }, h('label', { for: 'bundle-file' }, 'Load from a file'), file),
      asOfField,
      button));

  form.addEventListener('submit', async e => {
    e.preventDefault();
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

/** A labelled number/text field with an error slot the server's message goes into (errors[].path = name). */
function field(prefix, name, text, attrs, hint) {
  const id = `${prefix}-${name}`;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true });
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  const input = attrs.tag === 'select'
    ? h('select', { id, name, 'aria-describedby': describedBy }, attrs.options.map(([v, t]) => h('option', { value: v }, t)))
    : h('input', { id, name, 'aria-describedby': describedBy, ...attrs });
  if (attrs.type === 'date') {
    // Same unambiguous words as the evaluation dates (see dateField).
    const words = h('p', { class: 'date-words', id: `${id}-words` });
    input.setAttribute('aria-describedby', `${describedBy} ${id}-words`);
    const update = () => { words.textContent = dateInWords(input.value); };
    input.addEventListener('input', update);
    input.addEventListener('change', update);
    update();
    return h('div', { class: 'field' }, h('label', { for: id }, text), input, words,
      hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, error);
  }
  return h('div', { class: 'field' }, h('label', { for: id }, text), input,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, error);
}

/** Shows a problem's errors next to their fields (by path); the rest above the form. Returns true if any. */
function showFieldErrors(form, summary, problem) {
  for (const el of form.querySelectorAll('.field-error')) { el.hidden = true; el.textContent = ''; }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  summary.replaceChildren();
  if (!problem) return;
  const general = [];
  for (const e of problem.errors ?? []) {
    const slot = e.path ? form.querySelector(`[data-error-for="${CSS.escape(e.path)}"]`) : null;
    if (slot) {
      slot.hidden = false;
      slot.textContent = slot.textContent ? `${slot.textContent} ${e.message}` : e.message;
      form.querySelector(`[name="${CSS.escape(e.path)}"]`)?.setAttribute('aria-invalid', 'true');
    } else {
      general.push(e);
    }
  }
  const count = (problem.errors ?? []).length;
  summary.replaceChildren(count
    ? h('div', { class: 'problem', role: 'alert' }, h('p', null, h('strong', null, `${count} field${count === 1 ? '' : 's'} to correct.`)),
        general.length ? h('ul', null, general.map(e => h('li', null, e.message))) : null)
    : renderProblem(problem));
  form.querySelector('[aria-invalid="true"]')?.focus();
}

function formParams(form) {
  const params = {};
  for (const el of form.querySelectorAll('input, select')) {
    if (el.name && el.value.trim() !== '') params[el.name] = el.value.trim();
  }
  return params;
}

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

function calculatorsView() {
  return h('div', { class: 'view view-calculators' }, h('h1', { tabindex: '-1' }, 'Calculators'),
    h('div', { class: 'calc-grid' }, edssCalculator(), tpeCalculator()));
}

// ---------------------------------------------------------------- router
let firstRoute = true;

function route() {
  // Move focus to the new view's heading on navigation, not on the first load (the skip link comes first).
  const focus = !firstRoute;
  firstRoute = false;
  const hash = location.hash || '#/patients';
  const m = /^#\/patients\/([^/]+)$/.exec(hash);
  if (m) {
    const id = decodeURIComponent(m[1]);
    show(patientView(id), `Patient ${id}`, focus);
  } else if (hash === '#/bundle') {
    show(bundleView(), 'Evaluate a bundle', focus);
  } else if (hash === '#/calculators') {
    show(calculatorsView(), 'Calculators', focus);
  } else {
    show(patientsView(), 'Patients', focus);
  }
}

window.addEventListener('hashchange', route);
// The skip link must not go through the hash router (#main is not a route): focus the content directly.
document.getElementById('skip-link')?.addEventListener('click', e => { e.preventDefault(); main.focus(); });
api.index().then(index => {
  serverToday = index?.today ?? null;
  const v = document.getElementById('engine-version');
  if (v && index?.engine) v.textContent = `MsRelapse engine ${index.engine.version}, knowledge base ${index.engine.knowledgeBase}`;
}).catch(() => { /* the page still works with the browser's date */ }).finally(route);
