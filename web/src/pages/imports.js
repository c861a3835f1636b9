// pages/imports.js — 导入导出: bring a spreadsheet in (CSV or xlsx) and take
// the roster out (xlsx or CSV).
//
// POST /api/imports/{kind}?filename=NAME with the file as the body.  An
// import is all-or-nothing: when any row is wrong the server writes
// nothing and answers every problem as {file,row,column,message}, shown
// here as the error table, with "nothing was changed".  Which kinds a
// role may import mirrors src/http/policy.c (POL_IMPORT and the kind's own
// action); the server still decides.  The roster export is a plain link
// to GET /api/exports/roster (a download; audited).
import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, has, t } from '../i18n.js';
import { formCard, select } from '../forms.js';
import { dataTable, page } from '../ui.js';

const KINDS = {
	roster: ['admin', 'reporter'],
	checks: ['admin', 'reporter'],
	declarations: ['admin', 'reporter'],
	presence: ['admin', 'reporter'],
	contacts: ['admin', 'reporter'],
	batches: ['admin'],
	calendar: ['admin'],
	'risk-regions': ['admin', 'district'],
};
const EXPORTERS = ['admin', 'principal', 'reporter'];

// Send the file; resolves to the summary, throws an ApiError that carries
// the error table (e.errors) when refused.
async function upload(kind, file, signal) {
	let r;
	try {
		r = await fetch('/api/imports/' + kind + '?filename=' + encodeURIComponent(file.name), {
			method: 'POST', body: file, credentials: 'same-origin', signal,
			headers: { 'Content-Type': 'application/octet-stream' },
		});
	} catch (e) {
		throw new ApiError(0, 'network', e.message);
	}
	let j = null;
	try {
		j = await r.json();
	} catch {
		j = null;
	}
	if (r.ok)
		return j;
	const e = (j && j.error) || {};
	const err = new ApiError(r.status, e.code, e.message, e.field);
	err.errors = (j && j.errors) || null;
	err.total = (j && j.total) || 0;
	throw err;
}

function summary(j) {
	const parts = Object.entries(j).filter(([k, v]) => typeof v === 'number' && k !== 'rows' && has(`imports.count.${k}`))
		.map(([k, v]) => t(`imports.count.${k}`) + ' ' + fmtNumber(v));
	return t('imports.done', { file: j.file, rows: fmtNumber(j.rows || 0) }) + (parts.length ? '；' + parts.join('，') : '');
}

export default {
	path: '/admin/imports',
	nav: 'nav.imports',
	title: 'imports.title',
	roles: ['admin', 'principal', 'reporter', 'district'],

	async render(ctx) {
		const role = ctx.user.role;
		const kinds = Object.keys(KINDS).filter((k) => KINDS[k].includes(role));
		const result = h('div', { 'data-testid': 'import-result', 'aria-live': 'polite' });
		const kind = select('kind', kinds.map((k) => [k, t(`imports.kind.${k}`)]), ctx.query.get('kind') || kinds[0]);
		const file = h('input', { type: 'file', name: 'file', accept: '.csv,.xlsx,.xlsm,.txt,.dat,text/csv,text/plain', required: true,
			'data-testid': 'import-file' });
		const columns = h('p', { class: 'hint', 'data-testid': 'import-columns' });
		const showColumns = () => (columns.textContent = t(`imports.columns.${kind.value}`));
		kind.addEventListener('change', showColumns);
		showColumns();
		const form = kinds.length ? formCard(t('imports.upload'), [
			[t('imports.kind'), kind],
			[t('imports.file'), file, t('imports.file.hint')],
		], async () => {
			result.replaceChildren();
			const f = file.files[0];
			if (!f)
				throw new ApiError(400, 'invalid', t('imports.file.none'));
			try {
				const j = await upload(kind.value, f, ctx.signal);
				result.append(h('p', { class: 'notice', role: 'status', 'data-testid': 'import-ok' }, summary(j)));
			} catch (e) {
				if (!e.errors)
					throw e;
				const table = dataTable([
					{ label: t('imports.err.file'), cell: (x) => x.file },
					{ label: t('imports.err.row'), cell: (x) => x.row === null ? '' : fmtNumber(x.row), class: 'num' },
					{ label: t('imports.err.column'), cell: (x) => x.column },
					{ label: t('imports.err.message'), cell: (x) => x.message },
				], { caption: t('imports.err.title'), testid: 'import-errors' });
				table.add(e.errors);
				result.append(h('p', { class: 'error', role: 'alert', 'data-testid': 'import-refused' },
					t('imports.refused', { n: fmtNumber(e.total || e.errors.length) })));
				if (e.total > e.errors.length)
					result.append(h('p', { class: 'muted' }, t('imports.more', { n: fmtNumber(e.total - e.errors.length) })));
				result.append(table.el);
			}
		}, { submit: t('imports.submit'), testid: 'import-form', extra: columns }) : null;

		const exports = EXPORTERS.includes(role) ? h('section', { class: 'card', 'aria-labelledby': 'exp-h' },
			h('h2', { id: 'exp-h' }, t('imports.export')),
			h('p', { class: 'lead' }, t('imports.export.lead')),
			h('div', { class: 'actions' },
				h('a', { class: 'btn btn-primary', href: '/api/exports/roster?format=xlsx', download: 'roster.xlsx',
					'data-testid': 'export-xlsx' }, t('imports.export.xlsx')),
				h('a', { class: 'btn', href: '/api/exports/roster?format=csv', download: 'roster.csv',
					'data-testid': 'export-csv' }, t('imports.export.csv')))) : null;
		return page(t('imports.title'),
			h('p', { class: 'lead' }, t(kinds.length ? 'imports.lead' : 'imports.lead.exportOnly')),
			form, result, exports);
	},
};
