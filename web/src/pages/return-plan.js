// pages/return-plan.js — 分批返校计划: the batches with their return dates
// and classes (GET /api/return/batches).  Admin puts a class in a batch
// (POST /api/return/batches {"batch","class","return_date"}); a class
// returns on its batch's date.
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { RETURN_READERS, returnTabs, submitWith } from '../return.js';
import { alertLine, dataTable, page } from '../ui.js';

export default {
	path: '/return/plan',
	title: 'ret.plan.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const admin = user.role === 'admin';
		const [j, classes] = await Promise.all([
			api('GET', '/api/return/batches', { signal }),
			admin ? api('GET', '/api/classes', { signal }) : null,
		]);
		const table = dataTable([
			{ label: t('ret.batch'), cell: (b) => b.batch },
			{ label: t('ret.returnDate'), cell: (b) => b.return_date, class: 'nowrap' },
			{ label: t('ret.enrolled'), cell: (b) => fmtNumber(b.enrolled), class: 'num' },
			{ label: t('ret.classes'), cell: (b) => (b.classes.length ? h('ul', { class: 'tags' },
				b.classes.map((c) => h('li', null, c.class + ' (' + fmtNumber(c.enrolled) + ')'))) : '') },
		], { caption: t('ret.plan.title'), empty: t('ret.noPlan'), testid: 'batches' });
		table.add(j.items);

		let form = null;
		if (admin) {
			const err = alertLine();
			const batch = h('input', { type: 'text', name: 'batch', required: true, maxlength: '40', list: 'ret-batches',
				placeholder: t('ret.batch.example'), 'data-testid': 'batch-name' });
			const names = h('datalist', { id: 'ret-batches' }, j.items.map((b) => h('option', { value: b.batch })));
			const cls = h('select', { name: 'class', required: true, 'data-testid': 'batch-class' },
				h('option', { value: '' }, t('check.pickClass')),
				classes.items.map((c) => h('option', { value: c.name }, c.name)));
			const date = h('input', { type: 'date', name: 'return_date', required: true, 'data-testid': 'batch-date' });
			batch.addEventListener('change', () => {
				const b = j.items.find((x) => x.batch === batch.value.trim());
				if (b)
					date.value = b.return_date;
			});
			form = h('form', { class: 'card ret-form', 'aria-labelledby': 'plan-new' },
				h('h2', { id: 'plan-new' }, t('ret.plan.add')),
				h('div', { class: 'filters' }, labelled(t('ret.batch'), batch).field, names, labelled(t('common.class'), cls).field,
					labelled(t('ret.returnDate'), date).field),
				err.el,
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'batch-save' },
					t('common.save'))));
			submitWith(form, err, async () => {
				await api('POST', '/api/return/batches', { body: { batch: batch.value.trim(), class: cls.value,
					return_date: date.value } });
				ctx.navigate(location.pathname, { replace: true });
			});
		}
		return page(t('ret.plan.title'),
			returnTabs('/return/plan', user),
			h('p', { class: 'lead' }, t('ret.plan.lead')),
			table.el,
			form);
	},
};
