// ui.js — building blocks the pages share: page heading, notices, errors,
// tables that turn into cards on a phone, definition lists, badges, counts
// that link to names, segmented choices, the date-and-session picker, a
// two-step confirm button, and the words for the API's codes (roles,
// genders, place kinds, key groups).
import { ApiError } from './api.js';
import { isDate, SESSIONS, sessionName, sessionNow, todayCST } from './codes.js';
import { h, labelled, uid } from './dom.js';
import { fmtNumber, has, t } from './i18n.js';

// A page: <section> with its <h1> (and optional lead text or actions).
export function page(title, ...children) {
	return h('section', { class: 'page' }, h('h1', { tabindex: '-1' }, title), children);
}

export function messageView(titleKey, text) {
	return page(t(titleKey), h('p', { class: 'notice' }, text));
}

// A sentence for an error, in the current language where we know the case.
// For invalid input the server's own message (Chinese, then English) is kept:
// it names the field.
export function errorText(e) {
	if (!(e instanceof ApiError)) {
		console.error(e);
		return t('err.unexpected');
	}
	if (e.status === 0)
		return t('err.network');
	if (e.status === 401)
		return t('err.session');
	if (e.status === 403)
		return t('err.forbidden');
	if (e.status === 404)
		return t('err.notfound');
	if (e.status === 429)
		return t('err.toomany', { s: e.retryAfter || 60 });
	if (e.status === 400 && e.message)
		return t('err.invalid', { msg: e.message });
	return t('err.server', { status: e.status });
}

export function errorView(e) {
	if (e instanceof ApiError && e.status === 403)
		return messageView('err.forbidden.title', t('err.forbidden'));
	if (e instanceof ApiError && e.status === 404)
		return messageView('err.notfound.title', t('err.notfound'));
	return messageView('err.title', errorText(e));
}

// An inline error line under a form or list (role=alert: read out at once).
export function alertLine() {
	const el = h('p', { class: 'error', role: 'alert' });
	return {
		el,
		show(e) {
			el.textContent = typeof e === 'string' ? e : errorText(e);
		},
		clear() {
			el.textContent = '';
		},
	};
}

// A data table.  columns: [{ label, cell(item) → Node|string, class }].
// On narrow screens (app.css, .table-stack) each row becomes a card and
// every cell shows its column label (data-label), so nothing scrolls
// sideways at 360 px.  Returns { el, add(items), clear(), count }; the
// "nothing here" line appears after the first add() that leaves it empty.
export function dataTable(columns, { caption, empty, testid } = {}) {
	const tbody = h('tbody');
	const emptyRow = h('p', { class: 'empty', hidden: true }, empty || t('common.empty'));
	const table = h('table', { class: 'table table-stack', 'data-testid': testid },
		caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
		h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
		tbody);
	const api = {
		el: h('div', { class: 'table-wrap' }, table, emptyRow),
		count: 0,
		add(items) {
			for (const item of items) {
				tbody.append(h('tr', null, columns.map((c) => {
					const v = c.cell(item);
					return h('td', { 'data-label': c.label, class: c.class },
						v === null || v === undefined || v === '' ? h('span', { class: 'muted' }, '—') : v);
				})));
			}
			api.count += items.length;
			emptyRow.hidden = api.count > 0;
			table.hidden = api.count === 0;
		},
		clear() {
			tbody.replaceChildren();
			api.count = 0;
		},
	};
	return api;
}

// A definition list from [[label, value], …]; empty values show a dash.
export function facts(rows, testid) {
	return h('dl', { class: 'facts', 'data-testid': testid }, rows.map(([k, v]) => [
		h('dt', null, k),
		h('dd', null, v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length)
			? h('span', { class: 'muted' }, '—') : v),
	]));
}

// A small figure: big number, label under it.
export function stat(label, value, testid) {
	return h('div', { class: 'stat', 'data-testid': testid },
		h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, label));
}

// Words for the API's codes; unknown codes are shown as they are.
export function word(prefix, code) {
	return code && has(prefix + code) ? t(prefix + code) : code || '';
}
export const roleName = (r) => word('role.', r);
export const kindName = (k) => word('place.kind.', k);
export const keyGroupName = (g) => word('keygroup.', g);
export function genderName(g) {
	if (g === 'M' || g === '男')
		return t('gender.M');
	if (g === 'F' || g === '女')
		return t('gender.F');
	return g || '';
}

// A small coloured label; kind: 'ok' | 'warn' | 'bad' | 'info' (app.css).
export function badge(text, kind = 'info', testid) {
	return h('span', { class: ['badge', 'badge-' + kind], 'data-testid': testid }, text);
}

// A count that opens the names behind it: a link when there is anyone to
// show, plain text for 0 (nothing to open).
export function countLink(n, href, testid) {
	const text = fmtNumber(n);
	return n > 0 && href ? h('a', { href, class: 'count', 'data-testid': testid }, text)
		: h('span', { class: 'count', 'data-testid': testid }, text);
}

// Radio buttons that look like a row of buttons (a segmented control):
// options [{ value, label }], one checked; onChange(value).  Each radio
// keeps its own label, so it is announced and clickable like any radio.
export function segmented(legend, name, options, value, onChange, testid) {
	return h('fieldset', { class: 'segmented', 'data-testid': testid },
		h('legend', null, legend),
		h('div', { class: 'segmented-options' }, options.map((o) => {
			const id = uid(name);
			return [
				h('input', { type: 'radio', id, name, value: o.value, checked: o.value === value,
					     onchange: (e) => e.target.checked && onChange(o.value) }),
				h('label', { for: id }, o.label),
			];
		})));
}

// The date and session a census-like page shows, with their controls.
// Reads ?date= and ?session= (defaults: today in CST and the session of
// the hour); a change navigates to the same page with the new query, so
// the back button and a reload keep it.
export function dayQuery(ctx) {
	const q = ctx.query;
	const date = isDate(q.get('date')) ? q.get('date') : todayCST();
	const session = SESSIONS.includes(q.get('session')) ? q.get('session') : sessionNow();
	return { date, session };
}

export function dayPicker(ctx, { date, session }, extra = {}) {
	function go(next) {
		const q = new URLSearchParams(location.search);
		for (const [k, v] of Object.entries({ ...extra, ...next }))
			if (v === '' || v === null || v === undefined)
				q.delete(k);
			else
				q.set(k, v);
		ctx.navigate(location.pathname + '?' + q.toString(), { replace: true });
	}
	const dateIn = h('input', { type: 'date', name: 'date', value: date, max: todayCST(), required: true,
		'data-testid': 'date' });
	dateIn.addEventListener('change', () => isDate(dateIn.value) && go({ date: dateIn.value }));
	const form = h('form', { class: 'day-picker', 'aria-label': t('day.picker') },
		labelled(t('day.date'), dateIn).field,
		segmented(t('day.session'), 'session', SESSIONS.map((s) => ({ value: s, label: sessionName(s) })),
			session, (s) => go({ session: s }), 'session'));
	form.addEventListener('submit', (e) => e.preventDefault());
	return form;
}

// A button that asks once more before it acts: the first press shows
// "confirm" and "cancel" in its place.  action() may be async; errors go to
// onError.  Returns the wrapper element.
export function confirmButton(label, confirmLabel, action, { onError, testid, primary } = {}) {
	const first = h('button', { type: 'button', class: ['btn', primary && 'btn-primary'], 'data-testid': testid }, label);
	const yes = h('button', { type: 'button', class: 'btn btn-danger', 'data-testid': testid && testid + '-confirm' },
		confirmLabel);
	const no = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
	const ask = h('span', { class: 'confirm', hidden: true }, yes, no);
	first.addEventListener('click', () => {
		first.hidden = true;
		ask.hidden = false;
		yes.focus();
	});
	no.addEventListener('click', () => {
		ask.hidden = true;
		first.hidden = false;
		first.focus();
	});
	yes.addEventListener('click', async () => {
		yes.disabled = no.disabled = true;
		try {
			await action();
		} catch (e) {
			if (onError)
				onError(e);
			ask.hidden = true;
			first.hidden = false;
		} finally {
			yes.disabled = no.disabled = false;
		}
	});
	return h('span', { class: 'confirm-wrap' }, first, ask);
}
