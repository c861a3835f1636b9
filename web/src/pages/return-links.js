// pages/return-links.js — 个人填报链接 for a whole class: the class teacher
// (or the reporter, admin, picking a class) makes a personal declaration
// link for every student (POST /api/declare/links {"class_id","minor"}) and
// gets the list to send out: one line per student, name and address of
// their page (/declare/TOKEN, no login, valid until the end of their return
// day).  Making them again replaces the older links, so the button asks
// twice.  The tokens are shown only here, once; the server keeps their hash.
import { api } from '../api.js';
import { h, labelled, mount } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { ownClass, returnTabs } from '../return.js';
import { alertLine, confirmButton, dataTable, page } from '../ui.js';

export default {
	path: '/return/links',
	title: 'ret.links.title',
	roles: ['admin', 'reporter', 'teacher'],

	async render(ctx) {
		const { signal, user } = ctx;
		const mine = ownClass(user);
		const classes = mine ? null : await api('GET', '/api/classes', { signal });
		const classSel = classes ? h('select', { name: 'class_id', required: true, 'data-testid': 'links-class' },
			h('option', { value: '' }, t('check.pickClass')),
			classes.items.map((c) => h('option', { value: String(c.id) }, c.name))) : null;
		const minor = h('input', { type: 'checkbox', name: 'minor', checked: true });
		const err = alertLine();
		const out = h('div', { 'data-testid': 'links-out' });
		const make = async () => {
			err.clear();
			const classId = mine || classSel.value;
			if (!classId) {
				err.show(t('check.pickClass'));
				return;
			}
			const r = await api('POST', '/api/declare/links', { body: { class_id: Number(classId), minor: minor.checked } });
			const url = (l) => location.origin + l.url;
			const table = dataTable([
				{ label: t('person.number'), cell: (l) => l.number },
				{ label: t('person.name'), cell: (l) => l.name },
				{ label: t('ret.link.url'), cell: (l) => h('input', { type: 'text', readonly: true, value: url(l),
					'aria-label': t('ret.links.for', { name: l.name }), onfocus: (e) => e.target.select() }) },
				{ label: t('ret.links.until'), cell: (l) => fmtDateTime(l.expires_at), class: 'nowrap' },
			], { caption: t('ret.links.title'), testid: 'links' });
			table.add(r.items);
			const all = h('textarea', { readonly: true, rows: '6', 'data-testid': 'links-all' },
				r.items.map((l) => `${l.name} ${url(l)}`).join('\n'));
			mount(out, h('p', { class: 'summary', role: 'status' }, t('ret.links.made', { n: fmtNumber(r.items.length) })),
				labelled(t('ret.links.all'), all, t('ret.links.all.hint')).field, table.el);
		};
		return page(t('ret.links.title'),
			returnTabs('/return/links', user),
			h('p', { class: 'lead' }, t('ret.links.lead')),
			h('form', { class: 'card ret-form', 'aria-label': t('ret.links.title'), onsubmit: (e) => e.preventDefault() },
				classSel ? labelled(t('common.class'), classSel).field : null,
				h('label', { class: 'check' }, minor, t('ret.link.minor')),
				h('div', { class: 'actions' }, confirmButton(t('ret.links.make'), t('ret.links.confirm'), make,
					{ onError: (e) => err.show(e), testid: 'links-make', primary: true })),
				err.el),
			out);
	},
};
