// pages/users.js — 用户管理 (admin).  There is no users API yet, so the
// navigation entry stays hidden (hidden: true) and the page shows only the
// account that is logged in.  When GET/POST /api/users land: list users
// with role and scope, add one, disable one, reset a password; then drop
// `hidden`.
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { dataTable, page, roleName } from '../ui.js';
import { scopeText } from './account.js';

export default {
	path: '/admin/users',
	nav: 'nav.users',
	hidden: true,
	title: 'users.title',
	roles: ['admin'],

	async render(ctx) {
		const { user } = await api('GET', '/api/session', { signal: ctx.signal });
		const table = dataTable([
			{ label: t('account.username'), cell: (u) => u.username },
			{ label: t('account.role'), cell: (u) => roleName(u.role) },
			{ label: t('account.scope'), cell: scopeText },
		], { caption: t('users.title') });
		table.add([user]);
		return page(t('users.title'), h('p', { class: 'notice' }, t('users.pending')), table.el);
	},
};
