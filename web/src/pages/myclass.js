// pages/myclass.js — 我的班级, the class teacher's own class on a phone:
// who is in it, with guardians' phones and dorms, searchable.  The daily
// check and the illness absences are on pages/check.js.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { rosterList } from '../roster.js';
import { page } from '../ui.js';

export default {
	path: '/class',
	nav: 'nav.myclass',
	title: 'myclass.title',
	roles: ['teacher'],

	render(ctx) {
		const { user } = ctx;
		if (user.scope_kind !== 'class' || !user.scope_id)
			return page(t('myclass.title'), h('p', { class: 'notice' }, t('myclass.noclass')));
		return page(t('myclass.heading', { name: user.scope_name }),
			rosterList(ctx, { fixedClass: String(user.scope_id) }));
	},
};
