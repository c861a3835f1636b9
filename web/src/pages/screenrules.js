// pages/screenrules.js — 返校筛查规则: the rules that put a returning person
// on hold or under monitoring (GET /api/screen-rules: the district's and
// the school's), and a form to add a school rule (POST /api/screen-rules)
// or switch one on or off (PUT /api/screen-rules/{id}).  Admin edits the
// school's rules, district users the district's.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, getLang, t } from '../i18n.js';
import { formCard, input, numberOf, select } from '../forms.js';
import { badge, dataTable, page } from '../ui.js';

const KINDS = ['no_declaration', 'fever', 'symptom', 'contact', 'stay_risk', 'stay_region'];
const nameOf = (r) => (getLang() === 'en' && r.name_en ? r.name_en : r.name_zh || r.name_en || t(`screen.kind.${r.kind}`));

export default {
	path: '/admin/screen-rules',
	nav: 'nav.screen',
	title: 'screen.title',
	roles: ['admin', 'district'],

	async render(ctx) {
		const { items } = await api('GET', '/api/screen-rules', { signal: ctx.signal });
		const district = ctx.user.role === 'district';
		const editable = (r) => (district ? r.district : !r.district);
		const reload = () => ctx.navigate('/admin/screen-rules?saved=1', { replace: true });
		const table = dataTable([
			{ label: t('screen.name'), cell: nameOf },
			{ label: t('screen.kind'), cell: (r) => t(`screen.kind.${r.kind}`) },
			{ label: t('screen.detail'), cell: (r) => [r.level && t(`risk.level.${r.level}`), r.region,
				r.window_days > 0 && t('screen.days', { n: fmtNumber(r.window_days) }),
				r.threshold !== null && r.threshold !== undefined && r.threshold !== 0 && String(r.threshold)].filter(Boolean).join(' · ') },
			{ label: t('screen.status'), cell: (r) => badge(t(`screen.status.${r.status}`), r.status === 'hold' ? 'bad' : 'warn') },
			{ label: t('rules.state'), cell: (r) => r.enabled ? badge(t('rules.on'), 'ok') : badge(t('rules.off'), 'warn') },
			{ label: t('rules.owner'), cell: (r) => t(r.district ? 'rules.district' : 'rules.school') },
			{ label: t('users.action'), cell: (r) => editable(r) ? h('button', { type: 'button', class: 'btn',
				onclick: async () => {
					await api('PUT', '/api/screen-rules/' + r.id, { body: { enabled: !r.enabled } });
					reload();
				} }, r.enabled ? t('screen.turnOff') : t('screen.turnOn')) : '' },
		], { caption: t('screen.title'), empty: t('screen.none'), testid: 'screen-rules' });
		table.add(items);

		const kind = select('kind', KINDS.map((k) => [k, t(`screen.kind.${k}`)]), 'stay_region');
		const level = select('level', [['', '—'], ...['high', 'medium', 'low'].map((l) => [l, t(`risk.level.${l}`)])], '');
		const region = input('region', { maxlength: 120, 'data-testid': 'screen-region' });
		const days = h('input', { type: 'number', name: 'window_days', min: 1, max: 60, value: 14, inputmode: 'numeric' });
		const threshold = h('input', { type: 'number', name: 'threshold', step: '0.1', inputmode: 'decimal' });
		const status = select('status', [['hold', t('screen.status.hold')], ['monitor', t('screen.status.monitor')]], 'monitor');
		const nameZh = input('name_zh', { maxlength: 60, 'data-testid': 'screen-name' });
		const nameEn = input('name_en', { maxlength: 60, lang: 'en' });
		const reasonZh = input('reason_zh', { required: true, maxlength: 200, value: t('screen.reason.zh') });
		const reasonEn = input('reason_en', { maxlength: 200, lang: 'en', value: t('screen.reason.en') });
		const form = formCard(t('screen.add'), [
			[t('screen.kind'), kind],
			[t('risk.level'), level],
			[t('risk.region'), region, t('screen.region.hint')],
			[t('screen.window'), days],
			[t('screen.threshold'), threshold, t('screen.threshold.hint')],
			[t('screen.status'), status],
			[t('rules.nameZh'), nameZh],
			[t('rules.nameEn'), nameEn],
			[t('screen.reasonZh'), reasonZh, t('screen.reason.hint')],
			[t('screen.reasonEn'), reasonEn],
		], async () => {
			const body = { kind: kind.value, status: status.value, window_days: numberOf(days), enabled: true,
				name_zh: nameZh.value.trim(), name_en: nameEn.value.trim(),
				reason_zh: reasonZh.value.trim(), reason_en: reasonEn.value.trim() };
			if (level.value)
				body.level = level.value;
			if (region.value.trim())
				body.region = region.value.trim();
			if (numberOf(threshold) !== undefined)
				body.threshold = numberOf(threshold);
			await api('POST', '/api/screen-rules', { body });
			reload();
		}, { submit: t('screen.add'), testid: 'screen-form' });
		return page(t('screen.title'), h('p', { class: 'lead' }, t('screen.lead')),
			ctx.query.get('saved') ? h('p', { class: 'notice', role: 'status', 'data-testid': 'screen-saved' }, t('rules.saved')) : null,
			table.el, form);
	},
};
