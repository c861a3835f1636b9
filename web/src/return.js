// return.js — what the return-to-school pages (开学复课, pages/return*.js)
// share: the screening status badge, the reasons in the reader's language,
// the counts of GET /api/return/overview and the link to the names behind
// each, the teacher's own class, the row of links between the return
// pages, and the "return progress by batch" card of the school overview.
import { api } from './api.js';
import { h } from './dom.js';
import { fmtNumber, getLang, has, t } from './i18n.js';
import { badge, countLink } from './ui.js';

// Who reads the return pages (POL_RETURN_READ in src/http/policy.c).
export const RETURN_READERS = ['admin', 'principal', 'reporter', 'teacher', 'district'];
// Who enters declarations, makes personal links, records who cannot return.
export const canWriteReturn = (user) => ['admin', 'reporter', 'teacher'].includes(user.role);

// The counts of the overview in reading order, with what= of the names.
export const RETURN_COUNTS = ['expected', 'declared', 'cleared', 'monitor', 'hold', 'unscreened', 'arrived', 'refused',
	'not_returned', 'missing'];
export const NOT_RETURNED_REASONS = ['illness', 'quarantine', 'travel', 'family', 'other'];
export const LIFT_ACTIONS = ['doctor_note', 'negative_test', 'quarantine_done'];

const STATUS_KIND = { cleared: 'ok', monitor: 'warn', hold: 'bad' };

// The screening status as a coloured label (text says it; colour only helps).
export function statusBadge(status, testid) {
	return badge(status && has(`ret.status.${status}`) ? t(`ret.status.${status}`) : t('ret.status.none'),
		STATUS_KIND[status] || 'info', testid);
}

// One reason of reason_details in the current language, marked when lifted.
export function reasonText(r) {
	const s = getLang() === 'en' && r.en ? r.en : r.zh || r.en || '';
	return r.lifted ? s + ' ' + t('ret.lifted') : s;
}

export function reasonList(details, testid) {
	if (!details || !details.length)
		return h('span', { class: 'muted' }, t('ret.noReasons'));
	return h('ul', { class: 'plain reasons', 'data-testid': testid }, details.map((r) =>
		h('li', { class: r.lifted ? 'muted' : null }, reasonText(r))));
}

export const reasonName = (r) => (r && has(`ret.reason.${r}`) ? t(`ret.reason.${r}`) : r || '');

// The class a teacher's account is tied to ('' for everyone else).
export function ownClass(user) {
	return user.role === 'teacher' && user.scope_kind === 'class' && user.scope_id ? String(user.scope_id) : '';
}

// The link to the names behind an overview number.
export function returnPeopleHref(date, what, scope = {}) {
	const q = new URLSearchParams({ what, date });
	for (const [k, v] of Object.entries(scope))
		if (v !== undefined && v !== null && v !== '')
			q.set(k, k === 'class_id' && Number(v) < 0 ? 'staff' : String(v)); // the overview's staff row: class_id -1
	return '/return/people?' + q.toString();
}

// The links between the return pages, the one on screen marked.
const TABS = [
	['/return', 'ret.tab.overview'],
	['/return/screening', 'ret.tab.screening'],
	['/return/absent', 'ret.tab.absent'],
	['/return/key-groups', 'ret.tab.keyGroups'],
	['/return/plan', 'ret.tab.plan'],
	['/return/links', 'ret.tab.links', canWriteReturn],
];
export function returnTabs(here, user) {
	return h('nav', { class: 'subnav', 'aria-label': t('ret.tabs') }, h('ul', null, TABS.filter(([, , may]) =>
		!may || (user && may(user))).map(([path, key]) =>
		h('li', null, h('a', { href: path, 'aria-current': here === path ? 'page' : null }, t(key))))));
}

// "Return progress by batch" for the school overview: per batch its date
// and the main counts, each opening the names.  Resolves to null when the
// school has no return plan (or the role may not read it).
export async function returnProgressCard(date, signal) {
	let o;
	try {
		o = await api('GET', '/api/return/overview', { query: { date }, signal });
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		return null;
	}
	if (!o.plan || !o.batches.length)
		return null;
	const shown = ['expected', 'declared', 'hold', 'arrived', 'not_returned', 'missing'];
	return h('section', { class: 'card', 'aria-labelledby': 'ov-return', 'data-testid': 'return-progress' },
		h('h2', { id: 'ov-return' }, t('ret.progress')),
		h('ul', { class: 'plain list' }, o.batches.map((b) => h('li', null,
			h('strong', null, b.batch), ' ',
			b.return_date ? h('span', { class: 'muted' }, t('ret.returnOn', { date: b.return_date })) : null,
			' ', b.due ? null : badge(t('ret.notDue'), 'info'),
			// batch_id 0: the classes in no batch, whose names the return overview lists by class
			h('span', { class: 'ret-counts' }, shown.map((w) => h('span', { class: 'ret-count' }, t(`ret.count.${w}`), ' ',
				countLink(b[w], b.batch_id ? returnPeopleHref(o.date, w, { batch_id: b.batch_id }) : null,
					`rp-${b.batch_id}-${w}`))))))),
		h('p', null, h('a', { href: '/return?date=' + o.date }, t('ret.toOverview'))));
}

export const yesNo = (v) => (v ? t('ret.yes') : t('ret.no'));
export const num = (n) => fmtNumber(n);

// On submit: no page load, the form's error line cleared, then action();
// an error it throws is shown on that line.  Returns the form.
export function submitWith(form, err, action) {
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		try {
			await action();
		} catch (x) {
			err.show(x);
		}
	});
	return form;
}
