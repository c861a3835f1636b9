// charts.js — Apache ECharts, bundled on its own into charts.js and loaded
// by the pages with `await import('../charts.js')` the first time they draw.
//
// Only the parts registered below are bundled (echarts/core keeps the rest
// out): add a chart type or component here when a page needs it (LineChart
// and LegendComponent for the epidemic curves, GraphChart for transmission
// chains).  Today: bars, a cartesian grid and tooltips, about 500 KB
// minified (170 KB gzipped), most of it ECharts' core.  This
// bundle shares no code with app.js: callers pass every label already
// translated.
//
// CSP: the canvas renderer draws into <canvas> and sizes its elements via
// the CSSOM, which `style-src 'self'` allows; tooltips are drawn in the
// canvas too (renderMode 'richText'), because ECharts' HTML tooltips carry
// style attributes in markup, which the CSP blocks.
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

// Colours with at least 3:1 contrast against white (WCAG non-text contrast).
const palette = ['#0b5394', '#b45309', '#15803d', '#7e22ce', '#be123c', '#0e7490'];
const font = 'system-ui, "Noto Sans CJK SC", "Droid Sans Fallback", sans-serif';

// Draw a bar chart into el (which must be in the document and sized by CSS).
//   categories: x-axis labels; series: [{ name, data: [numbers] }] (one
//   series until LegendComponent is registered); stacked: stack the
//   series; yName: the y axis title.
// Returns { dispose() }; the chart follows el's size until disposed.
export function barChart(el, { categories, series, stacked = false, yName = '' }) {
	const chart = echarts.init(el, null, { renderer: 'canvas' });
	chart.setOption({
		color: palette,
		textStyle: { fontFamily: font, color: '#1a1a1a' },
		animation: false,
		grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
		tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } },
		xAxis: { type: 'category', data: categories, axisLabel: { color: '#333', interval: 0, hideOverlap: true } },
		yAxis: { type: 'value', name: yName, nameTextStyle: { color: '#333', align: 'left' }, minInterval: 1,
			 axisLabel: { color: '#333' } },
		series: series.map((s) => ({
			type: 'bar',
			name: s.name,
			data: s.data,
			stack: stacked ? 'total' : undefined,
			barMaxWidth: 48,
			label: { show: !stacked, position: 'top', color: '#1a1a1a' },
		})),
	});
	const ro = new ResizeObserver(() => chart.resize());
	ro.observe(el);
	return {
		dispose() {
			ro.disconnect();
			chart.dispose();
		},
	};
}
