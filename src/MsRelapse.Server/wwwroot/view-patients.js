// The patient list as a worklist: each patient's record evaluated as of today (nothing stored), most urgent first,
// sortable by any column. Search is by name or id (never put in the URL: names are patient data).
import { h, dateTime } from './dom.js';
import { api } from './api.js';
import { renderProblem, dayText, dateNode } from './render.js';
import { ACTIONS, URGENCY, STATUS, label } from './labels.js';
import { status, problemOf, today } from './fields.js';

const state = { q: '', sort: 'urgency', descending: true };

const COLUMNS = [
  { key: 'urgency', text: 'Urgency', value: p => p.urgencyRank },
  { key: 'name', text: 'Patient', value: p => (p.name || p.id).toLowerCase() },
  { key: 'status', text: 'Episode', value: p => label(STATUS, p.status) },
  { key: 'primary', text: 'Next action', value: p => label(ACTIONS, p.primary) },
  { key: 'flags', text: 'Flags', value: p => p.critical * 1000 + p.warnings },
  { key: 'reassessOn', text: 'Reassess on', value: p => p.reassessOn ?? '' },
  { key: 'updatedAt', text: 'Record updated', value: p => p.updatedAt ?? '' },
];

function flagsCell(p) {
  if (p.problem) return h('span', { class: 'muted' }, '—');
  const parts = [];
  if (p.critical) parts.push(h('span', { class: 'badge flag-badge flag-badge-critical' }, h('span', { 'aria-hidden': 'true' }, '!! '), `${p.critical} critical`));
  if (p.warnings) parts.push(h('span', { class: 'badge flag-badge flag-badge-warning' }, h('span', { 'aria-hidden': 'true' }, '! '), `${p.warnings} warning${p.warnings === 1 ? '' : 's'}`));
  return parts.length ? h('span', { class: 'flag-cells' }, parts) : h('span', { class: 'muted' }, 'none');
}

export function patientsView() {
  const input = h('input', { type: 'search', id: 'patient-search', name: 'q', autocomplete: 'off', value: state.q,
    placeholder: 'e.g. Novak or demo-aqp4', 'aria-describedby': 'patient-search-hint' });
  const results = h('div', { id: 'patient-results' });
  const live = status('');
  const form = h('form', { class: 'search', role: 'search' },
    h('label', { for: 'patient-search' }, 'Search patients'),
    h('div', { class: 'row' }, input, h('button', { type: 'submit' }, 'Search')),
    h('p', { id: 'patient-search-hint', class: 'hint' }, 'By name (part of it) or patient id (its beginning).'));

  let data = null;
  let timer = null;
  let generation = 0;

  function render() {
    if (!data) return;
    const column = COLUMNS.find(c => c.key === state.sort) ?? COLUMNS[0];
    const items = [...data.items].sort((a, b) => {
      const x = column.value(a); const y = column.value(b);
      const order = x < y ? -1 : x > y ? 1 : 0;
      return state.descending ? -order : order;
    });
    const head = COLUMNS.map(c => {
      const sorted = c.key === state.sort;
      const button = h('button', { type: 'button', class: 'sort', 'data-sort': c.key }, c.text,
        h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, sorted ? (state.descending ? ' ▼' : ' ▲') : ''));
      button.addEventListener('click', () => {
        if (state.sort === c.key) state.descending = !state.descending;
        else { state.sort = c.key; state.descending = c.key === 'urgency' || c.key === 'flags' || c.key === 'updatedAt'; }
        render();
        results.querySelector(`[data-sort="${c.key}"]`)?.focus();
      });
      return h('th', { scope: 'col', 'aria-sort': sorted ? (state.descending ? 'descending' : 'ascending') : null }, button);
    });
    const rows = items.map(p => {
      const u = URGENCY[p.urgency];
      return h('tr', { 'data-patient': p.id },
        h('td', null, p.urgency ? h('span', { class: `badge urgency-badge urgency-${p.urgency}` }, u ? u.label.toUpperCase() : p.urgency) : '—'),
        h('th', { scope: 'row' }, h('a', { href: `#/patients/${encodeURIComponent(p.id)}`, class: 'patient-link' }, p.name || p.id),
          h('span', { class: 'muted small id-under' }, p.id)),
        h('td', null, p.problem ? h('span', { class: 'muted' }, p.problem) : label(STATUS, p.status)),
        h('td', null, p.primary ? label(ACTIONS, p.primary) : '—'),
        h('td', null, flagsCell(p)),
        h('td', null, dateNode(p.reassessOn) ?? '—'),
        h('td', null, `${dateTime(p.updatedAt)} (v${p.version})`));
    });
    results.replaceChildren(...[items.length
      ? h('table', { class: 'patients worklist', 'data-testid': 'patient-table' },
        h('caption', null, `Worklist as of ${dayText(data.asOf)}, most urgent first (select a column heading to sort)`),
        h('thead', null, h('tr', null, head)), h('tbody', null, rows))
      : h('p', { class: 'muted' }, 'No patients to show.'),
    data.truncated ? h('p', { class: 'hint' }, `Showing the first ${data.items.length} of ${data.total} patients: search to narrow the list.`) : null].filter(Boolean));
  }

  async function load() {
    const mine = ++generation;
    live.textContent = 'Loading patients…';
    try {
      const result = await api.worklist(state.q, today());
      if (mine !== generation) return;
      data = result;
      live.textContent = data.total === 0
        ? 'No patient matches this search.'
        : `${data.total} patient${data.total === 1 ? '' : 's'}${state.q ? ' match' : ''}.`;
      render();
    } catch (error) {
      if (mine !== generation) return;
      live.textContent = '';
      results.replaceChildren(renderProblem(problemOf(error), 'The patient list could not be loaded.'));
    }
  }

  form.addEventListener('submit', e => { e.preventDefault(); clearTimeout(timer); state.q = input.value.trim(); load(); });
  input.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { state.q = input.value.trim(); load(); }, 250);
  });
  load();
  return h('div', { class: 'view view-patients' },
    h('h1', { tabindex: '-1' }, 'Patients'), form, live, results);
}
