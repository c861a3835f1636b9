// pages/return-screening.js — 返校筛查: the screening results for a return
// day (?date=&status=&class_id=), each with its reasons in the reader's
// language; a name opens the person's return page (declarations, lifting a
// hold).  Admin and the epidemic reporter screen everyone due that day
// again (POST /api/return/screening).  Below, the self-reports through
// personal links that look machine-made (GET /api/declarations/flags) for
// the class teacher to check.
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { RETURN_READERS, ownClass, reasonList, returnTabs, statusBadge, yesNo } from '../return.js';
import { alertLine, dataTable, page, segmented } from '../ui.js';
import { returnDate } from './return.js';

const STATUSES = ['', 'hold', 'monitor', 'cleared'];

export default {
	path: '/return/screening',
	title: 'ret.screening.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const date = returnDate(ctx);
		const status = STATUSES.includes(ctx.query.get('status')) ? ctx.query.get('status') : '';
		const mine = ownClass(user);
		const classId = mine || ctx.query.get('class_id') || '';
		const [j, classes, flags] = await Promise.all([
			api('GET', '/api/return/screening', { query: { date, status, class_id: classId }, signal }),
			mine ? null : api('GET', '/api/classes', { signal }),
			api('GET', '/api/declarations/flags', { query: { class_id: classId }, signal }),
		]);
		const go = (next) => {
			const q = new URLSearchParams(location.search);
			for (const [k, v] of Object.entries(next))
				if (v)
					q.set(k, v);
				else
					q.delete(k);
			ctx.navigate('/return/screening?' + q.toString(), { replace: true });
		};
		const dateIn = h('input', { type: 'date', name: 'date', value: date, required: true, 'data-testid': 'date',
			onchange: (e) => e.target.value && go({ date: e.target.value }) });
		const classSel = classes ? h('select', { name: 'class_id', 'data-testid': 'class',
			onchange: (e) => go({ class_id: e.target.value }) },
		h('option', { value: '' }, t('roster.allClasses')),
		classes.items.map((c) => h('option', { value: String(c.id), selected: String(c.id) === classId }, c.name))) : null;
		const filters = h('form', { class: 'filters', 'aria-label': t('ret.filters') },
			labelled(t('day.date'), dateIn).field,
			classSel ? labelled(t('common.class'), classSel).field : null,
			segmented(t('ret.screening'), 'status', STATUSES.map((s) => ({ value: s, label: s ? t(`ret.status.${s}`) : t('ret.all') })),
				status, (s) => go({ status: s }), 'status-filter'));
		filters.addEventListener('submit', (e) => e.preventDefault());

		let run = null;
		if (user.role === 'admin' || user.role === 'reporter') {
			const err = alertLine();
			const out = h('p', { role: 'status', 'data-testid': 'run-result' });
			const btn = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'run' }, t('ret.run', { date }));
			btn.addEventListener('click', async () => {
				err.clear();
				btn.disabled = true;
				try {
					const r = await api('POST', '/api/return/screening', { body: { date } });
					out.textContent = t('ret.run.done', { people: fmtNumber(r.people), cleared: fmtNumber(r.cleared),
						monitor: fmtNumber(r.monitor), hold: fmtNumber(r.hold) });
					setTimeout(() => go({}), 600);
				} catch (x) {
					err.show(x);
				} finally {
					btn.disabled = false;
				}
			});
			run = h('div', { class: 'actions' }, btn, out, err.el);
		}

		const table = dataTable([
			{ label: t('person.number'), cell: (p) => p.person },
			{ label: t('person.name'), cell: (p) => h('a', { href: '/return/people/' + p.person_id + '?date=' + p.return_date }, p.name), class: 'nowrap' },
			{ label: t('common.class'), cell: (p) => p.class },
			{ label: t('ret.screening'), cell: (p) => statusBadge(p.status) },
			{ label: t('ret.reasons'), cell: (p) => reasonList(p.reason_details) },
			{ label: t('ret.count.declared'), cell: (p) => yesNo(p.declared) },
		], { caption: t('ret.screening.title'), empty: t('ret.screening.none'), testid: 'screening-list' });
		table.add(j.items);

		const flagTable = dataTable([
			{ label: t('person.name'), cell: (f) => h('a', { href: '/return/people/' + f.person_id }, f.name) },
			{ label: t('common.class'), cell: (f) => f.class },
			{ label: t('ret.flags.days'), cell: (f) => t('ret.flags.span', { days: f.days, from: f.from, to: f.to, at: f.submitted_around }) },
		], { caption: t('ret.flags.title'), empty: t('ret.flags.none'), testid: 'flags' });
		flagTable.add(flags.items);

		return page(t('ret.screening.title'),
			returnTabs('/return/screening', user),
			filters,
			run,
			h('p', { class: 'summary', 'data-testid': 'summary' }, t('ret.screening.summary', { date, n: fmtNumber(j.items.length) })),
			table.el,
			h('section', { class: 'card', 'aria-labelledby': 'flags-h' },
				h('h2', { id: 'flags-h' }, t('ret.flags.title')),
				h('p', { class: 'hint' }, t('ret.flags.lead')),
				flagTable.el));
	},
};
