// app.js — the shell and the router: header, navigation, language switch,
// login/logout, and the page registry in pages/index.js.
//
// A page is one module whose default export is
//
//   { path: '/people/:id',         // ':x' matches one path segment → ctx.params.x
//     roles: ['admin', …],         // who may open it (mirror of src/http/policy.c)
//     nav: 'nav.people',           // catalogue key of its navigation entry (omit: none)
//     hidden: true,                // keep the nav entry out until its API exists
//     title: 'roster.title',       // catalogue key of the document title
//     render(ctx) → Node | Promise<Node> }
//
// A page with `public: true` (the personal declaration link) opens without
// login and is shown without navigation or account, even to a logged-in
// user; ctx.user is then null.
//
// ctx = { user, params, query (URLSearchParams), signal (aborted when the
// user leaves), navigate(path), setQuery(obj) (update the URL without a
// re-render), onLeave(fn) (run when the page is left or re-rendered),
// onMount(fn) (run once the returned node is in the document, e.g. to draw
// a chart, which needs its size) }.
// Pages fetch with api(…, { signal: ctx.signal }); errors they throw are
// shown by the router (403 → not allowed, 404 → not found, others → the
// message).  The shell re-renders the page when the language changes, so a
// page keeps the state it wants to survive that in the URL (setQuery).
import { api, districtSchoolId, onSessionLost, setDistrictSchool } from './api.js';
import { h, mount } from './dom.js';
import { getLang, onLangChange, setLang, t } from './i18n.js';
import loginPage from './pages/login.js';
import pages from './pages/index.js';
import { errorView, messageView, roleName } from './ui.js';

const state = {
	user: null,        // from GET /api/session; null = logged out
	leave: [],         // cleanups of the page on screen
	abort: null,       // AbortController of the page on screen
	renderSeq: 0,
	schools: null,     // a district user's schools (GET /api/district/schools), for the picker
};

let root;              // #app
let mainEl;            // <main>, the page's place

export function allowed(page, user) {
	return !!page.public || (!!user && page.roles.includes(user.role));
}

// The pages shown in the navigation for this user, in registry order.
export function navPages(user) {
	return pages.filter((p) => p.nav && !p.hidden && allowed(p, user));
}

// Where a user lands after login or on '/': the first navigation entry.
function home(user) {
	const first = navPages(user)[0];
	return first ? first.path : '/account';
}

function match(pattern, path) {
	const ps = pattern.split('/'), xs = path.split('/');
	if (ps.length !== xs.length)
		return null;
	const params = {};
	for (let i = 0; i < ps.length; i++) {
		if (ps[i].startsWith(':')) {
			if (!xs[i])
				return null;
			try {
				params[ps[i].slice(1)] = decodeURIComponent(xs[i]);
			} catch {
				return null; // malformed %-escape: no such page
			}
		} else if (ps[i] !== xs[i]) {
			return null;
		}
	}
	return params;
}

function findPage(path) {
	for (const p of pages) {
		const params = match(p.path, path);
		if (params)
			return { page: p, params };
	}
	return null;
}

export function navigate(path, { replace = false } = {}) {
	if (replace)
		history.replaceState(null, '', path);
	else
		history.pushState(null, '', path);
	route({ focus: true });
}

function setQuery(obj) {
	const q = new URLSearchParams(location.search);
	for (const [k, v] of Object.entries(obj)) {
		if (v === undefined || v === null || v === '')
			q.delete(k);
		else
			q.set(k, String(v));
	}
	const s = q.toString();
	history.replaceState(null, '', location.pathname + (s ? '?' + s : ''));
}

function leavePage() {
	if (state.abort)
		state.abort.abort();
	for (const fn of state.leave.splice(0))
		try {
			fn();
		} catch (e) {
			console.error(e);
		}
}

// Show the page for location.pathname (or the login page).
async function route({ focus = false } = {}) {
	leavePage();
	const seq = ++state.renderSeq;
	renderShell();
	if (!state.user && !publicPath()) {
		document.title = t('login.title') + ' · ' + t('app.name');
		mount(mainEl, loginPage.render({ onLogin: loggedIn }));
		return;
	}
	let path = location.pathname.replace(/\/+$/, '') || '/';
	if (path === '/' || path === '/login') {
		history.replaceState(null, '', home(state.user));
		path = location.pathname;
		renderShell();
	}
	const found = findPage(path);
	const abort = new AbortController();
	const leave = [], mounted = [];
	state.abort = abort;
	state.leave = leave;
	let view;
	if (!found) {
		document.title = t('err.notfound.title') + ' · ' + t('app.name');
		view = messageView('err.notfound.title', t('err.notfound'));
	} else if (!allowed(found.page, state.user)) {
		document.title = t('err.forbidden.title') + ' · ' + t('app.name');
		view = messageView('err.forbidden.title', t('err.forbidden'));
	} else {
		document.title = t(found.page.title) + ' · ' + t('app.name');
		mainEl.setAttribute('aria-busy', 'true');
		mount(mainEl, h('p', { class: 'loading' }, t('common.loading')));
		const ctx = {
			user: found.page.public ? null : state.user,
			params: found.params,
			query: new URLSearchParams(location.search),
			signal: abort.signal,
			navigate,
			setQuery,
			onLeave: (fn) => leave.push(fn),
			onMount: (fn) => mounted.push(fn),
		};
		try {
			view = await found.page.render(ctx);
		} catch (e) {
			if (e.name === 'AbortError' || seq !== state.renderSeq)
				return;
			view = errorView(e);
		}
		mainEl.removeAttribute('aria-busy');
	}
	if (seq !== state.renderSeq)
		return;
	mount(mainEl, view);
	for (const fn of mounted)
		try {
			fn();
		} catch (e) {
			console.error(e);
		}
	if (focus) {
		const h1 = mainEl.querySelector('h1');
		if (h1) {
			h1.setAttribute('tabindex', '-1');
			h1.focus();
		}
	}
}

function loggedIn(user) {
	state.user = user;
	state.schools = null;
	const back = sessionStorage.getItem('jy.after-login');
	sessionStorage.removeItem('jy.after-login');
	const target = back && findPage(back.split('?')[0]) ? back : home(user);
	history.replaceState(null, '', target);
	route({ focus: true });
}

async function logout() {
	try {
		await api('DELETE', '/api/session');
	} catch {
		/* logged out either way */
	}
	state.user = null;
	state.schools = null;
	history.replaceState(null, '', '/');
	route({ focus: true });
}

function roleText(user) {
	const parts = [user.username, roleName(user.role)];
	if (user.scope_kind === 'class' && user.scope_name)
		parts.push(user.scope_name);
	return parts.join(' · ');
}

// A district user's school picker in the header: the whole district (the
// district page) or one school, whose pages then serve the district user as
// they serve the school (api.js names the school in every request).  The
// list is loaded once per login.
function schoolPicker(user) {
	if (user.role !== 'district')
		return null;
	if (!state.schools) {
		state.schools = [];
		api('GET', '/api/district/schools').then((j) => {
			state.schools = j.items;
			renderShell();
		}).catch(() => {});
	}
	// The district page leaves the school (pages/district.js).
	const chosen = location.pathname === '/district' ? '' : districtSchoolId();
	const select = h('select', {
		id: 'school-pick', 'data-testid': 'school-pick',
		onchange: () => {
			setDistrictSchool(select.value || null);
			const here = findPage(location.pathname);
			// A school page stays (now for the other school); else its overview.
			if (!select.value)
				navigate('/district');
			else if (here && here.page.path !== '/district' && !here.page.path.includes(':'))
				navigate(location.pathname + location.search);
			else
				navigate('/overview');
		},
	}, h('option', { value: '' }, t('district.all')),
	state.schools.map((s) => h('option', { value: String(s.id), selected: String(s.id) === chosen }, s.name)));
	return h('span', { class: 'school-pick' }, h('label', { for: 'school-pick' }, t('district.pick')), ' ', select);
}

// Is the page on screen one that needs no login (pages with public: true)?
function publicPath() {
	const found = findPage(location.pathname.replace(/\/+$/, '') || '/');
	return !!(found && found.page.public);
}

function renderShell() {
	const user = publicPath() ? null : state.user;
	const other = getLang() === 'en' ? 'zh-CN' : 'en';
	const here = location.pathname;
	const navItems = user ? navPages(user) : [];
	const header = h('header', { class: 'topbar' },
		h('div', { class: 'brand' },
			h('span', { class: 'brand-name' }, t('app.name')),
			h('span', { class: 'brand-sub' }, t('app.subtitle'))),
		h('div', { class: 'tools' },
			user ? h('span', { class: 'who', 'data-testid': 'who' }, roleText(user)) : null,
			user ? schoolPicker(user) : null,
			h('button', {
				type: 'button', class: 'btn btn-quiet', lang: other, 'data-testid': 'lang',
				'aria-label': t('lang.switch'),
				onclick: () => setLang(other),
			}, t('lang.other')),
			user ? h('button', { type: 'button', class: 'btn btn-quiet', onclick: logout }, t('auth.logout')) : null));
	const nav = navItems.length ? h('nav', { class: 'nav', 'aria-label': t('nav.label') },
		h('ul', null, navItems.map((p) => {
			const current = here === p.path || here.startsWith(p.path + '/');
			return h('li', null, h('a', { href: p.path, 'aria-current': current ? 'page' : null }, t(p.nav)));
		}))) : null;
	if (!mainEl) {
		mainEl = h('main', { id: 'main', tabindex: '-1' });
	}
	const skip = h('a', { class: 'skip', href: '#main', onclick: (e) => {
		e.preventDefault();
		mainEl.focus();
	} }, t('nav.skip'));
	mount(root, skip, header, nav, mainEl);
}

// Same-origin links route in the page instead of reloading it.
function onClick(e) {
	if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey)
		return;
	const a = e.target.closest('a[href]');
	if (!a || a.target || a.hasAttribute('download'))
		return;
	const url = new URL(a.href, location.href);
	if (url.origin !== location.origin || url.pathname.startsWith('/api/') || a.getAttribute('href').startsWith('#'))
		return;
	e.preventDefault();
	navigate(url.pathname + url.search);
}

export async function start(el) {
	root = el;
	document.documentElement.lang = getLang();
	onLangChange(() => route());
	onSessionLost(() => {
		if (!state.user)
			return;
		state.user = null;
		sessionStorage.setItem('jy.after-login', location.pathname + location.search);
		route({ focus: true });
	});
	document.addEventListener('click', onClick);
	window.addEventListener('popstate', () => route({ focus: true }));
	if (publicPath()) {
		await route();
		return;
	}
	try {
		state.user = (await api('GET', '/api/session')).user;
	} catch (e) {
		state.user = null;
		if (location.pathname !== '/' && location.pathname !== '/login')
			sessionStorage.setItem('jy.after-login', location.pathname + location.search);
	}
	await route();
}
