// Hand-made SVG charts (no library, no inline style: presentation attributes and classes only, under the CSP).
// Every mark a reader needs is focusable with its value and date as its accessible name, and each chart comes with
// a table of the same data for screen readers and for print.
import { h, table, edss as edssText, shortDate } from './dom.js';
import { steroidCourses, addDays, edssNote } from './record.js';

const NS = 'http://www.w3.org/2000/svg';

/** An SVG element; attrs as attributes (class included), children appended. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v !== null && v !== undefined && v !== false) el.setAttribute(k, String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const dayNumber = d => Date.parse(`${d}T00:00:00Z`) / 86400000;

/** A focusable mark: its name is read on focus and shown in the readout line under the chart. */
function mark(shape, name, readout, kind) {
  const g = s('g', { class: `mark mark-${kind}`, tabindex: '0', role: 'img', 'aria-label': name, 'data-mark': kind }, s('title', null, name), shape);
  const show = () => { readout.textContent = name; };
  g.addEventListener('focus', show);
  g.addEventListener('mouseenter', show);
  return g;
}

const ROUTE_WORD = { intravenous: 'IV', oral: 'oral' };
const APHERESIS_WORD = { 'plasma-exchange': 'plasma exchange', immunoadsorption: 'immunoadsorption' };

/**
 * The EDSS timeline: EDSS over time (baseline, nadir and latest marked), relapse onsets, steroid courses by route
 * and apheresis sessions (given, and planned in the recommendation) on one time axis, with a table of the same data.
 * record: readRecord(bundle); rec: the recommendation (may be null).
 */
export function edssTimeline(record, rec) {
  const readout = h('p', { class: 'chart-readout', 'aria-live': 'polite', 'data-testid': 'timeline-readout' },
    'Move to a point (Tab, or point with the mouse) to read its value and date.');
  const points = record.edss.filter(p => p.date && p.value !== null && p.value !== undefined);
  // Planned sessions of the recommended apheresis only (the primary or a concurrent action, not an alternative).
  const chosen = code => rec?.recommendation && (rec.recommendation.primary === code || (rec.recommendation.concurrent ?? []).includes(code));
  const planned = [
    ...(chosen('plasma-exchange') ? rec.plan?.plasmaExchange?.schedule ?? [] : []).filter(x => !x.done).map(x => ({ date: x.date, kind: 'plasma-exchange', session: x.session })),
    ...(chosen('immunoadsorption') ? rec.plan?.immunoadsorption?.schedule ?? [] : []).filter(x => !x.done).map(x => ({ date: x.date, kind: 'immunoadsorption', session: x.session })),
  ];
  const courses = steroidCourses(record.steroids.filter(x => x.date));
  const asOf = rec?.asOf ?? null;
  const dates = [...points.map(p => p.date), ...record.relapses.map(r => r.date), ...courses.flatMap(c => [c.first, c.last]),
    ...record.apheresis.map(a => a.date), ...planned.map(p => p.date), asOf].filter(Boolean).sort();
  if (!dates.length) {
    return h('section', { class: 'card timeline', 'aria-labelledby': 'timeline-title' },
      h('h3', { id: 'timeline-title' }, 'EDSS timeline'), h('p', { class: 'muted' }, 'No EDSS assessments or treatments recorded yet.'));
  }

  // The episode window gets the width; older assessments (the baseline months ago) sit in a narrow "earlier" strip.
  const last = dates[dates.length - 1];
  const recent = [...record.relapses.map(r => r.date).filter(Boolean)].sort().pop() ?? dates[0];
  let start = addDays(recent, -14) < dates[0] ? dates[0] : addDays(recent, -14);
  if (dayNumber(last) - dayNumber(start) < 14) start = addDays(last, -14);
  const earlier = points.filter(p => p.date < start);
  const W = 760, left = 44, right = 16, top = 24, plotH = 170, bandSteroid = 214, bandApheresis = 244, axisY = 270;
  const earlyW = earlier.length ? 70 : 0;
  const x0 = left + earlyW + (earlier.length ? 12 : 0);
  const span = Math.max(1, dayNumber(last) - dayNumber(start));
  const x = d => x0 + ((dayNumber(d) - dayNumber(start)) / span) * (W - right - x0);
  const y = v => top + plotH - (v / 10) * plotH;
  const ed = rec?.episode?.edss ?? {};
  const onset = rec?.episode?.onset ?? recent;

  const svg = s('svg', { viewBox: `0 0 ${W} 300`, class: 'chart edss-chart', role: 'group', 'aria-label': 'EDSS timeline chart', 'data-testid': 'edss-chart' });
  // Grid and y axis (EDSS 0–10).
  for (let v = 0; v <= 10; v += 2) {
    svg.append(s('line', { x1: left, x2: W - right, y1: y(v), y2: y(v), class: 'grid' }),
      s('text', { x: left - 8, y: y(v) + 4, class: 'tick', 'text-anchor': 'end', 'aria-hidden': 'true' }, String(v)));
  }
  svg.append(s('text', { x: 4, y: 12, class: 'axis-label', 'aria-hidden': 'true' }, 'EDSS'));
  svg.append(s('text', { x: 4, y: bandSteroid + 14, class: 'axis-label', 'aria-hidden': 'true' }, 'Steroids'),
    s('text', { x: 4, y: bandApheresis + 14, class: 'axis-label', 'aria-hidden': 'true' }, 'Apheresis'));
  // Date ticks: about six, on whole days.
  const step = Math.max(1, Math.ceil(span / 6));
  for (let d = start; d <= last; d = addDays(d, step)) {
    svg.append(s('line', { x1: x(d), x2: x(d), y1: axisY - 4, y2: axisY + 2, class: 'axis' }),
      s('text', { x: x(d), y: axisY + 16, class: 'tick', 'text-anchor': 'middle', 'aria-hidden': 'true' }, shortDate(d).replace(/ \d{4}$/, '')));
  }
  svg.append(s('line', { x1: left, x2: W - right, y1: axisY - 4, y2: axisY - 4, class: 'axis' }));
  if (earlier.length) {
    svg.append(s('text', { x: left + earlyW / 2, y: axisY + 16, class: 'tick', 'text-anchor': 'middle', 'aria-hidden': 'true' }, 'earlier'),
      s('text', { x: left + earlyW + 4, y: axisY, class: 'tick break', 'aria-hidden': 'true' }, '//'));
  }
  if (asOf && asOf >= start && asOf <= last) {
    svg.append(s('line', { x1: x(asOf), x2: x(asOf), y1: top, y2: axisY - 4, class: 'asof-line' }),
      s('text', { x: x(asOf) + 3, y: top + 10, class: 'tick', 'aria-hidden': 'true' }, 'as of'));
  }

  // Relapse onsets: a dashed line with a word.
  for (const r of record.relapses.filter(r => r.date && r.date >= start)) {
    svg.append(mark([s('line', { x1: x(r.date), x2: x(r.date), y1: top, y2: axisY - 4, class: 'onset-line' }),
      s('text', { x: x(r.date) + 3, y: top + plotH - 4, class: 'onset-text' }, 'onset')],
    `Relapse onset on ${shortDate(r.date)}`, readout, 'onset'));
  }

  // Steroid courses by route: IV solid, oral hatched, each with its word.
  for (const c of courses.filter(c => c.last >= start)) {
    const x1 = x(c.first < start ? start : c.first);
    const width = Math.max(6, x(addDays(c.last, 1)) - x1);
    const name = `Steroids: ${c.drug}${c.doseMg ? ` ${c.doseMg} mg/day` : ''} ${ROUTE_WORD[c.route] ?? 'route not recorded'}, ${c.days} day${c.days === 1 ? '' : 's'}, ${shortDate(c.first)} to ${shortDate(c.last)}`;
    svg.append(mark([s('rect', { x: x1, y: bandSteroid, width, height: 18, class: `course course-${c.route ?? 'unknown'}` }),
      s('text', { x: x1 + 3, y: bandSteroid + 13, class: 'course-text' }, ROUTE_WORD[c.route] ?? '?')], name, readout, 'steroid'));
  }

  // Apheresis: given sessions filled, planned ones hollow (and the word "planned" in their name).
  const diamond = (cx, cy, cls) => s('path', { d: `M${cx} ${cy - 8} L${cx + 8} ${cy} L${cx} ${cy + 8} L${cx - 8} ${cy} Z`, class: cls });
  for (const a of record.apheresis.filter(a => a.date && a.date >= start)) {
    svg.append(mark(diamond(x(a.date), bandApheresis + 9, `session session-done session-${a.kind}`),
      `Apheresis given: ${APHERESIS_WORD[a.kind]} on ${shortDate(a.date)}`, readout, 'apheresis'));
  }
  for (const p of planned) {
    svg.append(mark(diamond(x(p.date), bandApheresis + 9, `session session-planned session-${p.kind}`),
      `Apheresis planned: ${APHERESIS_WORD[p.kind]} session ${p.session} on ${shortDate(p.date)}`, readout, 'planned'));
  }

  // EDSS: a line through the episode's points, each point a mark; baseline, nadir and latest named and labelled.
  const roleOf = p => {
    const roles = [];
    const latest = points[points.length - 1];
    if (ed.baseline !== null && ed.baseline !== undefined && p.value === ed.baseline && p.date < onset
      && !points.some(q => q.date < onset && q.date > p.date)) roles.push('baseline');
    if (ed.nadir !== null && ed.nadir !== undefined && p.value === ed.nadir && p.date >= onset
      && p === points.filter(q => q.date >= onset && q.value === ed.nadir)[0]) roles.push('nadir');
    if (p === latest) roles.push('latest');
    return roles;
  };
  const inWindow = points.filter(p => p.date >= start);
  if (inWindow.length > 1) {
    svg.append(s('polyline', { points: inWindow.map(p => `${x(p.date)},${y(p.value)}`).join(' '), class: 'edss-line' }));
  }
  earlier.forEach((p, i) => {
    const cx = left + (earlyW / (earlier.length + 1)) * (i + 1);
    svg.append(edssPoint(p, cx, y(p.value), roleOf(p), readout));
  });
  for (const p of inWindow) svg.append(edssPoint(p, x(p.date), y(p.value), roleOf(p), readout));

  // The same data as a table, in date order ([iso date, what, source]).
  const rows = [
    ...record.edss.map(p => [p.date, `EDSS ${p.value === null ? 'not scored (functional systems only)' : edssText(p.value)}${aside(p, roleOf(p))}`, p.source]),
    ...record.relapses.map(r => [r.date, `Relapse onset${r.resolved ? `, resolved ${shortDate(r.resolved)}` : ''}`, r.source]),
    ...courses.map(c => [c.first, `Steroids: ${c.drug}${c.doseMg ? ` ${c.doseMg} mg/day` : ''} ${ROUTE_WORD[c.route] ?? ''} × ${c.days} day${c.days === 1 ? '' : 's'} (to ${shortDate(c.last)})`, c.source]),
    ...record.apheresis.map(a => [a.date, `Apheresis given: ${APHERESIS_WORD[a.kind]}`, a.source]),
    ...planned.map(p => [p.date, `Apheresis planned: ${APHERESIS_WORD[p.kind]}, session ${p.session}`, 'recommendation']),
  ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))).map(([d, what, src]) => [shortDate(d), what, src]);

  return h('section', { class: 'card timeline', 'aria-labelledby': 'timeline-title', 'data-testid': 'timeline' },
    h('h3', { id: 'timeline-title' }, 'EDSS timeline'),
    h('div', { class: 'timeline-grid' },
      h('figure', { class: 'chart-figure' }, svg,
        h('figcaption', { class: 'legend' },
          h('span', null, h('span', { class: 'key key-edss', 'aria-hidden': 'true' }), ' EDSS (baseline, nadir, latest labelled)'),
          h('span', null, h('span', { class: 'key key-onset', 'aria-hidden': 'true' }), ' relapse onset'),
          h('span', null, h('span', { class: 'key key-iv', 'aria-hidden': 'true' }), ' IV steroids'),
          h('span', null, h('span', { class: 'key key-oral', 'aria-hidden': 'true' }), ' oral steroids'),
          h('span', null, h('span', { class: 'key key-done', 'aria-hidden': 'true' }), ' apheresis given'),
          h('span', null, h('span', { class: 'key key-planned', 'aria-hidden': 'true' }), ' planned')),
        readout),
      h('div', { class: 'timeline-table', tabindex: '0', role: 'region', 'aria-label': 'The EDSS timeline as a table' },
        table('The EDSS timeline as a table', ['Date', 'What', 'Source'], rows, { class: 'compact', 'data-testid': 'timeline-table' }))));
}

/** " (latest; recorded 1.5 — inconsistent with its scores)": the point's roles and why its total is not the recorded one. */
function aside(p, roles) {
  const parts = [roles.join(', '), edssNote(p)].filter(Boolean);
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function edssPoint(p, cx, cy, roles, readout) {
  const name = `EDSS ${edssText(p.value)} on ${shortDate(p.date)}${aside(p, roles)}`;
  const shape = roles.includes('baseline')
    ? s('rect', { x: cx - 6, y: cy - 6, width: 12, height: 12, class: 'edss-point' })
    : s('circle', { cx, cy, r: roles.length ? 7 : 5, class: 'edss-point' });
  const label = roles.length ? s('text', { x: cx, y: cy - 12, class: 'point-label', 'text-anchor': 'middle' }, `${roles.join(' / ')} ${edssText(p.value)}`) : null;
  return mark([shape, label], name, readout, 'edss');
}

/** The predicted IgG over the course (total-body, % of the starting level), one focusable point per exchange. */
export function iggChart(predicted) {
  if (!predicted?.length) return null;
  const readout = h('p', { class: 'chart-readout', 'aria-live': 'polite' }, 'Move to a point to read the predicted IgG.');
  const W = 420, H = 200, left = 44, right = 12, top = 12, bottom = 34;
  const n = predicted.length;
  const x = i => left + (i / n) * (W - left - right);
  const y = f => top + (1 - f) * (H - top - bottom);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, class: 'chart igg-chart', role: 'group', 'aria-label': 'Predicted IgG over the plasma-exchange course' });
  for (const f of [0, 0.25, 0.5, 0.75, 1]) {
    svg.append(s('line', { x1: left, x2: W - right, y1: y(f), y2: y(f), class: 'grid' }),
      s('text', { x: left - 6, y: y(f) + 4, class: 'tick', 'text-anchor': 'end', 'aria-hidden': 'true' }, `${f * 100} %`));
  }
  const pts = [{ session: 0, totalBodyFractionAfter: 1 }, ...predicted];
  svg.append(s('polyline', { points: pts.map((p, i) => `${x(i)},${y(p.totalBodyFractionAfter)}`).join(' '), class: 'igg-line' }));
  pts.forEach((p, i) => {
    svg.append(s('text', { x: x(i), y: H - bottom + 16, class: 'tick', 'text-anchor': 'middle', 'aria-hidden': 'true' }, i === 0 ? 'start' : String(p.session)));
    if (i === 0) return;
    const pct = (p.totalBodyFractionAfter * 100).toFixed(0);
    svg.append(mark(s('circle', { cx: x(i), cy: y(p.totalBodyFractionAfter), r: 5, class: 'igg-point' }),
      `After exchange ${p.session}: total-body IgG ${pct} % of the starting level`, readout, 'igg'));
  });
  svg.append(s('text', { x: W - right, y: H - 4, class: 'tick', 'text-anchor': 'end', 'aria-hidden': 'true' }, 'exchange'));
  return h('figure', { class: 'chart-figure igg-figure' }, svg,
    h('figcaption', null, 'Predicted total-body IgG after each exchange (per cent of the level before the course).'), readout);
}
