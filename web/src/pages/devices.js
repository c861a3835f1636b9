// pages/devices.js — 门岗设备: the gate thermometers and scanners that post
// readings (GET /api/gate/devices) and a form to register one
// (POST /api/gate/devices).  The device's token is shown once, right after
// it is made (only its hash is stored): copy it into the device then.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtDateTime, t } from '../i18n.js';
import { formCard, input } from '../forms.js';
import { badge, dataTable, page } from '../ui.js';

export default {
	path: '/admin/devices',
	nav: 'nav.devices',
	title: 'devices.title',
	roles: ['admin'],

	async render(ctx) {
		const [{ items }, { items: gates }] = await Promise.all([
			api('GET', '/api/gate/devices', { signal: ctx.signal }),
			api('GET', '/api/places', { query: { kind: 'gate' }, signal: ctx.signal }),
		]);
		const table = dataTable([
			{ label: t('devices.name'), cell: (d) => d.name },
			{ label: t('devices.gate'), cell: (d) => d.gate },
			{ label: t('devices.created'), cell: (d) => fmtDateTime(d.created_at) },
			{ label: t('users.state'), cell: (d) => d.disabled ? badge(t('users.disabled'), 'bad') : badge(t('users.active'), 'ok') },
		], { caption: t('devices.title'), empty: t('devices.none'), testid: 'devices' });
		table.add(items);
		const shown = h('div', { 'aria-live': 'polite' });
		const name = input('name', { required: true, maxlength: 95, 'data-testid': 'device-name' });
		const gate = input('gate', { required: true, maxlength: 95, list: 'gate-places', value: gates[0] ? gates[0].name : '',
			'data-testid': 'device-gate' });
		const form = formCard(t('devices.add'), [
			[t('devices.name'), name],
			[t('devices.gate'), gate, t('devices.gate.hint')],
		], async () => {
			const j = await api('POST', '/api/gate/devices', { body: { name: name.value.trim(), gate: gate.value.trim() } });
			table.add([{ name: j.name, gate: j.gate, created_at: Date.now() / 1000, disabled: false }]);
			name.value = '';
			shown.replaceChildren(h('div', { class: 'notice', role: 'status' },
				h('p', null, t('devices.token', { name: j.name })),
				h('p', null, h('code', { class: 'token', 'data-testid': 'device-token' }, j.token)),
				h('p', { class: 'muted' }, t('devices.token.once'))));
		}, { submit: t('devices.add'), testid: 'device-form',
			extra: h('datalist', { id: 'gate-places' }, gates.map((g) => h('option', { value: g.name }))) });
		return page(t('devices.title'), h('p', { class: 'lead' }, t('devices.lead')), shown, table.el, form);
	},
};
