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

/** With sign-in on: who is signed in, the sign-out button, and the anti-forgery token for writes. Demo mode: nothing. */
async function signInState() {
  const slot = document.getElementById('session');
  let session = null;
  try { session = await api.session(); } catch { return; }
  if (!slot || !session?.mode || session.mode === 'none') return;
  if (new URLSearchParams(location.search).get('signin') === 'failed') {
    document.getElementById('decision-support-banner')?.after(h('p', { class: 'notice future', role: 'alert', 'data-testid': 'signin-failed' },
      'Sign-in did not complete (it was denied, or took too long). Nothing was changed; sign in again.'));
  }
  if (session.signedIn) {
    setCsrfToken(session.csrfToken);
    // Sign-out by fetch (with the anti-forgery token), then to where the server says: the issuer's end-session
    // endpoint when it has one (a form's redirect there would be stopped by the CSP's form-action 'self').
    const button = h('button', { type: 'button', class: 'secondary small' }, 'Sign out');
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const answer = await api.signOut();
        setCsrfToken(null);
        location.assign(answer?.next ?? '/?signedout=1#/patients');
      } catch {
        button.disabled = false;
        slot.append(h('span', { role: 'alert', class: 'notice' }, 'Sign-out did not complete: try again.'));
      }
    });
    const out = h('div', { class: 'sign-out' }, button);
    slot.replaceChildren(h('span', { class: 'who', 'data-testid': 'who' }, `Signed in: ${session.name ?? 'user'}${session.roles?.length ? ` (${session.roles.join(', ')})` : ''}`), out);
  } else if (session.mode === 'oidc') {
    if (new URLSearchParams(location.search).get('signedout') === '1') {
      document.getElementById('decision-support-banner')?.after(h('p', { class: 'notice', role: 'status', 'data-testid': 'signed-out' },
        'You are signed out. Sign in again to see patients.'));
    }
    const link = h('a', { href: '/auth/sign-in', class: 'button-link' }, 'Sign in');
    link.addEventListener('click', () => { link.href = `/auth/sign-in?returnUrl=${encodeURIComponent('/' + location.hash)}`; });
    slot.replaceChildren(link);
  }
}

window.addEventListener('hashchange', route);
// The skip link must not go through the hash router (#main is not a route): focus the content directly.
document.getElementById('skip-link')?.addEventListener('click', e => { e.preventDefault(); main.focus(); });
// The session first (writes need its token), then the server's date; the page works with the browser's date too.
signInState().finally(() => api.index().then(index => {
  setServerToday(index?.today ?? null);
  const v = document.getElementById('engine-version');
  if (v && index?.engine) v.textContent = `MsRelapse engine ${index.engine.version}, knowledge base ${index.engine.knowledgeBase}`;
}).catch(() => { /* signed out, or the service is down: the view says so */ }).finally(route));
