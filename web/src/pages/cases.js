// pages/cases.js — 病例, the school's cases (GET /api/cases): open ones by
// default (not excluded, no outcome), or all (?show=all); each opens its
// page (pages/case.js) with isolation, tracing and the contacts under
// observation.  The reporter and admin record a case here (POST
// /api/cases): the person is looked up by name or number as one types.
// The contacts under medical observation (GET /api/followups), the
// isolation rooms' occupancy and the way to the transmission chains are on
// this page too.
import { api } from '../api.js';
import { DIAGNOSES, diagnosisName } from '../codes.js';
import { debounce, h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { alertLine, dataTable, page } from '../ui.js';
import { CASE_READERS, canManage, classificationBadge, CLASSIFICATIONS, classificationName, cstDateTime, cstInput,
	diseaseName, followupTable, isolationCard, outcomeName, reportBadge } from '../cases.js';

// The form that records a case; navigates to it once saved.
function recordForm(ctx) {
	const who = h('input', { type: 'text', name: 'person', required: true, autocomplete: 'off',
		list: 'case-people', 'data-testid': 'case-person' });
	const matches = h('datalist', { id: 'case-people' });
	let found = [];
	const lookup = debounce(async () => {
		const q = who.value.trim();
		if (q.length < 1)
			return;
		try {
			found = (await api('GET', '/api/people', { query: { q, limit: 8 }, signal: ctx.signal })).items;
		} catch {
			found = [];
		}
		matches.replaceChildren(...found.map((p) => h('option', { value: p.number }, p.name + ' · ' + (p.class || ''))));
	}, 200);
	who.addEventListener('input', lookup);
	const code = h('select', { name: 'code', required: true, 'data-testid': 'case-code' },
		DIAGNOSES.map((d) => h('option', { value: d }, diagnosisName(d))));
	const cls = h('select', { name: 'classification', 'data-testid': 'case-class' },
		CLASSIFICATIONS.slice(0, 3).map((c) => h('option', { value: c }, classificationName(c))));
	const onset = h('input', { type: 'datetime-local', name: 'onset', value: cstInput(Date.now() / 1000 - 86400),
		'data-testid': 'case-onset' });
	const note = h('input', { type: 'text', name: 'note', maxlength: 200 });
	const err = alertLine();
	const form = h('form', { class: 'card filters', 'aria-labelledby': 'rec-h', 'data-testid': 'record-case' },
		h('h2', { id: 'rec-h', class: 'span-all' }, t('cases.record')),
		labelled(t('cases.person'), who, t('cases.personHint')).field, matches,
		labelled(t('cases.disease'), code).field,
		labelled(t('cases.classification'), cls).field,
		labelled(t('cases.onset'), onset, t('cases.cst')).field,
		labelled(t('cases.note'), note).field,
		h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'case-save' }, t('cases.save')),
		h('div', { class: 'span-all' }, err.el));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		const v = who.value.trim();
		if (!v) {
			err.show(t('cases.needPerson'));
			who.focus();
			return;
		}
		// A number as typed, or the one person whose name it is.
		const byName = found.filter((p) => p.name === v);
		const body = { code: code.value, classification: cls.value, note: note.value };
		if (!found.some((p) => p.number === v) && byName.length === 1)
			body.person_id = byName[0].id;
		else
			body.number = v;
		if (onset.value)
			body.onset = onset.value;
		try {
			const r = await api('POST', '/api/cases', { body });
			ctx.navigate('/cases/' + r.case.id);
		} catch (x) {
			err.show(x);
		}
	});
	return form;
}

export default {
	path: '/cases',
	nav: 'nav.cases',
	title: 'cases.title',
	roles: CASE_READERS,

	async render(ctx) {
		const show = ctx.query.get('show') === 'all' ? 'all' : 'open';
		const [{ items }, fu] = await Promise.all([
			api('GET', '/api/cases', { query: { open: show === 'open' ? 1 : '' }, signal: ctx.signal }),
			api('GET', '/api/followups', { query: { status: 'monitoring' }, signal: ctx.signal })]);
		const sel = h('select', { name: 'show' }, ['open', 'all'].map((s) => h('option', { value: s }, t(`cases.show.${s}`))));
		sel.value = show;
		sel.addEventListener('change', () => ctx.navigate('/cases?show=' + sel.value, { replace: true }));
		const table = dataTable([
			{ label: t('person.name'), cell: (c) => h('a', { href: '/cases/' + c.id, 'data-testid': 'case-link' }, c.name) },
			{ label: t('person.number'), cell: (c) => c.number },
			{ label: t('common.class'), cell: (c) => c.class },
			{ label: t('cases.disease'), cell: diseaseName },
			{ label: t('cases.classification'), cell: classificationBadge },
			{ label: t('cases.onset'), cell: (c) => cstDateTime(c.onset), class: 'nowrap' },
			{ label: t('cases.report'), cell: reportBadge },
			{ label: t('cases.isolation'), cell: (c) => (c.isolation ? c.isolation.place : '') },
			{ label: t('cases.outcome'), cell: (c) => outcomeName(c.outcome) },
		], { caption: t('cases.title'), empty: t(show === 'open' ? 'cases.noneOpen' : 'cases.none'), testid: 'cases' });
		table.add(items);
		return page(t('cases.title'),
			h('p', { class: 'lead' }, t('cases.lead')),
			h('p', { class: 'actions' }, h('a', { href: '/cases/chains', class: 'btn', 'data-testid': 'chains-link' },
				t('chains.title'))),
			canManage(ctx.user) ? recordForm(ctx) : null,
			h('form', { class: 'filters', 'aria-label': t('cases.filter') }, labelled(t('cases.showLabel'), sel).field),
			table.el,
			h('section', { class: 'card', 'aria-labelledby': 'cs-fu', 'data-testid': 'school-followups' },
				h('h2', { id: 'cs-fu' }, t('fu.titleN', { n: fmtNumber(fu.items.length) })),
				followupTable(fu.items, { caseLink: true, check: canManage(ctx.user),
					personHref: (f) => '/people/' + f.person_id + '/timeline' }).el),
			isolationCard(ctx));
	},
};
