// codes.js — the surveillance API's fixed codes (src/domain/codes.c):
// symptoms, diagnoses, check statuses and sessions, their names through the
// catalogue, and the clock the server's defaults use (China Standard Time):
// today's date and the session of the hour.

import { has, t } from './i18n.js';

// The order a teacher scans them in: the common ones first (WS/T 772-2020 list).
export const SYMPTOMS = ['fever', 'cough', 'sore_throat', 'headache', 'fatigue', 'dizziness', 'vomiting',
	'diarrhea', 'abdominal_pain', 'rash', 'parotid_swelling', 'conjunctival_congestion'];

export const DIAGNOSES = ['ili', 'influenza', 'hfmd', 'norovirus', 'bacillary_dysentery', 'ahc', 'scarlet_fever',
	'measles', 'rubella', 'mumps', 'varicella', 'dengue', 'covid19', 'tuberculosis', 'other'];

// Notifiable diagnoses: a student absent with one needs a doctor's note
// (复课证明) before counting as present again (codes.c, the last column).
export const NOTIFIABLE = new Set(DIAGNOSES.filter((d) => d !== 'ili' && d !== 'other'));

export const STATUSES = ['present', 'absent_sick', 'absent_other', 'absent_unknown'];
export const SESSIONS = ['morning', 'noon', 'evening'];

export const FEVER_C = 37.3;  // 发热: at or above (codes.h)
export const TEMP_MIN = 34.0; // what the server accepts
export const TEMP_MAX = 43.0;

function word(prefix, code) {
	return code && has(prefix + code) ? t(prefix + code) : code || '';
}
export const symptomName = (c) => word('symptom.', c);
export const diagnosisName = (c) => word('diagnosis.', c);
export const statusName = (c) => word('status.', c);
export const sessionName = (c) => word('session.', c);

// Any code an alert, a rule or a signal names: a symptom, the ILI syndrome,
// a diagnosis, '*' (any symptom) or absent_sick (illness absence).
export function codeName(c) {
	if (c === '*')
		return t('code.any');
	if (c === 'absent_sick')
		return t('code.absence');
	if (has('code.' + c))
		return t('code.' + c);
	if (has('symptom.' + c))
		return t(`symptom.${c}`);
	if (has('diagnosis.' + c))
		return t(`diagnosis.${c}`);
	return c || '';
}

export const symptomList = (codes) => (codes || []).map(symptomName).join('、');

const cst = (opts) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', hourCycle: 'h23', ...opts });

// Today in China Standard Time, YYYY-MM-DD (the server's default date).
export function todayCST() {
	return cst({ year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

// The check a teacher is most likely doing now: morning until 11:30, noon
// until 18:00, evening after (boarders).
export function sessionNow() {
	const [h, m] = cst({ hour: '2-digit', minute: '2-digit' }).format(new Date()).split(':').map(Number);
	const min = h * 60 + m;
	return min < 11 * 60 + 30 ? 'morning' : min < 18 * 60 ? 'noon' : 'evening';
}

export const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');

// YYYY-MM-DD plus n days (n may be negative).
export function addDays(date, n) {
	const d = new Date(date + 'T00:00:00Z');
	d.setUTCDate(d.getUTCDate() + n);
	return d.toISOString().slice(0, 10);
}

// Whole days from a to b (YYYY-MM-DD).
export function daysBetween(a, b) {
	return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
}
