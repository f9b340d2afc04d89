// The MsRelapse API, same origin. Every failure becomes an ApiError carrying the RFC 9457 problem document.

/** A failed call: HTTP status (0 = unreachable) and the problem document (title, detail, code, errors[]). */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.title ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

async function request(method, url, { body, contentType } = {}) {
  const headers = { Accept: 'application/json, application/problem+json, application/fhir+json' };
  if (contentType) headers['Content-Type'] = contentType;
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

  return json;
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
  evaluatePatient: (patientId, asOf) =>
    request('POST', `/api/patients/${id(patientId)}/evaluations?${new URLSearchParams({ asOf })}`),
  evaluations: patientId => request('GET', `/api/patients/${id(patientId)}/evaluations`),
  evaluation: (patientId, evaluationId) => request('GET', `/api/patients/${id(patientId)}/evaluations/${id(String(evaluationId))}`),
  evaluateBundle: (bundleText, asOf) =>
    request('POST', `/api/evaluate?${new URLSearchParams({ asOf })}`, { body: bundleText, contentType: 'application/fhir+json' }),
  edss: params => request('GET', `/api/edss?${new URLSearchParams(params)}`),
  tpePlan: params => request('GET', `/api/tpe-plan?${new URLSearchParams(params)}`),
};
