// dom.js — the one way the UI builds elements.
//
// h('a', { href: '/people', class: 'btn' }, t('nav.people')) makes an
// element; children are nodes or text (always inserted as text, never as
// HTML, so data from the server cannot inject markup).  Attributes named
// on* take a listener; `class` accepts a string or an array with falsy
// entries skipped; boolean true sets an empty attribute, false/null/undefined
// leave it out.  Nothing here uses innerHTML or style attributes (the CSP
// forbids inline styles): appearance comes from classes in app.css.

export function h(tag, attrs, ...children) {
	const el = document.createElement(tag);
	if (attrs) {
		for (const [k, v] of Object.entries(attrs)) {
			if (v === false || v === null || v === undefined)
				continue;
			if (k.startsWith('on') && typeof v === 'function')
				el.addEventListener(k.slice(2).toLowerCase(), v);
			else if (k === 'class')
				el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
			else if (k === 'value' || k === 'checked' || k === 'selected')
				el[k] = v;
			else
				el.setAttribute(k, v === true ? '' : String(v));
		}
	}
	append(el, children);
	return el;
}

function append(el, children) {
	for (const c of children) {
		if (c === null || c === undefined || c === false)
			continue;
		if (Array.isArray(c))
			append(el, c);
		else
			el.append(c instanceof Node ? c : String(c));
	}
}

// Replace all children of el.
export function mount(el, ...children) {
	el.replaceChildren();
	append(el, children);
	return el;
}

// A unique id for pairing a <label for> with its control.
let seq = 0;
export function uid(prefix) {
	return (prefix || 'f') + '-' + ++seq;
}

// A labelled form field: returns { field, input } where field is the wrapper.
export function labelled(labelText, control, hint) {
	if (!control.id)
		control.id = uid('in');
	const field = h('div', { class: 'field' }, h('label', { for: control.id }, labelText), control,
			hint ? h('span', { class: 'hint' }, hint) : null);
	return { field, input: control };
}

// Run fn at most once per `ms` of quiet (for search-as-you-type).
export function debounce(fn, ms) {
	let timer = 0;
	return (...a) => {
		clearTimeout(timer);
		timer = setTimeout(() => fn(...a), ms);
	};
}
