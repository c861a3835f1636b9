// pages/calendar.js — 校历, the school calendar that the statistical run
// reads (a holiday is not a day with zero cases, a make-up Saturday is a
// school day): a month at a time (?month=YYYY-MM) with weekends, holidays,
// make-up days and term dates marked, the list of special days, and a form
// to mark a day (PUT /api/calendar/{date} {"kind","note"}; kind "" makes it
// an ordinary day again).  Admin and logistics (GET /api/calendar).
import { api } from '../api.js';
import { todayCST } from '../codes.js';
import { h, labelled } from '../dom.js';
import { getLang, t } from '../i18n.js';
import { alertLine, dataTable, page } from '../ui.js';

const KINDS = ['holiday', 'makeup', 'term_start', 'term_end'];

function monthOf(q) {
	return /^\d{4}-\d{2}$/.test(q || '') ? q : todayCST().slice(0, 7);
}

function shiftMonth(m, n) {
	const d = new Date(m + '-01T00:00:00Z');
	d.setUTCMonth(d.getUTCMonth() + n);
	return d.toISOString().slice(0, 7);
}

export default {
	path: '/admin/calendar',
	nav: 'nav.calendar',
	title: 'calendar.title',
	roles: ['admin', 'logistics'],

	async render(ctx) {
		const month = monthOf(ctx.query.get('month'));
		const { items } = await api('GET', '/api/calendar', { signal: ctx.signal });
		const kinds = new Map(items.map((x) => [x.date, x.kind]));
		// Term dates, when recorded, bound the school days (as in src/domain/signals.c).
		const terms = items.filter((x) => x.kind === 'term_start' || x.kind === 'term_end')
			.sort((a, b) => a.date.localeCompare(b.date));
		function inTerm(d) {
			if (!terms.length)
				return true;
			let last = null;
			for (const x of terms)
				if (x.date <= d)
					last = x;
			if (!last) // before the first mark: in term when it is an end
				return terms[0].kind === 'term_end';
			return last.kind === 'term_start' || last.date === d;
		}

		// ---- the form
		const date = h('input', { type: 'date', name: 'date', required: true, value: ctx.query.get('date') || '',
			'data-testid': 'cal-date' });
		const kind = h('select', { name: 'kind', 'data-testid': 'cal-kind' },
			h('option', { value: '' }, t('calendar.kind.none')),
			KINDS.map((k) => h('option', { value: k }, t(`calendar.kind.${k}`))));
		kind.value = kinds.get(date.value) || '';
		const note = h('input', { type: 'text', name: 'note', maxlength: 100 });
		const err = alertLine();
		const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'cal-save' }, t('common.save'));
		const form = h('form', { class: 'card', novalidate: true, 'aria-labelledby': 'cal-form-h' },
			h('h2', { id: 'cal-form-h' }, t('calendar.set')),
			h('div', { class: 'filters' }, labelled(t('day.date'), date).field, labelled(t('calendar.kind'), kind).field,
				labelled(t('calendar.note'), note).field),
			err.el, h('div', { class: 'sheet-actions' }, save));
		function pick(d) {
			date.value = d;
			kind.value = kinds.get(d) || '';
			kind.focus();
		}
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			err.clear();
			if (!/^\d{4}-\d{2}-\d{2}$/.test(date.value)) {
				err.show(t('calendar.needDate'));
				date.focus();
				return;
			}
			save.disabled = true;
			try {
				await api('PUT', '/api/calendar/' + date.value, { body: { kind: kind.value, note: note.value.trim() } });
				ctx.navigate('/admin/calendar?month=' + date.value.slice(0, 7) + '&saved=' + date.value, { replace: true });
			} catch (e2) {
				err.show(e2);
				save.disabled = false;
			}
		});

		// ---- the month
		const first = new Date(month + '-01T00:00:00Z');
		const lead = (first.getUTCDay() + 6) % 7; // Monday first
		const days = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
		const today = todayCST();
		const weekday = new Intl.DateTimeFormat(getLang(), { weekday: 'short', timeZone: 'UTC' });
		const cells = [];
		for (let i = 0; i < 7; i++)
			cells.push(h('span', { class: 'cal-head', 'aria-hidden': 'true' }, weekday.format(new Date(Date.UTC(2024, 0, 1 + i)))));
		for (let i = 0; i < lead; i++)
			cells.push(h('span', { class: 'cal-pad' }));
		for (let d = 1; d <= days; d++) {
			const iso = month + '-' + String(d).padStart(2, '0');
			const k = kinds.get(iso) || '';
			const dow = (lead + d - 1) % 7;
			const weekend = dow >= 5;
			const school = inTerm(iso) && ((!weekend && k !== 'holiday') || (k !== '' && k !== 'holiday'));
			cells.push(h('button', {
				type: 'button',
				class: ['cal-day', school ? 'cal-school' : 'cal-off', k && 'cal-' + k, iso === today && 'cal-today'],
				'data-date': iso,
				'aria-label': iso + ' ' + (k ? t(`calendar.kind.${k}`) : t(school ? 'calendar.schoolDay' : 'calendar.weekend')),
				onclick: () => pick(iso),
			}, h('span', { class: 'cal-num' }, String(d)), k ? h('span', { class: 'cal-kind' }, t(`calendar.short.${k}`)) : null));
		}
		const nav = h('div', { class: 'cal-nav' },
			h('a', { href: '/admin/calendar?month=' + shiftMonth(month, -1), class: 'btn' }, t('calendar.prev')),
			h('h2', { id: 'cal-month' }, month),
			h('a', { href: '/admin/calendar?month=' + shiftMonth(month, 1), class: 'btn' }, t('calendar.next')));

		const list = dataTable([
			{ label: t('day.date'), cell: (x) => h('a', { href: '/admin/calendar?month=' + x.date.slice(0, 7) + '&date=' + x.date },
				x.date), class: 'nowrap' },
			{ label: t('calendar.kind'), cell: (x) => t(`calendar.kind.${x.kind}`) },
		], { caption: t('calendar.list'), empty: t('calendar.none'), testid: 'calendar' });
		list.add(items);

		const saved = ctx.query.get('saved');
		return page(t('calendar.title'),
			h('p', { class: 'lead' }, t('calendar.lead')),
			saved ? h('p', { class: 'notice', role: 'status' }, t('calendar.saved', { date: saved })) : null,
			h('section', { class: 'card', 'aria-labelledby': 'cal-month' }, nav,
				h('div', { class: 'cal-grid', 'data-testid': 'cal-grid' }, cells),
				h('p', { class: 'hint' }, t('calendar.legend'))),
			form,
			h('section', { class: 'card', 'aria-labelledby': 'cal-list' },
				h('h2', { id: 'cal-list' }, t('calendar.list')), list.el));
	},
};
