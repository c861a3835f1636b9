// pages/audit.js — 审计日志 (admin only): who read or changed what, when
// and from where, newest first; filter by person; page back in time with
// "earlier" (GET /api/audit?before=last id).  The log is append-only: there
// is nothing to edit here.
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { fmtDateTime, has, t } from '../i18n.js';
import { alertLine, dataTable, page, roleName } from '../ui.js';

const PAGE = 100;

function word(prefix, code) {
	return has(prefix + code) ? t(prefix + code) : code;
}

export default {
	path: '/audit',
	nav: 'nav.audit',
	title: 'audit.title',
	roles: ['admin'],

	async render(ctx) {
		const personId = ctx.query.get('person_id') || '';
		const state = { before: null };
		const error = alertLine();
		const table = dataTable([
			{ label: t('audit.at'), cell: (a) => fmtDateTime(a.at), class: 'nowrap' },
			{ label: t('audit.user'), cell: (a) => a.username + (a.role ? ' · ' + roleName(a.role) : '') },
			{ label: t('audit.action'), cell: (a) => word('audit.action.', a.action) },
			{ label: t('audit.entity'), cell: (a) => word('audit.entity.', a.entity) + (a.entity_id ? ' #' + a.entity_id : '') },
			{ label: t('audit.person'), cell: (a) => a.person_id ? h('a', { href: '/people/' + a.person_id }, '#' + a.person_id) : '' },
			{ label: t('audit.detail'), cell: (a) => a.detail },
			{ label: t('audit.ip'), cell: (a) => a.ip },
		], { caption: t('audit.title'), empty: t('audit.none'), testid: 'audit' });
		const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('audit.earlier'));

		async function load() {
			error.clear();
			more.disabled = true;
			try {
				const j = await api('GET', '/api/audit', {
					query: { person_id: personId, before: state.before, limit: PAGE }, signal: ctx.signal });
				table.add(j.items);
				const last = j.items[j.items.length - 1];
				state.before = last ? last.id : null;
				more.hidden = j.items.length < PAGE;
			} catch (e) {
				if (e.name === 'AbortError')
					throw e;
				error.show(e);
			} finally {
				more.disabled = false;
			}
		}
		more.addEventListener('click', () => load().catch(() => {}));

		const person = h('input', { type: 'number', name: 'person_id', min: 1, inputmode: 'numeric', value: personId });
		const form = h('form', { class: 'filters', 'aria-label': t('audit.filter') },
			labelled(t('audit.personId'), person).field,
			h('button', { type: 'submit', class: 'btn' }, t('common.filter')));
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			ctx.navigate('/audit' + (person.value ? '?person_id=' + encodeURIComponent(person.value) : ''));
		});

		await load();
		return page(t('audit.title'), h('p', { class: 'lead' }, t('audit.lead')), form, error.el, table.el,
			h('div', { class: 'pager' }, more));
	},
};
