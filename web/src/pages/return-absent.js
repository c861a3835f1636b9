// pages/return-absent.js — 暂不能返校的学生及其个性化教学辅导:
// /return/absent[?all=1].  The students who cannot return (illness,
// quarantine, travel, family, other), when they are expected, and their
// tutoring: the plan (tutor, what, how many sessions) and the sessions given
// (GET|PUT /api/return/not-returned/:id/plan, POST …/sessions).  The class
// teacher, the reporter and admin record a student (POST
// /api/return/not-returned; recording again updates the open record) and
// their return (PUT …/:id {"returned_date"}); the others read.
import { api } from '../api.js';
import { todayCST } from '../codes.js';
import { h, labelled, mount } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { NOT_RETURNED_REASONS, RETURN_READERS, canWriteReturn, ownClass, reasonName, returnTabs, submitWith } from '../return.js';
import { alertLine, dataTable, facts, page } from '../ui.js';

function reasonSelect() {
	return h('select', { name: 'reason', required: true, 'data-testid': 'absent-reason' },
		NOT_RETURNED_REASONS.map((r) => h('option', { value: r }, reasonName(r))));
}

// Tutoring of one record, loaded when its <details> opens.
async function tutoring(a, writer, box) {
	const j = await api('GET', `/api/return/not-returned/${a.id}/plan`).catch((e) => {
		if (e.status === 404)
			return null;
		throw e;
	});
	const p = j && j.plan;
	const again = () => tutoring(a, writer, box);
	const parts = [];
	if (p) {
		parts.push(facts([
			[t('ret.tutor'), p.tutor],
			[t('ret.plan'), p.plan],
			[t('ret.sessions'), t('ret.sessions.n', { done: fmtNumber(p.sessions_done), planned: fmtNumber(p.sessions_planned) })],
		], 'tutoring-plan'));
		const st = dataTable([
			{ label: t('day.date'), cell: (s) => s.date },
			{ label: t('ret.minutes'), cell: (s) => fmtNumber(s.minutes), class: 'num' },
			{ label: t('ret.topic'), cell: (s) => s.topic },
			{ label: t('ret.sessionProgress'), cell: (s) => s.progress },
		], { caption: t('ret.sessions'), empty: t('ret.sessions.none'), testid: 'sessions' });
		st.add(p.sessions);
		parts.push(st.el);
	} else {
		parts.push(h('p', { class: 'empty' }, t('ret.plan.none')));
	}
	if (writer) {
		const err = alertLine();
		const tutor = h('input', { type: 'text', name: 'tutor_no', required: !p, autocomplete: 'off', 'data-testid': 'tutor-no' });
		const text = h('textarea', { name: 'plan', rows: '2', maxlength: '500', 'data-testid': 'plan-text' }, p ? p.plan : '');
		const count = h('input', { type: 'number', name: 'sessions_planned', min: '0', max: '500', inputmode: 'numeric',
			value: p ? String(p.sessions_planned) : '', 'data-testid': 'plan-sessions' });
		const pf = h('form', { class: 'ret-form' }, h('h4', null, p ? t('ret.plan.edit') : t('ret.plan.new')),
			labelled(t('ret.tutorNo'), tutor, p ? t('ret.tutorNo.keep') : null).field,
			labelled(t('ret.plan'), text).field, labelled(t('ret.sessions.planned'), count).field, err.el,
			h('button', { type: 'submit', class: 'btn', 'data-testid': 'plan-save' }, t('common.save')));
		submitWith(pf, err, async () => {
			const body = { plan: text.value.trim(), sessions_planned: Number(count.value || 0) };
			if (tutor.value.trim())
				body.tutor_no = tutor.value.trim();
			else if (p)
				body.tutor = p.tutor; // the same tutor as before
			await api('PUT', `/api/return/not-returned/${a.id}/plan`, { body });
			again();
		});
		parts.push(pf);
		if (p) {
			const serr = alertLine();
			const date = h('input', { type: 'date', name: 'date', required: true, value: todayCST(), max: todayCST() });
			const minutes = h('input', { type: 'number', name: 'minutes', required: true, min: '1', max: '600', inputmode: 'numeric',
				value: '45' });
			const topic = h('input', { type: 'text', name: 'topic', maxlength: '200', required: true, 'data-testid': 'session-topic' });
			const progress = h('input', { type: 'text', name: 'progress', maxlength: '200' });
			const sf = h('form', { class: 'ret-form' }, h('h4', null, t('ret.session.add')),
				labelled(t('day.date'), date).field, labelled(t('ret.minutes'), minutes).field,
				labelled(t('ret.topic'), topic).field, labelled(t('ret.sessionProgress'), progress).field, serr.el,
				h('button', { type: 'submit', class: 'btn', 'data-testid': 'session-add' }, t('ret.session.add')));
			submitWith(sf, serr, async () => {
				await api('POST', `/api/return/not-returned/${a.id}/sessions`, { body: { date: date.value,
					minutes: Number(minutes.value), topic: topic.value.trim(), progress: progress.value.trim() } });
				again();
			});
			parts.push(sf);
		}
	}
	mount(box, parts);
}

function absenceCard(a, writer, reload) {
	const box = h('div', { class: 'ret-tutoring' }, h('p', { class: 'loading' }, t('common.loading')));
	const details = h('details', { 'data-testid': 'tutoring' }, h('summary', null, a.tutoring
		? t('ret.tutoring.sum', { tutor: a.tutoring.tutor, done: fmtNumber(a.tutoring.sessions_done),
			planned: fmtNumber(a.tutoring.sessions_planned) })
		: t('ret.tutoring.none')), box);
	let loaded = false;
	details.addEventListener('toggle', () => {
		if (details.open && !loaded) {
			loaded = true;
			tutoring(a, writer, box).catch((e) => mount(box, h('p', { class: 'error' }, String(e.message))));
		}
	});
	let back = null;
	if (writer && !a.returned_date) {
		const err = alertLine();
		const date = h('input', { type: 'date', name: 'returned_date', required: true, value: todayCST() });
		back = h('form', { class: 'ret-inline' }, labelled(t('ret.returnedOn'), date).field,
			h('button', { type: 'submit', class: 'btn' }, t('ret.markReturned')), err.el);
		submitWith(back, err, async () => {
			await api('PUT', '/api/return/not-returned/' + a.id, { body: { returned_date: date.value } });
			reload();
		});
	}
	return h('li', { class: 'card ret-absence', 'data-testid': 'absent-item' },
		h('h3', null, h('a', { href: '/return/people/' + a.person_id }, a.name), ' ', h('span', { class: 'muted' }, a.number + ' · ' + a.class)),
		facts([
			[t('ret.reason'), reasonName(a.reason)],
			[t('ret.detail'), a.detail],
			[t('ret.expectedDate'), a.expected_date],
			[t('ret.returnedOn'), a.returned_date],
		]),
		back, details);
}

export default {
	path: '/return/absent',
	title: 'ret.absent.title',
	roles: RETURN_READERS,

	async render(ctx) {
		const { signal, user } = ctx;
		const all = ctx.query.get('all') === '1';
		const mine = ownClass(user);
		const writer = canWriteReturn(user);
		const j = await api('GET', '/api/return/not-returned', { query: { class_id: mine, open: all ? '' : 1 }, signal });
		const reload = () => ctx.navigate(location.pathname + location.search, { replace: true });

		let form = null;
		if (writer) {
			const err = alertLine();
			const number = h('input', { type: 'text', name: 'number', required: true, autocomplete: 'off', 'data-testid': 'absent-number' });
			const reason = reasonSelect();
			const detail = h('input', { type: 'text', name: 'detail', maxlength: '200', 'data-testid': 'absent-detail' });
			const expected = h('input', { type: 'date', name: 'expected_date', 'data-testid': 'absent-expected' });
			form = h('form', { class: 'card ret-form', 'aria-labelledby': 'abs-new' },
				h('h2', { id: 'abs-new' }, t('ret.absent.new')),
				h('div', { class: 'filters' }, labelled(t('person.number'), number).field, labelled(t('ret.reason'), reason).field,
					labelled(t('ret.detail'), detail).field, labelled(t('ret.expectedDate'), expected).field),
				err.el,
				h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'absent-save' },
					t('ret.absent.save'))));
			submitWith(form, err, async () => {
				await api('POST', '/api/return/not-returned', { body: { number: number.value.trim(), reason: reason.value,
					detail: detail.value.trim(), expected_date: expected.value } });
				reload();
			});
		}
		const toggle = h('a', { href: '/return/absent' + (all ? '' : '?all=1') }, all ? t('ret.absent.openOnly') : t('ret.absent.all'));
		return page(t('ret.absent.title'),
			returnTabs('/return/absent', user),
			h('p', { class: 'lead' }, t('ret.absent.lead')),
			form,
			h('p', { class: 'summary', 'data-testid': 'summary' }, t(all ? 'ret.absent.summaryAll' : 'ret.absent.summary',
				{ n: fmtNumber(j.items.length) }), ' ', toggle),
			j.items.length ? h('ul', { class: 'plain ret-list' }, j.items.map((a) => absenceCard(a, writer, reload)))
				: h('p', { class: 'empty' }, t('ret.absent.none')));
	},
};
