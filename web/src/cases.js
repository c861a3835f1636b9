// cases.js — what the case-work pages share (pages/cases.js, case.js,
// chains.js, timeline.js, and the cards on the overview and the class
// teacher's page): who may read or manage cases (a mirror of
// src/http/policy.c; the server decides), the words for the case API's
// codes, durations, times in China Standard Time, the isolation-room
// occupancy card and the table of contacts under medical observation
// (密切接触者医学观察) with the daily check.
import { api } from './api.js';
import { diagnosisName, SYMPTOMS, symptomName, todayCST, TEMP_MAX, TEMP_MIN } from './codes.js';
import { h, labelled, uid } from './dom.js';
import { fmtNumber, getLang, t } from './i18n.js';
import { alertLine, badge, dataTable, word } from './ui.js';

// POL_CASE_READ / POL_TIMELINE_READ, POL_CASE_WRITE (= POL_TRACE_RUN, POL_FOLLOWUP_MANAGE).
export const CASE_READERS = ['admin', 'principal', 'reporter', 'district'];
export const CASE_MANAGERS = ['admin', 'reporter'];
export const canManage = (user) => CASE_MANAGERS.includes(user.role);

export const CLASSIFICATIONS = ['suspected', 'clinical', 'confirmed', 'excluded'];
export const OUTCOMES = ['recovered', 'hospitalised', 'died', 'other'];

export const classificationName = (c) => word('case.class.', c);
export const outcomeName = (c) => word('case.outcome.', c);
export const followupStatusName = (s) => word('fu.status.', s);

// The disease of a case: our catalogue's name, else the server's.
export function diseaseName(c) {
	const n = diagnosisName(c.code);
	if (n !== c.code)
		return n;
	return (getLang() === 'en' ? c.code_en : c.code_zh) || c.code;
}

// 3725 → "1 小时 2 分" / "1 h 2 min".
export function fmtDuration(sec) {
	const m = Math.round((sec || 0) / 60);
	if (m < 60)
		return t('dur.min', { m: fmtNumber(m) });
	const hh = Math.floor(m / 60), mm = m % 60;
	if (hh < 48)
		return mm ? t('dur.hmin', { h: fmtNumber(hh), m: fmtNumber(mm) }) : t('dur.h', { h: fmtNumber(hh) });
	return t('dur.dh', { d: fmtNumber(Math.floor(hh / 24)), h: fmtNumber(hh % 24) });
}

// Times of the school's day, in China Standard Time whatever the browser's zone.
const CST = 8 * 3600;
const iso = (sec) => new Date((sec + CST) * 1000).toISOString();
export const cstDate = (sec) => iso(sec).slice(0, 10);
export const cstTime = (sec) => iso(sec).slice(11, 16);
export const cstDateTime = (sec) => (sec ? cstDate(sec) + ' ' + cstTime(sec) : '');
// For <input type="datetime-local">: "YYYY-MM-DDTHH:MM" in CST (the API
// reads a time without a zone as UTC+8).
export const cstInput = (sec) => iso(sec).slice(0, 16);

// The reporting state of a case: reported, overdue, or due by when.
export function reportBadge(c) {
	if (c.reported_at)
		return badge(t('case.reportedAt', { at: cstDateTime(c.reported_at) }), c.report_overdue ? 'warn' : 'ok');
	return c.report_overdue ? badge(t('case.reportOverdue'), 'bad')
		: badge(t('case.reportDue', { at: cstDateTime(c.report_due_at) }), 'warn');
}

export function classificationBadge(c) {
	const kind = { confirmed: 'bad', clinical: 'bad', suspected: 'warn', excluded: 'ok' }[c.classification] || 'info';
	return badge(classificationName(c.classification), kind);
}

export function followupBadge(s) {
	const kind = { monitoring: 'warn', became_case: 'bad', lost: 'bad', completed: 'ok', released: 'ok' }[s] || 'info';
	return badge(followupStatusName(s), kind);
}

// Isolation and observation rooms (GET /api/isolation/rooms): how full each
// is and who is in it.  Loads when shown; a role that may not read cases
// never calls it (the caller checks).
export function isolationCard(ctx) {
	const list = h('div', null, h('p', { class: 'muted' }, t('common.loading')));
	const card = h('section', { class: 'card', 'aria-labelledby': 'iso-h', 'data-testid': 'isolation-rooms' },
		h('h2', { id: 'iso-h' }, t('iso.title')), list);
	ctx.onMount(async () => {
		let rooms;
		try {
			({ items: rooms } = await api('GET', '/api/isolation/rooms', { signal: ctx.signal }));
		} catch (e) {
			if (e.name !== 'AbortError')
				list.replaceChildren(h('p', { class: 'muted' }, t('iso.unavailable')));
			return;
		}
		const table = dataTable([
			{ label: t('iso.room'), cell: (r) => r.name + (r.kind === 'observation_room' ? ' · ' + t('iso.observation') : '') },
			{ label: t('iso.occupied'), cell: (r) => h('span', { class: 'occ' },
				h('meter', { min: 0, max: r.capacity ?? Math.max(r.occupied, 1), value: r.occupied,
					'aria-hidden': 'true' }),
				r.capacity === null ? fmtNumber(r.occupied) : t('iso.of', { n: fmtNumber(r.occupied), cap: fmtNumber(r.capacity) }),
				r.full ? badge(t('iso.full'), 'bad') : null) },
			{ label: t('iso.who'), cell: (r) => r.occupants.length ? h('ul', { class: 'plain' }, r.occupants.map((s) =>
				h('li', null, h('a', { href: '/cases/' + s.case_id }, s.name), ' · ', t('iso.since', { at: cstDateTime(s.started_at) }))))
				: '' },
		], { caption: t('iso.title'), empty: t('iso.none'), testid: 'rooms' });
		table.add(rooms);
		const used = rooms.reduce((a, r) => a + r.occupied, 0);
		const cap = rooms.reduce((a, r) => a + (r.capacity || 0), 0);
		list.replaceChildren(h('p', { class: 'summary', 'data-testid': 'isolation-summary' },
			t('iso.summary', { n: fmtNumber(used), cap: fmtNumber(cap), rooms: fmtNumber(rooms.length) })), table.el);
	});
	return card;
}

// A check of a contact under observation (POST /api/followups/{id}/checks):
// today's temperature and any symptoms.  onDone(answer) after it is saved.
function checkForm(f, onDone) {
	const temp = h('input', { type: 'number', step: '0.1', min: TEMP_MIN, max: TEMP_MAX, inputmode: 'decimal',
		required: true, name: 'temperature', class: 'input-short', 'data-testid': 'fu-temp' });
	const syms = h('div', { class: 'chips' });
	const boxes = SYMPTOMS.map((code) => {
		const id = uid('fs');
		const c = h('input', { type: 'checkbox', id, value: code });
		syms.append(c, h('label', { for: id, class: 'chip' }, symptomName(code)));
		return c;
	});
	const err = alertLine();
	const form = h('form', { class: 'fu-check', 'aria-label': t('fu.checkFor', { name: f.name }) },
		labelled(t('fu.temperature'), temp).field,
		h('details', null, h('summary', null, t('fu.symptoms')), syms),
		h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'fu-save' }, t('fu.saveCheck')),
		err.el);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		const v = parseFloat(temp.value);
		if (!(v >= TEMP_MIN && v <= TEMP_MAX)) {
			err.show(t('fu.badTemp', { min: TEMP_MIN, max: TEMP_MAX }));
			temp.focus();
			return;
		}
		try {
			const r = await api('POST', '/api/followups/' + f.id + '/checks', { body: {
				date: todayCST(), temperature: v, symptoms: boxes.filter((b) => b.checked).map((b) => b.value) } });
			onDone(r);
		} catch (x) {
			err.show(x);
		}
	});
	return form;
}

// Contacts under observation as a table.  opts: { caseLink (show the
// index case; not for a class teacher, who may not read cases), check
// (offer today's check), toCase(f) (a button "became a case"), testid }.
export function followupTable(items, opts = {}) {
	const cols = [
		{ label: t('person.name'), cell: (f) => h('span', null, opts.personHref
			? h('a', { href: opts.personHref(f), 'data-testid': 'fu-person' }, f.name) : f.name,
			h('span', { class: 'muted' }, ' ' + f.number)) },
		{ label: t('common.class'), cell: (f) => f.class },
	];
	if (opts.caseLink)
		cols.push({ label: t('fu.case'), cell: (f) => h('a', { href: '/cases/' + f.case_id }, f.case_name) },
			{ label: t('fu.hop'), cell: (f) => t('trace.hopN', { n: f.hop }) });
	cols.push(
		{ label: t('fu.period'), cell: (f) => f.start_date + ' – ' + f.end_date, class: 'nowrap' },
		{ label: t('fu.status'), cell: (f) => followupBadge(f.status) },
		{ label: t('fu.lastCheck'), cell: (f) => {
			const s = h('span', { 'data-testid': 'fu-last' }, f.last_check || t('fu.never'));
			return f.status === 'monitoring'
				? [s, f.checked_today ? badge(t('fu.checkedToday'), 'ok') : badge(t('fu.notToday'), 'warn')] : s;
		} });
	if (opts.check || opts.toCase)
		cols.push({ label: t('fu.action'), cell: (f) => {
			if (f.status !== 'monitoring')
				return '';
			const box = h('div', { class: 'actions' });
			if (opts.check)
				box.append(checkForm(f, () => {
					box.replaceChildren(badge(t('fu.checkSaved'), 'ok'));
				}));
			if (opts.toCase)
				box.append(opts.toCase(f));
			return box;
		} });
	const table = dataTable(cols, { caption: t('fu.title'), empty: t('fu.none'), testid: opts.testid || 'followups' });
	table.add(items);
	return table;
}
