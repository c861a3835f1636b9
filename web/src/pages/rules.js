// pages/rules.js — 预警规则, the cluster rules (PRODUCT.md's table, as
// data): what is counted (a diagnosis, a symptom, the ILI syndrome, or any
// shared symptom), where (class, dorm, school), over how many days, from
// what count.  GET /api/rules lists the district's rules and the school's
// own; admin adds school rules (POST /api/rules) and edits them
// (PUT /api/rules/{id}); district users edit the district's.  Others'
// rules are shown read-only.  A rule left without a name gets one made
// from its fields, in Chinese and English.
import { api } from '../api.js';
import { DIAGNOSES, SYMPTOMS, codeName } from '../codes.js';
import { h, labelled } from '../dom.js';
import { fmtNumber, getLang, t, tIn } from '../i18n.js';
import { alertLine, badge, dataTable, page } from '../ui.js';

const KINDS = ['diagnosis', 'symptom', 'syndrome', 'any_symptom'];
const SCOPES = ['class', 'dorm', 'school'];

function codesOf(kind) {
	if (kind === 'diagnosis')
		return DIAGNOSES;
	if (kind === 'symptom')
		return SYMPTOMS;
	if (kind === 'syndrome')
		return ['ili'];
	return ['*'];
}

// "水痘：7天内同一班级≥5例" in lang l.
function autoName(l, r) {
	const code = r.code === '*' ? tIn(l, 'code.any') : tIn(l, (r.code_kind === 'symptom' ? 'symptom.' : 'diagnosis.') + r.code);
	return tIn(l, 'rules.autoName', { code, n: r.window_days, scope: tIn(l, `scope.kind.${r.scope}`), k: r.threshold });
}

const nameOf = (r) => (getLang() === 'en' && r.name_en ? r.name_en : r.name_zh);

export default {
	path: '/admin/rules',
	nav: 'nav.rules',
	title: 'rules.title',
	roles: ['admin', 'district'],

	async render(ctx) {
		const { user } = ctx;
		const { items } = await api('GET', '/api/rules', { signal: ctx.signal });
		const editable = (r) => (user.role === 'district' ? r.district : user.role === 'admin' && !r.district);
		const formBox = h('div');

		function openForm(rule) {
			formBox.replaceChildren(ruleForm(rule));
			formBox.querySelector('select, input').focus();
		}

		function ruleForm(rule) {
			const r = rule || { code_kind: 'symptom', code: 'fever', scope: 'class', window_days: 1, threshold: 3,
				name_zh: '', name_en: '', enabled: true };
			const kind = h('select', { name: 'code_kind' }, KINDS.map((k) => h('option', { value: k }, t(`rules.kind.${k}`))));
			kind.value = r.code_kind;
			const code = h('select', { name: 'code', 'data-testid': 'rule-code' });
			function fillCodes() {
				code.replaceChildren(...codesOf(kind.value).map((c) => h('option', { value: c }, codeName(c))));
				code.disabled = kind.value === 'any_symptom';
			}
			fillCodes();
			code.value = r.code;
			kind.addEventListener('change', fillCodes);
			const scope = h('select', { name: 'scope' }, SCOPES.map((s) => h('option', { value: s }, t(`scope.kind.${s}`))));
			scope.value = r.scope;
			const days = h('input', { type: 'number', name: 'window_days', min: 1, max: 60, value: r.window_days, required: true,
				inputmode: 'numeric' });
			const threshold = h('input', { type: 'number', name: 'threshold', min: 1, max: 100000, value: r.threshold,
				required: true, inputmode: 'numeric', 'data-testid': 'rule-threshold' });
			const nameZh = h('input', { type: 'text', name: 'name_zh', value: r.name_zh, maxlength: 60 });
			const nameEn = h('input', { type: 'text', name: 'name_en', value: r.name_en, maxlength: 60, lang: 'en' });
			const enabled = h('input', { type: 'checkbox', name: 'enabled', checked: r.enabled });
			const err = alertLine();
			const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'rule-save' }, t('common.save'));
			const cancel = h('button', { type: 'button', class: 'btn', onclick: () => formBox.replaceChildren() },
				t('common.cancel'));
			const form = h('form', { class: 'card rule-form', novalidate: true, 'aria-labelledby': 'rule-form-h' },
				h('h2', { id: 'rule-form-h' }, rule ? t('rules.edit', { name: nameOf(rule) }) : t('rules.add')),
				h('div', { class: 'filters' },
					labelled(t('rules.kind'), kind).field,
					labelled(t('rules.code'), code).field,
					labelled(t('rules.scope'), scope).field,
					labelled(t('rules.window'), days).field,
					labelled(t('rules.threshold'), threshold).field),
				h('div', { class: 'filters' },
					labelled(t('rules.nameZh'), nameZh, t('rules.name.hint')).field,
					labelled(t('rules.nameEn'), nameEn).field),
				h('label', { class: 'check' }, enabled, ' ', t('rules.enabled')),
				err.el,
				h('div', { class: 'sheet-actions' }, save, cancel));
			form.addEventListener('submit', async (e) => {
				e.preventDefault();
				err.clear();
				const body = {
					code_kind: kind.value, code: kind.value === 'any_symptom' ? '*' : code.value, scope: scope.value,
					window_days: parseInt(days.value, 10), threshold: parseInt(threshold.value, 10),
					enabled: enabled.checked,
				};
				if (!(body.window_days >= 1 && body.window_days <= 60)) {
					err.show(t('rules.window.bad'));
					days.focus();
					return;
				}
				if (!(body.threshold >= 1 && body.threshold <= 100000)) {
					err.show(t('rules.threshold.bad'));
					threshold.focus();
					return;
				}
				body.name_zh = nameZh.value.trim() || autoName('zh-CN', body);
				body.name_en = nameEn.value.trim() || autoName('en', body);
				save.disabled = true;
				try {
					if (rule)
						await api('PUT', '/api/rules/' + rule.id, { body });
					else
						await api('POST', '/api/rules', { body });
					ctx.navigate('/admin/rules?saved=1', { replace: true });
				} catch (e2) {
					err.show(e2);
					save.disabled = false;
				}
			});
			return form;
		}

		const table = dataTable([
			{ label: t('rules.name'), cell: (r) => nameOf(r) },
			{ label: t('rules.code'), cell: (r) => t(`rules.kind.${r.code_kind}`) + ' · ' + codeName(r.code) },
			{ label: t('rules.scope'), cell: (r) => t(`scope.kind.${r.scope}`) },
			{ label: t('rules.window'), cell: (r) => fmtNumber(r.window_days), class: 'num' },
			{ label: t('rules.threshold'), cell: (r) => fmtNumber(r.threshold), class: 'num' },
			{ label: t('rules.state'), cell: (r) => r.enabled ? badge(t('rules.on'), 'ok') : badge(t('rules.off'), 'warn') },
			{ label: t('rules.owner'), cell: (r) => t(r.district ? 'rules.district' : 'rules.school') },
			{ label: t('rules.action'), cell: (r) => editable(r)
				? h('button', { type: 'button', class: 'btn', 'data-testid': 'rule-edit', onclick: () => openForm(r) }, t('common.edit'))
				: '' },
		], { caption: t('rules.title'), empty: t('rules.none'), testid: 'rules' });
		table.add(items);
		const add = user.role === 'admin' || user.role === 'district'
			? h('button', { type: 'button', class: 'btn btn-primary', 'data-testid': 'rule-add', onclick: () => openForm(null) },
				t('rules.add')) : null;
		return page(t('rules.title'),
			h('p', { class: 'lead' }, t(user.role === 'district' ? 'rules.leadDistrict' : 'rules.lead')),
			ctx.query.get('saved') ? h('p', { class: 'notice', role: 'status' }, t('rules.saved')) : null,
			h('div', { class: 'actions' }, add), formBox, table.el);
	},
};
