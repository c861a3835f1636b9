// pages/return.js — 复课总览, the leading group's view of the return to
// school for a date (?date=, default today CST): for the school, each batch
// and each class in it, how many are expected, declared, cleared, under
// monitoring, on hold, not yet screened, arrived at the gate, refused, not
// returned (with the reason) and missing — every number opens the names
// behind it (pages/return-people.js).  GET /api/return/overview; a class
// teacher sees their own class only.
import { api } from '../api.js';
import { isDate, todayCST } from '../codes.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { RETURN_COUNTS, RETURN_READERS, NOT_RETURNED_REASONS, ownClass, reasonName, returnPeopleHref,
	returnTabs } from '../return.js';
import { badge, countLink, dataTable, page, stat } from '../ui.js';

// The date picker of the return pages: ?date= (any day, the plan is ahead).
export function returnDate(ctx) {
	const d = ctx.query.get('date');
	return isDate(d) ? d : todayCST();
}

export function returnDatePicker(ctx, date) {
	const input = h('input', { type: 'date', name: 'date', value: date, required: true, 'data-testid': 'date' });
	input.addEventListener('change', () => {
		if (!isDate(input.value))
			return;
		const q = new URLSearchParams(location.search);
		q.set('date', input.value);
		ctx.navigate(location.pathname + '?' + q.toString(), { replace: true });
	});
	const f = h('form', { class: 'filters', 'aria-label': t('ret.pickDate') }, labelled(t('day.date'), input).field);
	f.addEventListener('submit', (e) => e.preventDefault());
	return f;
}

function byReason(row) {
	const parts = NOT_RETURNED_REASONS.filter((r) => row.not_returned_by[r]).map((r) =>
		reasonName(r) + ' ' + fmtNumber(row.not_returned_by[r]));
	return parts.length ? parts.join('、') : '';
}

export default {
	path: '/return',
	nav: 'nav.return',
	title: 'ret.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const date = returnDate(ctx);
		const mine = ownClass(user);
		const o = await api('GET', '/api/return/overview', { query: { date, class_id: mine }, signal });
		const scope = mine ? { class_id: mine } : {};
		const totals = h('div', { class: 'stats stats-small', 'data-testid': 'return-total' },
			RETURN_COUNTS.map((w) => stat(t(`ret.count.${w}`),
				countLink(o.total[w], returnPeopleHref(date, w, scope), 'rt-' + w), 'rs-' + w)));

		const cell = (w, sc) => ({ label: t(`ret.count.${w}`), class: 'num',
			cell: (r) => countLink(r[w], returnPeopleHref(date, w, sc(r)), `n-${w}`) });
		const batchCards = o.batches.map((b) => {
			const table = dataTable([
				{ label: t('common.class'), cell: (c) => (c.class_id < 0 ? t('ret.staff') : c.class) },
				...RETURN_COUNTS.map((w) => cell(w, (c) => ({ batch_id: c.batch_id, class_id: c.class_id }))),
				{ label: t('ret.byReason'), cell: byReason },
			], { caption: t('ret.batch.classes', { batch: b.batch }), testid: 'return-classes' });
			table.add(b.classes);
			return h('section', { class: 'card', 'data-testid': 'return-batch' },
				h('h2', null, b.batch, ' ', b.return_date ? h('span', { class: 'muted' }, t('ret.returnOn', { date: b.return_date })) : null,
					' ', b.due ? badge(t('ret.due'), 'ok') : badge(t('ret.notDue'), 'info')),
				// The classes in no batch (batch_id 0) have no list of their own: their class rows link.
				h('p', { class: 'ret-counts' }, RETURN_COUNTS.map((w) => h('span', { class: 'ret-count' }, t(`ret.count.${w}`), ' ',
					countLink(b[w], b.batch_id ? returnPeopleHref(date, w, { batch_id: b.batch_id, ...scope }) : null, `b-${w}`)))),
				table.el);
		});
		return page(t('ret.title'),
			returnTabs('/return', user),
			returnDatePicker(ctx, date),
			o.plan ? null : h('p', { class: 'notice', 'data-testid': 'no-plan' }, t('ret.noPlan')),
			h('h2', null, mine ? t('ret.totalClass') : t('ret.total')),
			totals,
			byReason(o.total) ? h('p', null, t('ret.byReason') + '：' + byReason(o.total)) : null,
			batchCards);
	},
};
