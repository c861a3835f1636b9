// pages/check.js — 晨午检, the class teacher's morning/noon/evening check on
// a phone, the product's most used page.
//
// GET /api/checks gives the class for the date and session.  Everyone is
// present and well unless the day's check says otherwise; a student with an
// open illness absence starts as absent (因病缺勤, carried over) until the
// check of the day is submitted, so an absence is never closed by not
// looking.  A tap on a student opens a sheet: status, temperature, symptoms,
// diagnosis; the doctor's note (复课证明) can be recorded there too.  Submit
// sends only the exceptions (POST /api/checks; the server fills in "present
// and well" for the rest) and shows the answer: counts, warnings and any
// alert raised.  A correction is a new submission (a new version).  Below:
// the class's illness absences to follow up (absences.js).
//
// Teachers check their own class; admin and the reporter pick a class
// (?class_id=).  Layout: a grid of big name tiles (3 across at 360 px), a
// bar stuck to the bottom with the counts and the submit button.
import { api } from '../api.js';
import { absenceList } from '../absences.js';
import { FEVER_C, DIAGNOSES, STATUSES, SYMPTOMS, TEMP_MAX, TEMP_MIN, codeName, diagnosisName, sessionName,
	statusName, symptomList, symptomName } from '../codes.js';
import { h, labelled, mount, uid } from '../dom.js';
import { fmtNumber, getLang, t } from '../i18n.js';
import { alertLine, badge, dayPicker, dayQuery, page, stat } from '../ui.js';

const SHORT = { absent_sick: 'check.short.sick', absent_other: 'check.short.other', absent_unknown: 'check.short.unknown' };

function isException(c) {
	return c.status !== 'present' || c.temperature !== null || c.symptoms.size > 0 || !!c.diagnosis;
}

function fmtTemp(x) {
	return x.toFixed(1) + ' °C';
}

// The class picker for admin and the reporter.
function classPicker(ctx, classes, classId) {
	const sel = h('select', { name: 'class_id', 'data-testid': 'class' },
		h('option', { value: '' }, t('check.pickClass')),
		classes.map((c) => h('option', { value: String(c.id) }, c.name)));
	sel.value = classId ? String(classId) : '';
	sel.addEventListener('change', () => {
		const q = new URLSearchParams(location.search);
		q.set('class_id', sel.value);
		ctx.navigate('/check?' + q.toString(), { replace: true });
	});
	return h('form', { class: 'filters', 'aria-label': t('check.pickClass') }, labelled(t('common.class'), sel).field);
}

export default {
	path: '/check',
	nav: 'nav.check',
	title: 'check.title',
	roles: ['teacher', 'admin', 'reporter'],

	async render(ctx) {
		const { user, signal } = ctx;
		const teacher = user.role === 'teacher';
		if (teacher && (user.scope_kind !== 'class' || !user.scope_id))
			return page(t('check.title'), h('p', { class: 'notice' }, t('myclass.noclass')));
		const day = dayQuery(ctx);
		let classId = teacher ? String(user.scope_id) : ctx.query.get('class_id') || '';
		let picker = null;
		if (!teacher) {
			const classes = (await api('GET', '/api/classes', { signal })).items;
			picker = classPicker(ctx, classes, classId);
			if (!classes.some((c) => String(c.id) === classId))
				classId = '';
			if (!classId)
				return page(t('check.title'), picker, h('p', { class: 'lead' }, t('check.pickClassLead')));
		}

		const chk = await api('GET', '/api/checks', { query: { class_id: classId, ...day }, signal });
		// The server's state of a student → ours; carried: still absent from an
		// earlier day, shown as absent until the day's check is submitted.
		const fromServer = (s, submitted) => {
			const carried = !submitted && !!s.absence;
			return {
				...s,
				carried,
				cur: {
					status: carried ? 'absent_sick' : s.status,
					temperature: s.temperature ?? null,
					symptoms: new Set(s.symptoms),
					diagnosis: s.diagnosis || '',
				},
			};
		};
		const students = chk.students.map((s) => fromServer(s, chk.submitted));
		let version = chk.version;

		// ---- the tiles
		const tiles = new Map();
		function tile(s) {
			const c = s.cur;
			const bits = [];
			if (c.status !== 'present')
				bits.push(t(SHORT[c.status]));
			if (c.temperature !== null)
				bits.push(fmtTemp(c.temperature));
			if (c.symptoms.size)
				bits.push(symptomList([...c.symptoms]));
			if (c.diagnosis)
				bits.push(diagnosisName(c.diagnosis));
			const needsNote = s.absence && s.absence.note_required && !s.absence.note_recorded;
			const el = h('button', {
				type: 'button',
				class: ['tile', 'tile-' + c.status, c.symptoms.size || (c.temperature ?? 0) >= FEVER_C ? 'tile-sym' : null],
				'data-testid': 'student', 'data-number': s.number, 'data-status': c.status,
				onclick: () => openEditor(s),
			},
			h('span', { class: 'tile-name' }, s.name),
			h('span', { class: 'tile-no' }, s.number.slice(-4)),
			bits.length ? h('span', { class: 'tile-state' }, bits.join(' · ')) : null,
			s.carried ? h('span', { class: 'tile-flag' }, t('check.carried')) : null,
			needsNote ? h('span', { class: 'tile-flag tile-flag-note' }, t('check.needsNote')) : null);
			return el;
		}
		// Replace a student's tile; focus: put the focus on the new one (the
		// sheet closed, the old tile it would return to is gone).
		function redraw(s, focus = false) {
			const el = tile(s);
			tiles.get(s.person_id).replaceWith(el);
			tiles.set(s.person_id, el);
			summarise();
			if (focus)
				el.focus();
		}
		const grid = h('div', { class: 'tiles', role: 'group', 'aria-label': t('check.students') },
			students.map((s) => {
				const el = tile(s);
				tiles.set(s.person_id, el);
				return el;
			}));

		// ---- counts and submit
		const summary = h('p', { class: 'check-count', 'aria-live': 'polite', 'data-testid': 'check-count' });
		function counts() {
			const n = { present: 0, absent_sick: 0, absent_other: 0, absent_unknown: 0, symptomatic: 0, febrile: 0 };
			for (const s of students) {
				n[s.cur.status]++;
				n.symptomatic += s.cur.symptoms.size > 0;
				n.febrile += (s.cur.temperature ?? 0) >= FEVER_C;
			}
			return n;
		}
		function summarise() {
			const n = counts();
			summary.textContent = t('check.counts', {
				present: fmtNumber(n.present), total: fmtNumber(students.length),
				absent: fmtNumber(n.absent_sick + n.absent_other + n.absent_unknown),
				sym: fmtNumber(n.symptomatic),
			});
		}
		const state = h('p', { class: 'check-state', 'data-testid': 'check-state' });
		function showState() {
			state.replaceChildren(version
				? badge(t('check.submitted', { v: version }), 'ok')
				: badge(t('check.notSubmitted'), 'warn'),
			' ', version ? t('check.resubmitHint') : t('check.defaultHint'));
		}
		showState();
		summarise();

		const submitBtn = h('button', { type: 'button', class: 'btn btn-primary btn-big', 'data-testid': 'submit' },
			t('check.submit', { session: sessionName(day.session) }));
		const submitErr = alertLine();
		const result = h('div', { class: 'check-result', 'data-testid': 'check-result', tabindex: '-1', hidden: true });

		submitBtn.addEventListener('click', async () => {
			submitErr.clear();
			const entries = students.filter((s) => isException(s.cur)).map((s) => ({
				person_id: s.person_id,
				status: s.cur.status,
				temperature: s.cur.temperature,
				symptoms: [...s.cur.symptoms],
				diagnosis: s.cur.diagnosis,
			}));
			submitBtn.disabled = true;
			try {
				const r = await api('POST', '/api/checks', { body: { class_id: Number(classId), ...day, entries } });
				version = r.version;
				showState();
				showResult(r);
				absences.reload();
				await refresh();
			} catch (e) {
				submitErr.show(e);
			} finally {
				submitBtn.disabled = false;
			}
		});

		// Show what the server kept (a student back without the doctor's note
		// still counts as absent: the answer's warnings say so).  On failure
		// the tiles keep what was sent.
		async function refresh() {
			let now;
			try {
				now = await api('GET', '/api/checks', { query: { class_id: classId, ...day }, signal });
			} catch {
				return;
			}
			for (const f of now.students) {
				const i = students.findIndex((x) => x.person_id === f.person_id);
				if (i >= 0) {
					students[i] = fromServer(f, true);
					redraw(students[i]);
				}
			}
		}

		function showResult(r) {
			const canReadAlerts = user.role !== 'teacher';
			mount(result,
				h('h2', null, t('check.result', { v: r.version })),
				h('div', { class: 'stats stats-small' },
					stat(t('census.present'), fmtNumber(r.present), 'res-present'),
					stat(t('status.absent_sick'), fmtNumber(r.absent_sick), 'res-absent_sick'),
					stat(t('status.absent_other'), fmtNumber(r.absent_other), 'res-absent_other'),
					stat(t('status.absent_unknown'), fmtNumber(r.absent_unknown), 'res-absent_unknown'),
					stat(t('census.symptomatic'), fmtNumber(r.symptomatic), 'res-symptomatic'),
					stat(t('census.febrile'), fmtNumber(r.febrile), 'res-febrile')),
				r.warnings.length ? h('ul', { class: 'warnings', 'data-testid': 'warnings' },
					r.warnings.map((w) => h('li', { class: 'notice' }, w))) : null,
				r.alerts.length ? h('div', { class: 'raised', 'data-testid': 'raised' },
					h('h3', null, t('check.alerts')),
					h('ul', { class: 'plain' }, r.alerts.map((a) => h('li', { class: 'alert-item' },
						badge(t(a.new ? 'check.alertNew' : 'check.alertGrew'), 'bad'), ' ',
						canReadAlerts ? h('a', { href: '/alerts/' + a.id }, ruleName(a)) : h('strong', null, ruleName(a)),
						' — ', t('check.alertLine', { scope: a.scope_name, code: codeName(a.code), n: a.count })))),
					h('p', { class: 'hint' }, t(canReadAlerts ? 'check.alertNext' : 'check.alertTeacher'))) : null);
			result.hidden = false;
			result.focus();
		}

		// ---- the sheet that edits one student
		const ed = buildEditor();
		function openEditor(s) {
			ed.fill(s);
			ed.dialog.showModal();
		}

		function buildEditor() {
			const title = h('h2', { id: uid('ed') });
			const absenceInfo = h('div', { class: 'ed-absence' });
			const statusBox = h('div', { class: 'choices' });
			const radios = STATUSES.map((st) => {
				const id = uid('st');
				const r = h('input', { type: 'radio', name: 'ed-status', id, value: st });
				statusBox.append(r, h('label', { for: id, class: 'choice' }, statusName(st)));
				return r;
			});
			const temp = h('input', { type: 'number', name: 'temperature', step: '0.1', min: TEMP_MIN, max: TEMP_MAX,
				inputmode: 'decimal', autocomplete: 'off', 'data-testid': 'temperature' });
			const symBox = h('div', { class: 'chips' });
			const checks = new Map(SYMPTOMS.map((code) => {
				const id = uid('sy');
				const c = h('input', { type: 'checkbox', id, value: code, name: 'symptom' });
				symBox.append(c, h('label', { for: id, class: 'chip' }, symptomName(code)));
				return [code, c];
			}));
			temp.addEventListener('input', () => {
				const v = parseFloat(temp.value);
				if (v >= FEVER_C && v <= TEMP_MAX)
					checks.get('fever').checked = true;
			});
			const diag = h('select', { name: 'diagnosis', 'data-testid': 'diagnosis' },
				h('option', { value: '' }, t('check.diagnosis.none')),
				DIAGNOSES.map((d) => h('option', { value: d }, diagnosisName(d))));
			const err = alertLine();
			const ok = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'ed-ok' }, t('common.ok'));
			const reset = h('button', { type: 'button', class: 'btn', 'data-testid': 'ed-reset' }, t('check.reset'));
			const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
			const form = h('form', { class: 'sheet-form', novalidate: true },
				title, absenceInfo,
				h('fieldset', { class: 'ed-group' }, h('legend', null, t('check.status')), statusBox),
				labelled(t('check.temperature'), temp, t('check.temperature.hint')).field,
				h('fieldset', { class: 'ed-group' }, h('legend', null, t('check.symptoms')), symBox),
				labelled(t('check.diagnosis'), diag).field,
				err.el,
				h('div', { class: 'sheet-actions' }, ok, reset, cancel));
			const dialog = h('dialog', { class: 'sheet', 'aria-labelledby': title.id, 'data-testid': 'editor' }, form);
			let current = null;

			function fill(s) {
				current = s;
				err.clear();
				title.textContent = s.name + ' ' + s.number;
				const c = s.cur;
				for (const r of radios)
					r.checked = r.value === c.status;
				temp.value = c.temperature === null ? '' : String(c.temperature);
				for (const [code, box] of checks)
					box.checked = c.symptoms.has(code);
				diag.value = c.diagnosis;
				absenceInfo.replaceChildren();
				if (s.absence) {
					const a = s.absence;
					const line = h('p', { class: 'notice' }, t('check.absenceSince', {
						since: a.since, diag: a.diagnosis ? diagnosisName(a.diagnosis) : t('check.diagnosis.unknown') }));
					absenceInfo.append(line);
					if (a.note_required && !a.note_recorded) {
						const noteErr = alertLine();
						const btn = h('button', { type: 'button', class: 'btn', 'data-testid': 'ed-note' }, t('absence.recordNote'));
						btn.addEventListener('click', async () => {
							btn.disabled = true;
							try {
								await api('POST', '/api/absences/' + a.id + '/note');
								a.note_recorded = true;
								line.after(badge(t('absence.noteRecorded'), 'ok'));
								btn.remove();
								redraw(s);
								absences.reload();
							} catch (e) {
								noteErr.show(e);
								btn.disabled = false;
							}
						});
						absenceInfo.append(h('p', null, t('check.needsNoteLong')), btn, noteErr.el);
					}
				}
			}

			form.addEventListener('submit', (e) => {
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
				const status = (radios.find((r) => r.checked) || radios[0]).value;
				current.cur = {
					status,
					temperature: tv,
					symptoms: new Set(SYMPTOMS.filter((code) => checks.get(code).checked)),
					diagnosis: diag.value,
				};
				if (status !== 'absent_sick')
					current.carried = false;
				dialog.close();
				redraw(current, true);
			});
			reset.addEventListener('click', () => {
				current.cur = { status: 'present', temperature: null, symptoms: new Set(), diagnosis: '' };
				current.carried = false;
				dialog.close();
				redraw(current, true);
			});
			cancel.addEventListener('click', () => dialog.close());
			return { dialog, fill };
		}

		function ruleName(a) {
			return getLang() === 'en' && a.rule_en ? a.rule_en : a.rule;
		}

		const absences = absenceList(ctx, { classId });
		ctx.onLeave(() => ed.dialog.open && ed.dialog.close());

		return page(t('check.heading', { name: chk.class }),
			picker,
			dayPicker(ctx, day),
			state,
			grid,
			h('div', { class: 'check-bar' }, summary, submitBtn),
			submitErr.el,
			result,
			ed.dialog,
			h('section', { class: 'card', 'aria-labelledby': 'abs-h' },
				h('h2', { id: 'abs-h' }, t('absence.title')), absences.el),
			students.length ? null : h('p', { class: 'notice' }, t('check.empty')));
	},
};
