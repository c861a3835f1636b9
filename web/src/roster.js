// roster.js — the people list shared by the roster page (whole school) and
// the class teacher's page (one class): filters, search as you type, and
// keyset paging over GET /api/people (pass next_after back as after).
//
// rosterList(ctx, { classes, fixedClass }) → Node.
//   classes:    [{id, name, grade}] offered in the class filter (omit to hide it)
//   fixedClass: a class id always sent (the teacher's own class; the filter is hidden)
// The filters live in the URL (?class_id=&kind=&q=) so they survive a reload,
// the back button and a language switch.
import { api } from './api.js';
import { debounce, h, labelled } from './dom.js';
import { fmtNumber, t } from './i18n.js';
import { alertLine, dataTable, genderName, keyGroupName } from './ui.js';

const PAGE = 100;

export function rosterList(ctx, { classes, fixedClass } = {}) {
	const q0 = ctx.query;
	const state = {
		class_id: fixedClass || q0.get('class_id') || '',
		kind: fixedClass ? 'student' : q0.get('kind') || '',
		q: q0.get('q') || '',
		after: null,
		total: null,
		loading: null, // AbortController of the request in flight
	};

	const controls = [];
	let classSel = null;
	if (classes && !fixedClass) {
		const grades = new Map();
		for (const c of classes) {
			if (!grades.has(c.grade))
				grades.set(c.grade, []);
			grades.get(c.grade).push(c);
		}
		classSel = h('select', { name: 'class_id' },
			h('option', { value: '' }, t('roster.allClasses')),
			[...grades].map(([g, cs]) => h('optgroup', { label: g },
				cs.map((c) => h('option', { value: String(c.id), selected: String(c.id) === state.class_id },
					c.name)))));
		classSel.value = state.class_id;
		controls.push(labelled(t('common.class'), classSel).field);
	}
	let kindSel = null;
	if (!fixedClass) {
		kindSel = h('select', { name: 'kind' },
			h('option', { value: '' }, t('roster.allKinds')),
			h('option', { value: 'student' }, t('roster.kind.student')),
			h('option', { value: 'staff' }, t('roster.kind.staff')));
		kindSel.value = state.kind;
		controls.push(labelled(t('roster.kind'), kindSel).field);
	}
	const search = h('input', { type: 'search', name: 'q', value: state.q, autocomplete: 'off',
		'data-testid': 'search', enterkeyhint: 'search' });
	controls.push(labelled(t('roster.search'), search, t('roster.search.hint')).field);

	const summary = h('p', { class: 'summary', 'aria-live': 'polite', 'data-testid': 'summary' });
	const error = alertLine();
	const columns = [
		{ label: t('person.number'), cell: (p) => p.number },
		{ label: t('person.name'), cell: (p) => h('a', { href: '/people/' + p.id, 'data-testid': 'person-link' }, p.name) },
		{ label: t('person.gender'), cell: (p) => genderName(p.gender) },
	];
	if (!fixedClass)
		columns.push({ label: t('common.class'), cell: (p) => p.class || (p.kind === 'staff' ? p.position : '') });
	columns.push(
		{ label: t('person.dorm'), cell: (p) => p.dorm },
		{ label: t('person.guardianPhone'), cell: (p) => p.guardian_phone || p.phone,
		  class: 'nowrap' },
		{ label: t('person.keyGroups'), cell: (p) => p.key_groups.map(keyGroupName).join('、') });
	const table = dataTable(columns, { caption: t('roster.title'), empty: t('roster.none'), testid: 'people' });
	const more = h('button', { type: 'button', class: 'btn', hidden: true, 'data-testid': 'more' }, t('common.more'));

	async function load(reset) {
		if (state.loading)
			state.loading.abort();
		const ac = new AbortController();
		state.loading = ac;
		const signal = AbortSignal.any ? AbortSignal.any([ac.signal, ctx.signal]) : ac.signal;
		if (reset) {
			state.after = null;
			state.total = null;
		}
		error.clear();
		more.disabled = true;
		try {
			const j = await api('GET', '/api/people', {
				query: {
					class_id: state.class_id, kind: state.kind, q: state.q.trim(), after: state.after,
					limit: PAGE, total: reset ? 1 : undefined,
				},
				signal,
			});
			if (reset) {
				table.clear();
				state.total = j.total ?? null;
			}
			table.add(j.items);
			state.after = j.next_after;
			more.hidden = !state.after;
			summary.textContent = state.total !== null
				? t('roster.summary', { shown: fmtNumber(table.count), total: fmtNumber(state.total) })
				: '';
		} catch (e) {
			if (e.name !== 'AbortError')
				error.show(e);
		} finally {
			more.disabled = false;
			if (state.loading === ac)
				state.loading = null;
		}
	}

	function changed() {
		state.class_id = fixedClass || (classSel ? classSel.value : '');
		state.kind = fixedClass ? 'student' : kindSel.value;
		state.q = search.value;
		if (!fixedClass)
			ctx.setQuery({ class_id: state.class_id, kind: state.kind, q: state.q.trim() });
		else
			ctx.setQuery({ q: state.q.trim() });
		load(true);
	}
	if (classSel)
		classSel.addEventListener('change', changed);
	if (kindSel)
		kindSel.addEventListener('change', changed);
	search.addEventListener('input', debounce(changed, 250));
	more.addEventListener('click', () => load(false));
	const form = h('form', { class: 'filters', role: 'search', 'aria-label': t('roster.filters') }, controls);
	form.addEventListener('submit', (e) => {
		e.preventDefault();
		changed();
	});

	load(true);
	return h('div', { class: 'roster' }, form, summary, error.el, table.el, h('div', { class: 'pager' }, more));
}
