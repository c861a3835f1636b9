// pages/census.js — the names behind a census number (底数清、无遗漏):
// /census?what=present|absent_sick|absent_other|absent_unknown|symptomatic|
// febrile|enrolled&date=&session=[&class_id=|&grade=].  Reached from the
// numbers on the overview and the daily report.  GET /api/census/people
// answers for the school or one class; a grade is the school's list kept to
// the classes of that grade (GET /api/classes).  The server writes each
// person shown to the audit log.
import { api } from '../api.js';
import { sessionName, statusName, symptomList, diagnosisName } from '../codes.js';
import { h } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { dataTable, dayQuery, page } from '../ui.js';
import { CENSUS_FIELDS } from './overview.js';

export default {
	path: '/census',
	title: 'census.people.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const { signal } = ctx;
		const day = dayQuery(ctx);
		const field = CENSUS_FIELDS.find(([w]) => w === ctx.query.get('what')) || CENSUS_FIELDS[1];
		const what = field[0];
		const classId = ctx.query.get('class_id') || '';
		const grade = ctx.query.get('grade') || '';
		const [j, classes] = await Promise.all([
			api('GET', '/api/census/people', { query: { what, class_id: classId, ...day }, signal }),
			classId || grade ? api('GET', '/api/classes', { signal }) : null,
		]);
		let items = j.items;
		let where = t('census.school');
		if (classId) {
			const c = classes.items.find((x) => String(x.id) === classId);
			where = c ? c.name : '#' + classId;
		} else if (grade) {
			const names = new Set(classes.items.filter((c) => c.grade === grade).map((c) => c.name));
			items = items.filter((p) => names.has(p.class));
			where = grade;
		}
		const table = dataTable([
			{ label: t('person.number'), cell: (p) => p.number },
			{ label: t('person.name'), cell: (p) => h('a', { href: '/people/' + p.person_id }, p.name) },
			{ label: t('common.class'), cell: (p) => p.class },
			{ label: t('check.status'), cell: (p) => statusName(p.status) },
			{ label: t('check.temperature'), cell: (p) => (p.temperature === null ? '' : p.temperature.toFixed(1)), class: 'num' },
			{ label: t('check.symptoms'), cell: (p) => symptomList(p.symptoms) },
			{ label: t('check.diagnosis'), cell: (p) => (p.diagnosis ? diagnosisName(p.diagnosis) : '') },
		], { caption: t(field[1]), empty: t('census.people.none'), testid: 'census-people' });
		table.add(items);
		const back = '/overview?date=' + day.date + '&session=' + day.session;
		return page(t('census.people.heading', { what: t(field[1]), where }),
			h('p', null, h('a', { href: back, class: 'back' }, t('census.back'))),
			h('p', { class: 'summary', 'data-testid': 'summary' }, t('census.people.summary', {
				date: day.date, session: sessionName(day.session), n: fmtNumber(items.length) })),
			table.el);
	},
};
