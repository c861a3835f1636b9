// pages/stagger.js — 错峰安排: staggered meal (or any) times.  Pick a place
// (a canteen with its zones) and the time slots; POST /api/stagger answers
// the schedule that keeps classes apart (each class's slot and zone, how
// many other classes it meets, whether seats are short).  Logistics and
// admin may save it (save:true), which makes it the classes' timetable at
// that place, so tracing sees it.  Saved schedules: GET /api/stagger/plans.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { formCard, input, numberOf } from '../forms.js';
import { dataTable, page } from '../ui.js';

const WRITERS = ['admin', 'logistics'];

export default {
	path: '/ops/stagger',
	nav: 'nav.stagger',
	title: 'stagger.title',
	roles: ['admin', 'principal', 'reporter', 'logistics'],

	async render(ctx) {
		const [{ items: saved }, { items: places }] = await Promise.all([
			api('GET', '/api/stagger/plans', { signal: ctx.signal }),
			api('GET', '/api/places', { signal: ctx.signal }),
		]);
		const write = WRITERS.includes(ctx.user.role);
		const canteens = places.filter((p) => p.kind === 'canteen' || p.kind === 'hall' || p.kind === 'playground');
		const result = h('div', { 'aria-live': 'polite', 'data-testid': 'stagger-result' });
		const place = input('place', { required: true, list: 'stagger-places', value: canteens[0] ? canteens[0].name : '',
			'data-testid': 'stagger-place' });
		const slots = input('slots', { required: true, value: '11:30-11:55,11:55-12:20,12:20-12:45', 'data-testid': 'stagger-slots' });
		const m2 = h('input', { type: 'number', name: 'm2_per_person', min: 0, step: '0.1', inputmode: 'decimal' });
		const save = h('input', { type: 'checkbox', name: 'save' });
		const form = formCard(t('stagger.run'), [
			[t('ops.place'), place],
			[t('stagger.slots'), slots, t('stagger.slots.hint')],
			[t('stagger.m2'), m2, t('stagger.m2.hint')],
		], async () => {
			const body = { place: place.value.trim(), slots: slots.value.trim(), save: write && save.checked };
			if (numberOf(m2) !== undefined)
				body.m2_per_person = numberOf(m2);
			result.replaceChildren(h('p', { class: 'loading' }, t('common.loading')));
			try {
				show(await api('POST', '/api/stagger', { body }));
			} catch (e) {
				result.replaceChildren();
				throw e;
			}
		}, { submit: t('stagger.run'), testid: 'stagger-form', extra: [
			h('datalist', { id: 'stagger-places' }, places.map((p) => h('option', { value: p.name }))),
			write ? h('label', { class: 'check' }, save, ' ', t('stagger.save')) : null,
		] });

		function show(j) {
			const s = j.summary || {};
			const table = dataTable([
				{ label: t('common.class'), cell: (a) => a.class },
				{ label: t('stagger.slot'), cell: (a) => a.slot },
				{ label: t('stagger.zone'), cell: (a) => a.zone },
			], { caption: t('stagger.assignments'), testid: 'stagger-assignments' });
			table.add(j.assignments || []);
			result.replaceChildren(
				j.feasible ? h('p', { class: 'notice', role: 'status' }, t('stagger.ok', {
					classes: fmtNumber(s.classes || 0), people: fmtNumber(s.people || 0), meets: fmtNumber(s.meets_total || 0),
					max: fmtNumber(s.meets_max || 0) }), j.saved ? ' ' + t('stagger.saved') : '')
					: h('p', { class: 'error', role: 'alert' }, j.short || t('stagger.infeasible')),
				table.el);
		}

		const st = dataTable([
			{ label: '#', cell: (p) => String(p.id) },
			{ label: t('ops.place'), cell: (p) => p.place },
			{ label: t('stagger.slots'), cell: (p) => p.slots },
			{ label: t('stagger.classes'), cell: (p) => fmtNumber(p.classes), class: 'num' },
			{ label: t('stagger.meets'), cell: (p) => fmtNumber(p.meets_total) + ' / ' + fmtNumber(p.meets_max), class: 'num' },
			{ label: t('audit.at'), cell: (p) => fmtDateTime(p.created_at) },
		], { caption: t('stagger.savedList'), empty: t('stagger.none'), testid: 'stagger-plans' });
		st.add(saved);
		return page(t('stagger.title'), h('p', { class: 'lead' }, t('stagger.lead')), form, result,
			h('h2', null, t('stagger.savedList')), st.el);
	},
};
