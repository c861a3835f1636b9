// pages/gate.js — 校门监控, the gate monitor: today's readings at the gates
// as they come (GET /api/gate/readings?latest=50, again every 5 seconds
// while the page is open): how many were admitted, sent to measure again
// and refused, and the last readings with their decision and reason.
// Gate staff, the epidemic reporter, the principal and admin may open it
// (POL_GATE_MONITOR in src/http/policy.c).
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { alertLine, badge, dataTable, page, stat } from '../ui.js';
import { todayCST } from '../codes.js';

const EVERY_MS = 5000;
const LATEST = 50;
const KIND = { admit: 'ok', recheck: 'warn', refuse: 'bad' };
const DECISION = { admit: 'gate.decision.admit', recheck: 'gate.decision.recheck', refuse: 'gate.decision.refuse' };
const decisionName = (d) => (DECISION[d] ? t(DECISION[d]) : d);

export default {
	path: '/gate',
	nav: 'nav.gate',
	title: 'gate.title',
	roles: ['admin', 'principal', 'reporter', 'gate', 'district'],

	async render(ctx) {
		const date = todayCST();
		const error = alertLine();
		const counts = h('div', { class: 'stats', 'data-testid': 'gate-counts' });
		const updated = h('p', { class: 'muted', 'data-testid': 'gate-updated' });
		const table = dataTable([
			{ label: t('gate.at'), cell: (r) => fmtDateTime(r.at), class: 'nowrap' },
			{ label: t('gate.person'), cell: (r) => r.person },
			{ label: t('gate.temperature'), cell: (r) => r.temperature.toFixed(1) + ' °C', class: 'nowrap' },
			{ label: t('gate.decision'), cell: (r) => badge(decisionName(r.decision), KIND[r.decision] || 'info') },
			{ label: t('gate.reason'), cell: (r) => r.reason },
			{ label: t('gate.gate'), cell: (r) => r.gate },
		], { caption: t('gate.title'), empty: t('gate.none'), testid: 'gate-readings' });

		async function load() {
			const j = await api('GET', '/api/gate/readings', { query: { date, latest: LATEST }, signal: ctx.signal });
			const c = j.counts;
			counts.replaceChildren(
				stat(t('gate.decision.admit'), fmtNumber(c.admit), 'gate-admit'),
				stat(t('gate.decision.recheck'), fmtNumber(c.recheck), 'gate-recheck'),
				stat(t('gate.decision.refuse'), fmtNumber(c.refuse), 'gate-refuse'));
			table.clear();
			table.add(j.items);
			updated.textContent = t('gate.updated', { time: fmtDateTime(Date.now() / 1000) });
		}

		await load();
		const timer = setInterval(() => {
			load().then(() => error.clear(), (e) => {
				if (e.name !== 'AbortError')
					error.show(e);
			});
		}, EVERY_MS);
		ctx.onLeave(() => clearInterval(timer));
		return page(t('gate.title'), h('p', { class: 'lead' }, t('gate.lead', { date })), counts, updated,
			error.el, table.el);
	},
};
