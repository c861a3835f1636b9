// pages/users.js — 用户管理 (admin): the accounts of the school with their
// role and scope, a form to add one (a class teacher is scoped to a class,
// a district user to the district, everyone else to the school), and
// disable/enable (PATCH /api/users/{id}; disabling ends the account's
// sessions at once).  The server decides (POL_USER_ADMIN).
import { api } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { formCard, input, select } from '../forms.js';
import { badge, confirmButton, dataTable, page, roleName } from '../ui.js';

const ROLES = ['admin', 'principal', 'reporter', 'teacher', 'gate', 'logistics', 'district'];

function scopeOf(u) {
	if (u.scope_kind === 'class')
		return t('users.scope.class', { name: u.scope_name });
	if (u.scope_kind === 'district')
		return t('users.scope.district');
	return t('users.scope.school');
}

export default {
	path: '/admin/users',
	nav: 'nav.users',
	title: 'users.title',
	roles: ['admin'],

	async render(ctx) {
		const [{ items }, { items: classes }] = await Promise.all([
			api('GET', '/api/users', { signal: ctx.signal }),
			api('GET', '/api/classes', { signal: ctx.signal }),
		]);
		const reload = (q) => ctx.navigate('/admin/users' + (q || ''), { replace: true });
		const table = dataTable([
			{ label: t('account.username'), cell: (u) => u.username },
			{ label: t('account.role'), cell: (u) => roleName(u.role) },
			{ label: t('account.scope'), cell: scopeOf },
			{ label: t('users.state'), cell: (u) => u.disabled ? badge(t('users.disabled'), 'bad') : badge(t('users.active'), 'ok') },
			{ label: t('users.action'), cell: (u) => u.id === ctx.user.id ? '' : confirmButton(
				u.disabled ? t('users.enable') : t('users.disable'), t('users.confirm'),
				async () => {
					await api('PATCH', '/api/users/' + u.id, { body: { disabled: !u.disabled } });
					reload();
				}, { testid: 'user-toggle-' + u.username }) },
		], { caption: t('users.title'), testid: 'users' });
		table.add(items);

		const username = input('username', { required: true, maxlength: 63, autocomplete: 'off', 'data-testid': 'user-name' });
		const password = input('password', { type: 'password', required: true, minlength: 8, autocomplete: 'new-password',
			'data-testid': 'user-password' });
		const role = select('role', ROLES.map((r) => [r, roleName(r)]), 'teacher');
		const cls = select('class', classes.map((c) => [c.name, c.name]));
		const clsField = [t('users.class'), cls, t('users.class.hint')];
		const form = formCard(t('users.add'), [
			[t('account.username'), username],
			[t('users.password'), password, t('users.password.hint')],
			[t('account.role'), role],
			clsField,
		], async () => {
			const body = { username: username.value.trim(), password: password.value, role: role.value };
			if (role.value === 'teacher')
				body.scope = cls.value;
			await api('POST', '/api/users', { body });
			reload('?added=' + encodeURIComponent(body.username));
		}, { submit: t('users.add'), testid: 'user-form' });
		const syncScope = () => {
			cls.closest('.field').hidden = role.value !== 'teacher';
		};
		role.addEventListener('change', syncScope);
		ctx.onMount(syncScope);
		const added = ctx.query.get('added');
		return page(t('users.title'),
			h('p', { class: 'lead' }, t('users.lead')),
			added ? h('p', { class: 'notice', role: 'status', 'data-testid': 'user-added' }, t('users.added', { name: added })) : null,
			table.el, form);
	},
};
