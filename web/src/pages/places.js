// pages/places.js — 场所: the school's places by kind, with capacity, and
// dorm occupancy (occupants of each room against its beds, and per dorm
// building).  Read by everyone who works with places; editing comes with
// the logistics pages.
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, fmtPercent, t } from '../i18n.js';
import { dataTable, kindName, page } from '../ui.js';

// The kinds of docs/API.md, in the order a school thinks of them.
export const KINDS = ['gate', 'classroom', 'lab', 'canteen', 'canteen_zone', 'dorm_building', 'dorm_room',
	'clinic', 'isolation_room', 'observation_room', 'playground', 'hall', 'office', 'other'];

// Occupants against beds, as a <meter> when the beds are known.
function occupancy(p) {
	if (p.occupants === undefined)
		return '';
	const cap = p.capacity || 0;
	if (!cap)
		return t('places.occupantsOnly', { n: fmtNumber(p.occupants) });
	return h('span', { class: 'occ' },
		h('meter', { min: 0, max: cap, value: p.occupants,
			     'aria-label': t('places.occupancy.aria', { n: p.occupants, cap }) }),
		h('span', null, fmtNumber(p.occupants) + ' / ' + fmtNumber(cap)));
}

export default {
	path: '/places',
	nav: 'nav.places',
	title: 'places.title',
	roles: ['admin', 'principal', 'reporter', 'teacher', 'logistics', 'district'],

	async render(ctx) {
		const kind = ctx.query.get('kind') || '';
		const all = (await api('GET', '/api/places', { signal: ctx.signal })).items;

		// Summary by kind: how many, total capacity, and for dorm rooms the occupants.
		const sums = new Map(KINDS.map((k) => [k, { kind: k, n: 0, capacity: 0, occupants: 0, rooms: false }]));
		for (const p of all) {
			if (!sums.has(p.kind))
				sums.set(p.kind, { kind: p.kind, n: 0, capacity: 0, occupants: 0, rooms: false });
			const s = sums.get(p.kind);
			s.n++;
			s.capacity += p.capacity || 0;
			if (p.occupants !== undefined) {
				s.occupants += p.occupants;
				s.rooms = true;
			}
		}
		const summary = dataTable([
			{ label: t('places.kind'), cell: (s) => h('a', { href: '/places?kind=' + s.kind }, kindName(s.kind)) },
			{ label: t('places.count'), cell: (s) => fmtNumber(s.n), class: 'num' },
			{ label: t('places.capacity'), cell: (s) => s.capacity ? fmtNumber(s.capacity) : '', class: 'num' },
			{ label: t('places.occupants'), cell: (s) => s.rooms
				? fmtNumber(s.occupants) + (s.capacity ? ' (' + fmtPercent(s.occupants / s.capacity) + ')' : '') : '',
			  class: 'num' },
		], { caption: t('places.byKind'), testid: 'place-kinds' });
		summary.add([...sums.values()].filter((s) => s.n > 0));

		// Dorm buildings: rooms, beds and occupants of the rooms under each.
		const buildings = new Map();
		for (const p of all) {
			if (p.kind !== 'dorm_room')
				continue;
			const key = p.parent || p.building || '';
			const b = buildings.get(key) || { name: key, rooms: 0, capacity: 0, occupants: 0 };
			b.rooms++;
			b.capacity += p.capacity || 0;
			b.occupants += p.occupants || 0;
			buildings.set(key, b);
		}
		let dorms = null;
		if (buildings.size) {
			const dt = dataTable([
				{ label: t('places.building'), cell: (b) => b.name },
				{ label: t('places.rooms'), cell: (b) => fmtNumber(b.rooms), class: 'num' },
				{ label: t('places.beds'), cell: (b) => fmtNumber(b.capacity), class: 'num' },
				{ label: t('places.occupants'), cell: (b) => occupancy(b) },
			], { caption: t('places.dorms'), testid: 'dorms' });
			dt.add([...buildings.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN')));
			dorms = h('section', { class: 'card', 'aria-labelledby': 'pl-dorms' },
				h('h2', { id: 'pl-dorms' }, t('places.dorms')), dt.el);
		}

		// The list, one kind or all.
		const kindSel = h('select', { name: 'kind' }, h('option', { value: '' }, t('places.allKinds')),
			KINDS.filter((k) => sums.get(k).n > 0).map((k) => h('option', { value: k }, kindName(k))));
		kindSel.value = kind;
		const columns = [
			{ label: t('places.name'), cell: (p) => p.name },
			{ label: t('places.kind'), cell: (p) => kindName(p.kind) },
			{ label: t('places.building'), cell: (p) => p.parent || p.building },
			{ label: t('places.floor'), cell: (p) => p.floor === null ? '' : String(p.floor), class: 'num' },
			{ label: t('places.capacity'), cell: (p) => p.capacity === null ? '' : fmtNumber(p.capacity), class: 'num' },
			{ label: t('places.area'), cell: (p) => p.area_m2 === null ? '' : fmtNumber(p.area_m2), class: 'num' },
			{ label: t('places.occupants'), cell: occupancy },
		];
		const count = h('p', { class: 'summary', 'aria-live': 'polite' });
		const listBox = h('div');
		function showList() {
			const shown = kindSel.value ? all.filter((p) => p.kind === kindSel.value) : all;
			const list = dataTable(columns, { caption: t('places.list'), empty: t('places.none'), testid: 'places' });
			list.add(shown);
			count.textContent = t('places.shown', { n: fmtNumber(shown.length) });
			listBox.replaceChildren(list.el);
		}
		kindSel.addEventListener('change', () => {
			ctx.setQuery({ kind: kindSel.value });
			showList();
		});
		showList();

		return page(t('places.title'),
			h('section', { class: 'card', 'aria-labelledby': 'pl-kinds' },
				h('h2', { id: 'pl-kinds' }, t('places.byKind')), summary.el),
			dorms,
			h('section', { class: 'card', 'aria-labelledby': 'pl-list' },
				h('h2', { id: 'pl-list' }, t('places.list')),
				h('form', { class: 'filters', 'aria-label': t('places.filter') }, labelled(t('places.kind'), kindSel).field),
				count, listBox));
	},
};
