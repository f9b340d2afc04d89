// Form pieces shared by the views: labelled fields with an error slot, date fields with the date in words,
// the mapping of a problem document's errors onto fields, busy buttons and live status lines.
import { h, localToday, dateInWords } from './dom.js';

export { dateInWords, shortDate } from './dom.js';
import { ApiError } from './api.js';
import { renderProblem } from './render.js';

let serverToday = null;

/** The server's date (GET /api today), else the browser's. */
export function today() {
  return serverToday ?? localToday();
}

export function setServerToday(value) {
  serverToday = value ?? null;
}

export function problemOf(error) {
  return error instanceof ApiError ? error.problem : { title: 'Unexpected error in the page.', detail: String(error?.message ?? error) };
}

/** A date input with the chosen date in words beneath it: 05/11 reads as May or November depending on the machine. */
export function dateField(id, text, value, name) {
  const input = h('input', { type: 'date', id, name: name ?? (id === 'as-of' ? 'asOf' : id), value, required: true, 'aria-describedby': `${id}-words` });
  const words = h('p', { class: 'date-words', id: `${id}-words`, 'data-testid': `${id}-words` });
  const update = () => { words.textContent = dateInWords(input.value); };
  input.addEventListener('input', update);
  input.addEventListener('change', update);
  update();
  return { input, field: h('div', { class: 'field' }, h('label', { for: id }, text), input, words) };
}

export function status(text) {
  return h('p', { class: 'status', role: 'status', 'aria-live': 'polite' }, text);
}

export function busy(button, on, text) {
  button.disabled = on;
  if (on) { button.dataset.label = button.textContent; button.textContent = text; }
  else if (button.dataset.label) button.textContent = button.dataset.label;
}

/**
 * A labelled field (input or select) with a hint and an error slot beside it; errors[].path = name lands there.
 * attrs.tag 'select' with attrs.options [[value, text]…] makes a select.
 */
export function field(prefix, name, text, attrs, hint) {
  const id = `${prefix}-${name}`;
  const error = h('p', { class: 'field-error', id: `${id}-error`, 'data-error-for': name, hidden: true });
  const ids = [hint ? `${id}-hint` : null, `${id}-error`];
  const { tag, options, ...rest } = attrs;
  const input = tag === 'select'
    ? h('select', { id, name, ...rest }, options.map(([v, t]) => h('option', { value: v }, t)))
    : h('input', { id, name, ...rest });
  let words = null;
  if (rest.type === 'date') {
    // Same unambiguous words as the evaluation dates (see dateField).
    words = h('p', { class: 'date-words', id: `${id}-words` });
    ids.push(`${id}-words`);
    const update = () => { words.textContent = dateInWords(input.value); };
    input.addEventListener('input', update);
    input.addEventListener('change', update);
    update();
  }
  input.setAttribute('aria-describedby', ids.filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: id }, text), input, words,
    hint ? h('p', { class: 'hint', id: `${id}-hint` }, hint) : null, error);
}

/** Sets (or clears, with null) the message beside one field. */
export function setFieldError(form, name, message) {
  const slot = form.querySelector(`[data-error-for="${CSS.escape(name)}"]`);
  const input = form.querySelector(`[name="${CSS.escape(name)}"]`);
  if (!slot) return;
  slot.hidden = !message;
  slot.textContent = message ?? '';
  if (message) input?.setAttribute('aria-invalid', 'true'); else input?.removeAttribute('aria-invalid');
}

/** Shows a problem's errors next to their fields (by path); the rest above the form. Clears with null. */
export function showFieldErrors(form, summary, problem, heading) {
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
  const count = (problem.errors ?? []).length - general.length;
  summary.replaceChildren(count && !general.length
    ? h('div', { class: 'problem', role: 'alert' }, h('p', null, h('strong', null, `${count} field${count === 1 ? '' : 's'} to correct.`)))
    : renderProblem(problem, heading));
  form.querySelector('[aria-invalid="true"]')?.focus();
}

/** The form's non-empty values by name. */
export function formParams(form) {
  const params = {};
  for (const el of form.querySelectorAll('input, select')) {
    if (el.name && el.value.trim() !== '') params[el.name] = el.value.trim();
  }
  return params;
}
