// pages/case.js — one case (GET /api/cases/{id}): who, what, since when,
// the 24-hour report, isolation and its handover, the source case; for the
// reporter and admin the changes (reported, classification, outcome,
// isolation, handover) and tracing: run a trace over the infectious window
// (POST /api/cases/{id}/trace, the disease's defaults filled in), see the
// contacts by hop, choose them and put them under medical observation
// (POST /api/cases/{id}/followups).  The contacts already under
// observation are listed with their checks; one that falls ill becomes a
// case linked to this one (POST /api/followups/{id}/case), which is how a
// transmission chain grows (pages/chains.js); the source of a case can also
// be the trace's suggestion (GET …/source-suggestion) or the doctor's
// choice (PUT …/source).  Every read is audited by the
// server.
import { api } from '../api.js';
import { h, labelled, uid } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { alertLine, badge, dataTable, facts, page } from '../ui.js';
import { CASE_READERS, canManage, classificationBadge, CLASSIFICATIONS, classificationName, cstDateTime, cstInput,
	diseaseName, followupTable, fmtDuration, OUTCOMES, outcomeName, reportBadge } from '../cases.js';

const PAGE = 100; // contacts shown per hop before "more"

function reload(ctx) {
	ctx.navigate(location.pathname + location.search, { replace: true });
}

// A small form: label + control + button, one PATCH or POST.
function inlineForm(label, control, button, action, err, testid) {
	const form = h('form', { class: 'inline-form', 'data-testid': testid }, labelled(label, control).field,
		h('button', { type: 'submit', class: 'btn' }, button));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		try {
			await action();
		} catch (x) {
			err.show(x);
		}
	});
	return form;
}

function changes(ctx, c, err) {
	const patch = (body) => api('PATCH', '/api/cases/' + c.id, { body }).then(() => reload(ctx));
	const out = [];
	if (!c.reported_at) {
		const b = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'mark-reported' }, t('case.markReported'));
		b.addEventListener('click', () => patch({ reported: true }).catch((x) => err.show(x)));
		out.push(b);
	}
	const cls = h('select', { name: 'classification' }, CLASSIFICATIONS.map((x) => h('option', { value: x }, classificationName(x))));
	cls.value = c.classification;
	out.push(inlineForm(t('cases.classification'), cls, t('common.save'), () => patch({ classification: cls.value }), err));
	const outcome = h('select', { name: 'outcome' }, h('option', { value: '' }, t('case.outcome.none')),
		OUTCOMES.map((x) => h('option', { value: x }, outcomeName(x))));
	outcome.value = c.outcome || '';
	out.push(inlineForm(t('cases.outcome'), outcome, t('common.save'), () => patch({ outcome: outcome.value }), err));
	return h('div', { class: 'actions' }, out);
}

// Isolation: a room for a case not yet in one; the handover for one in a room.
async function isolation(ctx, c, err) {
	if (c.isolation) {
		const to = h('select', { name: 'to' }, ['parent', 'hospital', 'released'].map((x) =>
			h('option', { value: x }, t(`iso.to.${x}`))));
		const name = h('input', { type: 'text', name: 'name', autocomplete: 'off' });
		const phone = h('input', { type: 'tel', name: 'phone', autocomplete: 'off' });
		const note = h('input', { type: 'text', name: 'note' });
		const form = h('form', { class: 'filters', 'aria-label': t('iso.handover'), 'data-testid': 'handover' },
			labelled(t('iso.handoverTo'), to).field, labelled(t('iso.handoverName'), name).field,
			labelled(t('iso.handoverPhone'), phone).field, labelled(t('iso.handoverNote'), note).field,
			h('button', { type: 'submit', class: 'btn' }, t('iso.handover')));
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			err.clear();
			try {
				await api('POST', '/api/isolation/' + c.isolation.stay_id + '/handover',
					{ body: { to: to.value, name: name.value, phone: phone.value, note: note.value } });
				reload(ctx);
			} catch (x) {
				err.show(x);
			}
		});
		return form;
	}
	if (c.outcome || c.classification === 'excluded')
		return null;
	const { items: rooms } = await api('GET', '/api/isolation/rooms', { signal: ctx.signal });
	const room = h('select', { name: 'place_id', 'data-testid': 'iso-room' }, rooms.map((r) =>
		h('option', { value: r.id, disabled: r.full },
			r.name + ' (' + (r.capacity === null ? fmtNumber(r.occupied) : t('iso.of', { n: fmtNumber(r.occupied), cap: fmtNumber(r.capacity) })) + ')')));
	return inlineForm(t('iso.room'), room, t('iso.start'), async () => {
		await api('POST', '/api/cases/' + c.id + '/isolation', { body: { place_id: Number(room.value) } });
		reload(ctx);
	}, err, 'isolate');
}

// The source case: the trace's suggestion (an earlier case whose trace
// reached this person first) to adopt, or one chosen by the doctor, or none.
async function source(ctx, c, err) {
	const { items } = await api('GET', '/api/cases', { signal: ctx.signal });
	const others = items.filter((x) => x.id !== c.id);
	const put = (id, by) => api('PUT', '/api/cases/' + c.id + '/source', { body: { source_case_id: id, by } })
		.then(() => reload(ctx));
	const out = h('div', { 'aria-live': 'polite', 'data-testid': 'suggestion' });
	const ask = h('button', { type: 'button', class: 'btn', 'data-testid': 'suggest' }, t('source.suggest'));
	ask.addEventListener('click', async () => {
		err.clear();
		try {
			const r = await api('GET', '/api/cases/' + c.id + '/source-suggestion');
			const s = r.suggestion;
			if (!s) {
				out.replaceChildren(h('p', { class: 'muted' }, t('source.none', { n: fmtNumber(r.candidates) })));
				return;
			}
			const from = others.find((x) => x.id === s.source_case_id);
			const take = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'adopt' }, t('source.adopt'));
			take.addEventListener('click', () => put(s.source_case_id, 'trace').catch((x) => err.show(x)));
			out.replaceChildren(h('p', null, t('source.found', { name: from ? from.name : t('case.caseN', { id: s.source_case_id }),
				at: cstDateTime(s.first_contact), place: s.place || '—', exp: fmtDuration(s.exposure_seconds) })), take);
		} catch (x) {
			err.show(x);
		}
	});
	const pick = h('select', { name: 'source' }, h('option', { value: '0' }, t('source.unlinked')),
		others.map((x) => h('option', { value: x.id }, x.name + ' · ' + diseaseName(x) + ' #' + x.id)));
	pick.value = String(c.source_case_id || 0);
	return [h('p', { class: 'actions' }, ask), out,
		inlineForm(t('source.doctor'), pick, t('common.save'), () => put(Number(pick.value), 'doctor'), err)];
}

// The trace: its form, and the contacts by hop with checkboxes to put
// under observation.  monitored: person ids already under observation.
function tracing(ctx, c, monitored) {
	const w = c.window || { from: Date.now() / 1000 - 2 * 86400, to: Date.now() / 1000 };
	const s = c.setting || { hops: 1, min_exposure_s: 900 };
	const from = h('input', { type: 'datetime-local', name: 'from', value: cstInput(w.from), required: true });
	const to = h('input', { type: 'datetime-local', name: 'to', value: cstInput(w.to), required: true });
	const hops = h('input', { type: 'number', name: 'hops', min: 1, max: 10, value: s.hops, required: true,
		class: 'input-short', 'data-testid': 'trace-hops' });
	const minutes = h('input', { type: 'number', name: 'minutes', min: 0, value: Math.round(s.min_exposure_s / 60),
		required: true, class: 'input-short' });
	const err = alertLine();
	const run = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'trace-run' }, t('trace.run'));
	const form = h('form', { class: 'filters', 'aria-label': t('trace.title') },
		labelled(t('trace.from'), from, t('cases.cst')).field, labelled(t('trace.to'), to).field,
		labelled(t('trace.hops'), hops).field, labelled(t('trace.minMinutes'), minutes).field, run);
	const result = h('div', { 'aria-live': 'polite', 'data-testid': 'trace-result' });
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		run.disabled = true;
		result.replaceChildren(h('p', { class: 'muted' }, t('trace.running')));
		try {
			const r = await api('POST', '/api/cases/' + c.id + '/trace', { body: {
				from: from.value, to: to.value, hops: Number(hops.value), min_duration: Number(minutes.value) * 60 } });
			result.replaceChildren(...traceResult(ctx, c, r, monitored));
		} catch (x) {
			result.replaceChildren();
			err.show(x);
		} finally {
			run.disabled = false;
		}
	});
	return [h('p', { class: 'hint' }, t('trace.lead', { hops: s.hops, min: Math.round(s.min_exposure_s / 60) })),
		form, err.el, result];
}

function traceResult(ctx, c, r, monitored) {
	const placeText = (x) => x.places.map(([i, sec]) => (r.places[i] ? r.places[i].name : t('trace.sensor')) +
		' ' + fmtDuration(sec)).join('、');
	const chosen = new Map(); // person_id → contact
	const count = h('span', { 'data-testid': 'trace-chosen' }, t('trace.chosen', { n: 0 }));
	const update = () => count.replaceChildren(t('trace.chosen', { n: fmtNumber(chosen.size) }));
	const boxes = [];
	const box = (x) => {
		if (monitored.has(x.person_id))
			return badge(t('trace.monitored'), 'info');
		const id = uid('tc');
		const b = h('input', { type: 'checkbox', id, 'aria-label': t('trace.choose', { name: x.name }),
			'data-testid': 'trace-pick', 'data-hop': x.hop });
		b.addEventListener('change', () => {
			if (b.checked)
				chosen.set(x.person_id, x);
			else
				chosen.delete(x.person_id);
			update();
		});
		boxes.push([b, x]);
		return b;
	};
	const criterion = (x) => t(`trace.by.${x.criterion}`);
	const sections = r.by_hop.map((n, i) => {
		const hop = i + 1;
		const list = r.contacts.filter((x) => x.hop === hop);
		const table = dataTable([
			{ label: t('trace.pick'), cell: box },
			{ label: t('person.name'), cell: (x) => h('span', null, h('a', { href: '/people/' + x.person_id + '/timeline' }, x.name),
				h('span', { class: 'muted' }, ' ' + x.number)) },
			{ label: t('common.class'), cell: (x) => x.class },
			{ label: t('trace.exposure'), cell: (x) => fmtDuration(x.exposure_seconds), class: 'nowrap' },
			{ label: t('trace.first'), cell: (x) => cstDateTime(x.first_contact), class: 'nowrap' },
			{ label: t('trace.via'), cell: (x) => x.via_number === c.number ? t('trace.viaCase') : x.via_number },
			{ label: t('trace.criterion'), cell: criterion },
			{ label: t('trace.places'), cell: placeText },
		], { caption: t('trace.hopN', { n: hop }), empty: t('trace.none'), testid: 'hop-' + hop });
		let shown = 0;
		const more = h('button', { type: 'button', class: 'btn', hidden: true }, t('common.more'));
		const next = () => {
			table.add(list.slice(shown, shown + PAGE));
			shown = Math.min(list.length, shown + PAGE);
			more.hidden = shown >= list.length;
		};
		more.addEventListener('click', next);
		next();
		const all = h('button', { type: 'button', class: 'btn', 'data-testid': 'pick-hop-' + hop },
			t('trace.pickHop', { n: hop }));
		all.addEventListener('click', () => {
			for (const x of list)
				if (!monitored.has(x.person_id))
					chosen.set(x.person_id, x);
			for (const [b, x] of boxes)
				if (x.hop === hop)
					b.checked = true;
			update();
		});
		const hid = uid('hop');
		return h('section', { class: 'hop', 'aria-labelledby': hid },
			h('h3', { id: hid }, t('trace.hopTitle', { n: hop, count: fmtNumber(n) })),
			n ? h('p', { class: 'actions' }, all) : null, table.el, more);
	});
	const err = alertLine();
	const done = h('p', { role: 'status', 'data-testid': 'monitor-result' });
	const go = h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'monitor' }, t('trace.monitor'));
	go.addEventListener('click', async () => {
		err.clear();
		if (!chosen.size) {
			err.show(t('trace.chooseFirst'));
			return;
		}
		const contacts = [...chosen.values()].map((x) => ({ person_id: x.person_id, hop: x.hop,
			exposure_seconds: x.exposure_seconds, first_contact: x.first_contact, via_person_id: x.via_person_id,
			places: x.places.map(([i]) => (r.places[i] ? r.places[i].name : '')).filter(Boolean).join('、') }));
		go.disabled = true;
		try {
			const a = await api('POST', '/api/cases/' + c.id + '/followups', { body: { contacts } });
			done.textContent = t('trace.monitored.n', { created: fmtNumber(a.created), existing: fmtNumber(a.existing) });
			for (const x of chosen.values())
				monitored.add(x.person_id);
			setTimeout(() => reload(ctx), 600);
		} catch (x) {
			err.show(x);
		} finally {
			go.disabled = false;
		}
	});
	const summary = h('p', { class: 'summary', 'data-testid': 'trace-summary' }, t('trace.summary', {
		n: fmtNumber(r.contacts.length), from: cstDateTime(r.from), to: cstDateTime(r.to),
		hops: r.by_hop.map((n, i) => t('trace.hopCount', { hop: i + 1, n: fmtNumber(n) })).join('，') || '—',
		ms: (r.stats.run_ms + r.stats.load_ms).toFixed(1) }));
	return [summary, r.case_has_data ? null : h('p', { class: 'notice' }, t('trace.noData')),
		...sections, r.contacts.length ? h('div', { class: 'actions sticky-actions' }, count, go) : null, err.el, done];
}

export default {
	path: '/cases/:id',
	title: 'case.title',
	roles: CASE_READERS,

	async render(ctx) {
		const { case: c } = await api('GET', '/api/cases/' + encodeURIComponent(ctx.params.id), { signal: ctx.signal });
		const manage = canManage(ctx.user);
		const err = alertLine();
		const stay = c.isolation;
		const info = facts([
			[t('person.name'), h('span', null, h('a', { href: '/people/' + c.person_id, 'data-testid': 'case-person-link' }, c.name),
				' · ', h('a', { href: '/people/' + c.person_id + '/timeline', 'data-testid': 'timeline-link' }, t('timeline.open')))],
			[t('person.number'), c.number],
			[t('common.class'), c.class],
			[t('cases.disease'), diseaseName(c)],
			[t('cases.classification'), classificationBadge(c)],
			[t('cases.onset'), cstDateTime(c.onset)],
			[t('case.recorded'), cstDateTime(c.created_at)],
			[t('cases.report'), reportBadge(c)],
			[t('cases.isolation'), stay ? t('case.isolatedIn', { place: stay.place, at: cstDateTime(stay.started_at) }) : ''],
			[t('cases.outcome'), c.outcome ? outcomeName(c.outcome) + ' ' + cstDateTime(c.outcome_at) : ''],
			[t('case.source'), c.source_case_id ? h('a', { href: '/cases/' + c.source_case_id }, t('case.caseN', { id: c.source_case_id }))
				: ''],
			[t('case.window'), c.window ? cstDateTime(c.window.from) + ' – ' + cstDateTime(c.window.to) : ''],
			[t('cases.note'), c.note],
		], 'case');
		const isoForm = manage ? await isolation(ctx, c, err) : null;
		const srcForm = manage ? await source(ctx, c, err) : null;
		const monitored = new Set(c.followups.map((f) => f.person_id));
		const toCase = manage ? (f) => {
			const b = h('button', { type: 'button', class: 'btn', 'data-testid': 'fu-to-case' }, t('fu.toCase'));
			b.addEventListener('click', async () => {
				try {
					const r = await api('POST', '/api/followups/' + f.id + '/case', { body: { code: c.code } });
					ctx.navigate('/cases/' + r.case.id);
				} catch (x) {
					err.show(x);
				}
			});
			return b;
		} : null;
		const fu = followupTable(c.followups, { check: manage, toCase, personHref: (f) => '/people/' + f.person_id + '/timeline' });
		const stays = dataTable([
			{ label: t('iso.room'), cell: (s) => s.place },
			{ label: t('iso.from'), cell: (s) => cstDateTime(s.started_at), class: 'nowrap' },
			{ label: t('iso.until'), cell: (s) => cstDateTime(s.ended_at), class: 'nowrap' },
			{ label: t('iso.handoverTo'), cell: (s) => (s.handover.to ? t(`iso.to.${s.handover.to}`) + ' ' + s.handover.name : '') },
		], { caption: t('iso.stays'), empty: t('iso.noStays'), testid: 'stays' });
		stays.add(c.stays);
		return page(t('case.heading', { name: c.name, disease: diseaseName(c) }),
			h('p', null, h('a', { href: '/cases', class: 'back' }, t('case.back')), ' ',
				h('a', { href: '/cases/chains', class: 'back' }, t('chains.title'))),
			h('section', { class: 'card' }, info, manage ? changes(ctx, c, err) : null, err.el),
			h('section', { class: 'card', 'aria-labelledby': 'cs-iso' },
				h('h2', { id: 'cs-iso' }, t('iso.titleCase')), stays.el, isoForm),
			srcForm ? h('section', { class: 'card', 'aria-labelledby': 'cs-src' },
				h('h2', { id: 'cs-src' }, t('case.source')), srcForm) : null,
			manage ? h('section', { class: 'card', 'aria-labelledby': 'cs-trace' },
				h('h2', { id: 'cs-trace' }, t('trace.title')), tracing(ctx, c, monitored)) : null,
			h('section', { class: 'card', 'aria-labelledby': 'cs-fu' },
				h('h2', { id: 'cs-fu' }, t('fu.titleN', { n: fmtNumber(c.followups.length) })), fu.el));
	},
};
