// The printable care plan, at a stable address per patient (#/patients/{id}/care-plan): the plan as a person reads
// it — what to do, the steroid days, the session calendar, the reassessment dates, what to watch for, who to call —
// with name, identifier, birth date, print date and page number on every printed page (app.css, @media print).
import { h, dl, table, num, planNum, localToday } from './dom.js';
import { api } from './api.js';
import { renderProblem, sessionCalendar, steroidDates, reassessmentDates, dayText, dateNode, withDates } from './render.js';
import { readRecord } from './record.js';
import { ACTIONS, URGENCY, STATUS, SEVERITY, FLAG_SEVERITY, label } from './labels.js';
import { dateField, status, problemOf, today, shortDate } from './fields.js';

function steroidBlock(st, asOf) {
  const dates = steroidDates(st, asOf);
  const dose = st.doseMgPerDay != null ? `${planNum(st.doseMgPerDay, 2)} mg a day` : st.doseMgPerKgPerDay != null ? `${planNum(st.doseMgPerKgPerDay, 2)} mg/kg a day` : '';
  return h('section', { class: 'cp-section', 'data-testid': 'cp-steroids' }, h('h2', null, 'Steroid course'),
    dl([
      ['Medicine', `${st.drug}, ${st.route === 'oral' ? 'by mouth' : 'intravenous (IV)'}`],
      ['Dose', dose],
      ['Days', `${st.days}`],
      ['First day', dates ? `${dayText(dates.first)}${dates.assumed ? ' (from the date of this plan)' : ''}` : null],
      ['Last day', dates ? dayText(dates.last) : null],
      ['Total dose', st.totalDoseMg != null ? `${planNum(st.totalDoseMg, 2)} mg` : null],
      ['Taper', st.taper ?? null],
    ]),
    st.monitoring?.length ? h('p', null, h('strong', null, 'Checks: '), withDates(st.monitoring.join('; '))) : null);
}

function apheresisBlock(plan, word) {
  return h('section', { class: 'cp-section', 'data-testid': 'cp-sessions' }, h('h2', null, `${word} sessions`),
    plan.exchangeVolumeMl != null ? h('p', null, `Each exchange ${planNum(plan.exchangeVolumeMl, 0)} mL${plan.replacementFluid ? `, replaced with ${plan.replacementFluid}` : ''}${plan.albuminGramsPerExchange != null ? ` (albumin ${planNum(plan.albuminGramsPerExchange, 1)} g${plan.albuminVialsPerExchange != null ? `, ${plan.albuminVialsPerExchange} vials` : ''})` : ''}.`) : null,
    sessionCalendar(plan, word, { checksEach: false }));
}

const chosen = (r, code) => r.primary === code || (r.concurrent ?? []).includes(code) || (code === 'iv-methylprednisolone' && r.primary === 'escalated-iv-methylprednisolone');

export function carePlanView(id, asOfParam) {
  const main = h('div', { class: 'view view-care-plan' });
  const { input: asOf, field: asOfField } = dateField('cp-as-of', 'Plan as of', asOfParam ?? today(), 'asOf');
  const evidenceToggle = h('input', { type: 'checkbox', id: 'cp-evidence', name: 'evidence' });
  const printButton = h('button', { type: 'button', id: 'cp-print' }, 'Print');
  const live = status('');
  const body = h('div', { class: 'care-plan', id: 'care-plan' }, h('p', { class: 'muted' }, 'Loading…'));
  const controls = h('form', { class: 'evaluate-form no-print' }, asOfField,
    h('div', { class: 'field checkbox' }, evidenceToggle, h('label', { for: 'cp-evidence' }, 'Include the evidence list')),
    h('button', { type: 'submit', class: 'secondary' }, 'Update'), printButton);
  printButton.addEventListener('click', () => window.print());
  evidenceToggle.addEventListener('change', () => body.classList.toggle('with-evidence', evidenceToggle.checked));

  let record = null;
  let bundleText = null;
  async function render() {
    try {
      if (!record) {
        const bundle = await api.patient(id);
        bundleText = JSON.stringify(bundle);
        record = readRecord(bundle);
      }
      const rec = await api.evaluateBundle(bundleText, asOf.value || today());
      body.replaceChildren(...content(rec));
      live.textContent = `Care plan as of ${dayText(rec.asOf)}.`;
    } catch (error) {
      body.replaceChildren(renderProblem(problemOf(error), 'The care plan could not be made.'));
    }
  }

  function content(rec) {
    const p = record.patient ?? {};
    const r = rec.recommendation;
    const plan = rec.plan ?? {};
    const u = URGENCY[r.urgency] ?? { label: r.urgency, meaning: '' };
    const flags = (rec.flags ?? []).filter(f => f.severity === 'critical' || f.severity === 'warning');
    const steroidCode = plan.steroids?.action ?? (plan.steroids?.route === 'oral' ? 'oral-methylprednisolone' : 'iv-methylprednisolone');
    // What to watch for: the steroid checks (the apheresis checks are listed with the sessions).
    const watch = [...new Set([...(plan.steroids && chosen(r, steroidCode) ? plan.steroids.monitoring ?? [] : [])])];
    const printed = localToday();
    // A layout table: the browser repeats its head at the top of every printed page (the running line).
    const running = h('div', { class: 'cp-running', 'data-testid': 'cp-running' },
        h('span', null, h('strong', null, p.name ?? `Patient ${id}`)),
        h('span', null, `Identifier: ${p.identifier ?? id}`),
        h('span', null, `Born: ${p.birthDate ? shortDate(p.birthDate) : 'not recorded'}`),
        h('span', null, `Printed: ${shortDate(printed)}`));
    return [h('table', { class: 'cp-layout', role: 'presentation' },
      h('thead', null, h('tr', null, h('td', null, running))),
      h('tbody', null, h('tr', null, h('td', null, ...planParts(rec, p, r, plan, u, flags, watch)))))];
  }

  function planParts(rec, p, r, plan, u, flags, watch) {
    return [
      h('header', { class: 'cp-head' },
        h('h1', { tabindex: '-1' }, 'Care plan — MS relapse'),
        dl([
          ['Patient', p.name ?? id],
          ['Identifier', p.identifier ?? id],
          ['Birth date', p.birthDate ? shortDate(p.birthDate) : 'not recorded'],
          ['Plan as of', shortDate(rec.asOf)],
        ], { class: 'facts inline' })),
      h('section', { class: 'cp-section cp-now', 'data-testid': 'cp-now' }, h('h2', null, 'What to do now'),
        h('p', { class: 'cp-primary' }, h('strong', null, label(ACTIONS, r.primary)), ` — ${u.label.toUpperCase()}: ${u.meaning}`),
        r.concurrent?.length ? h('p', null, h('strong', null, 'Together with: '), r.concurrent.map(c => label(ACTIONS, c)).join('; ')) : null,
        h('p', null, `Episode: ${label(STATUS, rec.episode?.status)}${rec.episode?.onset ? `, onset ${shortDate(rec.episode.onset)}` : ''}; severity ${label(SEVERITY, rec.episode?.severity).toLowerCase()}.`)),
      flags.length ? h('section', { class: 'cp-section cp-flags' }, h('h2', null, 'Before acting'),
        h('ul', null, flags.map(f => h('li', null, h('strong', null, `${FLAG_SEVERITY[f.severity].marker} ${FLAG_SEVERITY[f.severity].label.toUpperCase()}: `), f.message)))) : null,
      // Only what is to be done (the primary and concurrent actions); alternatives are named, not planned out.
      plan.steroids && chosen(r, plan.steroids.action ?? (plan.steroids.route === 'oral' ? 'oral-methylprednisolone' : 'iv-methylprednisolone'))
        ? steroidBlock(plan.steroids, rec.asOf) : null,
      plan.plasmaExchange && chosen(r, 'plasma-exchange') ? apheresisBlock(plan.plasmaExchange, 'Plasma exchange') : null,
      plan.immunoadsorption && chosen(r, 'immunoadsorption') ? apheresisBlock(plan.immunoadsorption, 'Immunoadsorption') : null,
      r.alternatives?.length ? h('p', { class: 'cp-alternatives' }, h('strong', null, 'Alternatives: '),
        r.alternatives.map(a => label(ACTIONS, a.action)).join('; '), '.') : null,
      reassessmentDates(rec).length ? h('section', { class: 'cp-section', 'data-testid': 'cp-reassess' }, h('h2', null, 'Reassessment dates'),
        h('ul', null, reassessmentDates(rec).map(([d, what]) => h('li', null, h('strong', null, dateNode(d)), ` — ${what}`)))) : null,
      h('section', { class: 'cp-section cp-watch' }, h('h2', null, 'What to watch for'),
        watch.length ? h('ul', null, watch.map(w => h('li', null, withDates(w)))) : null,
        (plan.plasmaExchange && chosen(r, 'plasma-exchange')) || (plan.immunoadsorption && chosen(r, 'immunoadsorption')) ? h('p', null, 'The checks for each apheresis session are listed with the sessions above.') : null,
        h('p', null, 'New or worsening symptoms, fever or infection: tell the team before the next dose or session.')),
      h('section', { class: 'cp-section cp-call' }, h('h2', null, 'Who to call'),
        h('p', { class: 'hint' }, 'Filled in by the team.'),
        table(null, ['Who', 'Name', 'Telephone'], [['MS / neurology team', '', ''], ['Apheresis unit', '', ''], ['Out of hours', '', '']], { class: 'cp-contacts' })),
      rec.evidence?.length ? h('section', { class: 'cp-section cp-evidence' }, h('h2', null, 'Evidence'),
        h('ul', null, rec.evidence.map(e => h('li', null, h('strong', null, e.id), ` ${e.citation}`)))) : null,
      h('p', { class: 'cp-foot muted' }, `Made by MsRelapse engine ${rec.engine?.version}, knowledge base ${rec.engine?.knowledgeBase}, as of ${dayText(rec.asOf)}. `,
        'Decision support: the clinician decides.'),
    ];
  }

  controls.addEventListener('submit', e => { e.preventDefault(); render(); });
  render();
  main.append(h('p', { class: 'back no-print' }, h('a', { href: `#/patients/${encodeURIComponent(id)}` }, '← Back to the patient')),
    controls, live, body);
  return main;
}
