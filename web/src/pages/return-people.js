// pages/return-people.js — the names behind a number of the return
// overview: /return/people?what=expected|declared|undeclared|cleared|monitor|
// hold|unscreened|arrived|refused|not_returned|missing&date=[&batch_id=]
// [&class_id=].  GET /api/return/overview/people (the server audits each
// person shown).  A name opens that person's return page.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { RETURN_COUNTS, RETURN_READERS, ownClass, reasonName, statusBadge, yesNo } from '../return.js';
import { dataTable, page } from '../ui.js';
import { returnDate } from './return.js';

export default {
	path: '/return/people',
	title: 'ret.people.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const date = returnDate(ctx);
		const q = ctx.query;
		const what = [...RETURN_COUNTS, 'undeclared'].includes(q.get('what')) ? q.get('what') : 'expected';
		const classId = ownClass(user) || q.get('class_id') || ''; // or 'staff'
		const batchId = q.get('batch_id') || '';
		const j = await api('GET', '/api/return/overview/people',
			{ query: { date, what, class_id: classId, batch_id: batchId }, signal });
		const table = dataTable([
			{ label: t('person.number'), cell: (p) => p.number },
			{ label: t('person.name'), cell: (p) => h('a', { href: '/return/people/' + p.person_id + '?date=' + date }, p.name), class: 'nowrap' },
			{ label: t('common.class'), cell: (p) => p.class },
			{ label: t('ret.batch'), cell: (p) => (p.batch ? p.batch + ' · ' + p.return_date : '') },
			{ label: t('ret.screening'), cell: (p) => statusBadge(p.status) },
			{ label: t('ret.count.declared'), cell: (p) => yesNo(p.declared) },
			{ label: t('ret.count.arrived'), cell: (p) => (p.refused ? t('ret.count.refused') : yesNo(p.arrived)) },
			{ label: t('ret.count.not_returned'), cell: (p) => (p.not_returned ? reasonName(p.not_returned) : '') },
		], { caption: t(`ret.count.${what}`), empty: t('ret.people.none'), testid: 'return-people' });
		table.add(j.items);
		const where = classId === 'staff' ? t('ret.staff') : j.items.length && classId ? j.items[0].class
			: batchId && j.items.length ? j.items[0].batch : t('census.school');
		return page(t('ret.people.heading', { what: t(`ret.count.${what}`), where }),
			h('p', null, h('a', { href: '/return?date=' + date, class: 'back' }, t('ret.back'))),
			h('p', { class: 'summary', 'data-testid': 'summary' }, t('ret.people.summary', { date, n: fmtNumber(j.items.length) })),
			table.el);
	},
};
