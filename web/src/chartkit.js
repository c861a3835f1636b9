// chartkit.js — what the two ECharts bundles (charts.js, graph.js) share:
// the font, and following an element's size until the chart is disposed.
// Each bundle gets its own copy (esbuild), so neither loads the other.

export const font = 'system-ui, "Noto Sans CJK SC", "Droid Sans Fallback", sans-serif';

// Resize the chart with el until disposed.  Returns { dispose() }.
export function tracked(el, chart) {
	const ro = new ResizeObserver(() => chart.resize());
	ro.observe(el);
	return {
		dispose() {
			ro.disconnect();
			chart.dispose();
		},
	};
}
