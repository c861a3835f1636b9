// pages/tasks.js — 任务, the school's response tasks (GET /api/tasks):
// open ones by default (?all=1 adds the done ones).  Teachers and logistics
// see the tasks of their own role first (?mine=0 shows everyone's).  A task
// carries no class, so a teacher sees every class's teacher tasks, each
// named with its class in its title.  Overdue tasks come first.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { page, roleName } from '../ui.js';
import { taskTable } from '../tasks.js';

export default {
	path: '/tasks',
	nav: 'nav.tasks',
	title: 'tasks.title',
	roles: ['admin', 'principal', 'reporter', 'teacher', 'logistics', 'district'],

	async render(ctx) {
		const { user } = ctx;
		const owner = user.role === 'teacher' || user.role === 'logistics';
		const all = ctx.query.get('all') === '1';
		const mine = owner && ctx.query.get('mine') !== '0';
		const j = await api('GET', '/api/tasks', { query: { open: all ? '' : 1 }, signal: ctx.signal });
		const items = mine ? j.items.filter((x) => x.owner_role === user.role) : j.items;
		const overdue = items.filter((x) => x.overdue).length;

		const controls = [];
		const allBox = h('input', { type: 'checkbox', name: 'all', checked: all });
		const go = () => {
			const q = new URLSearchParams();
			if (allBox.checked)
				q.set('all', '1');
			if (mineBox && !mineBox.checked)
				q.set('mine', '0');
			ctx.navigate('/tasks' + (q.toString() ? '?' + q.toString() : ''), { replace: true });
		};
		let mineBox = null;
		if (owner) {
			mineBox = h('input', { type: 'checkbox', name: 'mine', checked: mine, onchange: go });
			controls.push(h('label', { class: 'check' }, mineBox, ' ', t('tasks.mine', { role: roleName(user.role) })));
		}
		allBox.addEventListener('change', go);
		controls.push(h('label', { class: 'check' }, allBox, ' ', t('tasks.showDone')));
		return page(t('tasks.title'),
			h('p', { class: 'lead' }, t('tasks.lead')),
			h('form', { class: 'filters filters-inline', 'aria-label': t('tasks.filter') }, controls),
			h('p', { class: 'summary', 'data-testid': 'summary' }, t('tasks.summary', {
				n: fmtNumber(items.length), overdue: fmtNumber(overdue) })),
			taskTable(ctx, items, { showAlert: true }).el);
	},
};
