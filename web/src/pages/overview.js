// pages/overview.js — 概览, the school at a glance (principal, reporter,
// admin, district): enrolment by grade (an ECharts bar chart with the same
// numbers as a table beside it), every class with its enrolment linked to
// its roster, and dorm occupancy.  Today's census, alerts and epidemic
// curves join this page as their APIs land.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, fmtPercent, t } from '../i18n.js';
import { dataTable, page, stat } from '../ui.js';

export default {
	path: '/overview',
	nav: 'nav.overview',
	title: 'overview.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const { signal } = ctx;
		const charts = import('../charts.js'); // fetched while the data load
		charts.catch(() => {}); // handled where it is awaited
		const [classes, rooms] = await Promise.all([
			api('GET', '/api/classes', { signal }),
			api('GET', '/api/places', { query: { kind: 'dorm_room' }, signal }),
		]);
		const byGrade = new Map();
		for (const c of classes.items) {
			const g = byGrade.get(c.grade) || { grade: c.grade, classes: 0, students: 0 };
			g.classes++;
			g.students += c.enrolled;
			byGrade.set(c.grade, g);
		}
		const grades = [...byGrade.values()].sort((a, b) => a.grade.localeCompare(b.grade, 'zh-CN'));
		const students = grades.reduce((n, g) => n + g.students, 0);
		const beds = rooms.items.reduce((n, r) => n + (r.capacity || 0), 0);
		const boarders = rooms.items.reduce((n, r) => n + (r.occupants || 0), 0);

		const chartEl = h('div', { class: 'chart', role: 'img', 'data-testid': 'enrolment-chart',
			'aria-label': t('overview.chart.aria', { list: grades.map((g) =>
				g.grade + ' ' + fmtNumber(g.students)).join('，') }) });
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
				series: [{ name: t('overview.students'), data: grades.map((g) => g.students) }],
				yName: t('overview.chart.y'),
			});
			chartEl.dataset.ready = '1';
			performance.mark('jy-overview-chart'); // read by the e2e first-load measurement
			ctx.onLeave(() => c.dispose());
		});

		const gradeTable = dataTable([
			{ label: t('common.grade'), cell: (g) => g.grade },
			{ label: t('overview.classes'), cell: (g) => fmtNumber(g.classes), class: 'num' },
			{ label: t('overview.students'), cell: (g) => fmtNumber(g.students), class: 'num' },
		], { caption: t('overview.byGrade'), testid: 'grades' });
		gradeTable.add(grades);

		const classTable = dataTable([
			{ label: t('common.class'), cell: (c) => h('a', { href: '/people?class_id=' + c.id }, c.name) },
			{ label: t('common.grade'), cell: (c) => c.grade },
			{ label: t('overview.enrolled'), cell: (c) => fmtNumber(c.enrolled), class: 'num' },
		], { caption: t('overview.classList'), testid: 'classes' });
		classTable.add(classes.items);

		return page(t('overview.title'),
			h('div', { class: 'stats' },
				stat(t('overview.students'), fmtNumber(students), 'stat-students'),
				stat(t('overview.classes'), fmtNumber(classes.items.length), 'stat-classes'),
				stat(t('overview.grades'), fmtNumber(grades.length)),
				stat(t('overview.boarding'), beds ? fmtNumber(boarders) + ' / ' + fmtNumber(beds) : boarders ? fmtNumber(boarders) : '—'),
				stat(t('overview.occupancy'), beds ? fmtPercent(boarders / beds) : '—')),
			h('div', { class: 'cols' },
				h('section', { class: 'card', 'aria-labelledby': 'ov-grade' },
					h('h2', { id: 'ov-grade' }, t('overview.byGrade')), chartEl, gradeTable.el),
				h('section', { class: 'card', 'aria-labelledby': 'ov-classes' },
					h('h2', { id: 'ov-classes' }, t('overview.classList')), classTable.el)));
	},
};
