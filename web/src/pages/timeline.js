// pages/timeline.js — one person's timeline (GET /api/people/{id}/timeline):
// 旅行史 (where they were on campus, declared stays elsewhere), 接触史
// (close-contact records, being traced as a contact, observation) and 健康史
// (checks, clinic visits, illness absences, cases, isolation), day by day
// in China Standard Time.  ?from=&to= (YYYY-MM-DD, default the 14 days up
// to today) and ?show=all|travel|contact|health keep the view in the URL.
// Back-to-back presence in one place (lesson after lesson in a classroom)
// is shown as one stretch.  The server audits each read.
import { api } from '../api.js';
import { addDays, isDate, sessionName, statusName, symptomList, todayCST, diagnosisName } from '../codes.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { badge, page, segmented, word } from '../ui.js';
import { CASE_READERS, classificationName, cstDate, cstDateTime, cstTime, followupStatusName, fmtDuration,
	outcomeName } from '../cases.js';

const GROUPS = ['all', 'travel', 'contact', 'health'];
const MERGE_GAP = 20 * 60; // presence at one place with a shorter break is one stretch

function group(it) {
	switch (it.kind) {
	case 'presence':
		return 'travel';
	case 'declaration':
		return it.declaration_kind === 'stay' ? 'travel' : it.declaration_kind === 'contact' ? 'contact' : 'health';
	case 'contact':
	case 'traced_contact':
	case 'followup':
		return 'contact';
	default:
		return 'health';
	}
}

function merge(items) {
	const out = [];
	let last = null;
	for (const it of items) {
		if (it.kind === 'presence' && last && last.place_id === it.place_id && last.source === it.source &&
		    it.at <= last.end + MERGE_GAP) {
			last.end = Math.max(last.end, it.end);
			continue;
		}
		const copy = { ...it };
		out.push(copy);
		if (it.kind === 'presence')
			last = copy;
	}
	return out;
}

const temp = (v) => (v === null || v === undefined ? '' : t('timeline.temp', { v: v.toFixed(1) }));
const join = (...parts) => parts.filter(Boolean).join('，');

function describe(it) {
	switch (it.kind) {
	case 'presence':
		return t('timeline.presence', { place: it.place, source: word('timeline.src.', it.source) });
	case 'contact':
		return h('span', null, t('timeline.contactWith'), h('a', { href: '/people/' + it.person_id + '/timeline' }, it.name),
			' ' + it.number + '，' + t('timeline.sensor'));
	case 'traced_contact':
		return h('span', null, t('timeline.traced', { hop: it.hop, exp: fmtDuration(it.exposure_seconds), via: it.via || '—',
			places: it.places || '—' }), ' ', h('a', { href: '/cases/' + it.case_id }, it.case_name));
	case 'followup':
		return t('timeline.followup', { status: followupStatusName(it.status), n: fmtNumber(it.checks) });
	case 'check':
		return join(t('timeline.check', { session: sessionName(it.session), status: statusName(it.status) }), temp(it.temperature),
			symptomList(it.symptoms), it.diagnosis && diagnosisName(it.diagnosis));
	case 'health_event':
		return join(t('timeline.event', { source: word('timeline.evsrc.', it.source) }), temp(it.temperature),
			symptomList(it.symptoms), it.diagnosis && diagnosisName(it.diagnosis), it.note);
	case 'absence':
		return join(t('timeline.absence', { date: it.first_absent_date }), symptomList(it.symptoms),
			it.diagnosis && diagnosisName(it.diagnosis), it.return_date && t('timeline.returned', { date: it.return_date }));
	case 'declaration':
		if (it.declaration_kind === 'stay')
			return join(t('timeline.stay', { region: it.region, from: it.date_from, to: it.date_to || it.date_from }),
				it.transport, it.note);
		if (it.declaration_kind === 'contact')
			return join(t('timeline.declContact', { region: it.region || '—' }), it.note);
		return join(t('timeline.declHealth'), temp(it.temperature), symptomList(it.symptoms), it.note);
	case 'case':
		return h('span', null, h('a', { href: '/cases/' + it.case_id, 'data-testid': 'timeline-case' },
			t('timeline.case', { disease: diagnosisName(it.code), cls: classificationName(it.classification) })),
			it.outcome ? '，' + outcomeName(it.outcome) : '');
	case 'isolation':
		return join(t('timeline.isolation', { place: it.place }), word('iso.to.', it.handover_to));
	default:
		return it.kind;
	}
}

function when(it) {
	if (!it.end)
		return cstTime(it.at);
	return cstTime(it.at) + '–' + (cstDate(it.end - 1) === cstDate(it.at) ? cstTime(it.end) : cstDateTime(it.end));
}

const KIND = { travel: 'info', contact: 'warn', health: 'ok' };

export default {
	path: '/people/:id/timeline',
	title: 'timeline.title',
	roles: CASE_READERS,

	async render(ctx) {
		const q = ctx.query;
		const to = isDate(q.get('to')) ? q.get('to') : todayCST();
		const from = isDate(q.get('from')) ? q.get('from') : addDays(to, -13);
		const show = GROUPS.includes(q.get('show')) ? q.get('show') : 'all';
		const j = await api('GET', '/api/people/' + encodeURIComponent(ctx.params.id) + '/timeline', {
			query: { from: from + 'T00:00', to: addDays(to, 1) + 'T00:00' }, signal: ctx.signal });
		const p = j.person;
		const go = (next) => {
			const u = new URLSearchParams({ from, to, show, ...next });
			ctx.navigate(location.pathname + '?' + u.toString(), { replace: true });
		};
		const fromIn = h('input', { type: 'date', name: 'from', value: from, required: true, 'data-testid': 'tl-from' });
		const toIn = h('input', { type: 'date', name: 'to', value: to, required: true, 'data-testid': 'tl-to' });
		const picker = h('form', { class: 'filters', 'aria-label': t('timeline.period') },
			labelled(t('timeline.from'), fromIn).field, labelled(t('timeline.to'), toIn).field,
			h('button', { type: 'submit', class: 'btn' }, t('timeline.apply')),
			segmented(t('timeline.show'), 'show', GROUPS.map((g) => ({ value: g, label: t(`timeline.g.${g}`) })), show,
				(v) => go({ show: v }), 'tl-show'));
		picker.addEventListener('submit', (e) => {
			e.preventDefault();
			if (isDate(fromIn.value) && isDate(toIn.value))
				go({ from: fromIn.value, to: toIn.value });
		});
		const items = merge(j.items);
		const counts = { travel: 0, contact: 0, health: 0 };
		for (const it of items)
			counts[group(it)]++;
		const shown = items.filter((it) => show === 'all' || group(it) === show);
		const days = new Map();
		for (const it of shown) {
			const d = cstDate(it.at);
			if (!days.has(d))
				days.set(d, []);
			days.get(d).push(it);
		}
		const list = h('div', { class: 'timeline', 'data-testid': 'timeline' }, [...days].map(([d, its]) =>
			h('section', { class: 'tl-day', 'aria-label': d },
				h('h2', { class: 'tl-date' }, d),
				h('ol', { class: 'tl-items' }, its.map((it) => h('li', { class: 'tl-item', 'data-kind': it.kind },
					h('span', { class: 'tl-time' }, when(it)),
					badge(t(`timeline.g.${group(it)}`), KIND[group(it)]),
					h('span', { class: 'tl-text' }, describe(it))))))));
		return page(t('timeline.heading', { name: p.name }),
			h('p', null, h('a', { href: '/people/' + p.id, class: 'back' }, t('timeline.back'))),
			h('p', { class: 'lead' }, [p.number, p.class, p.dorm].filter(Boolean).join(' · ')),
			picker,
			h('p', { class: 'summary', 'data-testid': 'timeline-summary' }, t('timeline.summary', {
				from, to, travel: fmtNumber(counts.travel), contact: fmtNumber(counts.contact), health: fmtNumber(counts.health) })),
			shown.length ? list : h('p', { class: 'empty' }, t('timeline.none')));
	},
};
