// build.mjs — bundle the web UI with esbuild into fixed file names.
//
//   node build.mjs [--outdir DIR] [--depfile FILE] [--watch]
//
// Writes DIR/index.html, DIR/app.js, DIR/app.css, DIR/charts.js and
// DIR/graph.js (DIR is web/dist by default).  The Meson build
// (src/http/meson.build) runs this
// with DIR inside the build directory and embeds the files into the
// binary; `npm run build` does the same into web/dist for a look by hand.
//
// app.js is the whole UI except the charts; charts.js holds Apache ECharts
// (only the parts imported in src/charts.js) and is loaded by app.js with
// import() the first time a page draws a chart, so the login page and the
// class teacher's phone never download it.  The two bundles share nothing:
// charts.js takes its labels and data as arguments.  graph.js is the same
// for the transmission-chain graph (ECharts' graph series), loaded only by
// pages/chains.js.
//
// --depfile writes a Makefile-style list of every input (sources and the
// node_modules files bundled) so that ninja rebuilds exactly when one of
// them changes.  No network is used: everything comes from web/node_modules,
// installed by `npm ci` (scripts/install-deps.sh).
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
function option(name, fallback) {
	const i = args.indexOf(name);
	return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
}
const outdir = path.resolve(option('--outdir', path.join(here, 'dist')));
const depfile = option('--depfile', null);
const watch = args.includes('--watch');

let esbuild;
try {
	esbuild = await import('esbuild');
} catch (e) {
	console.error('web/build.mjs: esbuild is not installed (' + e.code + '); run ./scripts/install-deps.sh ' +
		      '(npm ci in web/) first');
	process.exit(1);
}

// The app bundle refers to the charts bundle by URL, not by content.
const chartsExternal = {
	name: 'charts-external',
	setup(b) {
		b.onResolve({ filter: /(^|\/)(charts|graph)\.js$/ }, (a) =>
			a.kind === 'dynamic-import' ? { path: './' + path.basename(a.path), external: true } : undefined);
	},
};

const common = {
	absWorkingDir: here,
	bundle: true,
	minify: true,
	format: 'esm',
	target: 'es2020',
	legalComments: 'eof',
	metafile: true,
	logLevel: 'warning',
	charset: 'utf8',
};

const builds = [
	{ ...common, entryPoints: ['src/main.js'], outfile: path.join(outdir, 'app.js'), plugins: [chartsExternal] },
	{
		...common,
		entryPoints: ['src/charts.js'],
		outfile: path.join(outdir, 'charts.js'),
		banner: { js: '/*! Apache ECharts, Copyright 2017-2025 The Apache Software Foundation, Apache-2.0; ' +
				'ZRender, Copyright (c) 2013, Baidu Inc., BSD-3-Clause */' },
	},
	{
		...common,
		entryPoints: ['src/graph.js'],
		outfile: path.join(outdir, 'graph.js'),
		banner: { js: '/*! Apache ECharts, Copyright 2017-2025 The Apache Software Foundation, Apache-2.0; ' +
				'ZRender, Copyright (c) 2013, Baidu Inc., BSD-3-Clause */' },
	},
	{ ...common, entryPoints: ['src/app.css'], outfile: path.join(outdir, 'app.css') },
];

async function buildOnce() {
	await mkdir(outdir, { recursive: true });
	const results = await Promise.all(builds.map((o) => esbuild.build(o)));
	await copyFile(path.join(here, 'index.html'), path.join(outdir, 'index.html'));
	if (depfile) {
		const inputs = new Set(['build.mjs', 'index.html', 'package.json', 'package-lock.json']
			.map((f) => path.join(here, f)));
		for (const r of results)
			for (const f of Object.keys(r.metafile.inputs))
				inputs.add(path.resolve(here, f));
		const esc = (p) => p.replace(/([ #$\\])/g, '\\$1');
		// ninja knows the outputs by their path relative to the build directory (our cwd).
		const target = path.relative(process.cwd(), path.join(outdir, 'index.html'));
		await writeFile(depfile, esc(target) + ': ' + [...inputs].sort().map(esc).join(' \\\n  ') + '\n');
	}
}

if (watch) {
	const contexts = await Promise.all(builds.map((o) => esbuild.context(o)));
	await Promise.all(contexts.map((c) => c.watch()));
	await copyFile(path.join(here, 'index.html'), path.join(outdir, 'index.html'));
	console.log('watching web/src → ' + outdir);
} else {
	try {
		await buildOnce();
	} catch (e) {
		// esbuild has printed the errors with file:line:column.
		console.error('web/build.mjs: build failed');
		process.exit(1);
	}
}
