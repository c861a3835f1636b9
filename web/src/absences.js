// absences.js — illness absences to follow up (因病缺勤登记追踪), one card
// per absent student: since when, symptoms, diagnosis, the last follow-up,
// whether a doctor's note (复课证明) is needed and seen.  Each card records
// a follow-up (POST /api/absences/{id}/followups: date, temperature,
// symptoms, diagnosis, note) and the doctor's note (POST …/note).  Used on
// the class teacher's check page; GET /api/absences?status=open&class_id=.
//
// absenceList(ctx, { classId }) → { el, reload() }.
import { api } from './api.js';
import { DIAGNOSES, NOTIFIABLE, SYMPTOMS, TEMP_MAX, TEMP_MIN, daysBetween, diagnosisName, symptomList, symptomName,
	todayCST } from './codes.js';
import { h, labelled, uid } from './dom.js';
import { t } from './i18n.js';
import { alertLine, badge } from './ui.js';

function noteBadge(a) {
	if (a.note_recorded)
		return badge(t('absence.noteRecorded'), 'ok', 'note-state');
	if (a.note_required || NOTIFIABLE.has(a.diagnosis))
		return badge(t('absence.noteNeeded'), 'bad', 'note-state');
	return null;
}

function followupForm(a, onSaved, onCancel) {
	const date = h('input', { type: 'date', name: 'date', value: todayCST(), max: todayCST(), required: true });
	const temp = h('input', { type: 'number', name: 'temperature', step: '0.1', min: TEMP_MIN, max: TEMP_MAX,
		inputmode: 'decimal' });
	const symBox = h('div', { class: 'chips' });
	const checks = SYMPTOMS.map((code) => {
		const id = uid('fs');
		const c = h('input', { type: 'checkbox', id, value: code, checked: a.symptoms.includes(code) });
		symBox.append(c, h('label', { for: id, class: 'chip' }, symptomName(code)));
		return c;
	});
	const diag = h('select', { name: 'diagnosis' }, h('option', { value: '' }, t('check.diagnosis.none')),
		DIAGNOSES.map((d) => h('option', { value: d }, diagnosisName(d))));
	diag.value = a.diagnosis || '';
	const note = h('textarea', { name: 'note', rows: 2, maxlength: 500 });
	const err = alertLine();
	const save = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'followup-save' }, t('absence.save'));
	const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
	const form = h('form', { class: 'followup', novalidate: true, 'aria-label': t('absence.followupOf', { name: a.name }) },
		labelled(t('absence.date'), date).field,
		labelled(t('check.temperature'), temp).field,
		h('fieldset', { class: 'ed-group' }, h('legend', null, t('check.symptoms')), symBox),
		labelled(t('check.diagnosis'), diag).field,
		labelled(t('absence.note'), note, t('absence.note.hint')).field,
		err.el,
		h('div', { class: 'sheet-actions' }, save, cancel));
	cancel.addEventListener('click', onCancel);
	form.addEventListener('submit', async (e) => {
		e.preventDefault();
		err.clear();
		let tv = null;
		if (temp.value.trim() !== '') {
			tv = Math.round(parseFloat(temp.value) * 10) / 10;
			if (!(tv >= TEMP_MIN && tv <= TEMP_MAX)) {
				err.show(t('check.temperature.bad', { min: TEMP_MIN, max: TEMP_MAX }));
				temp.focus();
				return;
			}
		}
		save.disabled = true;
		try {
			const r = await api('POST', '/api/absences/' + a.id + '/followups', { body: {
				date: date.value || todayCST(), temperature: tv, symptoms: checks.filter((c) => c.checked).map((c) => c.value),
				diagnosis: diag.value, note: note.value.trim(),
			} });
			onSaved(r.absence);
		} catch (e2) {
			err.show(e2);
			save.disabled = false;
		}
	});
	return form;
}

export function absenceList(ctx, { classId }) {
	const list = h('ul', { class: 'plain absences', 'data-testid': 'absences' });
	const empty = h('p', { class: 'empty', hidden: true }, t('absence.none'));
	const error = alertLine();

	function card(a) {
		const today = todayCST();
		const days = Math.max(1, daysBetween(a.first_absent_date, today) + 1);
		const err = alertLine();
		const actions = h('div', { class: 'actions' });
		const li = h('li', { class: 'absence', 'data-testid': 'absence', 'data-number': a.number },
			h('div', { class: 'absence-head' },
				h('a', { href: '/people/' + a.person_id, class: 'absence-name' }, a.name),
				h('span', { class: 'muted' }, a.number), noteBadge(a)),
			h('p', null, t('absence.since', { date: a.first_absent_date, n: days })),
			h('p', null, t('absence.symptoms'), a.symptoms.length ? symptomList(a.symptoms) : t('absence.noSymptoms'),
				' · ', t('absence.diagnosis'), a.diagnosis ? diagnosisName(a.diagnosis) : t('absence.diagnosisUnknown')),
			h('p', { class: 'muted' }, a.last_followup ? t('absence.lastFollowup', { date: a.last_followup })
				: t('absence.noFollowup')),
			actions, err.el);
		const follow = h('button', { type: 'button', class: 'btn', 'data-testid': 'followup' }, t('absence.followup'));
		follow.addEventListener('click', () => {
			follow.hidden = true;
			const form = followupForm(a, (updated) => li.replaceWith(card(updated)), () => {
				form.remove();
				follow.hidden = false;
				follow.focus();
			});
			actions.after(form);
			form.querySelector('input').focus();
		});
		actions.append(follow);
		if (!a.note_recorded) {
			const note = h('button', { type: 'button', class: ['btn', a.note_required && 'btn-primary'],
				'data-testid': 'record-note' }, t('absence.recordNote'));
			note.addEventListener('click', async () => {
				note.disabled = true;
				try {
					const r = await api('POST', '/api/absences/' + a.id + '/note');
					li.replaceWith(card(r.absence));
				} catch (e) {
					err.show(e);
					note.disabled = false;
				}
			});
			actions.append(note);
		}
		return li;
	}

	async function reload() {
		error.clear();
		try {
			const j = await api('GET', '/api/absences', { query: { status: 'open', class_id: classId }, signal: ctx.signal });
			list.replaceChildren(...j.items.map(card));
			empty.hidden = j.items.length > 0;
		} catch (e) {
			if (e.name !== 'AbortError')
				error.show(e);
		}
	}
	reload();
	return { el: h('div', null, error.el, list, empty), reload };
}
