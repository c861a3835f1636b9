// pages/return-keygroups.js — 重点群体学生: every key-group student (chronic
// illness, disability, children of front-line workers, hardship, left
// behind) with the staff member who looks after them on the return
// (GET /api/return/key-groups).  Admin and the principal name the carer
// by staff number (PUT /api/return/key-groups/:person_id).
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { RETURN_READERS, ownClass, returnTabs, submitWith } from '../return.js';
import { alertLine, dataTable, keyGroupName, page } from '../ui.js';

function carerForm(k, reload) {
	const err = alertLine();
	const no = h('input', { type: 'text', name: 'carer_no', required: true, autocomplete: 'off',
		value: k.carer ? k.carer.number : '', 'data-testid': 'carer-no' });
	const note = h('input', { type: 'text', name: 'note', maxlength: '200', value: k.carer ? k.carer.note : '' });
	const f = h('form', { class: 'ret-inline', 'aria-label': t('ret.carer.for', { name: k.name }) },
		labelled(t('ret.carer.no'), no).field, labelled(t('ret.carer.note'), note).field,
		h('button', { type: 'submit', class: 'btn', 'data-testid': 'carer-save' }, t('common.save')), err.el);
	submitWith(f, err, async () => {
		await api('PUT', '/api/return/key-groups/' + k.person_id, { body: { group: k.group, carer_no: no.value.trim(),
			note: note.value.trim() } });
		reload();
	});
	return f;
}

export default {
	path: '/return/key-groups',
	title: 'ret.keyGroups.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const j = await api('GET', '/api/return/key-groups', { query: { class_id: ownClass(user) }, signal });
		const assign = user.role === 'admin' || user.role === 'principal';
		const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });
		const cols = [
			{ label: t('person.number'), cell: (k) => k.number },
			{ label: t('person.name'), cell: (k) => h('a', { href: '/return/people/' + k.person_id }, k.name) },
			{ label: t('common.class'), cell: (k) => k.class },
			{ label: t('ret.group'), cell: (k) => keyGroupName(k.group) },
			{ label: t('ret.carer'), cell: (k) => (k.carer ? k.carer.name + (k.carer.note ? ' · ' + k.carer.note : '')
				: h('span', { class: 'warn-text' }, t('ret.carer.none'))) },
		];
		if (assign)
			cols.push({ label: t('ret.carer.assign'), cell: (k) => carerForm(k, reload) });
		const table = dataTable(cols, { caption: t('ret.keyGroups.title'), empty: t('ret.keyGroups.none'), testid: 'key-groups' });
		table.add(j.items);
		const without = j.items.filter((k) => !k.carer).length;
		return page(t('ret.keyGroups.title'),
			returnTabs('/return/key-groups', user),
			h('p', { class: 'summary', 'data-testid': 'summary' }, t('ret.keyGroups.summary',
				{ n: fmtNumber(j.items.length), without: fmtNumber(without) })),
			table.el);
	},
};
