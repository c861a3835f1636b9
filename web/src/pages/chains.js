// pages/chains.js — 传播链, the transmission chains (GET /api/chains): each
// case a node, an arrow from the case a person caught it from (solid: the
// doctor's judgement, dashed: inferred from a trace).  Drawn with the
// ECharts graph series (graph.js, loaded lazily) as trees from left (the
// first case) to right; a click on a case opens it.  The same links are
// listed in a table under the graph, which a screen reader or a keyboard
// reaches.  ?all=1 shows the cases outside any chain too.
import { api } from '../api.js';
import { h } from '../dom.js';
import { fmtNumber, t } from '../i18n.js';
import { dataTable, page } from '../ui.js';
import { CASE_READERS, classificationBadge, CLASSIFICATIONS, classificationName, cstDateTime, diseaseName } from '../cases.js';

// Positions for a forest: x = generation, y = leaves in order, a parent in
// the middle of its children.  A case's source is unique, so each node has
// at most one parent; a cycle (refused by the server) would be cut.
export function layout(nodes, edges) {
	const kids = new Map(nodes.map((n) => [n.id, []]));
	const parent = new Map();
	for (const e of edges)
		if (kids.has(e.from) && kids.has(e.to) && !parent.has(e.to)) {
			kids.get(e.from).push(e.to);
			parent.set(e.to, e.from);
		}
	const pos = new Map();
	let row = 0;
	const place = (id, depth) => {
		if (pos.has(id))
			return pos.get(id).y;
		pos.set(id, { x: depth, y: 0 });
		const ys = kids.get(id).map((k) => place(k, depth + 1));
		const y = ys.length ? (ys[0] + ys[ys.length - 1]) / 2 : row++;
		pos.get(id).y = y;
		return y;
	};
	for (const n of nodes)
		if (!parent.has(n.id))
			place(n.id, 0);
	for (const n of nodes)
		place(n.id, 0);
	return pos;
}

export default {
	path: '/cases/chains',
	title: 'chains.title',
	roles: CASE_READERS,

	async render(ctx) {
		const all = ctx.query.get('all') === '1';
		const g = await api('GET', '/api/chains', { query: { all: all ? 1 : '' }, signal: ctx.signal });
		const byId = new Map(g.nodes.map((n) => [n.id, n]));
		const box = h('input', { type: 'checkbox', name: 'all', checked: all, 'data-testid': 'chains-all' });
		box.addEventListener('change', () => ctx.navigate('/cases/chains' + (box.checked ? '?all=1' : ''), { replace: true }));
		const table = dataTable([
			{ label: t('chains.case'), cell: (n) => h('a', { href: '/cases/' + n.id, 'data-testid': 'chain-case' }, n.name) },
			{ label: t('common.class'), cell: (n) => n.class },
			{ label: t('cases.disease'), cell: diseaseName },
			{ label: t('cases.classification'), cell: classificationBadge },
			{ label: t('cases.onset'), cell: (n) => cstDateTime(n.onset), class: 'nowrap' },
			{ label: t('chains.from'), cell: (n) => {
				const s = n.source_case_id && byId.get(n.source_case_id);
				return s ? h('a', { href: '/cases/' + s.id }, s.name) : '';
			} },
			{ label: t('chains.by'), cell: (n) => (n.source_by ? t(`chains.by.${n.source_by}`) : '') },
		], { caption: t('chains.title'), empty: t('chains.none'), testid: 'chain-table' });
		table.add(g.nodes);

		const described = g.edges.map((e) => {
			const a = byId.get(e.from), b = byId.get(e.to);
			return a && b ? t('chains.edge', { from: a.name, to: b.name }) : '';
		}).filter(Boolean).join('；');
		const chartEl = h('div', { class: 'chart chart-graph', role: 'img', 'data-testid': 'chain-chart', hidden: !g.nodes.length,
			'aria-label': t('chains.aria', { n: fmtNumber(g.nodes.length), m: fmtNumber(g.edges.length), list: described || '—' }) });
		ctx.onMount(async () => {
			if (!g.nodes.length)
				return;
			let graphChart;
			try {
				({ graphChart } = await import('../graph.js'));
			} catch (e) {
				chartEl.hidden = true; // the table has the same links
				console.error(e);
				return;
			}
			if (ctx.signal.aborted)
				return;
			const pos = layout(g.nodes, g.edges);
			const c = graphChart(chartEl, {
				categories: CLASSIFICATIONS.map(classificationName),
				nodes: g.nodes.map((n) => ({ id: n.id, name: n.name + ' ' + n.number, x: pos.get(n.id).x * 200,
					y: pos.get(n.id).y * 60, category: Math.max(0, CLASSIFICATIONS.indexOf(n.classification)),
					label: n.name + ' · ' + diseaseName(n) })),
				edges: g.edges.map((e) => ({ from: e.from, to: e.to, dashed: e.by === 'trace' })),
				onClick: (id) => ctx.navigate('/cases/' + id),
			});
			chartEl.dataset.ready = '1';
			ctx.onLeave(() => c.dispose());
		});
		return page(t('chains.title'),
			h('p', null, h('a', { href: '/cases', class: 'back' }, t('case.back'))),
			h('p', { class: 'lead' }, t('chains.lead')),
			h('form', { class: 'filters-inline', 'aria-label': t('cases.filter') },
				h('label', { class: 'check' }, box, t('chains.all'))),
			h('p', { class: 'summary', 'data-testid': 'chains-summary' },
				t('chains.summary', { n: fmtNumber(g.nodes.length), m: fmtNumber(g.edges.length) })),
			h('section', { class: 'card' }, chartEl, table.el));
	},
};
