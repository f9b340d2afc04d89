// Words for the contract's codes (recommendation.schema.json). Unknown codes (added later) show as the code itself.

export const ACTIONS = {
  'observe': 'Observe — no relapse treatment now',
  'treat-trigger': 'Treat the trigger (fever / infection) first',
  'oral-methylprednisolone': 'Oral methylprednisolone',
  'iv-methylprednisolone': 'IV methylprednisolone',
  'await-response': 'Await the response to treatment',
  'plasma-exchange': 'Plasma exchange',
  'immunoadsorption': 'Immunoadsorption',
  'escalated-iv-methylprednisolone': 'Escalated IV methylprednisolone',
  'ivig': 'IV immunoglobulin (IVIG)',
  'specialist-review': 'Specialist review',
  'rehabilitation': 'Rehabilitation',
  'symptomatic-therapy': 'Symptomatic therapy',
};

/** Urgency: the word, and what it means in time (clinical.md: routine weeks, soon days, urgent 24–48 h, emergency same day). */
export const URGENCY = {
  routine: { label: 'Routine', meaning: 'act within weeks' },
  soon: { label: 'Soon', meaning: 'act within days' },
  urgent: { label: 'Urgent', meaning: 'act within 24–48 hours' },
  emergency: { label: 'Emergency', meaning: 'act the same day' },
};

export const STATUS = {
  'relapse': 'Relapse',
  'unconfirmed': 'Unconfirmed — not yet a relapse',
  'pseudo-relapse-suspected': 'Pseudo-relapse suspected',
  'not-a-relapse': 'Not a relapse',
  'possible-progression': 'Possible progression (not a relapse)',
  'no-episode': 'No current episode',
};

export const SEVERITY = {
  'mild': 'Mild', 'moderate': 'Moderate', 'severe': 'Severe', 'unknown': 'Unknown', 'not-applicable': 'Not applicable',
};

export const STAGE = {
  'untreated': 'Untreated',
  'steroids-given': 'Steroids given',
  'apheresis-in-progress': 'Apheresis in progress',
  'apheresis-completed': 'Apheresis completed',
};

export const RESPONSE = {
  'not-applicable': 'Not applicable', 'too-early': 'Too early to judge', 'responded': 'Responded',
  'inadequate': 'Inadequate', 'unknown': 'Unknown',
};

export const RECOVERY = { 'complete': 'Complete', 'partial': 'Partial', 'none': 'None', 'not-applicable': 'Not applicable' };

export const MISSING = {
  'edss-baseline': 'Baseline EDSS (before this attack)',
  'edss-since-onset': 'EDSS since the onset of this attack',
  'edss-after-steroids': 'EDSS after the steroid course',
  'edss-after-apheresis': 'EDSS after apheresis',
  'weight': 'Body weight',
  'height': 'Height',
  'sex': 'Sex',
  'hematocrit': 'Hematocrit',
  'birth-date': 'Birth date',
  'relapse-onset': 'Onset date of the relapse',
  'infection-date': 'Date of the infection',
};

export const FLAG_SEVERITY = {
  critical: { label: 'Critical', marker: '!!' },
  warning: { label: 'Warning', marker: '!' },
  info: { label: 'Information', marker: 'i' },
};

export const SEX = { male: 'Male', female: 'Female', other: 'Other', unknown: 'Unknown' };

export const label = (table, code) => (code === null || code === undefined ? '—' : table[code] ?? code);

/** 2026.2 apheresis response factors (clinical.md, "Apheresis response factors"). */
export const FACTORS = {
  'time-to-apheresis': 'Time from onset to apheresis',
  'age': 'Age',
  'disease-course': 'Disease course',
  'mri-activity': 'Gadolinium-enhancing lesions on MRI',
  'reflexes': 'Deep tendon reflexes',
  'disease-duration': 'Disease duration',
  'disability-at-attack': 'Disability at the attack (EDSS)',
};

export const FAVOURS = {
  'response': 'response',
  'less-response': 'less response',
  'continuous': 'per unit (no cut-off; see effect)',
  'unknown': 'unknown (not recorded)',
};
