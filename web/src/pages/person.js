// pages/person.js — one person: identity, class, dorm, contacts, key
// groups, and for those who may read it the way to the person's timeline
// (pages/timeline.js).  The server writes every such read to the audit log.
import { api } from '../api.js';
import { CASE_READERS } from '../cases.js';
import { h } from '../dom.js';
import { fmtDateTime, t } from '../i18n.js';
import { facts, genderName, keyGroupName, page } from '../ui.js';

function phone(n) {
	return n ? h('a', { href: 'tel:' + n }, n) : '';
}

export default {
	path: '/people/:id',
	title: 'person.title',
	roles: ['admin', 'principal', 'reporter', 'teacher', 'district'],

	async render(ctx) {
		const { person: p } = await api('GET', '/api/people/' + encodeURIComponent(ctx.params.id),
			{ signal: ctx.signal });
		const teacher = ctx.user.role === 'teacher';
		const back = teacher ? '/class' : '/people' + (p.class_id ? '?class_id=' + p.class_id : '');
		const rows = [
			[t('person.number'), p.number],
			[t('person.name'), p.name],
			[t('person.gender'), genderName(p.gender)],
			[t('person.kind'), t(p.kind === 'staff' ? 'roster.kind.staff' : 'roster.kind.student')],
		];
		if (p.kind === 'staff')
			rows.push([t('person.position'), p.position]);
		rows.push(
			[t('common.grade'), p.grade],
			[t('common.class'), p.class_id && !teacher ? h('a', { href: '/people?class_id=' + p.class_id }, p.class) : p.class],
			[t('person.dorm'), p.dorm],
			[t('person.guardianPhone'), phone(p.guardian_phone)],
			[t('person.phone'), phone(p.phone)],
			[t('person.keyGroups'), p.key_groups.map(keyGroupName).join('、')],
			[t('person.status'), t(p.active ? 'person.active' : 'person.inactive')],
			[t('person.updated'), p.updated_at ? fmtDateTime(p.updated_at) : '']);
		return page(p.name,
			h('p', null, h('a', { href: back, class: 'back' }, t(teacher ? 'person.backClass' : 'person.backRoster'))),
			h('section', { class: 'card' }, facts(rows, 'person')),
			CASE_READERS.includes(ctx.user.role) ? h('p', { class: 'actions' }, h('a', { href: '/people/' + p.id + '/timeline',
				class: 'btn', 'data-testid': 'timeline-link' }, t('timeline.open'))) : null);
	},
};
