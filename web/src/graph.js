// graph.js — Apache ECharts' graph series for the transmission chains
// (pages/chains.js), a bundle of its own loaded with
// `await import('../graph.js')` only by that page, so the overview's
// charts.js stays as small as it was.  Like charts.js it shares no code
// with app.js: the caller passes every label already translated.  CSP: the
// canvas renderer, and tooltips drawn in the canvas (renderMode 'richText').
import { GraphChart } from 'echarts/charts';
import { LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { font, tracked } from './chartkit.js';

echarts.use([GraphChart, LegendComponent, TooltipComponent, CanvasRenderer]);

// Colours with at least 3:1 contrast against white, in the order of the
// categories (suspected, clinical, confirmed, excluded).
const palette = ['#b45309', '#be123c', '#991b1b', '#15803d', '#0b5394', '#6b7280'];

// Draw a directed graph (the transmission chains) at the positions given:
//   nodes: [{ id, name, x, y, category, label }], edges: [{ from, to,
//   dashed }], categories: [names] (the legend, coloured in order);
//   onClick(id) when a node is clicked.  el must be in the document and
//   sized by CSS.  Returns { dispose() }.
export function graphChart(el, { nodes, edges, categories, onClick }) {
	const chart = echarts.init(el, null, { renderer: 'canvas' });
	chart.setOption({
		color: palette,
		textStyle: { fontFamily: font, color: '#1a1a1a' },
		animation: false,
		legend: { top: 0, data: categories, textStyle: { color: '#1a1a1a' } },
		tooltip: { renderMode: 'richText' },
		series: [{
			type: 'graph',
			layout: 'none',
			preserveAspect: 'contain',
			nodeScaleRatio: 0,
			top: 48, bottom: 40, left: 80, right: 80,
			roam: true,
			symbolSize: 22,
			edgeSymbol: ['none', 'arrow'],
			edgeSymbolSize: 10,
			categories: categories.map((name) => ({ name })),
			label: { show: true, position: 'bottom', color: '#1a1a1a', formatter: (p) => p.data.text },
			lineStyle: { color: '#4d4d4d', width: 2, opacity: 1 },
			data: nodes.map((n) => ({ id: String(n.id), name: n.name, x: n.x, y: n.y, category: n.category, text: n.label })),
			links: edges.map((e) => ({ source: String(e.from), target: String(e.to),
				lineStyle: { type: e.dashed ? 'dashed' : 'solid' } })),
		}],
	});
	if (onClick)
		chart.on('click', (p) => p.dataType === 'node' && onClick(Number(p.data.id)));
	return tracked(el, chart);
}
