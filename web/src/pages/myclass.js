// pages/myclass.js — 我的班级, the class teacher's own class on a phone:
// who is in it, with guardians' phones and dorms, searchable.  The daily
// check and the illness absences are on pages/check.js.  Above the roster:
// the class's contacts under medical observation, with today's check
// (cases.js; the teacher sees the contacts, not the cases).
import { api } from '../api.js';
import { followupTable } from '../cases.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { rosterList } from '../roster.js';
import { page } from '../ui.js';

export default {
	path: '/class',
	nav: 'nav.myclass',
	title: 'myclass.title',
	roles: ['teacher'],

	async render(ctx) {
		const { user } = ctx;
		if (user.scope_kind !== 'class' || !user.scope_id)
			return page(t('myclass.title'), h('p', { class: 'notice' }, t('myclass.noclass')));
		const { items } = await api('GET', '/api/followups', { query: { status: 'monitoring' }, signal: ctx.signal });
		return page(t('myclass.heading', { name: user.scope_name }),
			items.length ? h('section', { class: 'card', 'aria-labelledby': 'mc-fu', 'data-testid': 'class-followups' },
				h('h2', { id: 'mc-fu' }, t('fu.classTitle', { n: items.length })), h('p', { class: 'hint' }, t('fu.classLead')),
				followupTable(items, { check: true, personHref: (f) => '/people/' + f.person_id }).el) : null,
			rosterList(ctx, { fixedClass: String(user.scope_id) }));
	},
};
