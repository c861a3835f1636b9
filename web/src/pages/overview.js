// pages/overview.js — 概览, the school at a glance for the principal, the
// reporter, admin and the district, for a date and session (?date=&session=,
// default today and the session of the hour):
//
//   - the census (底数清、情况明、无遗漏): enrolled, present, absent by
//     reason, symptomatic, febrile, classes submitted — every number links to
//     the names behind it (pages/census.js, GET /api/census/people);
//   - the return to school by batch when there is a return plan (expected,
//     declared, on hold, arrived, cannot return, missing: return.js), each
//     number opening its names;
//   - the classes that have not submitted, by name;
//   - open alerts and overdue response tasks;
//   - the day's statistical signals (EARS, Farrington: GET /api/signals?alarms=1);
//   - the census by grade as a stacked bar chart (ECharts) with its table,
//     and every class with its numbers;
//   - the epidemic curve by symptom over the last four weeks, from
//     GET /api/curve when the server has it (docs: see the note in
//     loadCurve below); until then the card says so.
import { ApiError, api } from '../api.js';
import { CASE_READERS, isolationCard } from '../cases.js';
import { addDays, codeName, sessionName } from '../codes.js';
import { h } from '../dom.js';
import { fmtNumber, getLang, t } from '../i18n.js';
import { badge, countLink, dataTable, dayPicker, dayQuery, page, stat } from '../ui.js';
import { returnProgressCard } from '../return.js';

// The census numbers in the order a school reads them, with their label keys.
export const CENSUS_FIELDS = [
	['enrolled', 'census.enrolled'],
	['present', 'census.present'],
	['absent_sick', 'status.absent_sick'],
	['absent_other', 'status.absent_other'],
	['absent_unknown', 'status.absent_unknown'],
	['symptomatic', 'census.symptomatic'],
	['febrile', 'census.febrile'],
];

// Link to the names behind a census number: scope is { class_id } or { grade }.
export function peopleHref(day, what, scope = {}) {
	const q = new URLSearchParams({ what, date: day.date, session: day.session });
	for (const [k, v] of Object.entries(scope))
		q.set(k, String(v));
	return '/census?' + q.toString();
}

export const ruleName = (a) => (getLang() === 'en' && a.rule_en ? a.rule_en : a.rule);
export const scopeName = (scope) => t(`scope.kind.${scope}`);

const CURVE_DAYS = 28;

export default {
	path: '/overview',
	nav: 'nav.overview',
	title: 'overview.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const { signal, user } = ctx;
		const day = dayQuery(ctx);
		const charts = import('../charts.js'); // fetched while the data load
		charts.catch(() => {}); // handled where it is awaited
		const [census, alerts, signals, tasks] = await Promise.all([
			api('GET', '/api/census', { query: day, signal }),
			api('GET', '/api/alerts', { query: { status: 'open' }, signal }),
			api('GET', '/api/signals', { query: { date: day.date, alarms: 1 }, signal }),
			api('GET', '/api/tasks', { query: { open: 1 }, signal }),
		]);
		const s = census.school;
		const canSubmit = user.role === 'admin' || user.role === 'reporter';

		// ---- the figures
		// Expected on campus differs from enrolled while a return plan keeps
		// some students away (no names behind it yet: the API has no what=expected).
		const expected = s.expected !== undefined && s.expected !== s.enrolled
			? stat(t('census.expected'), h('span', { class: 'count', 'data-testid': 'n-expected' }, fmtNumber(s.expected)),
				'stat-expected') : null;
		const stats = h('div', { class: 'stats', 'data-testid': 'census' },
			CENSUS_FIELDS.map(([what, key]) => [stat(t(key), countLink(s[what], peopleHref(day, what), 'n-' + what),
				what === 'enrolled' ? 'stat-students' : 'stat-' + what), what === 'enrolled' ? expected : null]),
			stat(t('census.submitted'), h('a', { href: '#ov-missing', class: 'count' },
				fmtNumber(s.submitted) + ' / ' + fmtNumber(s.classes)), 'stat-submitted'));

		// ---- classes that have not submitted
		const missing = census.classes.filter((c) => !c.submitted);
		const missingCard = h('section', { class: 'card', 'aria-labelledby': 'ov-missing', 'data-testid': 'not-submitted' },
			h('h2', { id: 'ov-missing', tabindex: '-1' }, t('overview.missing', { n: fmtNumber(missing.length) })),
			missing.length
				? h('ul', { class: 'tags' }, missing.map((c) => h('li', null, canSubmit
					? h('a', { href: '/check?class_id=' + c.class_id + '&date=' + day.date + '&session=' + day.session }, c.class)
					: c.class)))
				: h('p', null, badge(t('overview.allSubmitted'), 'ok')));

		// ---- open alerts and overdue tasks
		const overdue = tasks.items.filter((x) => x.overdue);
		const alertCard = h('section', { class: 'card', 'aria-labelledby': 'ov-alerts', 'data-testid': 'open-alerts' },
			h('h2', { id: 'ov-alerts' }, t('overview.alerts', { n: fmtNumber(alerts.items.length) })),
			alerts.items.length ? h('ul', { class: 'plain list' }, alerts.items.map((a) => h('li', { class: 'alert-item' },
				h('a', { href: '/alerts/' + a.id }, ruleName(a)),
				h('span', { class: 'muted' }, ' · ' + t('alerts.line', {
					scope: a.scope_name, code: codeName(a.code), n: fmtNumber(a.count), last: a.last_date }))))) :
				h('p', { class: 'empty' }, t('alerts.noneOpen')),
			overdue.length ? h('p', null, badge(t('tasks.overdueN', { n: fmtNumber(overdue.length) }), 'bad'), ' ',
				h('a', { href: '/tasks' }, t('overview.toTasks'))) : null);

		// ---- statistical signals
		const sigTable = dataTable([
			{ label: t('signals.scope'), cell: (x) => scopeName(x.scope) + ' ' + x.scope_name },
			{ label: t('signals.code'), cell: (x) => codeName(x.code) },
			{ label: t('signals.method'), cell: (x) => x.method },
			{ label: t('signals.observed'), cell: (x) => fmtNumber(x.observed), class: 'num' },
			{ label: t('signals.upperbound'), cell: (x) => (x.upperbound === null ? '' : x.upperbound.toFixed(1)), class: 'num' },
		], { caption: t('signals.title'), empty: t('signals.none'), testid: 'signals' });
		sigTable.add(signals.items);

		// ---- by grade: chart and table
		const grades = census.grades;
		const notChecked = (g) => Math.max(0, (g.expected ?? g.enrolled) - g.present - g.absent_sick - g.absent_other -
			g.absent_unknown);
		const chartEl = h('div', { class: 'chart', role: 'img', 'data-testid': 'enrolment-chart',
			'aria-label': t('overview.chart.aria', { list: grades.map((g) => t('overview.chart.item', {
				grade: g.grade, enrolled: fmtNumber(g.enrolled), present: fmtNumber(g.present) })).join('；') }) });
		ctx.onMount(async () => {
			if (!grades.length)
				return;
			let barChart;
			try {
				({ barChart } = await charts);
			} catch (e) {
				chartEl.hidden = true; // the table below has the same numbers
				console.error(e);
				return;
			}
			if (signal.aborted)
				return;
			const c = barChart(chartEl, {
				categories: grades.map((g) => g.grade),
				series: [
					{ name: t('census.present'), data: grades.map((g) => g.present) },
					{ name: t('status.absent_sick'), data: grades.map((g) => g.absent_sick) },
					{ name: t('status.absent_other'), data: grades.map((g) => g.absent_other) },
					{ name: t('status.absent_unknown'), data: grades.map((g) => g.absent_unknown) },
					{ name: t('census.notChecked'), data: grades.map(notChecked) },
				],
				stacked: true,
				yName: t('overview.chart.y'),
			});
			chartEl.dataset.ready = '1';
			performance.mark('jy-overview-chart'); // read by the e2e first-load measurement
			ctx.onLeave(() => c.dispose());
		});
		const numCols = (scopeOf) => CENSUS_FIELDS.map(([what, key]) => ({
			label: t(key), class: 'num', cell: (r) => countLink(r[what], peopleHref(day, what, scopeOf(r))),
		}));
		const gradeTable = dataTable([
			{ label: t('common.grade'), cell: (g) => g.grade },
			...numCols((g) => ({ grade: g.grade })),
			{ label: t('census.submitted'), cell: (g) => fmtNumber(g.submitted) + ' / ' + fmtNumber(g.classes), class: 'num' },
		], { caption: t('overview.byGrade'), testid: 'grades' });
		gradeTable.add(grades);

		const classTable = dataTable([
			{ label: t('common.class'), cell: (c) => c.class },
			{ label: t('common.grade'), cell: (c) => c.grade },
			...numCols((c) => ({ class_id: c.class_id })),
			{ label: t('census.state'), cell: (c) => c.submitted ? badge(t('census.submittedV', { v: c.version }), 'ok')
				: badge(t('census.notSubmitted'), 'warn') },
		], { caption: t('overview.classList'), testid: 'classes' });
		classTable.add(census.classes);

		// ---- the epidemic curve
		const curveEl = h('div', { class: 'chart chart-tall', role: 'img', 'data-testid': 'curve-chart', hidden: true });
		const curveNote = h('p', { class: 'muted', 'data-testid': 'curve-note' }, t('common.loading'));
		ctx.onMount(() => loadCurve(ctx, day, charts, curveEl, curveNote).catch((e) => console.error(e)));

		// ---- return progress by batch (return.js), drawn when it arrives; none without a plan
		const returnBox = h('div', { hidden: true });
		ctx.onMount(() => returnProgressCard(day.date, signal).then((c) => c && returnBox.replaceWith(c), () => {}));

		return page(t('overview.title'),
			h('p', { class: 'lead' }, t('overview.lead', { date: day.date, session: sessionName(day.session) })),
			dayPicker(ctx, day),
			stats,
			returnBox,
			h('div', { class: 'cols' }, missingCard, alertCard),
			CASE_READERS.includes(ctx.user.role) ? isolationCard(ctx) : null,
			h('section', { class: 'card', 'aria-labelledby': 'ov-signals' },
				h('h2', { id: 'ov-signals' }, t('signals.title')), h('p', { class: 'hint' }, t('signals.lead')), sigTable.el),
			h('section', { class: 'card', 'aria-labelledby': 'ov-grade' },
				h('h2', { id: 'ov-grade' }, t('overview.byGrade')), chartEl, gradeTable.el),
			h('section', { class: 'card', 'aria-labelledby': 'ov-curve' },
				h('h2', { id: 'ov-curve' }, t('curve.title', { n: CURVE_DAYS })), curveNote, curveEl),
			h('section', { class: 'card', 'aria-labelledby': 'ov-classes' },
				h('h2', { id: 'ov-classes' }, t('overview.classList')), classTable.el));
	},
};

// The epidemic curve: distinct students per day with each symptom (and the
// illness absences), over the CURVE_DAYS days up to the chosen date.
//
// It needs   GET /api/curve?from=YYYY-MM-DD&to=YYYY-MM-DD[&class_id=]
//   → {"from","to","dates":[every calendar day],"school_day":[bool…],
//      "series":[{"code","data":[n…]}…],   // students per day with each symptom,
//                                           // ILI and diagnosis code seen
//      "absent_sick":[n…]}                   // morning illness absences per day
// (parallel arrays, one entry per date).  No endpoint gives a daily series
// by symptom yet, and building one from each day's census would cost a
// request per day and still lack the symptoms; until it exists a 404 shows
// a note.  Only school days are drawn.
async function loadCurve(ctx, day, charts, el, note) {
	const from = addDays(day.date, -(CURVE_DAYS - 1));
	let j;
	try {
		j = await api('GET', '/api/curve', { query: { from, to: day.date }, signal: ctx.signal });
	} catch (e) {
		if (e.name === 'AbortError')
			return;
		note.textContent = e instanceof ApiError && e.status === 404 ? t('curve.pending') : t('curve.failed');
		return;
	}
	// School days only: a weekend or a holiday is not a day with no cases.
	const keep = j.dates.map((_, i) => !j.school_day || j.school_day[i]);
	const days = (xs) => xs.filter((_, i) => keep[i]);
	const series = j.series.filter((s) => s.data.some((n) => n > 0)).map((s) => ({ code: s.code, data: days(s.data) }));
	if (j.absent_sick && j.absent_sick.some((n) => n > 0))
		series.push({ code: 'absent_sick', data: days(j.absent_sick), dashed: true });
	if (!series.length) {
		note.textContent = t('curve.none');
		return;
	}
	let lineChart;
	try {
		({ lineChart } = await charts);
	} catch (e) {
		note.textContent = t('curve.failed');
		return;
	}
	if (ctx.signal.aborted)
		return;
	note.textContent = t('curve.lead');
	el.hidden = false;
	el.setAttribute('aria-label', t('curve.aria', { from, to: day.date,
		list: series.map((s) => codeName(s.code) + ' ' + fmtNumber(s.data.reduce((a, b) => a + b, 0))).join('，') }));
	const c = lineChart(el, {
		categories: days(j.dates).map((d) => d.slice(5)),
		series: series.map((s) => ({ name: codeName(s.code), data: s.data, dashed: !!s.dashed })),
		yName: t('overview.chart.y'),
	});
	el.dataset.ready = '1';
	ctx.onLeave(() => c.dispose());
}
