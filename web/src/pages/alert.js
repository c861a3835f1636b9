// pages/alert.js — one alert (GET /api/alerts/{id}): what triggered it
// (rule, scope, code, days, count), the 24-hour report deadline, the people
// involved (each opens their page), and its response tasks with owners,
// deadlines and overdue marks (tasks.js: whoever may, marks a task done).
// Admin and the reporter close the alert when the response is over
// (POST /api/alerts/{id}/close, after a second press).  The server writes
// the read of each person to the audit log.
import { api } from '../api.js';
import { codeName } from '../codes.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { alertLine, confirmButton, dataTable, facts, page } from '../ui.js';
import { taskTable } from '../tasks.js';
import { alertState } from './alerts.js';
import { ruleName, scopeName } from './overview.js';

export default {
	path: '/alerts/:id',
	title: 'alert.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const { alert: a } = await api('GET', '/api/alerts/' + encodeURIComponent(ctx.params.id), { signal: ctx.signal });
		const stateBox = h('span', null, alertState(a));
		const error = alertLine();
		const now = Date.now() / 1000;
		const reportTask = a.tasks.find((x) => x.kind === 'report');
		const reportLate = a.status === 'open' && a.report_due_at < now && !(reportTask && reportTask.done_at);
		const info = facts([
			[t('alerts.rule'), ruleName(a)],
			[t('alerts.scope'), scopeName(a.scope) + ' ' + a.scope_name],
			[t('alerts.code'), codeName(a.code)],
			[t('alerts.dates'), a.first_date === a.last_date ? a.first_date : a.first_date + ' – ' + a.last_date],
			[t('alerts.count'), fmtNumber(a.count)],
			[t('alerts.reportDue'), h('span', null, fmtDateTime(a.report_due_at), reportLate
				? h('span', { class: 'badge badge-bad' }, t('tasks.overdue')) : null)],
			[t('alerts.state'), stateBox],
		], 'alert');
		const people = dataTable([
			{ label: t('person.number'), cell: (p) => p.number },
			{ label: t('person.name'), cell: (p) => h('a', { href: '/people/' + p.person_id }, p.name) },
			{ label: t('common.class'), cell: (p) => p.class },
			{ label: t('alert.firstDate'), cell: (p) => p.first_date, class: 'nowrap' },
		], { caption: t('alert.people'), testid: 'alert-people' });
		people.add(a.people_detail);
		const tasks = taskTable(ctx, a.tasks);

		let closer = null;
		if (a.status === 'open' && (ctx.user.role === 'admin' || ctx.user.role === 'reporter')) {
			closer = confirmButton(t('alert.close'), t('alert.closeConfirm'), async () => {
				const r = await api('POST', '/api/alerts/' + a.id + '/close');
				stateBox.replaceChildren(alertState(r.alert));
				closer.remove();
			}, { onError: (e) => error.show(e), testid: 'close-alert' });
		}
		return page(ruleName(a),
			h('p', null, h('a', { href: '/alerts', class: 'back' }, t('alert.back'))),
			h('section', { class: 'card' }, info, closer ? h('div', { class: 'actions' }, closer) : null, error.el),
			h('section', { class: 'card', 'aria-labelledby': 'al-tasks' },
				h('h2', { id: 'al-tasks' }, t('alert.tasks')), tasks.el),
			h('section', { class: 'card', 'aria-labelledby': 'al-people' },
				h('h2', { id: 'al-people' }, t('alert.people', { n: fmtNumber(a.people_detail.length) })), people.el));
	},
};
