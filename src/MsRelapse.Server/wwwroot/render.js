// Renders a recommendation (recommendation.schema.json), a plasma-exchange plan and problem documents.
import { h, dl, table, num, planNum, pct, edss } from './dom.js';
import { iggChart } from './chart.js';
import { ACTIONS, URGENCY, STATUS, SEVERITY, STAGE, RESPONSE, RECOVERY, MISSING, FLAG_SEVERITY, SEX, FACTORS, FAVOURS, label } from './labels.js';

const action = code => label(ACTIONS, code);

/** Evidence ids as small chips; the citation is in the title and in the evidence list at the end. */
function evidenceChips(ids, evidence) {
  if (!ids || ids.length === 0) return null;
  return h('span', { class: 'evidence-ids' }, 'Evidence: ',
    ids.map((id, i) => [i > 0 ? ', ' : null, h('span', { class: 'ev', title: evidence.get(id)?.citation ?? null }, id)]));
}

function section(title, className, ...children) {
  return h('section', { class: `card ${className ?? ''}`.trim() }, h('h3', null, title), children);
}

/** One line of the plan behind an action ("5 exchanges of 3,035 mL, every other day from Wed 9 Dec 2026"), as nodes, or null. */
function planLine(code, plan) {
  const pe = plan?.plasmaExchange;
  const ia = plan?.immunoadsorption;
  const st = plan?.steroids;
  // A course under way is told by the engine's summary; a planned one by its first session.
  const course = x => x.schedule?.some(s => s.done) && x.summary
    ? withDates(x.summary)
    : ['every other day from ', dateNode(x.startDate ?? x.schedule?.[0]?.date) ?? '—'];
  if (code === 'plasma-exchange' && pe) {
    return [`${pe.exchanges} exchanges${pe.exchangeVolumeMl != null ? ` of ${planNum(pe.exchangeVolumeMl, 0)} mL` : ''}, `, course(pe)];
  }
  if (code === 'immunoadsorption' && ia) {
    return [`${ia.sessions} sessions, `, course(ia)];
  }
  if (st && (code === st.action || (!st.action && /methylprednisolone/.test(code)))) {
    const dose = st.doseMgPerDay != null ? `${planNum(st.doseMgPerDay, 2)} mg/day` : st.doseMgPerKgPerDay != null ? `${planNum(st.doseMgPerKgPerDay, 2)} mg/kg/day` : '';
    return [`${st.drug} ${dose} ${st.route === 'oral' ? 'by mouth' : 'IV'} for ${st.days} days`, st.startDate ? [' from ', dateNode(st.startDate)] : null];
  }
  return null;
}

/**
 * Why this primary action: the rationale entry of the rule that chose it (recommendation.primaryRule, the engine's own
 * record of it; R6.4: "EDSS 6.0 on …: inadequate response to steroids"). Of that rule's entries, the first that does not
 * recommend what the engine then set aside among the alternatives (a rule may explain its first choice before a later
 * condition of its own moves it aside). Null when the engine names no rule or the rule wrote no reason.
 */
function decidingReason(rec) {
  const r = rec.recommendation ?? {};
  const entries = (rec.rationale ?? []).filter(x => x.rule === r.primaryRule);
  if (!entries.length) return null;
  const names = code => String(action(code)).toLowerCase();
  const primary = names(r.primary);
  const setAside = (r.alternatives ?? []).map(a => names(a.action));
  const recommendsOther = x => {
    const text = x.text.toLowerCase();
    return !text.includes(primary) && setAside.some(a => text.includes(a));
  };
  return entries.find(x => !recommendsOther(x)) ?? entries[0];
}

/** "What to do now and how urgently": the primary action, the urgency with its meaning, concurrent actions. */
function doNow(r, rec) {
  const u = URGENCY[r.urgency] ?? { label: r.urgency, meaning: '' };
  const flags = rec.flags ?? [];
  const serious = [...flags.filter(f => f.severity === 'critical'), ...flags.filter(f => f.severity === 'warning')];
  const critical = serious.filter(f => f.severity === 'critical').length;
  const warning = serious.length - critical;
  // "1 critical and 2 warning flags": the noun takes the plural of the total, the adjectives stay as they are.
  const check = [critical ? `${critical} critical` : null, warning ? `${warning} warning` : null].filter(Boolean);
  const primaryPlan = planLine(r.primary, rec.plan);
  const why = decidingReason(rec);
  return h('section', { class: `do-now urgency-${r.urgency}`, 'aria-labelledby': 'do-now-title', 'data-testid': 'do-now' },
    h('h3', { id: 'do-now-title', class: 'eyebrow' }, 'What to do now'),
    h('p', { class: 'primary-action', 'data-testid': 'primary-action' }, action(r.primary)),
    h('p', { class: 'urgency-line' },
      h('span', { class: `badge urgency-badge urgency-${r.urgency}`, 'data-testid': 'urgency' }, u.label.toUpperCase()),
      ' ', h('span', { class: 'urgency-meaning' }, u.meaning)),
    // The rule id first, so that it never wraps alone; kept short: the flags below must stay on a laptop's first screen.
    why ? h('p', { class: 'why', 'data-testid': 'why' },
      h('strong', null, 'Why ', h('span', { class: 'why-rule', title: 'The pathway rule that decided (see the rationale)' }, `(${why.rule})`), ': '),
      withDates(why.text)) : null,
    primaryPlan ? h('p', { class: 'plan-line' }, primaryPlan) : null,
    r.concurrent?.length
      ? h('div', { class: 'concurrent' }, h('strong', null, 'Together with:'),
          h('ul', null, r.concurrent.map(c => h('li', null, action(c), planLine(c, rec.plan) ? [' — ', planLine(c, rec.plan)] : null))))
      : null,
    r.reassessOn ? h('p', { class: 'reassess' }, h('strong', null, 'Reassess on: '), dateNode(r.reassessOn)) : null,
    serious.length ? h('div', { class: `check-flags ${critical ? 'check-critical' : 'check-warning'}`, 'data-testid': 'check-flags' },
      h('p', { class: 'check-title' }, h('strong', null, `Before acting — ${check.join(' and ')} flag${serious.length === 1 ? '' : 's'}:`)),
      h('ul', { class: 'check-list' }, serious.map(f => h('li', { 'data-quoted-flag': f.code },
        h('span', { class: `badge flag-badge flag-badge-${f.severity}` },
          h('span', { 'aria-hidden': 'true', class: 'flag-marker' }, FLAG_SEVERITY[f.severity].marker), ' ', FLAG_SEVERITY[f.severity].label.toUpperCase()),
        ' ', f.message)))) : null);
}

function flagsSection(flags, evidence) {
  if (!flags?.length) {
    return section('Flags', 'flags', h('p', { class: 'muted' }, 'No flags raised.'));
  }

  const groups = ['critical', 'warning', 'info'].map(sev => [sev, flags.filter(f => f.severity === sev)])
    .filter(([, list]) => list.length > 0);
  const other = flags.filter(f => !FLAG_SEVERITY[f.severity]);
  if (other.length) groups.push(['info', other]);
  return h('section', { class: 'card flags', 'aria-labelledby': 'flags-title', 'data-testid': 'flags' },
    h('h3', { id: 'flags-title' }, `Flags (${flags.length})`),
    groups.map(([sev, list]) => h('div', { class: `flag-group flag-group-${sev}` },
      h('h4', null, `${FLAG_SEVERITY[sev].label} (${list.length})`),
      h('ul', { class: 'flag-list' }, list.map(f => h('li', { class: `flag flag-${sev}`, 'data-flag': f.code, 'data-severity': sev },
        h('span', { class: `badge flag-badge flag-badge-${sev}` },
          h('span', { 'aria-hidden': 'true', class: 'flag-marker' }, FLAG_SEVERITY[sev].marker), ' ', FLAG_SEVERITY[sev].label.toUpperCase()),
        ' ', h('span', { class: 'flag-message' }, f.message),
        h('span', { class: 'flag-meta' }, h('code', null, f.code), evidenceChips(f.evidence, evidence))))))));
}

function episodeSection(rec) {
  const e = rec.episode ?? {};
  const ed = e.edss ?? {};
  const p = rec.patient;
  return section('Episode', 'episode',
    dl([
      ['Status', h('strong', { 'data-testid': 'status' }, label(STATUS, e.status))],
      ['Onset', e.onset ? [dateNode(e.onset), e.daysSinceOnset !== undefined ? ` — ${e.daysSinceOnset} day${e.daysSinceOnset === 1 ? '' : 's'} ago` : ''] : 'not recorded'],
      ['Severity', label(SEVERITY, e.severity)],
      ['Treatment stage', e.treatmentStage ? label(STAGE, e.treatmentStage) : null],
      ['Steroid response', e.steroidResponse ? label(RESPONSE, e.steroidResponse) : null],
      ['Apheresis response', e.apheresisResponse ? label(RESPONSE, e.apheresisResponse) : null],
      ['Recovery', e.recoveryClass ? label(RECOVERY, e.recoveryClass) : null],
      ['Patient', p ? [p.ageYears !== undefined ? `${p.ageYears} years` : null, p.sex ? label(SEX, p.sex) : null].filter(Boolean).join(', ') : null],
    ]),
    h('table', { class: 'edss-table' },
      h('caption', null, 'EDSS'),
      h('thead', null, h('tr', null, ['Baseline', 'Nadir', 'Latest', 'Rise'].map(x => h('th', { scope: 'col' }, x)))),
      h('tbody', null, h('tr', null,
        h('td', { 'data-testid': 'edss-baseline' }, edss(ed.baseline)),
        h('td', { 'data-testid': 'edss-nadir' }, edss(ed.nadir)),
        h('td', { 'data-testid': 'edss-latest' }, edss(ed.latest)),
        h('td', { 'data-testid': 'edss-rise' }, ed.rise === null || ed.rise === undefined ? '—' : `+${Number(ed.rise).toFixed(1)}`)))));
}

function role(code, r) {
  if (code === r.primary) return 'primary';
  if (r.concurrent?.includes(code)) return 'concurrent';
  if (r.alternatives?.some(a => a.action === code)) return 'alternative';
  return null;
}

function listOf(title, items) {
  return items?.length ? h('div', { class: 'sublist' }, h('h4', null, title), h('ul', null, items.map(x => h('li', null, withDates(x))))) : null;
}

/** YYYY-MM-DD plus n days. */
function plusDays(value, n) {
  const d = new Date(`${value}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_SHORT = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** "Wed 13 May 2026". */
export function dayText(value) {
  const d = new Date(`${value}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return value ?? '';
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS_SHORT[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** A date as a person reads it ("Thu 17 Dec 2026"), the ISO date kept for machines in <time datetime>; null if none. */
export function dateNode(value) {
  return value ? h('time', { datetime: value }, dayText(value)) : null;
}

const ISO_DATE = /(?<!\d)(\d{4}-\d{2}-\d{2})(?!\d)/;

/** The engine's text (rationale, monitoring, course summaries) with its ISO dates written as the page writes dates. */
export function withDates(text) {
  if (typeof text !== 'string') return text;
  return text.split(ISO_DATE).map((part, i) => (i % 2 ? dateNode(part) : part));
}

/**
 * The steroid course's first and last day. The plan gives days, not dates: when it names no start, the course is
 * read as starting on the evaluation date (the page says so), since the recommendation is for now.
 */
export function steroidDates(st, asOf) {
  const first = st.startDate ?? asOf ?? null;
  if (!first) return null;
  return { first, last: st.endDate ?? plusDays(first, Math.max(1, st.days ?? 1) - 1), assumed: !st.startDate };
}

function steroidPlan(s, r, evidence, asOf) {
  const r0 = role(s.action, r);
  const dates = steroidDates(s, asOf);
  const dose = s.doseMgPerDay !== null && s.doseMgPerDay !== undefined
    ? `${planNum(s.doseMgPerDay, 2)} mg/day`
    : s.doseMgPerKgPerDay !== null && s.doseMgPerKgPerDay !== undefined ? `${planNum(s.doseMgPerKgPerDay, 2)} mg/kg/day` : null;
  return section(`Steroids${r0 ? ` (${r0})` : ''}: ${action(s.action ?? (s.route === 'oral' ? 'oral-methylprednisolone' : 'iv-methylprednisolone'))}`, 'plan plan-steroids',
    dl([
      ['Drug', `${s.drug}, ${s.route}`],
      ['Dose', dose],
      ['Days', String(s.days)],
      ['First day', dates ? h('span', { 'data-testid': 'steroid-first' }, `${dayText(dates.first)}${dates.assumed ? ' (from the evaluation date)' : ''}`) : null],
      ['Last day', dates ? h('span', { 'data-testid': 'steroid-last' }, dayText(dates.last)) : null],
      ['Total dose', s.totalDoseMg !== undefined ? `${planNum(s.totalDoseMg, 2)} mg` : null],
      ['Prednisone equivalent', s.prednisoneEquivalentMg !== undefined ? `${planNum(s.prednisoneEquivalentMg, 2)} mg` : null],
      ['Infusion', s.infusion ?? null],
      ['Taper', s.taper ?? null],
      ['Reassess on', dateNode(s.reassessOn)],
    ]),
    s.afterMriExcludesPml ? h('p', { class: 'callout' }, 'Give only after MRI has excluded PML.') : null,
    listOf('Monitoring', s.monitoring), listOf('Notes', s.notes), evidenceChips(s.evidence, evidence));
}

function schedule(rows) {
  if (!rows?.length) return null;
  const hasDone = rows.some(x => x.done !== undefined);
  return table('Schedule', hasDone ? ['Session', 'Date', 'Done'] : ['Session', 'Date'],
    rows.map(x => hasDone ? [String(x.session), dateNode(x.date), x.done ? 'done' : 'planned'] : [String(x.session), dateNode(x.date)]), { class: 'schedule' });
}

/**
 * Predicted IgG after each exchange. The calculator gives the plasma level as a fraction of the starting level; the
 * recommendation gives it as a fraction of the level just before that exchange (constant per session): say which.
 */
function iggTable(igg) {
  const ofBaseline = igg.every(x => x.plasmaFractionOfBaseline !== undefined);
  return table('Predicted IgG after each exchange',
    ['After session', ofBaseline ? 'Plasma IgG (of the starting level)' : 'Plasma IgG (of the level before this exchange)',
      'Total-body IgG (of the starting level)'],
    igg.map(x => [String(x.session), pct(ofBaseline ? x.plasmaFractionOfBaseline : x.plasmaFractionAfter), pct(x.totalBodyFractionAfter)]),
    { class: 'igg' });
}

/**
 * The sessions as a calendar: one row per week (Monday first), each session's day with its number, volume, albumin
 * and vials; then the sessions as a list with the checks before each one.
 */
export function sessionCalendar(pe, kindWord = 'Plasma exchange', { checksEach = true } = {}) {
  const sessions = (pe.schedule ?? []).filter(x => x.date);
  if (!sessions.length) return null;
  const byDate = new Map(sessions.map(x => [x.date, x]));
  const first = sessions[0].date;
  const last = sessions[sessions.length - 1].date;
  const weekday = d => (new Date(`${d}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday 0
  const weeks = [];
  for (let d = plusDays(first, -weekday(first)); d <= last; d = plusDays(d, 7)) weeks.push(d);
  const volume = pe.exchangeVolumeMl != null ? `${planNum(pe.exchangeVolumeMl, 0)} mL` : null;
  const albumin = pe.albuminGramsPerExchange != null
    ? `albumin ${planNum(pe.albuminGramsPerExchange, 1)} g${pe.albuminVialsPerExchange != null ? ` (${pe.albuminVialsPerExchange} vials)` : ''}` : null;
  const cell = d => {
    const x = byDate.get(d);
    const day = new Date(`${d}T00:00:00Z`);
    const head = h('span', { class: 'cal-day' }, `${day.getUTCDate()} ${MONTHS_SHORT[day.getUTCMonth()]}`);
    if (!x) return h('td', { class: 'cal-empty' }, head);
    return h('td', { class: `cal-session ${x.done ? 'cal-done' : 'cal-planned'}`, 'data-session': String(x.session) }, head,
      h('strong', { class: 'cal-title' }, `Session ${x.session}`),
      h('span', { class: 'cal-state' }, x.done ? `given${x.kind ? ` (${x.kind === 'immunoadsorption' ? 'immunoadsorption' : 'plasma exchange'})` : ''}` : 'planned'),
      volume && !x.done ? h('span', null, volume) : null,
      albumin && !x.done ? h('span', null, albumin) : null);
  };
  const monitoring = pe.monitoring ?? [];
  return h('div', { class: 'calendar', 'data-testid': 'session-calendar' },
    h('table', { class: 'cal-table' },
      h('caption', null, `${kindWord} calendar: ${sessions.length} session${sessions.length === 1 ? '' : 's'}, ${dayText(first)} to ${dayText(last)}`),
      h('thead', null, h('tr', null, ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
        .map(x => h('th', { scope: 'col' }, h('abbr', { title: x }, x.slice(0, 3)))))),
      h('tbody', null, weeks.map(w => h('tr', null, [0, 1, 2, 3, 4, 5, 6].map(i => cell(plusDays(w, i))))))),
    h('ol', { class: 'session-list' }, sessions.map(x => h('li', { 'data-session': String(x.session) },
      h('strong', null, `Session ${x.session} — ${dayText(x.date)}`), x.done ? ' (given)' : '',
      !x.done && (volume || albumin) ? `: ${[volume ? `exchange ${volume}` : null, albumin].filter(Boolean).join(', ')}` : '',
      !x.done && monitoring.length ? h('span', { class: 'before' }, h('br'), 'Before it: ', checksEach ? withDates(monitoring.join('; ')) : 'the checks below') : null))),
    !checksEach && monitoring.length ? h('div', { class: 'before-each' }, h('h3', null, 'Checks for each session'), h('ul', null, monitoring.map(m => h('li', null, withDates(m))))) : null);
}

/** A plasma-exchange plan: from a recommendation (plan.plasmaExchange) or the tpe-plan calculator (same members). */
export function plasmaExchangePlan(pe, title, evidence = new Map()) {
  const igg = pe.predictedIgG ?? [];
  return section(title, 'plan plan-pe',
    dl([
      ['Method', pe.method === 'nadler' ? "Nadler (sex, height, weight)" : pe.method === 'weight-based' ? 'Weight-based' : pe.method],
      ['Total blood volume', pe.totalBloodVolumeMl != null ? `${planNum(pe.totalBloodVolumeMl, 0)} mL` : null],
      ['Plasma volume', pe.plasmaVolumeMl != null ? `${planNum(pe.plasmaVolumeMl, 0)} mL` : null],
      ['Plasma volume (Kaplan cross-check)', pe.kaplanPlasmaVolumeMl != null ? `${planNum(pe.kaplanPlasmaVolumeMl, 0)} mL` : null],
      ['Plasma volumes per exchange', pe.plasmaVolumesPerExchange != null ? Number(pe.plasmaVolumesPerExchange).toFixed(1) : null],
      ['Exchange volume', pe.exchangeVolumeMl != null ? h('strong', { 'data-testid': 'exchange-volume' }, `${planNum(pe.exchangeVolumeMl, 0)} mL per exchange`) : null],
      ['Exchanges', pe.exchanges != null ? `${pe.exchanges}${pe.intervalDays ? `, every ${pe.intervalDays} days` : ', every other day'}` : null],
      ['Plasma IgG left after each exchange', pe.fractionRemainingPerExchange != null ? pct(pe.fractionRemainingPerExchange) : null],
      ['Total-body IgG left after the course', pe.totalBodyIgGRemainingFraction != null ? pct(pe.totalBodyIgGRemainingFraction)
        : igg.length ? pct(igg[igg.length - 1].totalBodyFractionAfter) : null],
      ['Replacement fluid', pe.replacementFluid ?? null],
      ['Albumin per exchange', pe.albuminGramsPerExchange != null
        ? `${planNum(pe.albuminGramsPerExchange, 1)} g${pe.albuminVialsPerExchange != null ? ` (${pe.albuminVialsPerExchange} vials)` : ''}` : null],
      ['Start', dateNode(pe.startDate)],
      ['Course', pe.summary ? withDates(pe.summary) : null],
      ['Last session', pe.courseEndsOn ? dayText(pe.courseEndsOn) : null],
      ['Late reassessment', pe.lateReassessOn ? `${dayText(pe.lateReassessOn)} (late responders)` : null],
    ]),
    sessionCalendar(pe),
    schedule(pe.schedule),
    igg.length ? iggChart(igg) : null,
    igg.length ? iggTable(igg) : null,
    listOf('Monitoring', pe.monitoring), listOf('Notes', pe.notes),
    pe.missing?.length ? listOf('Missing', pe.missing.map(m => typeof m === 'string' ? m : JSON.stringify(m))) : null,
    evidenceChips(pe.evidence, evidence));
}

function immunoadsorptionPlan(ia, r, evidence) {
  const r0 = role('immunoadsorption', r);
  return section(`Immunoadsorption${r0 ? ` (${r0})` : ''}`, 'plan plan-ia',
    dl([
      ['Sessions', String(ia.sessions)],
      ['Processed plasma per session', ia.processedPlasmaVolumesPerSession ?? null],
      ['Replacement fluid', ia.replacementFluid ?? null],
      ['Start', dateNode(ia.startDate)],
      ['Course', ia.summary ? withDates(ia.summary) : null],
      ['Last session', ia.courseEndsOn ? dayText(ia.courseEndsOn) : null],
      ['Late reassessment', ia.lateReassessOn ? `${dayText(ia.lateReassessOn)} (late responders)` : null],
    ]),
    sessionCalendar(ia, 'Immunoadsorption'),
    schedule(ia.schedule), listOf('Monitoring', ia.monitoring), evidenceChips(ia.evidence, evidence));
}

function planSection(rec, evidence) {
  const plan = rec.plan ?? {};
  const r = rec.recommendation;
  const parts = [];
  const pe = plan.plasmaExchange ? plasmaExchangePlan(plan.plasmaExchange,
    `Plasma exchange${role('plasma-exchange', r) ? ` (${role('plasma-exchange', r)})` : ''}`, evidence) : null;
  const ia = plan.immunoadsorption ? immunoadsorptionPlan(plan.immunoadsorption, r, evidence) : null;
  const st = plan.steroids ? steroidPlan(plan.steroids, r, evidence, rec.asOf) : null;
  // The primary action's plan first, then the concurrent ones, then the alternatives.
  const rank = { primary: 0, concurrent: 1, alternative: 2 };
  const steroidCode = plan.steroids?.action ?? (plan.steroids?.route === 'oral' ? 'oral-methylprednisolone' : 'iv-methylprednisolone');
  parts.push([pe, role('plasma-exchange', r)], [ia, role('immunoadsorption', r)], [st, role(steroidCode, r)]);
  const shown = parts.filter(([node]) => node).sort((a, b) => (rank[a[1]] ?? 3) - (rank[b[1]] ?? 3)).map(([node]) => node);
  return h('section', { class: 'plans', 'aria-labelledby': 'plan-title' },
    h('h3', { id: 'plan-title', class: 'section-title' }, 'Plan'),
    shown.length ? h('div', { class: 'plan-grid' }, shown) : h('p', { class: 'muted' }, 'No treatment plan for this recommendation.'));
}

/** 2026.2: the published predictors of response to apheresis as found in the record; informational, never a score. */
function responseFactorsSection(factors, evidence) {
  if (!factors?.length) return null;
  const value = f => f.value === null || f.value === undefined ? 'not recorded'
    : typeof f.value === 'boolean' ? (f.value ? 'yes' : 'no') : `${f.value}${f.unit ? ` ${f.unit}` : ''}`;
  return h('section', { class: 'card response-factors', 'data-testid': 'response-factors' },
    h('h3', null, 'Apheresis response factors'),
    h('p', { class: 'hint' }, 'Published predictors of response, as found in this record. For information: not a score, not a decision.'),
    table(null, ['Factor', 'This patient', 'Points to', 'Published effect', 'Evidence'],
      factors.map(f => [label(FACTORS, f.factor), value(f),
        h('span', null, label(FAVOURS, f.favours), f.contested ? h('span', { class: 'contested' }, ' (contested)') : null),
        h('span', null, f.effect, f.missing ? h('span', { class: 'missing-hint' }, ` To know it: ${f.missing}`) : null),
        evidenceChips(f.evidence, evidence) ?? '—'])));
}

/** Whether an action is to be done: the primary or a concurrent one (an alternative is only named). */
export function isPlanned(code, r) {
  const it = role(code, r);
  return it === 'primary' || it === 'concurrent';
}

/**
 * Every date the plan asks someone to look again, in date order: the recommendation's own reassessment, and the dates
 * of the plans that are to be done. An alternative's plan (immunoadsorption beside plasma exchange) has dates too, but
 * listing them here would read as a second course to book: they stay in that plan, under its "(alternative)" title.
 */
export function reassessmentDates(rec) {
  const r = rec.recommendation ?? {};
  const plan = rec.plan ?? {};
  const steroidCode = plan.steroids?.action ?? (plan.steroids?.route === 'oral' ? 'oral-methylprednisolone' : 'iv-methylprednisolone');
  const steroids = plan.steroids && isPlanned(steroidCode, r) ? plan.steroids : null;
  const pe = plan.plasmaExchange && isPlanned('plasma-exchange', r) ? plan.plasmaExchange : null;
  const ia = plan.immunoadsorption && isPlanned('immunoadsorption', r) ? plan.immunoadsorption : null;
  const list = [
    r.reassessOn ? [r.reassessOn, 'Reassess the patient (EDSS, response)'] : null,
    steroids?.reassessOn && steroids.reassessOn !== r.reassessOn ? [steroids.reassessOn, 'Reassess after the steroid course'] : null,
    pe?.courseEndsOn ? [pe.courseEndsOn, 'Last plasma-exchange session'] : null,
    pe?.lateReassessOn ? [pe.lateReassessOn, 'Late reassessment after plasma exchange (late responders)'] : null,
    ia?.courseEndsOn ? [ia.courseEndsOn, 'Last immunoadsorption session'] : null,
    ia?.lateReassessOn ? [ia.lateReassessOn, 'Late reassessment after immunoadsorption (late responders)'] : null,
  ].filter(Boolean);
  return list.sort((a, b) => a[0].localeCompare(b[0]));
}

function reassessmentSection(rec) {
  const list = reassessmentDates(rec);
  if (!list.length) return null;
  return h('section', { class: 'card reassessment', 'data-testid': 'reassessment' }, h('h3', null, 'Reassessment dates'),
    h('ul', null, list.map(([d, what]) => h('li', null, h('strong', null, dateNode(d)), ` — ${what}`))));
}

function optionsSection(title, items, evidence, className) {
  if (!items?.length) return null;
  return h('section', { class: `card ${className}` }, h('h3', null, title),
    table(null, ['Action', 'Reason', 'Evidence'],
      items.map(x => [action(x.action), x.reason, x.evidence?.length ? evidenceChips(x.evidence, evidence) : '—'])));
}

function missingSection(missing) {
  if (!missing?.length) return null;
  return h('section', { class: 'card missing', 'data-testid': 'missing-data' },
    h('h3', null, `Missing data (${missing.length})`),
    h('ul', null, missing.map(m => h('li', null, h('strong', null, label(MISSING, m.item)), ` — needed for ${m.neededFor}`))));
}

function rationaleSection(rationale, evidence) {
  if (!rationale?.length) return null;
  return h('section', { class: 'card rationale' }, h('h3', null, 'Rationale'),
    h('ol', { class: 'rationale-list' }, rationale.map(x => h('li', null,
      h('span', { class: 'rule' }, x.rule), ' ', withDates(x.text), ' ', evidenceChips(x.evidence, evidence)))));
}

/** How the adapter read the record: a drug known by its name only, a dose read as mg, a resource left unused. */
function readingNotesSection(notes) {
  if (!notes?.length) return null;
  return h('section', { class: 'card reading-notes', 'data-testid': 'reading-notes' },
    h('h3', null, `How the record was read (${notes.length})`),
    h('ul', null, notes.map(n => h('li', null, n))));
}

function evidenceSection(list) {
  if (!list?.length) return null;
  return h('section', { class: 'card evidence' }, h('h3', null, 'Evidence'),
    h('dl', { class: 'evidence-list' }, list.map(x => h('div', null,
      h('dt', null, x.id), h('dd', null, x.citation, x.grade ? h('span', { class: 'grade' }, ` Grade: ${x.grade}`) : null)))));
}

/**
 * The whole recommendation. meta: optional { title, provenance: [text…], aside: node beside the answer (else the
 * episode), afterTop: node after the answer (the timeline) }.
 */
export function renderRecommendation(rec, meta = {}) {
  const evidence = new Map((rec.evidence ?? []).map(x => [x.id, x]));
  const r = rec.recommendation;
  return h('section', { class: 'result', 'aria-labelledby': 'result-title', 'data-testid': 'recommendation' },
    h('h2', { id: 'result-title', tabindex: '-1' }, meta.title ?? `Recommendation as of ${dayText(rec.asOf)}`),
    h('div', { class: 'top-grid' }, doNow(r, rec), meta.aside ?? episodeSection(rec)),
    meta.aside ? episodeSection(rec) : null,
    meta.afterTop ?? null,
    missingSection(rec.missingData),
    flagsSection(rec.flags, evidence),
    planSection(rec, evidence),
    reassessmentSection(rec),
    responseFactorsSection(rec.apheresisResponseFactors, evidence),
    optionsSection('Alternatives', r.alternatives, evidence, 'alternatives'),
    optionsSection('Not recommended', r.notRecommended, evidence, 'not-recommended'),
    rationaleSection(rec.rationale, evidence),
    readingNotesSection(rec.readingNotes),
    evidenceSection(rec.evidence),
    h('p', { class: 'provenance muted' },
      [`Engine ${rec.engine?.version}, knowledge base ${rec.engine?.knowledgeBase}, as of ${dayText(rec.asOf)}`, ...(meta.provenance ?? [])].join(' · ')));
}

/** An RFC 9457 problem: title, detail and errors[] (message, resource, path) as a readable list. */
export function renderProblem(problem, heading) {
  const errors = Array.isArray(problem?.errors) ? problem.errors : [];
  return h('div', { class: 'problem', role: 'alert', 'data-testid': 'problem' },
    h('h3', null, heading ?? problem?.title ?? 'The request failed.'),
    heading && problem?.title ? h('p', null, h('strong', null, problem.title)) : null,
    problem?.detail && !(errors.length === 1 && errors[0].message === problem.detail) ? h('p', null, problem.detail) : null,
    errors.length ? h('ul', { class: 'problem-errors' }, errors.map(e => h('li', null,
      h('span', { class: 'problem-message' }, e.message),
      (e.resource || e.path) ? h('span', { class: 'problem-where' }, ' — ',
        e.resource ? ['in ', h('code', null, e.resource)] : null,
        e.resource && e.path ? ' at ' : null,
        e.path ? h('code', null, e.path) : null) : null,
      e.code ? h('span', { class: 'problem-code' }, ' ', h('code', null, e.code)) : null))) : null,
    problem?.code ? h('p', { class: 'muted small' }, `Code: ${problem.code}${problem.status ? ` (HTTP ${problem.status})` : ''}`) : null);
}
