// pages/people.js — 名单, the school's people (students and staff): filter
// by class and kind, search by name or number, page through with "more".
// Each name opens the person's page.  Teachers use pages/myclass.js.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { rosterList } from '../roster.js';
import { page } from '../ui.js';

export default {
	path: '/people',
	nav: 'nav.people',
	title: 'roster.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const classes = await api('GET', '/api/classes', { signal: ctx.signal });
		return page(t('roster.title'), rosterList(ctx, { classes: classes.items || [] }));
	},
};
