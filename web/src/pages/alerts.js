// pages/alerts.js — 预警, the school's cluster alerts (GET /api/alerts):
// open ones first by default, or closed, or all (?status=); each opens its
// page (pages/alert.js) with the people and the response tasks.  A row
// shows the rule, where, what, how many, the days, and the 24-hour report
// deadline.
import { api } from '../api.js';
import { codeName } from '../codes.js';
import { h, labelled } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { badge, dataTable, page } from '../ui.js';
import { ruleName, scopeName } from './overview.js';

export function alertState(a) {
	return a.status === 'open' ? badge(t('alerts.status.open'), 'bad') : badge(t('alerts.status.closed'), 'ok');
}

export default {
	path: '/alerts',
	nav: 'nav.alerts',
	title: 'alerts.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const status = ['open', 'closed', 'all'].includes(ctx.query.get('status')) ? ctx.query.get('status') : 'open';
		const j = await api('GET', '/api/alerts', { query: { status: status === 'all' ? '' : status }, signal: ctx.signal });
		const items = [...j.items].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1) ||
			b.last_date.localeCompare(a.last_date) || b.id - a.id);
		const sel = h('select', { name: 'status' }, ['open', 'closed', 'all'].map((s) =>
			h('option', { value: s }, t(`alerts.filter.${s}`))));
		sel.value = status;
		sel.addEventListener('change', () => ctx.navigate('/alerts?status=' + sel.value, { replace: true }));
		const table = dataTable([
			{ label: t('alerts.rule'), cell: (a) => h('a', { href: '/alerts/' + a.id, 'data-testid': 'alert-link' }, ruleName(a)) },
			{ label: t('alerts.scope'), cell: (a) => scopeName(a.scope) + ' ' + a.scope_name },
			{ label: t('alerts.code'), cell: (a) => codeName(a.code) },
			{ label: t('alerts.count'), cell: (a) => fmtNumber(a.count), class: 'num' },
			{ label: t('alerts.dates'), cell: (a) => a.first_date === a.last_date ? a.first_date : a.first_date + ' – ' + a.last_date,
			  class: 'nowrap' },
			{ label: t('alerts.reportDue'), cell: (a) => fmtDateTime(a.report_due_at), class: 'nowrap' },
			{ label: t('alerts.state'), cell: alertState },
		], { caption: t('alerts.title'), empty: t(status === 'open' ? 'alerts.noneOpen' : 'alerts.none'), testid: 'alerts' });
		table.add(items);
		return page(t('alerts.title'),
			h('p', { class: 'lead' }, t('alerts.lead')),
			h('form', { class: 'filters', 'aria-label': t('alerts.filter') }, labelled(t('alerts.state'), sel).field),
			table.el);
	},
};
