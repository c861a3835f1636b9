// pages/account.js — 我的账号: who is logged in, with which role and scope
// (GET /api/session), for every role.  Changing one's password comes with
// the users API.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { facts, page, roleName } from '../ui.js';

export function scopeText(u) {
	if (u.scope_kind === 'class')
		return t('scope.class', { name: u.scope_name });
	if (u.scope_kind === 'district')
		return t('scope.district', { name: u.scope_name || '' });
	return t('scope.school', { name: u.scope_name || '' });
}

export default {
	path: '/account',
	nav: 'nav.account',
	title: 'account.title',
	roles: ['admin', 'principal', 'reporter', 'teacher', 'gate', 'logistics', 'district'],

	async render(ctx) {
		const { user: u } = await api('GET', '/api/session', { signal: ctx.signal });
		return page(t('account.title'), facts([
			[t('account.username'), u.username],
			[t('account.role'), roleName(u.role)],
			[t('account.scope'), scopeText(u)],
		], 'account'));
	},
};
