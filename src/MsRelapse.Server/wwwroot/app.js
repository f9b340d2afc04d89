// MsRelapse clinician page: the router. Each view lives in its own module (view-*.js).
// Routes live in the hash (#/patients/{id}): the only patient data a URL ever holds is the patient id.
import { h } from './dom.js';
import { api, setCsrfToken } from './api.js';
import { setServerToday } from './fields.js';
import { patientsView } from './view-patients.js';
import { patientView } from './view-patient.js';
import { bundleView } from './view-bundle.js';
import { calculatorsView } from './view-calculators.js';
import { carePlanView } from './view-careplan.js';
import { launchedView } from './view-launched.js';

const main = document.getElementById('main');

/** Replaces the main content, sets the title (never a name) and moves focus to the view's heading. */
function show(view, title, focus = true) {
  main.replaceChildren(view);
  document.title = `${title} — MsRelapse`;
  for (const link of document.querySelectorAll('[data-nav]')) {
    const current = location.hash.startsWith(`#/${link.dataset.nav}`) || (link.dataset.nav === 'patients' && (location.hash === '' || location.hash === '#/'));
    if (current) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
  }
  document.body.classList.toggle('printing-care-plan', title === 'Care plan');
  if (focus) main.querySelector('h1')?.focus();
}

let firstRoute = true;

function route() {
  // Move focus to the new view's heading on navigation, not on the first load (the skip link comes first).
  const focus = !firstRoute;
  firstRoute = false;
  const hash = location.hash || '#/patients';
  const patient = /^#\/patients\/([^/?]+)$/.exec(hash);
  const care = /^#\/patients\/([^/?]+)\/care-plan(?:\?asOf=(\d{4}-\d{2}-\d{2}))?$/.exec(hash);
  const launched = /^#\/launched\/([A-Za-z0-9_-]+)$/.exec(hash);
  if (patient) {
    const id = decodeURIComponent(patient[1]);
    show(patientView(id), `Patient ${id}`, focus);
  } else if (care) {
    show(carePlanView(decodeURIComponent(care[1]), care[2] ?? null), 'Care plan', focus);
  } else if (launched) {
    show(launchedView(launched[1]), 'Patient from the EHR', focus);
  } else if (hash === '#/bundle') {
    show(bundleView(), 'Evaluate a bundle', focus);
  } else if (hash === '#/calculators') {
    show(calculatorsView(), 'Calculators', focus);
  } else {
    show(patientsView(), 'Patients', focus);
  }
}

/** With sign-in on: who is signed in, the sign-out button, and the anti-forgery token for writes. */
async function signInState(index) {
  const slot = document.getElementById('session');
  if (!slot || index?.signIn !== 'oidc') return;
  try {
    const session = await api.session();
    if (session?.signedIn) {
      setCsrfToken(session.csrfToken);
      const out = h('form', { method: 'post', action: '/auth/sign-out', class: 'sign-out' },
        h('input', { type: 'hidden', name: 'csrf', value: session.csrfToken }),
        h('button', { type: 'submit', class: 'secondary small' }, 'Sign out'));
      slot.replaceChildren(h('span', { class: 'who' }, `Signed in: ${session.name ?? 'user'}${session.roles?.length ? ` (${session.roles.join(', ')})` : ''}`), out);
    } else {
      slot.replaceChildren(h('a', { href: `/auth/sign-in?returnUrl=${encodeURIComponent('/' + location.hash)}`, class: 'button-link' }, 'Sign in'));
    }
  } catch {
    slot.replaceChildren(h('a', { href: '/auth/sign-in', class: 'button-link' }, 'Sign in'));
  }
}

window.addEventListener('hashchange', route);
// The skip link must not go through the hash router (#main is not a route): focus the content directly.
document.getElementById('skip-link')?.addEventListener('click', e => { e.preventDefault(); main.focus(); });
api.index().then(async index => {
  setServerToday(index?.today ?? null);
  const v = document.getElementById('engine-version');
  if (v && index?.engine) v.textContent = `MsRelapse engine ${index.engine.version}, knowledge base ${index.engine.knowledgeBase}`;
  await signInState(index);
}).catch(() => { /* the page still works with the browser's date */ }).finally(route);
