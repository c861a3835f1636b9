// pages/report.js — 日报, the school's printable daily report for a date and
// session (?date=&session=): the census of the school, of each grade and
// class (with the classes that did not submit), the absent students by
// reason, the students with symptoms or fever, the alerts open or touching
// the day, the day's statistical signals, and the illness absences still
// being followed up.  It prints on A4 (app.css @media print hides the
// navigation and the controls and keeps table rows whole).  The names come
// from GET /api/census/people, which writes each read to the audit log.
import { api } from '../api.js';
import { codeName, diagnosisName, sessionName, statusName, symptomList } from '../codes.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, fmtPercent, t } from '../i18n.js';
import { dataTable, dayPicker, dayQuery, roleName } from '../ui.js';
import { CENSUS_FIELDS, ruleName, scopeName } from './overview.js';

function section(id, title, ...children) {
	return h('section', { class: 'report-section', 'aria-labelledby': id, 'data-testid': id },
		h('h2', { id }, title), children);
}

// Present among the students expected in the classes that submitted ("—" when none did).
const rate = (c) => (c.checked ? fmtPercent(c.present / c.checked) : '—');

export default {
	path: '/report',
	nav: 'nav.report',
	title: 'report.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const { signal, user } = ctx;
		const day = dayQuery(ctx);
		const people = (what) => api('GET', '/api/census/people', { query: { what, ...day }, signal });
		const [census, sick, other, unknown, symptomatic, open, ofDay, signals, absences] = await Promise.all([
			api('GET', '/api/census', { query: day, signal }),
			people('absent_sick'), people('absent_other'), people('absent_unknown'), people('symptomatic'),
			api('GET', '/api/alerts', { query: { status: 'open' }, signal }),
			api('GET', '/api/alerts', { query: { from: day.date, to: day.date }, signal }),
			api('GET', '/api/signals', { query: { date: day.date, alarms: 1 }, signal }),
			api('GET', '/api/absences', { query: { status: 'open' }, signal }),
		]);
		const checkedIn = (cs) => cs.filter((c) => c.submitted).reduce((n, c) => n + (c.expected ?? c.enrolled), 0);
		const s = { ...census.school, checked: checkedIn(census.classes) };

		// ---- census: school, then each grade followed by its classes
		const numCols = CENSUS_FIELDS.map(([what, key]) => ({ label: t(key), class: 'num', cell: (r) => fmtNumber(r[what]) }));
		// Expected on campus (the return plan), after enrolled.
		numCols.splice(1, 0, { label: t('census.expected'), class: 'num', cell: (r) => fmtNumber(r.expected ?? r.enrolled) });
		const schoolTable = dataTable([
			...numCols,
			{ label: t('report.rate'), cell: rate, class: 'num' },
			{ label: t('census.submitted'), cell: (r) => fmtNumber(r.submitted) + ' / ' + fmtNumber(r.classes), class: 'num' },
		], { caption: t('report.school'), testid: 'report-school' });
		schoolTable.add([s]);

		const rows = [];
		for (const g of census.grades) {
			const cs = census.classes.filter((x) => x.grade === g.grade);
			rows.push({ ...g, name: t('report.gradeTotal', { grade: g.grade }), total: true, checked: checkedIn(cs) });
			for (const c of cs)
				rows.push({ ...c, name: c.class, checked: c.submitted ? (c.expected ?? c.enrolled) : 0 });
		}
		const bold = (r, v) => (r.total ? h('strong', null, v) : v);
		const classTable = dataTable([
			{ label: t('report.unit'), cell: (r) => bold(r, r.name) },
			...numCols.map((c) => ({ ...c, cell: (r) => bold(r, c.cell(r)) })),
			{ label: t('report.rate'), cell: (r) => bold(r, rate(r)), class: 'num' },
			{ label: t('census.state'), cell: (r) => r.total ? bold(r, fmtNumber(r.submitted) + ' / ' + fmtNumber(r.classes))
				: r.submitted ? t('census.submittedV', { v: r.version }) : h('strong', { class: 'warn-text' }, t('census.notSubmitted')) },
		], { caption: t('report.byClass'), testid: 'report-classes' });
		classTable.add(rows);
		const missing = census.classes.filter((c) => !c.submitted).map((c) => c.class);

		// ---- names
		const absent = [...sick.items, ...unknown.items, ...other.items];
		const personCols = (extra) => [
			{ label: t('common.class'), cell: (p) => p.class },
			{ label: t('person.number'), cell: (p) => p.number },
			{ label: t('person.name'), cell: (p) => h('a', { href: '/people/' + p.person_id }, p.name) },
			...extra,
			{ label: t('check.temperature'), cell: (p) => (p.temperature === null ? '' : p.temperature.toFixed(1)), class: 'num' },
			{ label: t('check.symptoms'), cell: (p) => symptomList(p.symptoms) },
			{ label: t('check.diagnosis'), cell: (p) => (p.diagnosis ? diagnosisName(p.diagnosis) : '') },
		];
		const absentTable = dataTable(personCols([{ label: t('check.status'), cell: (p) => statusName(p.status) }]),
			{ caption: t('report.absent'), empty: t('report.noneAbsent'), testid: 'report-absent' });
		absentTable.add(absent);
		const symTable = dataTable(personCols([{ label: t('check.status'), cell: (p) => statusName(p.status) }]),
			{ caption: t('report.symptomatic'), empty: t('report.noneSymptomatic'), testid: 'report-symptomatic' });
		symTable.add(symptomatic.items);

		// ---- alerts, signals, follow-ups
		const alerts = [...open.items];
		for (const a of ofDay.items)
			if (!alerts.some((x) => x.id === a.id))
				alerts.push(a);
		const alertTable = dataTable([
			{ label: t('alerts.rule'), cell: (a) => h('a', { href: '/alerts/' + a.id }, ruleName(a)) },
			{ label: t('alerts.scope'), cell: (a) => scopeName(a.scope) + ' ' + a.scope_name },
			{ label: t('alerts.code'), cell: (a) => codeName(a.code) },
			{ label: t('alerts.count'), cell: (a) => fmtNumber(a.count), class: 'num' },
			{ label: t('alerts.dates'), cell: (a) => a.first_date === a.last_date ? a.first_date : a.first_date + ' – ' + a.last_date,
			  class: 'nowrap' },
			{ label: t('alerts.reportDue'), cell: (a) => fmtDateTime(a.report_due_at) },
			{ label: t('alerts.state'), cell: (a) => t(`alerts.status.${a.status}`) },
		], { caption: t('report.alerts'), empty: t('report.noneAlerts'), testid: 'report-alerts' });
		alertTable.add(alerts);
		const sigTable = dataTable([
			{ label: t('signals.scope'), cell: (x) => scopeName(x.scope) + ' ' + x.scope_name },
			{ label: t('signals.code'), cell: (x) => codeName(x.code) },
			{ label: t('signals.method'), cell: (x) => x.method },
			{ label: t('signals.observed'), cell: (x) => fmtNumber(x.observed), class: 'num' },
			{ label: t('signals.upperbound'), cell: (x) => (x.upperbound === null ? '' : x.upperbound.toFixed(1)), class: 'num' },
		], { caption: t('signals.title'), empty: t('signals.none'), testid: 'report-signals' });
		sigTable.add(signals.items);
		const absTable = dataTable([
			{ label: t('common.class'), cell: (a) => a.class },
			{ label: t('person.name'), cell: (a) => a.name },
			{ label: t('report.since'), cell: (a) => a.first_absent_date, class: 'nowrap' },
			{ label: t('check.symptoms'), cell: (a) => symptomList(a.symptoms) },
			{ label: t('check.diagnosis'), cell: (a) => (a.diagnosis ? diagnosisName(a.diagnosis) : '') },
			{ label: t('report.lastFollowup'), cell: (a) => a.last_followup, class: 'nowrap' },
			{ label: t('report.note'), cell: (a) => a.note_recorded ? t('absence.noteRecorded')
				: a.note_required ? t('absence.noteNeeded') : '' },
		], { caption: t('absence.title'), empty: t('absence.none'), testid: 'report-followups' });
		absTable.add(absences.items);

		const print = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'print', onclick: () => window.print() },
			t('report.print'));
		return h('article', { class: 'page report', 'data-testid': 'report' },
			h('header', { class: 'report-head' },
				h('p', { class: 'report-school' }, user.scope_name || ''),
				h('h1', { tabindex: '-1' }, t('report.heading', { date: day.date, session: sessionName(day.session) })),
				h('p', { class: 'muted' }, t('report.made', { at: fmtDateTime(Date.now() / 1000), user: user.username,
					role: roleName(user.role) }))),
			h('div', { class: 'no-print report-tools' }, dayPicker(ctx, day), print,
				h('a', { href: '/overview?date=' + day.date + '&session=' + day.session }, t('report.toOverview'))),
			section('rp-school', t('report.school'), schoolTable.el),
			section('rp-classes', t('report.byClass'),
				h('p', null, missing.length ? t('report.missing', { n: fmtNumber(missing.length), list: missing.join('、') })
					: t('overview.allSubmitted')), classTable.el),
			section('rp-absent', t('report.absentN', { n: fmtNumber(absent.length) }), absentTable.el),
			section('rp-symptomatic', t('report.symptomaticN', { n: fmtNumber(symptomatic.items.length) }), symTable.el),
			section('rp-alerts', t('report.alerts'), alertTable.el),
			section('rp-signals', t('signals.title'), sigTable.el),
			section('rp-followups', t('absence.titleN', { n: fmtNumber(absences.items.length) }), absTable.el),
			h('footer', { class: 'report-sign' },
				h('span', null, t('report.signReporter')), h('span', null, t('report.signPrincipal'))));
	},
};
