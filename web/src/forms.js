// forms.js — the small form cards of the admin and operations pages: a
// titled <form> of labelled fields, an error line and a submit button.
// onSubmit(values-ignored) may be async; what it throws is shown in the
// error line (the server's message names the field) and the button is
// enabled again.  select() and input() make the controls these forms use.
import { h, labelled } from './dom.js';
import { t } from './i18n.js';
import { alertLine } from './ui.js';

let seq = 0;

// fields: [[label, control, hint?]…] (null entries skipped).
export function formCard(title, fields, onSubmit, { submit, testid, extra } = {}) {
	const id = 'form-h-' + ++seq;
	const err = alertLine();
	const button = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': testid && testid + '-save' },
		submit || t('common.save'));
	const form = h('form', { class: 'card admin-form', novalidate: true, 'aria-labelledby': id, 'data-testid': testid },
		h('h2', { id }, title),
		h('div', { class: 'filters' }, fields.filter(Boolean).map(([label, control, hint]) =>
			labelled(label, control, hint).field)),
		extra || null,
		err.el,
		h('div', { class: 'sheet-actions' }, button));
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		button.disabled = true;
		try {
			await onSubmit();
		} catch (e2) {
			err.show(e2);
		} finally {
			button.disabled = false;
		}
	});
	return form;
}

// <select name> of [value, text] pairs.
export function select(name, options, value) {
	const el = h('select', { name }, options.map(([v, text]) => h('option', { value: v }, text)));
	if (value !== undefined)
		el.value = value;
	return el;
}

export function input(name, attrs = {}) {
	return h('input', { type: 'text', name, ...attrs });
}

// A number from an input, or undefined when empty.
export function numberOf(el) {
	return el.value.trim() === '' ? undefined : Number(el.value);
}
