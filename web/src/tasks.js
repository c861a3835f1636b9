// tasks.js — response tasks (WS/T 772-2020: observation and parents,
// the 24-hour report, disinfection, contacts, health education) as a table
// that becomes cards on a phone: what, whose (owner role), by when, state
// (done / overdue / open), and a "done" action for whoever may close it,
// with an optional note (POST /api/tasks/{id}/done).  Shared by the alert
// page and the tasks page.
//
// taskTable(ctx, tasks, { showAlert }) → { el }.  showAlert adds a column
// linking to the task's alert.
import { api } from './api.js';
import { h, labelled } from './dom.js';
import { fmtDateTime, getLang, t } from './i18n.js';
import { alertLine, badge, dataTable, roleName } from './ui.js';

// Mirror of POL_TASK_DONE in src/http/policy.c (the server still decides).
export function canFinish(user, task) {
	return ['admin', 'reporter', 'principal'].includes(user.role) ||
		(user.role === task.owner_role && user.role !== 'district');
}

export const taskTitle = (x) => (getLang() === 'en' && x.title_en ? x.title_en : x.title_zh);

function stateOf(x) {
	if (x.done_at)
		return badge(t('tasks.doneAt', { at: fmtDateTime(x.done_at) }), 'ok', 'task-state');
	if (x.overdue)
		return badge(t('tasks.overdue'), 'bad', 'task-state');
	return badge(t('tasks.open'), 'info', 'task-state');
}

// Overdue first, then open by deadline, then done.
export function sortTasks(items) {
	const rank = (x) => (x.done_at ? 2 : x.overdue ? 0 : 1);
	return [...items].sort((a, b) => rank(a) - rank(b) || a.due_at - b.due_at);
}

export function taskTable(ctx, tasks, { showAlert = false } = {}) {
	function actionCell(x, stateBox) {
		const box = h('div', { class: 'task-action' });
		if (x.done_at) {
			if (x.note)
				box.append(h('span', { class: 'muted' }, x.note));
			return box;
		}
		if (!canFinish(ctx.user, x))
			return box;
		const err = alertLine();
		const start = h('button', { type: 'button', class: 'btn', 'data-testid': 'task-done' }, t('tasks.markDone'));
		const note = h('input', { type: 'text', name: 'note', maxlength: 200, autocomplete: 'off' });
		const ok = h('button', { type: 'submit', class: 'btn btn-primary', 'data-testid': 'task-done-confirm' },
			t('tasks.confirmDone'));
		const cancel = h('button', { type: 'button', class: 'btn' }, t('common.cancel'));
		const form = h('form', { class: 'task-form', hidden: true, 'aria-label': t('tasks.markDone') },
			labelled(t('tasks.note'), note).field, h('div', { class: 'sheet-actions' }, ok, cancel));
		start.addEventListener('click', () => {
			start.hidden = true;
			form.hidden = false;
			note.focus();
		});
		cancel.addEventListener('click', () => {
			form.hidden = true;
			start.hidden = false;
			start.focus();
		});
		form.addEventListener('submit', async (e) => {
			e.preventDefault();
			err.clear();
			ok.disabled = true;
			try {
				const r = await api('POST', '/api/tasks/' + x.id + '/done', { body: { note: note.value.trim() } });
				Object.assign(x, r.task);
				stateBox.replaceChildren(stateOf(x));
				box.replaceWith(actionCell(x, stateBox));
			} catch (e2) {
				err.show(e2);
				ok.disabled = false;
			}
		});
		box.append(start, form, err.el);
		return box;
	}

	const columns = [
		{ label: t('tasks.task'), cell: (x) => h('span', { 'data-testid': 'task-title', 'data-kind': x.kind }, taskTitle(x)) },
	];
	if (showAlert)
		columns.push({ label: t('tasks.alert'), cell: (x) => ctx.user.role === 'teacher' || ctx.user.role === 'logistics'
			? '#' + x.alert_id : h('a', { href: '/alerts/' + x.alert_id }, t('tasks.alertN', { id: x.alert_id })) });
	columns.push(
		{ label: t('tasks.owner'), cell: (x) => roleName(x.owner_role) },
		{ label: t('tasks.due'), cell: (x) => fmtDateTime(x.due_at), class: 'nowrap' },
		{ label: t('tasks.state'), cell: (x) => (x._state = h('span', null, stateOf(x))) },
		{ label: t('tasks.action'), cell: (x) => actionCell(x, x._state) });
	const table = dataTable(columns, { caption: t('tasks.title'), empty: t('tasks.none'), testid: 'tasks' });
	table.add(sortTasks(tasks));
	return { el: table.el };
}
