// pages/declare.js — the personal declaration page (返校前健康申报), reached
// by the link a class teacher hands out: /declare/TOKEN.  No account, no
// login: the token is the key (GET and POST /api/declare/TOKEN), valid until
// the end of the person's return day.  The page shows only what the token's
// API answers — that one person's name, class, return day and their own
// declarations — and no navigation, so nothing else of the school can be
// reached from it.  For a minor the guardian fills it in, with their name
// and consent (the server records the consent).  Phone first: one column,
// big targets, every input labelled.
import { ApiError, api } from '../api.js';
import { declarationForm, declarationTable } from '../declform.js';
import { h, labelled, mount } from '../dom.js';
import { fmtDateTime, t } from '../i18n.js';
import { alertLine, errorText, facts, page } from '../ui.js';

export default {
	path: '/declare/:token',
	public: true,
	title: 'decl.title',
	roles: [],

	async render(ctx) {
		const { signal } = ctx;
		const url = '/api/declare/' + encodeURIComponent(ctx.params.token);
		let d;
		try {
			d = await api('GET', url, { signal });
		} catch (e) {
			if (e instanceof ApiError && (e.status === 401 || e.status === 404))
				return page(t('decl.title'), h('p', { class: 'notice', 'data-testid': 'decl-invalid' }, t('decl.invalid')));
			throw e;
		}
		const listBox = h('div', { 'data-testid': 'decl-mine' });
		const showMine = (items) => mount(listBox, declarationTable(items, { testid: 'decl-items' }));
		showMine(d.items);

		// ---- who fills it in
		const guardian = d.minor;
		const gName = h('input', { type: 'text', name: 'guardian_name', required: true, maxlength: '40', autocomplete: 'name',
			value: d.consent.guardian_name || '', 'data-testid': 'guardian-name' });
		const relation = h('input', { type: 'text', name: 'relation', maxlength: '20', placeholder: t('decl.relation.example'),
			'data-testid': 'guardian-relation' });
		const consent = h('input', { type: 'checkbox', name: 'consent', required: true, 'data-testid': 'consent',
			checked: !!d.consent.recorded });
		const who = guardian ? h('fieldset', { class: 'decl-part' }, h('legend', null, t('decl.guardian')),
			h('p', { class: 'hint' }, t('decl.guardian.lead')),
			labelled(t('decl.guardian.name'), gName).field,
			labelled(t('decl.guardian.relation'), relation).field,
			h('label', { class: 'check' }, consent, t('decl.consent'))) : null;

		const form = declarationForm({ returnDate: d.return_date });
		const err = alertLine();
		const done = h('p', { class: 'notice', role: 'status', 'data-testid': 'decl-done', hidden: true });
		const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-big', 'data-testid': 'decl-submit' },
			t('decl.submit'));
		const el = h('form', { class: 'decl', novalidate: false, 'aria-labelledby': 'decl-h' }, who, form.el, err.el,
			h('div', { class: 'actions' }, submit), done);
		el.addEventListener('submit', async (e) => {
			e.preventDefault();
			err.clear();
			done.hidden = true;
			const items = form.items(el);
			if (!items)
				return;
			const body = { reporter: guardian ? 'guardian' : 'self', items };
			if (guardian)
				Object.assign(body, { guardian_name: gName.value.trim(), relation: relation.value.trim(), consent: consent.checked });
			submit.disabled = true;
			try {
				const r = await api('POST', url, { body });
				showMine(r.items);
				done.textContent = t('decl.done', { n: items.length });
				done.hidden = false;
				done.focus();
			} catch (x) {
				err.show(x instanceof ApiError && x.status === 401 ? t('decl.invalid') : errorText(x));
			} finally {
				submit.disabled = false;
			}
		});
		done.setAttribute('tabindex', '-1');

		return page(t('decl.heading'),
			h('p', { class: 'lead' }, t('decl.lead')),
			facts([
				[t('person.name'), d.person.name],
				[t('common.class'), d.person.class],
				[t('decl.returnDate'), d.return_date || t('decl.returnDate.none')],
				[t('decl.expires'), fmtDateTime(d.expires_at)],
			], 'decl-person'),
			h('h2', { id: 'decl-h' }, t('decl.new')),
			el,
			h('h2', null, t('decl.mine')),
			listBox);
	},
};
