// api.js — the JSON API client (docs/API.md).
//
// api('GET', '/api/people', { query: { class_id: 3 } }) resolves to the
// parsed body, or throws an ApiError carrying the HTTP status and the
// server's {"error":{code,message,field}}.  Requests go to the page's own
// origin only (the session cookie is HttpOnly and SameSite=Strict).  A 401
// on anything but the login itself means the session ended: the handler set
// with onSessionLost() shows the login page.  Pass `signal` to abandon a
// request when the user navigates away.

export class ApiError extends Error {
	constructor(status, code, message, field, retryAfter) {
		super(message || code || 'HTTP ' + status);
		this.status = status;
		this.code = code || '';
		this.field = field || '';
		this.retryAfter = retryAfter || 0;
	}
}

let sessionLost = null;

export function onSessionLost(fn) {
	sessionLost = fn;
}

export function buildQuery(query) {
	const p = new URLSearchParams();
	for (const [k, v] of Object.entries(query || {}))
		if (v !== undefined && v !== null && v !== '')
			p.set(k, String(v));
	const s = p.toString();
	return s ? '?' + s : '';
}

// A district user's drill-down (pages/district.js): while a school is
// chosen every request but the district's own and the session's names it.
let districtSchool = sessionStorage.getItem('jy.school') || '';

export function districtSchoolId() {
	return districtSchool;
}

export function setDistrictSchool(id) {
	districtSchool = id ? String(id) : '';
	if (districtSchool)
		sessionStorage.setItem('jy.school', districtSchool);
	else
		sessionStorage.removeItem('jy.school');
}

export async function api(method, path, { query, body, signal } = {}) {
	if (path === '/api/session')
		setDistrictSchool(method === 'GET' ? districtSchool : null);
	else if (districtSchool && !path.startsWith('/api/district/'))
		query = { school: districtSchool, ...query };
	let r;
	try {
		r = await fetch(path + buildQuery(query), {
			method,
			headers: body !== undefined ? { 'Content-Type': 'application/json' } : {},
			body: body !== undefined ? JSON.stringify(body) : undefined,
			credentials: 'same-origin',
			signal,
		});
	} catch (e) {
		if (e.name === 'AbortError')
			throw e;
		throw new ApiError(0, 'network', e.message);
	}
	let json = null;
	try {
		json = await r.json();
	} catch (e) {
		// Navigating away aborts the body too: that is not an empty answer.
		if (e.name === 'AbortError' || (signal && signal.aborted))
			throw e.name === 'AbortError' ? e : new DOMException('aborted', 'AbortError');
		json = null;
	}
	if (r.ok)
		return json || {};
	const e = (json && json.error) || {};
	const err = new ApiError(r.status, e.code, e.message, e.field, parseInt(r.headers.get('Retry-After'), 10));
	if (r.status === 401 && !(method === 'POST' && path === '/api/session') && sessionLost)
		sessionLost();
	throw err;
}
