// Tiny DOM helpers. Every value from the API goes in as text (textContent), never as HTML: no injection.

/**
 * Creates an element. attrs: class, text, on<event> (listener), dataset, or any attribute; null/false skip.
 * Children: nodes, strings, numbers, arrays (flattened); null/false/undefined skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'text') el.textContent = String(value);
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

/** Appends children (see h). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** A definition list from [term, value] pairs; pairs whose value is null/undefined/'' are left out. */
export function dl(pairs, attrs) {
  const list = h('dl', attrs ?? { class: 'facts' });
  for (const [term, value, extra] of pairs) {
    if (value === null || value === undefined || value === '') continue;
    list.append(h('div', extra ?? null, h('dt', null, term), h('dd', null, value)));
  }
  return list;
}

/** A table with a caption, header cells and rows (arrays of cells; a cell may be a node). */
export function table(caption, headers, rows, attrs) {
  return h('table', attrs ?? null,
    caption ? h('caption', null, caption) : null,
    h('thead', null, h('tr', null, headers.map(x => h('th', { scope: 'col' }, x)))),
    h('tbody', null, rows.map(r => h('tr', null, r.map((cell, i) => i === 0 ? h('th', { scope: 'row' }, cell) : h('td', null, cell))))));
}

/** Today as YYYY-MM-DD in the browser's time zone. */
export function localToday() {
  const d = new Date();
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A number with thousands separators (en-GB style, as the CLI prints in English). */
export function num(value, digits = 0) {
  if (value === null || value === undefined) return null;
  return Number(value).toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/**
 * A plan number as words, by the rules of MsRelapse.Core.Contract.PlanNumbers (the CLI and the API use those): ','
 * groups thousands, '.' for decimals, at most maxDecimals with trailing zeros dropped, midpoints away from zero.
 * Volumes planNum(v, 0) mL, albumin planNum(g, 1) g, doses planNum(mg, 2) mg.
 */
export function planNum(value, maxDecimals = 0) {
  if (value === null || value === undefined) return null;
  const factor = 10 ** maxDecimals;
  const rounded = Math.sign(value) * Math.round(Math.abs(Number(value)) * factor) / factor;
  return rounded.toLocaleString('en-GB', { minimumFractionDigits: 0, maximumFractionDigits: maxDecimals });
}

/** A fraction 0–1 as a percentage with one decimal. */
export function pct(fraction) {
  if (fraction === null || fraction === undefined) return null;
  return `${(Number(fraction) * 100).toFixed(1)} %`;
}

/** An EDSS value with one decimal ("6.0"), or an em dash. */
export function edss(value) {
  return value === null || value === undefined ? '—' : Number(value).toFixed(1);
}

/** A timestamp (ISO) as local date and time, minutes precision. */
export function dateTime(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const pad = n => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** "Monday 11 May 2026" for "2026-05-11"; '' when not a date. */
export function dateInWords(value) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value ?? '');
  if (!m) return '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

/** "11 May 2026" (short, for tables and the care plan). */
export function shortDate(value) {
  const words = dateInWords(value);
  return words ? words.replace(/^\w+ /, '') : (value ?? '');
}

