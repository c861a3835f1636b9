// charts.js — Apache ECharts, bundled on its own into charts.js and loaded
// by the pages with `await import('../charts.js')` the first time they draw.
//
// Only the parts registered below are bundled (echarts/core keeps the rest
// out): add a chart type or component here when a page needs it.  The graph
// of transmission chains is in graph.js, a bundle of its own, so that the
// overview does not download it.  Today: bars (the census by grade, stacked),
// lines (the epidemic curve), a cartesian grid, legends and tooltips; most
// of the bundle is ECharts' core.  This bundle shares no code with app.js:
// callers pass every label already translated.
//
// CSP: the canvas renderer draws into <canvas> and sizes its elements via
// the CSSOM, which `style-src 'self'` allows; tooltips are drawn in the
// canvas too (renderMode 'richText'), because ECharts' HTML tooltips carry
// style attributes in markup, which the CSP blocks.
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { font, tracked } from './chartkit.js';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

// Colours with at least 3:1 contrast against white (WCAG non-text contrast).
const palette = ['#0b5394', '#be123c', '#b45309', '#7e22ce', '#6b7280', '#15803d', '#0e7490', '#a16207',
	'#9d174d', '#1e40af', '#4d7c0f', '#c2410c'];

function base(yName, legend) {
	return {
		color: palette,
		textStyle: { fontFamily: font, color: '#1a1a1a' },
		animation: false,
		legend: legend ? { type: 'scroll', top: 0, textStyle: { color: '#1a1a1a' } } : undefined,
		grid: { left: 8, right: 8, top: legend ? 56 : 32, bottom: 8, containLabel: true },
		tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } },
		yAxis: { type: 'value', name: yName, nameTextStyle: { color: '#333', align: 'left' }, minInterval: 1,
			 axisLabel: { color: '#333' } },
	};
}

// Draw a bar chart into el (which must be in the document and sized by CSS).
//   categories: x-axis labels; series: [{ name, data: [numbers] }] (a
//   legend appears for more than one); stacked: stack the series; yName:
//   the y axis title.
// Returns { dispose() }.
export function barChart(el, { categories, series, stacked = false, yName = '' }) {
	const chart = echarts.init(el, null, { renderer: 'canvas' });
	chart.setOption({
		...base(yName, series.length > 1),
		xAxis: { type: 'category', data: categories, axisLabel: { color: '#333', interval: 0, hideOverlap: true } },
		series: series.map((s) => ({
			type: 'bar',
			name: s.name,
			data: s.data,
			stack: stacked ? 'total' : undefined,
			barMaxWidth: 48,
			label: { show: !stacked, position: 'top', color: '#1a1a1a' },
		})),
	});
	return tracked(el, chart);
}

// Draw a line chart (an epidemic curve): categories on x (days), series
// [{ name, data, dashed }].  Returns { dispose() }.
export function lineChart(el, { categories, series, yName = '' }) {
	const chart = echarts.init(el, null, { renderer: 'canvas' });
	chart.setOption({
		...base(yName, true),
		tooltip: { trigger: 'axis', renderMode: 'richText' },
		xAxis: { type: 'category', data: categories, boundaryGap: false, axisLabel: { color: '#333', hideOverlap: true } },
		series: series.map((s) => ({
			type: 'line',
			name: s.name,
			data: s.data,
			symbolSize: 5,
			lineStyle: { width: 2, type: s.dashed ? 'dashed' : 'solid' },
		})),
	});
	return tracked(el, chart);
}
