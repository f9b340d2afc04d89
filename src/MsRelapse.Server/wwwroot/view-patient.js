// A patient's page: the answer first (evaluated as of today on opening, not stored), the data it used beside it,
// the EDSS timeline, the plans, data entry, and the stored evaluations. "Save this evaluation" stores one.
import { h, dl, table, dateTime } from './dom.js';
import { api } from './api.js';
import { renderRecommendation, renderProblem, dayText, dateNode } from './render.js';
import { edssTimeline } from './chart.js';
import { readRecord, steroidCourses, edssAsRead, edssNote } from './record.js';
import { dataEntry, EDSS_FIELDS } from './forms.js';
import { ACTIONS, URGENCY, SEX, label } from './labels.js';
import { dateField, status, busy, problemOf, today, shortDate } from './fields.js';

/** The data the engine read, each with its date and source; entries after the as-of date are marked unused. */
export function dataUsed(record, asOf) {
  const rows = [];
  const after = d => d && asOf && d > asOf;
  const when = d => (after(d) ? `${shortDate(d)} (after the as-of date: not used)` : shortDate(d));
  for (const p of record.edss.slice(-5)) {
    const note = edssNote(p);
    rows.push(['EDSS', p.value === null ? 'functional systems only' : `${Number(p.value).toFixed(1)}${note ? ` (${note})` : ''}`, when(p.date), p.source]);
  }
  const latest = key => [...record.measures.filter(m => m.key === key && !after(m.date))].pop() ?? [...record.measures.filter(m => m.key === key)].pop();
  for (const key of ['weight', 'height', 'hematocrit', 'temperature', 'bloodPressure', 'systolic', 'calcium', 'fibrinogen', 'igg', 'hba1c']) {
    const m = latest(key);
    if (m) rows.push([m.label, m.value, when(m.date), m.source]);
  }
  for (const r of record.relapses.slice(-2)) rows.push(['Relapse onset', r.resolved ? `resolved ${shortDate(r.resolved)}` : 'ongoing', when(r.date), r.source]);
  for (const c of steroidCourses(record.steroids).slice(-3)) {
    rows.push(['Steroids', `${c.drug}${c.doseMg ? ` ${c.doseMg} mg/day` : ''} ${c.route === 'intravenous' ? 'IV' : c.route ?? ''}, ${c.days} day${c.days === 1 ? '' : 's'}`,
      `${shortDate(c.first)} to ${shortDate(c.last)}`, c.source]);
  }
  for (const a of record.apheresis) rows.push(['Apheresis', a.kind === 'immunoadsorption' ? 'immunoadsorption' : 'plasma exchange', when(a.date), a.source]);
  return h('section', { class: 'card data-used', 'aria-labelledby': 'data-used-title', 'data-testid': 'data-used' },
    h('h3', { id: 'data-used-title' }, 'Data used'),
    rows.length ? table(null, ['What', 'Value', 'Date', 'Source'], rows, { class: 'compact' }) : h('p', { class: 'muted' }, 'Nothing recorded yet.'));
}

// The calculator's answers by query, for the life of the page (an assessment's scores do not change its EDSS).
const scoresAnswers = new Map();

/**
 * The EDSS of an assessment's scores (FHIR component code → raw value) by the service's calculator, GET /api/edss (the
 * engine's own); null when the set is incomplete or the calculator refuses it or cannot be reached (see edssAsRead).
 */
export function scoresEdss(components) {
  if (!EDSS_FIELDS.every(([, , , code]) => Number.isFinite(components?.[code]))) return Promise.resolve(null);
  const params = Object.fromEntries(EDSS_FIELDS.map(([parameter, , , code]) => [parameter, String(components[code])]));
  const key = new URLSearchParams(params).toString();
  if (!scoresAnswers.has(key)) {
    scoresAnswers.set(key, api.edss(params).then(r => Number(r?.edss)).catch(() => {
      scoresAnswers.delete(key);
      return null;
    }));
  }
  return scoresAnswers.get(key);
}

/** The CDS Hooks services, in words. */
const CDS_SERVICES = {
  'msrelapse-patient-view': 'Patient view',
  'msrelapse-order-select': 'Order select',
  'msrelapse-order-sign': 'Order sign',
};

/** The response header the service sets when asOf is after its own date (src/MsRelapse.Server/Infrastructure/FutureDates.cs). */
export const FUTURE_HEADER = 'MsRelapse-AsOf-Future';

export function patientView(id) {
  const heading = h('h1', { tabindex: '-1' }, `Patient ${id}`);
  const facts = h('div', { class: 'patient-facts' });
  const { input: asOf, field: asOfField } = dateField('as-of', 'Evaluate as of', today());
  const evaluateButton = h('button', { type: 'submit', id: 'evaluate-button' }, 'Evaluate');
  const saveButton = h('button', { type: 'button', class: 'secondary', id: 'save-evaluation', disabled: true }, 'Save this evaluation');
  const carePlan = h('a', { href: `#/patients/${encodeURIComponent(id)}/care-plan`, class: 'button-link', id: 'care-plan-link' }, 'Care plan');
  const live = status('');
  const notice = h('div', { id: 'as-of-notice' });
  const result = h('div', { id: 'result' });
  const entry = h('div', { id: 'entry' });
  const history = h('section', { class: 'history', 'aria-labelledby': 'history-title' },
    h('h2', { id: 'history-title' }, 'Saved evaluations'), h('div', { id: 'history-body' }, h('p', { class: 'muted' }, 'Loading…')));
  const feedback = h('section', { class: 'history', 'aria-labelledby': 'feedback-title', 'data-testid': 'cds-feedback' },
    h('h2', { id: 'feedback-title' }, 'Feedback from the EHR on MsRelapse cards'), h('div', { id: 'feedback-body' }, h('p', { class: 'muted' }, 'Loading…')));
  const form = h('form', { class: 'evaluate-form no-print' }, asOfField, evaluateButton, saveButton, carePlan);

  const state = { bundle: null, etag: null, record: null, shown: null, showing: 0 };

  async function loadRecord() {
    const { bundle, etag } = await api.patientRecord(id);
    state.bundle = bundle;
    state.etag = etag;
    state.record = readRecord(bundle);
    const p = state.record.patient;
    if (p?.name) heading.textContent = p.name;
    facts.replaceChildren(dl([
      ['Patient id', h('code', null, id)],
      ['Identifier', p?.identifier ?? null],
      ['Birth date', p?.birthDate ? shortDate(p.birthDate) : null],
      ['Sex', p?.gender ? label(SEX, p.gender) : null],
    ], { class: 'facts inline' }));
  }

  /**
   * The banner for an as-of date after the service's own date. The service decides (its clock, not the browser's):
   * it sends "MsRelapse-AsOf-Future: true" on such an evaluation, and stored evaluations carry asOfInFuture.
   */
  function futureNotice(inFuture, asOfDate) {
    if (inFuture) {
      notice.replaceChildren(h('p', { class: 'notice future', role: 'status', 'data-testid': 'future-notice' },
        h('strong', null, 'The as-of date is after today\u2019s date at the service. '),
        `This shows what the record would mean on ${shortDate(asOfDate)} if nothing were added before then; it is not today\u2019s answer.`));
    } else {
      notice.replaceChildren();
    }
  }

  async function show(rec, meta) {
    state.shown = rec;
    const mine = ++state.showing;
    // The EDSS values as the engine read them (used or not), so that the data used and the timeline agree with it.
    const record = await edssAsRead(state.record, rec, scoresEdss);
    if (mine !== state.showing) return;
    result.replaceChildren(renderRecommendation(rec, {
      ...meta,
      aside: dataUsed(record, rec.asOf),
      afterTop: edssTimeline(record, rec),
    }));
  }

  /** Evaluates the record as it is now, as of the chosen date; nothing is stored (a view). */
  async function evaluate(focus) {
    if (!asOf.value) { live.textContent = 'Choose the evaluation date.'; asOf.focus(); return; }
    busy(evaluateButton, true, 'Evaluating…');
    saveButton.disabled = true;
    live.textContent = 'Evaluating…';
    try {
      const { json: rec, headers } = await api.evaluateBundleFull(JSON.stringify(state.bundle), asOf.value);
      futureNotice(headers?.get?.(FUTURE_HEADER) === 'true', rec.asOf);
      await show(rec, { title: `Recommendation as of ${dayText(rec.asOf)}`, provenance: ['not saved (a view of the record as it is now)', `record ${state.etag ?? ''}`] });
      saveButton.disabled = false;
      live.textContent = `Evaluated as of ${dayText(rec.asOf)}: ${label(ACTIONS, rec.recommendation.primary)}, ${URGENCY[rec.recommendation.urgency]?.label ?? rec.recommendation.urgency}. Not saved.`;
      if (focus) result.querySelector('h2')?.focus();
    } catch (error) {
      live.textContent = 'The evaluation failed.';
      result.replaceChildren(renderProblem(problemOf(error), 'The evaluation failed.'));
    } finally {
      busy(evaluateButton, false);
    }
  }

  async function loadHistory() {
    const body = history.querySelector('#history-body');
    try {
      const data = await api.evaluations(id);
      const items = [...(data.items ?? [])].sort((a, b) => b.id - a.id);
      if (!items.length) { body.replaceChildren(h('p', { class: 'muted' }, 'No evaluation saved yet.')); return; }
      body.replaceChildren(table(null, ['Saved', 'As of', 'Primary action', 'Urgency', 'Engine / knowledge base', 'Record', ''],
        items.map(e => {
          const open = h('button', { type: 'button', class: 'secondary small no-print', 'aria-label': `Show the evaluation saved ${dateTime(e.createdAt)}` }, 'Show');
          open.addEventListener('click', async () => {
            busy(open, true, 'Loading…');
            try {
              const stored = await api.evaluation(id, e.id);
              await show(stored.recommendation, {
                title: `Saved recommendation as of ${dayText(stored.asOf)}`,
                provenance: [`evaluation #${stored.id} saved ${dateTime(stored.createdAt)}`, `record version ${stored.patientVersion}`,
                  `input SHA-256 ${String(stored.inputSha256 ?? '').slice(0, 12)}…`],
              });
              result.querySelector('h2')?.focus();
            } catch (error) { result.replaceChildren(renderProblem(problemOf(error))); } finally { busy(open, false); }
          });
          const u = URGENCY[e.urgency];
          return [dateTime(e.createdAt), dateNode(e.asOf), label(ACTIONS, e.primaryAction),
            h('span', { class: `badge urgency-badge urgency-${e.urgency}` }, u ? u.label : e.urgency),
            `${e.engineVersion} / ${e.knowledgeBase}`, `v${e.patientVersion}`, open];
        }), { class: 'history-table', 'data-testid': 'history-table' }));
    } catch (error) {
      body.replaceChildren(renderProblem(problemOf(error), 'Saved evaluations could not be loaded.'));
    }
  }

  /** The CDS Hooks feedback on this patient's cards: what the clinician did in the EHR, newest first. */
  async function loadFeedback() {
    const body = feedback.querySelector('#feedback-body');
    try {
      const data = await api.cdsFeedback(id);
      const items = [...(data.items ?? [])].reverse();
      if (!items.length) { body.replaceChildren(h('p', { class: 'muted' }, 'No feedback on MsRelapse cards in the EHR yet.')); return; }
      body.replaceChildren(table(null, ['Date', 'Outcome', 'Card', 'Override reason'],
        items.map(f => [
          dateTime(f.outcomeTimestamp),
          f.outcome === 'accepted'
            ? `Accepted${f.acceptedSuggestions?.length ? ` (${f.acceptedSuggestions.length} suggestion${f.acceptedSuggestions.length === 1 ? '' : 's'})` : ''}`
            : f.outcome === 'overridden' ? 'Overridden' : f.outcome,
          h('span', null, `${CDS_SERVICES[f.service] ?? f.service} card `, h('code', { title: f.card }, String(f.card).slice(0, 8))),
          f.overrideReason ? (f.overrideReason.display ?? f.overrideReason.code) : '—',
        ]), { class: 'history-table', 'data-testid': 'cds-feedback-table' }));
    } catch (error) {
      body.replaceChildren(renderProblem(problemOf(error), 'The feedback from the EHR could not be loaded.'));
    }
  }

  form.addEventListener('submit', e => { e.preventDefault(); evaluate(true); });
  saveButton.addEventListener('click', async () => {
    busy(saveButton, true, 'Saving…');
    try {
      const stored = await api.evaluatePatient(id, asOf.value);
      futureNotice(stored.asOfInFuture === true, stored.asOf);
      live.textContent = `Evaluation saved (#${stored.id}, as of ${dayText(stored.asOf)}).`;
      await show(stored.recommendation, {
        title: `Recommendation as of ${dayText(stored.asOf)}`,
        provenance: [`evaluation #${stored.id} saved ${dateTime(stored.createdAt)}`, `record version ${stored.patientVersion}`],
      });
      await loadHistory();
      saveButton.disabled = true;
      saveButton.textContent = 'Saved';
      return;
    } catch (error) {
      result.prepend(renderProblem(problemOf(error), 'The evaluation was not saved.'));
    } finally {
      if (saveButton.textContent !== 'Saved') busy(saveButton, false);
    }
  });
  asOf.addEventListener('change', () => { saveButton.textContent = 'Save this evaluation'; });

  (async () => {
    try {
      await loadRecord();
    } catch (error) {
      facts.replaceChildren(renderProblem(problemOf(error), 'This patient could not be loaded.'));
      evaluateButton.disabled = true;
      return;
    }
    entry.replaceChildren(dataEntry({
      patientId: id,
      etag: () => state.etag,
      reload: async () => { await loadRecord(); await evaluate(false); },
      saved: async (etag, what) => {
        await loadRecord();
        saveButton.textContent = 'Save this evaluation';
        await evaluate(false);
        live.textContent = `${what} saved; the recommendation is evaluated again. Not saved as an evaluation.`;
      },
    }));
    await evaluate(false);
  })();
  loadHistory();
  loadFeedback();
  return h('div', { class: 'view view-patient' },
    h('p', { class: 'back no-print' }, h('a', { href: '#/patients' }, '← All patients')),
    heading, facts, form, live, notice, result, entry, history, feedback);
}
