// pages/return-person.js — one person's return to school:
// /return/people/:id[?date=].
//
//   - the screening result for their return day (GET /api/people/:id/
//     screening): status, every reason in the reader's language, and the
//     holds lifted so far with the action that lifted them;
//   - the epidemic reporter lifts a hold by a recorded action (doctor's note,
//     negative test, quarantine completed: POST …/hold-lifts);
//   - what they declared, self-reports through the link marked as such
//     (GET …/declarations); the class teacher, the reporter and admin enter
//     or correct facts (POST …/declarations, DELETE /api/declarations/:id);
//   - a personal declaration link for them (POST /api/declare/links), to
//     hand to the student or guardian.
import { api } from '../api.js';
import { declarationForm, declarationTable } from '../declform.js';
import { h, labelled, mount } from '../dom.js';
import { fmtDateTime, t } from '../i18n.js';
import { LIFT_ACTIONS, RETURN_READERS, canWriteReturn, reasonList, statusBadge, yesNo, submitWith } from '../return.js';
import { alertLine, facts, page } from '../ui.js';

function liftForm(id, date, onDone) {
	const action = h('select', { name: 'action', required: true, 'data-testid': 'lift-action' },
		LIFT_ACTIONS.map((a) => h('option', { value: a }, t(`ret.lift.${a}`))));
	const note = h('input', { type: 'text', name: 'note', maxlength: '200', 'data-testid': 'lift-note' });
	const err = alertLine();
	const form = h('form', { class: 'card ret-form', 'aria-labelledby': 'lift-h', 'data-testid': 'lift-form' },
		h('h2', { id: 'lift-h' }, t('ret.lift.title')),
		h('p', { class: 'hint' }, t('ret.lift.lead')),
		labelled(t('ret.lift.action'), action).field,
		labelled(t('ret.lift.note'), note, t('ret.lift.note.hint')).field,
		err.el,
		h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'lift-submit' },
			t('ret.lift.submit'))));
	submitWith(form, err, async () => {
		await api('POST', `/api/people/${id}/hold-lifts`, { body: { action: action.value, note: note.value.trim(), return_date: date } });
		onDone();
	});
	return form;
}

function linkBox(id) {
	const out = h('div', { 'data-testid': 'link-out' });
	const err = alertLine();
	const minor = h('input', { type: 'checkbox', name: 'minor', checked: true });
	const btn = h('button', { type: 'button', class: 'btn', 'data-testid': 'link-make' }, t('ret.link.make'));
	btn.addEventListener('click', async () => {
		err.clear();
		try {
			const r = await api('POST', '/api/declare/links', { body: { person_ids: [Number(id)], minor: minor.checked } });
			const l = r.items[0];
			const url = location.origin + l.url;
			const field = h('input', { type: 'text', readonly: true, value: url, 'data-testid': 'link-url' });
			field.addEventListener('focus', () => field.select());
			mount(out, labelled(t('ret.link.url'), field, t('ret.link.until', { at: fmtDateTime(l.expires_at) })).field);
		} catch (x) {
			err.show(x);
		}
	});
	return h('section', { class: 'card', 'aria-labelledby': 'link-h' },
		h('h2', { id: 'link-h' }, t('ret.link.title')),
		h('p', { class: 'hint' }, t('ret.link.lead')),
		h('label', { class: 'check' }, minor, t('ret.link.minor')),
		h('div', { class: 'actions' }, btn), err.el, out);
}

export default {
	path: '/return/people/:id',
	title: 'ret.person.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const id = ctx.params.id;
		const given = ctx.query.get('date') || '';
		const [s, d] = await Promise.all([
			api('GET', `/api/people/${id}/screening`, { query: { date: given }, signal }),
			api('GET', `/api/people/${id}/declarations`, { signal }),
		]);
		const r = s.screening;
		const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });
		const writer = canWriteReturn(user);

		const lifts = r.lifts && r.lifts.length ? h('ul', { class: 'plain list', 'data-testid': 'lifts' }, r.lifts.map((l) =>
			h('li', null, t(`ret.lift.${l.action}`), ' · ', l.return_date, ' · ', l.lifted_by, ' · ', fmtDateTime(l.lifted_at),
				l.note ? ' · ' + l.note : ''))) : null;
		const result = h('section', { class: 'card', 'aria-labelledby': 'scr-h', 'data-testid': 'screening' },
			h('h2', { id: 'scr-h' }, t('ret.screening'), ' ', statusBadge(r.status, 'status')),
			facts([
				[t('ret.returnDate'), r.return_date],
				[t('ret.count.declared'), yesNo(r.declared)],
				[t('ret.reasons'), reasonList(r.reason_details, 'reasons')],
				[t('ret.lifts'), lifts],
			]));

		const delErr = alertLine();
		const table = declarationTable(d.items, { testid: 'declarations', onDelete: writer ? async (item) => {
			delErr.clear();
			try {
				await api('DELETE', '/api/declarations/' + item.id);
				reload();
			} catch (x) {
				delErr.show(x);
			}
		} : null });

		let entry = null;
		if (writer) {
			const form = declarationForm({ returnDate: r.return_date });
			const err = alertLine();
			entry = h('form', { class: 'card ret-form', 'aria-labelledby': 'entry-h', 'data-testid': 'entry' },
				h('h2', { id: 'entry-h' }, t('ret.entry.title')), h('p', { class: 'hint' }, t('ret.entry.lead')),
				form.el, err.el,
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary' }, t('ret.entry.submit'))));
			submitWith(entry, err, async () => {
				const items = form.items(entry);
				if (!items)
					return;
				await api('POST', `/api/people/${id}/declarations`, { body: { items } });
				reload();
			});
		}
		const selfMade = d.items.filter((x) => x.source === 'link').length;
		return page(t('ret.person.heading', { name: r.name, number: r.person }),
			h('p', null, h('a', { href: '/return/screening?date=' + r.return_date, class: 'back' }, t('ret.backScreening'))),
			h('p', { class: 'summary' }, r.class),
			result,
			r.status === 'hold' && user.role === 'reporter' ? liftForm(id, r.return_date, reload) : null,
			h('section', { 'aria-labelledby': 'decl-h2' },
				h('h2', { id: 'decl-h2' }, t('ret.declarations')),
				selfMade ? h('p', { class: 'hint' }, t('ret.selfReports', { n: selfMade })) : null,
				table, delErr.el),
			entry,
			writer ? linkBox(id) : null);
	},
};
