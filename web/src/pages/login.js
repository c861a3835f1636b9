// pages/login.js — 登录: username and password → POST /api/session.
// Shown by the shell whenever there is no session (not in the registry).
// A wrong name or password gets one message either way, as the server does;
// too many failures show the wait the server asks for (Retry-After).
import { api } from '../api.js';
import { h, labelled } from '../dom.js';
import { t } from '../i18n.js';
import { alertLine } from '../ui.js';

export default {
	render({ onLogin }) {
		const username = labelled(t('login.username'),
			h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none',
				     spellcheck: 'false' }));
		const password = labelled(t('login.password'),
			h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true }));
		const error = alertLine();
		const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
		const form = h('form', { class: 'card login', novalidate: true, 'aria-labelledby': 'login-title' },
			h('h1', { id: 'login-title', tabindex: '-1' }, t('login.title')),
			username.field, password.field, submit, error.el);
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			error.clear();
			const u = username.input.value.trim(), p = password.input.value;
			if (!u || !p) {
				error.show(t(!u ? 'login.need.username' : 'login.need.password'));
				(!u ? username.input : password.input).focus();
				return;
			}
			submit.disabled = true;
			try {
				const j = await api('POST', '/api/session', { body: { username: u, password: p } });
				onLogin(j.user);
			} catch (err) {
				error.show(err.status === 401 ? t('login.wrong') : err);
				password.input.select();
				password.input.focus();
			} finally {
				submit.disabled = false;
			}
		});
		queueMicrotask(() => username.input.focus());
		return h('div', { class: 'login-wrap' }, form);
	},
};
