// pages/plans.js — 应急预案与责任落实: the emergency plans (GET /api/plans)
// with "activate" for the leading group and the reporter
// (POST /api/plans/{id}/activate), the plans in force
// (GET /api/plan-activations?status=active, closed with
// POST /api/plan-activations/{id}/close), the open tasks of plans and
// inspections with who owns them and "done" for the owner
// (GET /api/ops-tasks?open=1, POST /api/ops-tasks/{id}/done), and the
// inspections recorded (GET /api/inspections).
import { api } from '../api.js';
import { codeName } from '../codes.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, getLang, t } from '../i18n.js';
import { badge, confirmButton, dataTable, page, roleName } from '../ui.js';

const ACTIVATORS = ['admin', 'principal', 'reporter'];
const pick = (o, zh, en) => (getLang() === 'en' && o[en] ? o[en] : o[zh]);

export default {
	path: '/ops/plans',
	nav: 'nav.plans',
	title: 'plans.title',
	roles: ['admin', 'principal', 'reporter', 'logistics'],

	async render(ctx) {
		const role = ctx.user.role;
		const [plans, acts, tasks, insp] = await Promise.all([
			api('GET', '/api/plans', { signal: ctx.signal }),
			api('GET', '/api/plan-activations', { query: { status: 'active' }, signal: ctx.signal }),
			api('GET', '/api/ops-tasks', { query: { open: 1 }, signal: ctx.signal }),
			api('GET', '/api/inspections', { signal: ctx.signal }),
		]);
		const reload = (q) => ctx.navigate('/ops/plans' + (q || ''), { replace: true });
		const activate = ACTIVATORS.includes(role);
		const pt = dataTable([
			{ label: t('plans.name'), cell: (p) => pick(p, 'name_zh', 'name_en') },
			{ label: t('plans.steps'), cell: (p) => (p.steps || []).map((s) => pick(s, 'title_zh', 'title_en') + '（' + roleName(s.owner_role) + '）').join('；') },
			{ label: t('plans.triggers'), cell: (p) => (p.trigger_codes || '').split(',').filter(Boolean).map(codeName).join('、') },
			{ label: t('users.action'), cell: (p) => activate && p.enabled ? confirmButton(t('plans.activate'), t('users.confirm'),
				async () => {
					await api('POST', '/api/plans/' + p.id + '/activate', { body: { reason: t('plans.manual') } });
					reload('?activated=1');
				}, { testid: 'plan-activate-' + p.code }) : '' },
		], { caption: t('plans.title'), testid: 'plans' });
		pt.add(plans.items);
		const at = dataTable([
			{ label: t('plans.name'), cell: (a) => pick(a, 'plan_zh', 'plan_en') },
			{ label: t('plans.since'), cell: (a) => fmtDateTime(a.activated_at) },
			{ label: t('plans.reason'), cell: (a) => a.reason + (a.automatic ? ' · ' + t('plans.automatic') : '') },
			{ label: t('plans.open'), cell: (a) => fmtNumber(a.open_tasks) + ' / ' + fmtNumber(a.tasks) +
				(a.late_tasks ? ' · ' + t('plans.late', { n: fmtNumber(a.late_tasks) }) : ''), class: 'num' },
			{ label: t('users.action'), cell: (a) => activate ? confirmButton(t('plans.close'), t('users.confirm'), async () => {
				await api('POST', '/api/plan-activations/' + a.id + '/close', { body: {} });
				reload();
			}) : '' },
		], { caption: t('plans.active'), empty: t('plans.active.none'), testid: 'activations' });
		at.add(acts.items);
		const tt = dataTable([
			{ label: t('plans.task'), cell: (x) => pick(x, 'title_zh', 'title_en') },
			{ label: t('plans.source'), cell: (x) => pick(x, 'source_zh', 'source_en') },
			{ label: t('plans.owner'), cell: (x) => roleName(x.owner_role) },
			{ label: t('plans.due'), cell: (x) => [fmtDateTime(x.due_at), x.overdue ? badge(t('plans.overdue'), 'bad') : null] },
			{ label: t('users.action'), cell: (x) => (x.owner_role === role || ACTIVATORS.includes(role))
				? confirmButton(t('plans.done'), t('users.confirm'), async () => {
					await api('POST', '/api/ops-tasks/' + x.id + '/done', { body: {} });
					reload();
				}, { testid: 'ops-task-done' }) : '' },
		], { caption: t('plans.tasks'), empty: t('plans.tasks.none'), testid: 'ops-tasks' });
		tt.add(tasks.items);
		const it = dataTable([
			{ label: t('plans.inspection'), cell: (x) => pick(x, 'checklist_zh', 'checklist_en') || '#' + x.id },
			{ label: t('ops.place'), cell: (x) => x.place || '' },
			{ label: t('plans.date'), cell: (x) => x.date || '' },
			{ label: t('plans.inspector'), cell: (x) => x.inspector || '' },
			{ label: t('plans.failed'), cell: (x) => x.failed === undefined ? '' : fmtNumber(x.failed), class: 'num' },
		], { caption: t('plans.inspections'), empty: t('plans.inspections.none'), testid: 'inspections' });
		it.add(insp.items);
		return page(t('plans.title'),
			ctx.query.get('activated') ? h('p', { class: 'notice', role: 'status', 'data-testid': 'plan-activated' }, t('plans.activated')) : null,
			h('h2', null, t('plans.active')), at.el,
			h('h2', null, t('plans.tasks')), tt.el,
			h('h2', null, t('plans.list')), pt.el,
			h('h2', null, t('plans.inspections')), it.el);
	},
};
