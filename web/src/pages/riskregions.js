// pages/riskregions.js — 风险地区: the list in force (GET /api/risk-regions),
// its earlier versions, and a form that adds or changes one region.  The
// server publishes whole lists (PUT /api/risk-regions makes a new version
// and re-screening follows), so the form sends the current list with the
// region added or replaced.  A whole new list comes in as a file on the
// imports page.  Admin edits; the school's other leads read.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtDateTime, fmtNumber, t } from '../i18n.js';
import { formCard, input, select } from '../forms.js';
import { badge, confirmButton, dataTable, page } from '../ui.js';
import { todayCST } from '../codes.js';

const LEVELS = ['high', 'medium', 'low'];
const levelBadge = (l) => badge(t(`risk.level.${l}`), l === 'high' ? 'bad' : l === 'medium' ? 'warn' : 'info');

export default {
	path: '/admin/risk-regions',
	nav: 'nav.risk',
	title: 'risk.title',
	roles: ['admin', 'principal', 'reporter'],

	async render(ctx) {
		const [cur, versions] = await Promise.all([
			api('GET', '/api/risk-regions', { signal: ctx.signal }),
			api('GET', '/api/risk-regions/versions', { query: { kind: 'risk' }, signal: ctx.signal }),
		]);
		const edit = ctx.user.role === 'admin';
		const publish = async (items, note) => {
			await api('PUT', '/api/risk-regions', { body: { items, note } });
			ctx.navigate('/admin/risk-regions?saved=1', { replace: true });
		};
		const table = dataTable([
			{ label: t('risk.region'), cell: (r) => r.region },
			{ label: t('risk.level'), cell: (r) => levelBadge(r.level) },
			{ label: t('risk.from'), cell: (r) => r.valid_from },
			{ label: t('risk.to'), cell: (r) => r.valid_to || '' },
			edit ? { label: t('users.action'), cell: (r) => confirmButton(t('risk.remove'), t('users.confirm'),
				() => publish(cur.items.filter((x) => x !== r), t('risk.note.removed', { region: r.region }))) } : null,
		].filter(Boolean), { caption: t('risk.title'), empty: t('risk.none'), testid: 'risk-regions' });
		table.add(cur.items);
		const vtable = dataTable([
			{ label: t('risk.version'), cell: (v) => '#' + v.id },
			{ label: t('audit.at'), cell: (v) => fmtDateTime(v.created_at) },
			{ label: t('risk.count'), cell: (v) => fmtNumber(v.regions || 0), class: 'num' },
			{ label: t('risk.note'), cell: (v) => v.note },
		], { caption: t('risk.versions'), testid: 'risk-versions' });
		vtable.add(versions.items);

		let form = null;
		if (edit) {
			const region = input('region', { required: true, maxlength: 120, placeholder: '湖北省/武汉市', 'data-testid': 'risk-region' });
			const level = select('level', LEVELS.map((l) => [l, t(`risk.level.${l}`)]), 'high');
			const from = h('input', { type: 'date', name: 'valid_from', value: todayCST(), required: true });
			const to = h('input', { type: 'date', name: 'valid_to' });
			form = formCard(t('risk.add'), [
				[t('risk.region'), region, t('risk.region.hint')],
				[t('risk.level'), level],
				[t('risk.from'), from],
				[t('risk.to'), to, t('risk.to.hint')],
			], () => {
				const row = { region: region.value.trim(), level: level.value, valid_from: from.value };
				if (to.value)
					row.valid_to = to.value;
				const items = cur.items.filter((x) => x.region !== row.region).map((x) => {
					const y = { region: x.region, level: x.level, valid_from: x.valid_from };
					if (x.valid_to)
						y.valid_to = x.valid_to;
					return y;
				});
				items.push(row);
				return publish(items, t('risk.note.added', { region: row.region }));
			}, { submit: t('risk.publish'), testid: 'risk-form' });
		}
		return page(t('risk.title'),
			h('p', { class: 'lead' }, t('risk.lead', { v: cur.version || '—' })),
			ctx.query.get('saved') ? h('p', { class: 'notice', role: 'status', 'data-testid': 'risk-saved' }, t('risk.saved')) : null,
			table.el, form,
			h('h2', null, t('risk.versions')), vtable.el);
	},
};
