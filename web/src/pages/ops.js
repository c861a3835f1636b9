// pages/ops.js — 通风消毒与防疫物资, the day's campus operations:
//   - ventilation and disinfection due today per place and what is late
//     (GET /api/hygiene/status), with a form to record one done
//     (POST /api/hygiene/records);
//   - supplies in stock, days left at the recent rate and warnings
//     (GET /api/supplies), with a form for a receipt or an issue
//     (POST /api/supplies/moves).
// Logistics and admin record (POL_OPS_WRITE); principal and reporter read.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, getLang, t } from '../i18n.js';
import { formCard, input, numberOf, select } from '../forms.js';
import { badge, dataTable, page, stat } from '../ui.js';

const WRITERS = ['admin', 'logistics'];
const STATUS_KIND = { done: 'ok', late: 'warn', overdue: 'bad', pending: 'info' };
const en = () => getLang() === 'en';

export default {
	path: '/ops/hygiene',
	nav: 'nav.ops',
	title: 'ops.title',
	roles: ['admin', 'principal', 'reporter', 'logistics'],

	async render(ctx) {
		const [hy, sup] = await Promise.all([
			api('GET', '/api/hygiene/status', { signal: ctx.signal }),
			api('GET', '/api/supplies', { signal: ctx.signal }),
		]);
		const write = WRITERS.includes(ctx.user.role);
		const reload = (q) => ctx.navigate('/ops/hygiene' + (q || ''), { replace: true });
		const s = hy.summary || {};
		const hyTable = dataTable([
			{ label: t('ops.place'), cell: (x) => x.place },
			{ label: t('ops.action'), cell: (x) => t(`ops.action.${x.action}`) },
			{ label: t('ops.due'), cell: (x) => x.due || (x.due_at ? fmtDateTime(x.due_at) : '') },
			{ label: t('ops.status'), cell: (x) => badge(t(`ops.status.${x.status}`), STATUS_KIND[x.status] || 'info') },
			{ label: t('ops.doneAt'), cell: (x) => x.done_at ? fmtDateTime(x.done_at) + (x.performer ? ' · ' + x.performer : '') : '' },
		], { caption: t('ops.hygiene'), empty: t('ops.hygiene.none'), testid: 'hygiene' });
		// Late first, then pending; done last.
		const order = { overdue: 0, late: 1, pending: 2, done: 3 };
		hyTable.add([...(hy.extra || []), ...hy.items].sort((a, b) => (order[a.status] ?? 9) - (order[b.status] ?? 9)).slice(0, 200));

		const supTable = dataTable([
			{ label: t('ops.item'), cell: (x) => (en() ? x.name_en : x.name_zh) || x.code },
			{ label: t('ops.stock'), cell: (x) => fmtNumber(x.stock) + ' ' + ((en() ? x.unit_en : x.unit_zh) || ''), class: 'num' },
			{ label: t('ops.perDay'), cell: (x) => x.per_day ? fmtNumber(Math.round(x.per_day * 10) / 10) : '', class: 'num' },
			{ label: t('ops.daysLeft'), cell: (x) => x.days_left === null || x.days_left === undefined ? '' : fmtNumber(Math.floor(x.days_left)), class: 'num' },
			{ label: t('ops.warning'), cell: (x) => x.warning ? badge(t(`ops.warning.${x.warning}`), 'bad') : '' },
		], { caption: t('ops.supplies'), empty: t('ops.supplies.none'), testid: 'supplies' });
		supTable.add(sup.items);

		let hyForm = null, supForm = null;
		if (write) {
			const place = input('place', { required: true, list: 'ops-places', 'data-testid': 'hygiene-place' });
			const action = select('action', [['ventilate', t('ops.action.ventilate')], ['disinfect', t('ops.action.disinfect')]]);
			const performer = input('performer', { maxlength: 60 });
			const places = [...new Set(hy.items.map((x) => x.place))];
			hyForm = formCard(t('ops.record'), [
				[t('ops.place'), place],
				[t('ops.action'), action],
				[t('ops.performer'), performer],
			], async () => {
				await api('POST', '/api/hygiene/records', { body: { place: place.value.trim(), action: action.value,
					performer: performer.value.trim() || undefined } });
				reload('?recorded=1');
			}, { submit: t('ops.record'), testid: 'hygiene-form',
				extra: h('datalist', { id: 'ops-places' }, places.map((p) => h('option', { value: p }))) });

			const item = select('item', sup.items.map((x) => [x.code, (en() ? x.name_en : x.name_zh) || x.code]));
			const kind = select('kind', ['receipt', 'issue', 'count'].map((k) => [k, t(`ops.move.${k}`)]), 'receipt');
			const qty = h('input', { type: 'number', name: 'quantity', min: 0, step: 'any', required: true, inputmode: 'decimal' });
			const where = input('place', { required: true, list: 'ops-places' });
			supForm = formCard(t('ops.move'), [
				[t('ops.item'), item],
				[t('ops.move.kind'), kind],
				[t('ops.quantity'), qty],
				[t('ops.store'), where, t('ops.store.hint')],
			], async () => {
				await api('POST', '/api/supplies/moves', { body: { item: item.value, kind: kind.value,
					quantity: numberOf(qty), place: where.value.trim() } });
				reload('?moved=1');
			}, { submit: t('ops.move'), testid: 'supply-form' });
		}
		const q = ctx.query;
		return page(t('ops.title'),
			q.get('recorded') || q.get('moved') ? h('p', { class: 'notice', role: 'status' }, t('ops.saved')) : null,
			h('section', { class: 'card', 'aria-labelledby': 'ops-hy' },
				h('h2', { id: 'ops-hy' }, t('ops.hygiene'), ' · ', hy.date),
				h('div', { class: 'stats' },
					stat(t('ops.doneAll'), fmtNumber((s.done || 0) + (s.late || 0)), 'hy-done'),
					stat(t('ops.status.overdue'), fmtNumber((s.overdue || 0) + (s.extra_overdue || 0)), 'hy-overdue'),
					stat(t('ops.status.pending'), fmtNumber(s.pending || 0), 'hy-pending')),
				hyTable.el),
			hyForm,
			h('section', { class: 'card', 'aria-labelledby': 'ops-sup' },
				h('h2', { id: 'ops-sup' }, t('ops.supplies')),
				sup.warnings ? h('p', { class: 'error' }, t('ops.supplies.warnings', { n: fmtNumber(sup.warnings) })) : null,
				supTable.el),
			supForm);
	},
};
