// pages/district.js — 全区总览: every school of the district at once for a
// day and session (GET /api/district/overview): the census (checked,
// present, absent by reason, fever, classes not submitted), open alerts and
// return progress, with the district's totals first; then the district
// alerts (the same diagnosis in several schools) and the schools' open
// alerts (GET /api/district/alerts).  A school's name drills down: the
// school is remembered (api.js setDistrictSchool) and every later request
// names it with ?school=ID, so the school pages serve the district user as
// they are.  Opening this page again leaves the school.
import { api, setDistrictSchool } from '../api.js';
import { sessionName } from '../codes.js';
import { h } from '../dom.js';
import { fmtNumber, getLang, t } from '../i18n.js';
import { dataTable, dayPicker, dayQuery, page } from '../ui.js';

const n = (x) => fmtNumber(x);

export default {
	path: '/district',
	nav: 'district.nav',
	title: 'district.title',
	roles: ['district'],

	async render(ctx) {
		const { signal } = ctx;
		setDistrictSchool(null);
		const day = dayQuery(ctx);
		const [o, alerts] = await Promise.all([
			api('GET', '/api/district/overview', { query: day, signal }),
			api('GET', '/api/district/alerts', { signal }),
		]);
		const drill = (s) => h('a', {
			href: '/overview?date=' + day.date + '&session=' + day.session,
			'data-testid': 'district-school',
			onclick: () => setDistrictSchool(s.id),
		}, s.name);
		const table = dataTable([
			{ label: t('district.school'), cell: (s) => (s.id ? drill(s) : h('strong', null, t('district.total'))) },
			{ label: t('district.enrolled'), cell: (s) => n(s.enrolled), class: 'num' },
			{ label: t('district.checked'), cell: (s) => n(s.census.checked), class: 'num' },
			{ label: t('district.present'), cell: (s) => n(s.census.present), class: 'num' },
			{ label: t('district.sick'), cell: (s) => n(s.census.absent_by_reason.sick), class: 'num' },
			{ label: t('district.other'), cell: (s) => n(s.census.absent_by_reason.other), class: 'num' },
			{ label: t('district.unknown'), cell: (s) => n(s.census.absent_by_reason.unknown), class: 'num' },
			{ label: t('district.fever'), cell: (s) => n(s.census.fever), class: 'num' },
			{ label: t('district.notSubmitted'), cell: (s) => n(s.census.not_submitted), class: 'num' },
			{ label: t('district.alerts'), cell: (s) => n(s.open_alerts), class: 'num' },
			{ label: t('district.returned'), cell: (s) => n(s.return.arrived) + ' / ' + n(s.return.expected), class: 'num' },
			{ label: t('district.hold'), cell: (s) => n(s.return.hold), class: 'num' },
			{ label: t('district.notReturned'), cell: (s) => n(s.return.not_returned), class: 'num' },
		], { caption: t('district.title'), empty: t('district.none'), testid: 'district-schools' });
		table.add([{ ...o.total, id: 0 }, ...o.schools]);
		const en = getLang() === 'en';
		const dt = dataTable([
			{ label: t('district.rule'), cell: (a) => (en ? a.rule_en : a.rule_zh) },
			{ label: t('district.code'), cell: (a) => a.code },
			{ label: t('district.schools'), cell: (a) => a.by_school.map((s) => s.school + '（' + s.cases + '）').join('、') },
			{ label: t('district.dates'), cell: (a) => a.first_date + ' – ' + a.last_date },
		], { caption: t('district.districtAlerts'), empty: t('district.noAlerts'), testid: 'district-alerts' });
		dt.add(alerts.district_alerts);
		const st = dataTable([
			{ label: t('district.school'), cell: (a) => a.school },
			{ label: t('district.rule'), cell: (a) => (en ? a.rule_en : a.rule_zh) },
			{ label: t('district.unit'), cell: (a) => a.scope_name },
			{ label: t('district.count'), cell: (a) => n(a.count), class: 'num' },
			{ label: t('district.dates'), cell: (a) => a.first_date + ' – ' + a.last_date },
		], { caption: t('district.schoolAlerts'), empty: t('district.noAlerts'), testid: 'district-school-alerts' });
		st.add(alerts.school_alerts);
		return page(t('district.heading', { name: o.district.name }),
			dayPicker(ctx, day),
			h('p', { class: 'summary', 'data-testid': 'district-summary' }, t('district.summary', {
				date: day.date, session: sessionName(day.session), schools: n(o.total.schools),
				enrolled: n(o.total.enrolled), present: n(o.total.census.present),
				fever: n(o.total.census.fever) })),
			h('p', { class: 'notice' }, t('district.pseudonyms')),
			table.el,
			h('h2', null, t('district.districtAlerts')), dt.el,
			h('h2', null, t('district.schoolAlerts')), st.el);
	},
};
