// The MsRelapse API, same origin. Every failure becomes an ApiError carrying the RFC 9457 problem document.

/** A failed call: HTTP status (0 = unreachable) and the problem document (title, detail, code, errors[]). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

// With sign-in on, writes carry the session's anti-forgery token (the cookie alone does not authorise a write).
let csrfToken = null;

/** Sets the anti-forgery token the sign-in session gave (GET /auth/session). */
export function setCsrfToken(token) {
  csrfToken = token ?? null;
}

async function request(method, url, options = {}) {
  const { json } = await exchange(method, url, options);
  return json;
}

/** The full answer: { json, headers } (for the ETag and the service's notices). */
async function exchange(method, url, { body, contentType, headers: extra } = {}) {
  const headers = { Accept: 'application/json, application/problem+json, application/fhir+json', ...(extra ?? {}) };
  if (contentType) headers['Content-Type'] = contentType;
  if (csrfToken && method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  let response;
  try {
    response = await fetch(url, { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch {
    throw new ApiError(0, {
      title: 'The MsRelapse service cannot be reached.',
      detail: 'Check the network and that the service is running, then try again.',
    });
  }

  const text = await response.text();
  let json = null;
  if (text) {
    try { json = JSON.parse(text); } catch { json = null; }
  }

  if (!response.ok) {
    const problem = json && typeof json === 'object' ? json : { title: `The service answered ${response.status}.`, detail: text.slice(0, 300) };
    if (!problem.status) problem.status = response.status;
    throw new ApiError(response.status, problem);
  }

  return { json, headers: response.headers };
}

const id = value => encodeURIComponent(value);

export const api = {
  index: () => request('GET', '/api'),
  patients: (q, page, pageSize) => {
    const params = new URLSearchParams({ page: String(page), pageSize: String(pageSize) });
    if (q) params.set('q', q);
    return request('GET', `/api/patients?${params}`);
  },
  patient: patientId => request('GET', `/api/patients/${id(patientId)}`),
  /** The record and its ETag (the version a write must name in If-Match). */
  patientRecord: async patientId => {
    const { json, headers } = await exchange('GET', `/api/patients/${id(patientId)}`);
    return { bundle: json, etag: headers.get('ETag') };
  },
  /** Appends resources (one, or a Bundle) to the record, conditional on etag; returns the new ETag. */
  addResources: async (patientId, resourceOrBundle, etag) => {
    const { json, headers } = await exchange('POST', `/api/patients/${id(patientId)}/resources`, {
      body: JSON.stringify(resourceOrBundle), contentType: 'application/fhir+json', headers: etag ? { 'If-Match': etag } : {},
    });
    return { result: json, etag: headers.get('ETag') };
  },
  putPatient: (patientId, bundle) => request('PUT', `/api/patients/${id(patientId)}`, {
    body: JSON.stringify(bundle), contentType: 'application/fhir+json', headers: { 'If-None-Match': '*' } }),
  worklist: (q, asOf) => {
    const params = new URLSearchParams();
    if (q) params.set('q', q);
    if (asOf) params.set('asOf', asOf);
    return request('GET', `/api/worklist?${params}`);
  },
  evaluatePatient: (patientId, asOf) =>
    request('POST', `/api/patients/${id(patientId)}/evaluations?${new URLSearchParams({ asOf })}`),
  evaluations: patientId => request('GET', `/api/patients/${id(patientId)}/evaluations`),
  /** Feedback clinicians gave in their EHR on this patient's CDS Hooks cards (oldest first). */
  cdsFeedback: patientId => request('GET', `/api/patients/${id(patientId)}/cds-feedback`),
  evaluation: (patientId, evaluationId) => request('GET', `/api/patients/${id(patientId)}/evaluations/${id(String(evaluationId))}`),
  evaluateBundle: (bundleText, asOf) =>
    request('POST', `/api/evaluate?${new URLSearchParams({ asOf })}`, { body: bundleText, contentType: 'application/fhir+json' }),
  /** Like evaluateBundle, with the response headers (a notice about a future asOf, when the service sends one). */
  evaluateBundleFull: (bundleText, asOf) =>
    exchange('POST', `/api/evaluate?${new URLSearchParams({ asOf })}`, { body: bundleText, contentType: 'application/fhir+json' }),
  session: () => request('GET', '/auth/session'),
  signOut: () => request('POST', '/auth/sign-out'),
  smartRecord: key => request('GET', `/launch/record/${id(key)}`),
  edss: params => request('GET', `/api/edss?${new URLSearchParams(params)}`),
  tpePlan: params => request('GET', `/api/tpe-plan?${new URLSearchParams(params)}`),
};
