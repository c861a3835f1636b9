// declform.js — the declaration form (返校前健康申报), shared by the
// personal page reached by a link (pages/declare.js, phone first, no login)
// and the class teacher's entry on a person's return page.
//
// Three parts, each a fieldset with a legend:
//   - where the person stayed: one or more places (region as 省/市/区,
//     dates, how they travelled), "add another place";
//   - health on a day: temperature and symptoms;
//   - contact with a case: no / yes (then the day and a note).
// declarationForm() returns { el, items() }: items() checks the inputs the
// browser can check (reportValidity) and returns the facts for
// POST …/declarations ({"items":[…]}), or null when something is missing.
import { SYMPTOMS, TEMP_MAX, TEMP_MIN, symptomName, todayCST } from './codes.js';
import { h, labelled, uid } from './dom.js';
import { has, t } from './i18n.js';

export const TRANSPORTS = ['car', 'train', 'plane', 'bus', 'ship', 'walk', 'other'];
export const transportName = (c) => (TRANSPORTS.includes(c) ? t(`decl.transport.${c}`) : c || '');

function stayRow(n, minDate, maxDate, onRemove) {
	const region = h('input', { type: 'text', name: 'region', required: true, autocomplete: 'off',
		placeholder: t('decl.region.example'), 'data-testid': 'stay-region' });
	const from = h('input', { type: 'date', name: 'date_from', required: true, min: minDate, max: maxDate,
		'data-testid': 'stay-from' });
	const to = h('input', { type: 'date', name: 'date_to', required: true, min: minDate, max: maxDate,
		'data-testid': 'stay-to' });
	const transport = h('select', { name: 'transport', 'data-testid': 'stay-transport' },
		h('option', { value: '' }, t('decl.transport.none')),
		TRANSPORTS.map((c) => h('option', { value: c }, transportName(c))));
	from.addEventListener('change', () => {
		to.min = from.value || minDate;
		if (!to.value || to.value < from.value)
			to.value = from.value;
	});
	const remove = onRemove ? h('button', { type: 'button', class: 'btn', onclick: onRemove },
		t('decl.stay.remove', { n })) : null;
	const el = h('fieldset', { class: 'decl-stay' }, h('legend', null, t('decl.stay.n', { n })),
		labelled(t('decl.region'), region, t('decl.region.hint')).field,
		h('div', { class: 'decl-dates' }, labelled(t('decl.from'), from).field, labelled(t('decl.to'), to).field),
		labelled(t('decl.transport'), transport).field,
		remove);
	return {
		el,
		item: () => ({ kind: 'stay', region: region.value.trim(), date_from: from.value, date_to: to.value,
			transport: transport.value }),
	};
}

// returnDate: the day the person is due back ('' when unknown).
export function declarationForm({ returnDate }) {
	const today = todayCST();
	const maxDate = returnDate && returnDate > today ? returnDate : today;
	const minDate = (() => {
		const d = new Date((returnDate && returnDate < today ? returnDate : today) + 'T00:00:00Z');
		d.setUTCDate(d.getUTCDate() - 30);
		return d.toISOString().slice(0, 10);
	})();

	// ---- stays
	const stays = [];
	const stayBox = h('div', { class: 'decl-stays' });
	function renumber() {
		stayBox.replaceChildren();
		stays.forEach((s, i) => {
			const fresh = stayRow(i + 1, minDate, maxDate, stays.length > 1 ? () => {
				stays.splice(stays.indexOf(s), 1);
				renumber();
			} : null);
			// keep what was typed
			for (const name of ['region', 'date_from', 'date_to', 'transport'])
				fresh.el.querySelector(`[name=${name}]`).value = s.el.querySelector(`[name=${name}]`).value;
			s.el = fresh.el;
			s.item = fresh.item;
			stayBox.append(s.el);
		});
	}
	function addStay() {
		const s = stayRow(stays.length + 1, minDate, maxDate, null);
		stays.push(s);
		renumber();
		s.el.querySelector('input').focus();
	}
	stays.push(stayRow(1, minDate, maxDate, null));
	stayBox.append(stays[0].el);
	const staysSet = h('fieldset', { class: 'decl-part' }, h('legend', null, t('decl.stays')),
		h('p', { class: 'hint' }, t('decl.stays.hint')),
		stayBox,
		h('button', { type: 'button', class: 'btn', onclick: addStay, 'data-testid': 'stay-add' }, t('decl.stay.add')));

	// ---- health on a day
	const hDate = h('input', { type: 'date', name: 'health_date', required: true, value: today, min: minDate, max: today,
		'data-testid': 'health-date' });
	const temp = h('input', { type: 'number', name: 'temperature', step: '0.1', min: String(TEMP_MIN), max: String(TEMP_MAX),
		inputmode: 'decimal', placeholder: '36.5', 'data-testid': 'health-temp' });
	const symBox = h('div', { class: 'chips' });
	for (const code of SYMPTOMS) {
		const id = uid('sym');
		symBox.append(h('input', { type: 'checkbox', id, name: 'symptom', value: code }),
			h('label', { for: id, class: 'chip' }, symptomName(code)));
	}
	const healthSet = h('fieldset', { class: 'decl-part' }, h('legend', null, t('decl.health')),
		h('p', { class: 'hint' }, t('decl.health.hint')),
		labelled(t('decl.health.date'), hDate).field,
		labelled(t('decl.temperature'), temp, t('decl.temperature.hint')).field,
		h('fieldset', { class: 'decl-symptoms' }, h('legend', null, t('decl.symptoms')), symBox,
			h('p', { class: 'hint' }, t('decl.symptoms.hint'))));

	// ---- contact with a case
	const cDate = h('input', { type: 'date', name: 'contact_date', min: minDate, max: today, 'data-testid': 'contact-date' });
	const cNote = h('input', { type: 'text', name: 'contact_note', maxlength: '80', 'data-testid': 'contact-note' });
	const cMore = h('div', { class: 'decl-contact-more', hidden: true },
		labelled(t('decl.contact.date'), cDate).field, labelled(t('decl.contact.note'), cNote).field);
	let contact = false;
	const cName = uid('contact');
	const radios = [['no', 'decl.contact.no'], ['yes', 'decl.contact.yes']].map(([v, key]) => {
		const id = uid('c');
		return h('label', { class: 'check', for: id },
			h('input', { type: 'radio', id, name: cName, value: v, checked: v === 'no', 'data-testid': 'contact-' + v,
				onchange: () => {
					contact = v === 'yes';
					cMore.hidden = !contact;
					cDate.required = contact;
				} }),
			t(key));
	});
	const contactSet = h('fieldset', { class: 'decl-part' }, h('legend', null, t('decl.contact')),
		h('div', { class: 'filters-inline' }, radios), cMore);

	const el = h('div', { class: 'decl-form' }, staysSet, healthSet, contactSet);
	return {
		el,
		// The facts to send, or null (the browser shows what is missing).
		items(form) {
			if (form && !form.reportValidity())
				return null;
			const items = stays.map((s) => s.item()).filter((x) => x.region);
			const symptoms = [...symBox.querySelectorAll('input:checked')].map((i) => i.value);
			items.push({ kind: 'health', date_from: hDate.value, temperature: temp.value === '' ? null : Number(temp.value),
				symptoms });
			if (contact)
				items.push({ kind: 'contact', date_from: cDate.value, note: cNote.value.trim() });
			return items;
		},
	};
}

const SOURCE = { link: 'decl.source.link', staff: 'decl.source.staff', import: 'decl.source.import' };

// What was declared, as a table (cards on a phone).  opts.onDelete(item)
// adds a "remove" button per row (the class teacher's correction).
export function declarationTable(items, { onDelete, testid } = {}) {
	const cols = [
		{ label: t('decl.kind'), cell: (d) => t(`decl.kind.${d.kind}`) },
		{ label: t('decl.dates'), cell: (d) => (d.date_to && d.date_to !== d.date_from ? d.date_from + ' – ' + d.date_to : d.date_from),
			class: 'nowrap' },
		{ label: t('decl.detail'), cell: (d) => declarationDetail(d) },
		{ label: t('decl.source'), cell: (d) => (SOURCE[d.source] ? t(SOURCE[d.source]) : d.source) +
			(d.reporter ? ' · ' + (has(`decl.reporter.${d.reporter}`) ? t(`decl.reporter.${d.reporter}`) : d.reporter) : '') },
	];
	if (onDelete)
		cols.push({ label: t('decl.correct'), cell: (d) => h('button', { type: 'button', class: 'btn',
			'data-testid': 'decl-remove', onclick: () => onDelete(d) }, t('decl.remove')) });
	const body = h('tbody', null, items.map((d) => h('tr', null, cols.map((c) => h('td', { 'data-label': c.label, class: c.class },
		c.cell(d) || h('span', { class: 'muted' }, '—'))))));
	return items.length
		? h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack', 'data-testid': testid },
			h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c.label)))), body))
		: h('p', { class: 'empty', 'data-testid': testid }, t('decl.none'));
}

export function declarationDetail(d) {
	if (d.kind === 'stay')
		return [d.region, d.transport ? transportName(d.transport) : ''].filter(Boolean).join(' · ');
	if (d.kind === 'health') {
		const parts = [];
		if (d.temperature !== null && d.temperature !== undefined)
			parts.push(Number(d.temperature).toFixed(1) + ' °C');
		parts.push(d.symptoms && d.symptoms.length ? d.symptoms.map(symptomName).join('、') : t('decl.noSymptoms'));
		return parts.join(' · ');
	}
	return d.note || t('decl.kind.contact');
}
