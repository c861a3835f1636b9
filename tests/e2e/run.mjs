// tests/e2e/run.mjs — browser tests of the web UI: playwright-core driving
// Debian's Chromium (headless) against `jinyun serve` on loopback.
//
//   node tests/e2e/run.mjs BUILD_DIR          (tests/run-e2e.sh, `make check`)
//
// Builds its own database in a temporary folder (the demo school when the
// binary has `jinyun demo`, else a roster imported from a generated CSV),
// adds one account per role, starts the server on a free port, and checks
// what each role sees, the login error, the language switch, search, the
// phone layout at 360 px, keyboard use, labels, and that no page asks any
// host but the server (nor breaks the CSP).  Screenshots of each main page
// go to tests/out/e2e/.  Ends with `e2e: N passed, N failed`; exits 1 if any
// failed.  The UI's own strings come from web/src/i18n.js, so the tests
// follow the catalogue.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const buildDir = path.resolve(process.argv[2] || 'build');
const bin = path.join(buildDir, 'jinyun');
const outDir = path.join(root, 'tests/out/e2e');
const PASSWORD = 'e2e-pass-2024';
const started = Date.now();
let server = null, tmp = null;

// A failure outside the tests (no binary, no browser, the server does not
// start) still ends with the closing line, and leaves nothing running.
function bail(e) {
	console.log('FAIL setup: ' + (e && e.stack ? e.stack : e));
	if (server && server.exitCode === null)
		server.kill('SIGTERM');
	if (tmp)
		rmSync(tmp, { recursive: true, force: true });
	console.log('e2e: 0 passed, 1 failed');
	process.exit(1);
}
process.on('uncaughtException', bail);
process.on('unhandledRejection', bail);

const { chromium } = await import(pathToFileURL(path.join(root, 'web/node_modules/playwright-core/index.mjs')));
const { zh, en } = await import(pathToFileURL(path.join(root, 'web/src/i18n.js')));

// ---------------------------------------------------------------- data

function run(args, input) {
	const r = spawnSync(bin, args, { input, encoding: 'utf8' });
	if (r.status !== 0)
		throw new Error(`jinyun ${args.join(' ')} failed (${r.status}): ${r.stderr || r.stdout}`);
	return r.stdout;
}

// A small school for a binary without `jinyun demo`: 2 grades × 3 classes.
function rosterCsv() {
	const family = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴'];
	const given = ['子涵', '一诺', '浩然', '梓轩', '欣怡', '雨泽', '思远', '佳琪', '俊杰', '若曦',
		'明轩', '诗涵', '宇航', '可馨', '博文', '梦瑶', '天佑', '嘉怡'];
	const rows = ['学号,姓名,性别,年级,班级,宿舍,监护人电话'];
	let n = 0;
	for (const grade of ['2023级', '2024级'])
		for (let c = 1; c <= 3; c++)
			for (let i = 1; i <= 30; i++, n++) {
				const name = family[n % family.length] + given[Math.floor(n / family.length) % given.length];
				const dorm = i % 5 === 0 ? '' : `${(n % 2) + 1}号楼${100 + Math.floor(n / 6)}`;
				rows.push([grade.slice(0, 4) + String(c) + String(i).padStart(3, '0'), name, n % 2 ? '女' : '男',
					grade, `${grade}数控${c}班`, dorm, '138' + String(10000000 + n * 7919).slice(-8)].join(','));
			}
	return rows.join('\n') + '\n';
}

function parseCsv(text) {
	return text.trim().split(/\r?\n/).slice(1).map((l) => {
		const [number, name, gender, grade, cls, dorm] = l.split(',');
		return { number, name, gender, grade, cls, dorm };
	});
}

tmp = mkdtempSync(path.join(tmpdir(), 'jinyun-e2e-'));
const db = path.join(tmp, 'e2e.db');
const hasDemo = spawnSync(bin, ['demo', '--help'], { encoding: 'utf8' }).status === 0;
if (hasDemo) {
	run(['demo', '--db', db, '--students', '500', '--seed', '1']);
} else {
	writeFileSync(path.join(tmp, 'roster.csv'), rosterCsv());
	run(['import', 'roster', '--db', db, path.join(tmp, 'roster.csv')]);
}
const students = parseCsv(run(['export', 'roster', '--db', db]));
const teacherClass = students[0].cls;
const classSize = students.filter((s) => s.cls === teacherClass).length;
// Someone outside the teacher's class whose name is unique in the school.
const nameCount = new Map();
for (const s of students)
	nameCount.set(s.name, (nameCount.get(s.name) || 0) + 1);
const other = students.find((s) => s.cls !== teacherClass && nameCount.get(s.name) === 1);
const users = {
	admin: { role: 'admin' },
	principal: { role: 'principal' },
	reporter: { role: 'reporter' },
	teacher: { role: 'teacher', scope: teacherClass },
	gate: { role: 'gate' },
	logistics: { role: 'logistics' },
};
for (const [key, u] of Object.entries(users)) {
	u.name = 'e2e-' + key;
	run(['user', 'add', '--db', db, '--name', u.name, '--role', u.role, ...(u.scope ? ['--scope', u.scope] : [])],
		PASSWORD + '\n');
}

const dataSeconds = ((Date.now() - started) / 1000).toFixed(1);

// ---------------------------------------------------------------- server

server = spawn(bin, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--quiet'],
	{ stdio: ['ignore', 'pipe', 'pipe'] });
let serverErr = '';
server.stderr.on('data', (d) => (serverErr += d));
const base = await new Promise((resolve, reject) => {
	let out = '';
	const timer = setTimeout(() => reject(new Error('server did not start: ' + out + serverErr)), 10000);
	server.stdout.on('data', (d) => {
		out += d;
		const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)\//);
		if (m) {
			clearTimeout(timer);
			resolve(m[1]);
		}
	});
	server.on('exit', (code) => reject(new Error(`server exited (${code}): ${serverErr}`)));
});
const origin = new URL(base).origin;

// ---------------------------------------------------------------- browser

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const context = await chromium.launchPersistentContext(path.join(tmp, 'profile'), {
	executablePath: '/usr/bin/chromium',
	headless: true,
	args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
		'--disable-component-update', '--disable-sync'],
	viewport: { width: 1280, height: 800 },
});
const foreign = [];    // requests to any origin but the server's
const problems = [];   // CSP violations, uncaught errors, console errors
context.on('request', (r) => {
	const u = r.url();
	if (!u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin)
		foreign.push(u);
});
function watch(page) {
	page.on('console', (m) => {
		// The browser logs each 401/403/404 answer; those are expected here.
		if (m.type() === 'error' && !/^Failed to load resource/.test(m.text()))
			problems.push(`console: ${m.text()} (${page.url()})`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message} (${page.url()})`));
	page.setDefaultTimeout(8000);
	return page;
}
context.on('page', watch);
const page = watch(context.pages()[0] || await context.newPage());
const setupSeconds = ((Date.now() - started) / 1000).toFixed(1);

// ---------------------------------------------------------------- helpers

function assert(cond, msg) {
	if (!cond)
		throw new Error(msg);
}

async function until(fn, what, ms = 5000) {
	const end = Date.now() + ms;
	let last;
	while (Date.now() < end) {
		last = await fn();
		if (last)
			return last;
		await new Promise((r) => setTimeout(r, 50));
	}
	throw new Error('timed out waiting for ' + what + (last !== undefined ? ` (last: ${JSON.stringify(last)})` : ''));
}

const h1 = (p = page) => p.locator('main h1').first().textContent();

async function shot(name, p = page) {
	await p.screenshot({ path: path.join(outDir, name + '.png'), fullPage: true });
}

async function navTexts(p = page) {
	return p.locator('nav.nav a').allTextContents();
}

async function logout(p = page) {
	await context.clearCookies();
	await p.goto(base + '/');
	await p.locator('input[name=username]').waitFor();
}

async function login(key, p = page) {
	await logout(p);
	await p.getByLabel(zh['login.username']).fill(users[key].name);
	await p.getByLabel(zh['login.password']).fill(PASSWORD);
	await p.getByRole('button', { name: zh['login.submit'], exact: true }).click();
	await p.locator('[data-testid=who]').waitFor();
	await p.locator('main h1').first().waitFor();
}

// Every visible input, select and textarea has a label (or an aria-label).
async function assertLabelled(p = page) {
	const unlabelled = await p.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
		.filter((el) => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
		.map((el) => el.outerHTML.slice(0, 80)));
	assert(unlabelled.length === 0, 'inputs without a label: ' + unlabelled.join(' '));
}

async function noHorizontalScroll(p = page) {
	const [sw, cw] = await p.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
	assert(sw <= cw, `page scrolls sideways: scrollWidth ${sw} > clientWidth ${cw} at ${p.url()}`);
}

function sameList(got, want, what) {
	assert(JSON.stringify(got) === JSON.stringify(want), `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
}

const apiStatus = (p, url) => p.evaluate((u) => fetch(u).then((r) => r.status), url);

// ---------------------------------------------------------------- tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the catalogue has every key in Chinese and English, and every key used exists', async () => {
	const zk = Object.keys(zh).sort(), ek = Object.keys(en).sort();
	sameList(zk.filter((k) => !(k in en)), [], 'keys missing in en');
	sameList(ek.filter((k) => !(k in zh)), [], 'keys missing in zh');
	const used = new Set();
	const walk = (dir) => {
		for (const f of readdirSync(dir, { withFileTypes: true })) {
			const p = path.join(dir, f.name);
			if (f.isDirectory())
				walk(p);
			else if (f.name.endsWith('.js'))
				for (const m of readFileSync(p, 'utf8').matchAll(/(?:\bt\(|\bnav: |\btitle: |messageView\()'([a-z]\w*\.[\w.]+)'/g))
					used.add(m[1]);
		}
	};
	walk(path.join(root, 'web/src'));
	sameList([...used].filter((k) => !(k in zh)).sort(), [], 'keys used but not in the catalogue');
});

test('login page: Chinese by default, labelled fields, nothing fetched from elsewhere', async () => {
	await logout();
	assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'html lang is not zh-CN');
	assert(await h1() === zh['login.title'], 'login heading');
	await page.getByRole('button', { name: zh['login.submit'], exact: true }).waitFor();
	await assertLabelled();
	await shot('login');
});

test('a wrong password shows the error and stays on the login page', async () => {
	await logout();
	await page.getByLabel(zh['login.username']).fill(users.admin.name);
	await page.getByLabel(zh['login.password']).fill('not-the-password');
	await page.getByRole('button', { name: zh['login.submit'], exact: true }).click();
	const alert = page.getByRole('alert');
	await until(async () => (await alert.textContent()) === zh['login.wrong'], 'the login error');
	assert(await page.locator('[data-testid=who]').count() === 0, 'logged in with a wrong password');
	await shot('login-error');
});

test('keyboard only: log in, then reach the roster from the navigation', async () => {
	await logout();
	await until(() => page.evaluate(() => document.activeElement && document.activeElement.name === 'username'),
		'focus in the username field');
	await page.keyboard.type(users.admin.name);
	await page.keyboard.press('Tab');
	await page.keyboard.type(PASSWORD);
	await page.keyboard.press('Enter');
	await page.locator('[data-testid=who]').waitFor();
	// Focus is on the page's heading; the navigation is just before it.
	let found = false;
	for (let i = 0; i < 20 && !found; i++) {
		await page.keyboard.press('Shift+Tab');
		found = await page.evaluate((t) => document.activeElement.textContent === t, zh['nav.people']);
	}
	assert(found, 'the roster link is not reachable with Shift+Tab');
	await page.keyboard.press('Enter');
	await until(async () => new URL(page.url()).pathname === '/people', 'the roster page');
	assert(await h1() === zh['roster.title'], 'roster heading');
});

test('admin: overview with chart, roster, places, audit log; users entry hidden', async () => {
	await login('admin');
	sameList(await navTexts(), ['nav.overview', 'nav.people', 'nav.places', 'nav.audit', 'nav.account'].map((k) => zh[k]),
		'admin navigation');
	assert(new URL(page.url()).pathname === '/overview', 'admin lands on the overview');
	await page.locator('[data-testid=enrolment-chart][data-ready] canvas').waitFor();
	const shown = await page.locator('[data-testid=stat-students] .stat-value').textContent();
	assert(shown.replace(/\D/g, '') === String(students.length), `overview counts ${shown} students, want ${students.length}`);
	await assertLabelled();
	await shot('overview');

	await page.getByRole('link', { name: zh['nav.places'], exact: true }).click();
	await page.locator('[data-testid=place-kinds] tbody tr').first().waitFor();
	await page.locator('[data-testid=places] tbody tr').first().waitFor();
	await assertLabelled();
	await shot('places');

	await page.getByRole('link', { name: zh['nav.audit'], exact: true }).click();
	await page.locator('[data-testid=audit] tbody tr').first().waitFor();
	await assertLabelled();
	await shot('audit');

	await page.goto(base + '/admin/users');
	assert(await h1() === zh['users.title'], 'users page (hidden from the navigation) still opens');
	await page.goto(base + '/account');
	await page.locator('[data-testid=account]').waitFor();
	await shot('account');
});

test('roster: pages with "more", search finds a student, the name opens their page', async () => {
	await login('admin');
	await page.goto(base + '/people');
	const rows = page.locator('[data-testid=people] tbody tr');
	await rows.first().waitFor();
	await assertLabelled();
	await shot('people');
	// Keyset paging: 100 a page, "more" appends the next page (next_after → after).
	assert(await rows.count() === 100, `first page has ${await rows.count()} rows, want 100`);
	await page.getByRole('button', { name: zh['common.more'] }).click();
	const want = Math.min(200, students.length);
	await until(async () => (await rows.count()) === want, `${want} rows after "more"`);
	const numbers = await page.locator('[data-testid=people] tbody tr td:first-child').allTextContents();
	assert(new Set(numbers).size === numbers.length, 'a person appears twice after paging');
	await page.getByLabel(zh['roster.search']).fill(other.name);
	const row = page.locator('[data-testid=people] tbody tr', { hasText: other.number });
	await row.waitFor();
	await until(async () => (await page.locator('[data-testid=people] tbody tr').count()) === 1, 'one match');
	await row.getByRole('link', { name: other.name }).click();
	await until(async () => (await h1()) === other.name, 'the person page');
	const facts = await page.locator('[data-testid=person]').textContent();
	assert(facts.includes(other.number) && facts.includes(other.cls), 'person page shows number and class');
	await shot('person');
});

test('principal: overview, roster and places; the audit log is refused', async () => {
	await login('principal');
	sameList(await navTexts(), ['nav.overview', 'nav.people', 'nav.places', 'nav.account'].map((k) => zh[k]),
		'principal navigation');
	await page.goto(base + '/audit');
	assert(await h1() === zh['err.forbidden.title'], 'audit page not refused');
	assert(await apiStatus(page, '/api/audit') === 403, 'the audit API answers a principal');
});

test('teacher: lands on their own class and sees no other', async () => {
	await login('teacher');
	sameList(await navTexts(), ['nav.myclass', 'nav.places', 'nav.account'].map((k) => zh[k]), 'teacher navigation');
	assert(new URL(page.url()).pathname === '/class', 'teacher lands on /class');
	assert((await h1()).includes(teacherClass), 'heading names the class');
	const summary = page.locator('[data-testid=summary]');
	await until(async () => (await summary.textContent()).includes(String(classSize)), `${classSize} in the class`);
	assert(await page.locator('[data-testid=people] tbody tr').count() === classSize, 'rows = class size');
	await page.getByLabel(zh['roster.search']).fill(other.name);
	await page.getByText(zh['roster.none']).waitFor();
	await page.goto(base + '/people');
	assert(await h1() === zh['err.forbidden.title'], 'school roster not refused');
	assert(await apiStatus(page, '/api/people') === 403, 'the people API answers a teacher without class');
	assert(await apiStatus(page, '/api/audit') === 403, 'the audit API answers a teacher');
});

test('teacher on a 360 px phone: no horizontal scroll on the class, a person, the login', async () => {
	await page.setViewportSize({ width: 360, height: 740 });
	try {
		await login('teacher');
		await page.locator('[data-testid=people] tbody tr').first().waitFor();
		await noHorizontalScroll();
		await assertLabelled();
		await page.screenshot({ path: path.join(outDir, 'teacher-360.png') });
		await shot('teacher-360-full');
		await page.locator('[data-testid=person-link]').first().click();
		await page.locator('[data-testid=person]').waitFor();
		await noHorizontalScroll();
		await shot('teacher-360-person');
		await page.goto(base + '/places');
		await page.locator('[data-testid=places] tbody tr').first().waitFor();
		await noHorizontalScroll();
		await logout();
		await noHorizontalScroll();
		await shot('login-360');
	} finally {
		await page.setViewportSize({ width: 1280, height: 800 });
	}
});

test('gate: no roster, no places, no personal data', async () => {
	await login('gate');
	sameList(await navTexts(), [zh['nav.account']], 'gate navigation');
	await shot('gate');
	for (const p of ['/people', '/class', '/places', '/overview', '/audit']) {
		await page.goto(base + p);
		assert(await h1() === zh['err.forbidden.title'], `${p} not refused to gate`);
	}
	assert(await apiStatus(page, '/api/people') === 403, 'the people API answers gate');
});

test('logistics: places, no roster', async () => {
	await login('logistics');
	sameList(await navTexts(), ['nav.places', 'nav.account'].map((k) => zh[k]), 'logistics navigation');
	await page.goto(base + '/people');
	assert(await h1() === zh['err.forbidden.title'], 'roster not refused to logistics');
});

test('language: switch to English and back, remembered after reload', async () => {
	await login('reporter');
	await page.getByRole('button', { name: zh['lang.other'] }).click();
	await until(async () => (await page.evaluate(() => document.documentElement.lang)) === 'en', 'html lang en');
	sameList(await navTexts(), ['nav.overview', 'nav.people', 'nav.places', 'nav.account'].map((k) => en[k]),
		'English navigation');
	await page.reload();
	await page.locator('nav.nav').waitFor();
	assert(await h1() === en['overview.title'], 'English not remembered after reload');
	await shot('overview-en');
	await logout();
	assert(await h1() === en['login.title'], 'login page not in English');
	await page.getByLabel(en['login.username']).waitFor();
	await page.getByRole('button', { name: en['lang.other'] }).click();
	await until(async () => (await h1()) === zh['login.title'], 'back to Chinese');
	await page.reload();
	await page.getByLabel(zh['login.username']).waitFor();
	assert(await page.evaluate(() => document.documentElement.lang) === 'zh-CN', 'Chinese not remembered');
});

let perf = null;
// One load of /overview in a fresh tab with the cache off: the page's own
// clock (navigation start → chart drawn), bytes as transferred, requests.
async function firstLoad() {
	const p = await context.newPage();
	const cdp = await context.newCDPSession(p);
	await cdp.send('Network.enable');
	await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
	let bytes = 0, requests = 0;
	cdp.on('Network.loadingFinished', (e) => {
		bytes += e.encodedDataLength;
		requests++;
	});
	const t0 = Date.now();
	await p.goto(base + '/overview');
	await p.locator('[data-testid=enrolment-chart][data-ready] canvas').waitFor();
	const ms = Date.now() - t0;
	await new Promise((r) => setTimeout(r, 200)); // let the last loadingFinished events arrive
	const nav = await p.evaluate(() => {
		const n = performance.getEntriesByType('navigation')[0];
		const mark = performance.getEntriesByName('jy-overview-chart')[0];
		const res = performance.getEntriesByType('resource').map((r) =>
			new URL(r.name).pathname.replace(/^\/api\//, '') + ' ' + Math.round(r.responseEnd));
		return { dcl: Math.round(n.domContentLoadedEventEnd), chart: Math.round(mark.startTime),
			 timeline: res.join(', ') };
	});
	await p.close();
	return { ms, bytes, requests, ...nav };
}

test('first load of the school overview: under 1 s and 1 MB', async () => {
	await login('principal');
	// Twice, keeping the faster: one slow run on a busy machine is not the UI's fault.
	const runs = [await firstLoad(), await firstLoad()];
	perf = runs.reduce((a, b) => (b.chart < a.chart ? b : a));
	perf.all = runs.map((r) => r.chart);
	assert(perf.bytes < 1000000, `first load transferred ${perf.bytes} bytes`);
	assert(perf.chart < 1000, `first load took ${perf.chart} ms (${perf.timeline})`);
});

test('no page asked another host, broke the CSP or threw', async () => {
	sameList(foreign, [], 'requests to other hosts');
	sameList(problems, [], 'CSP violations, console errors or uncaught errors');
});

// ---------------------------------------------------------------- run

let passed = 0, failed = 0;
for (const { name, fn } of tests) {
	const t0 = Date.now();
	try {
		await Promise.race([fn(), new Promise((_, reject) => setTimeout(() => reject(new Error('test timed out (30 s)')), 30000))]);
		passed++;
		console.log(`ok   ${name} (${Date.now() - t0} ms)`);
	} catch (e) {
		failed++;
		console.log(`FAIL ${name}: ${e.message.split('\n')[0]}`);
		await page.screenshot({ path: path.join(outDir, 'FAIL-' + (passed + failed) + '.png') }).catch(() => {});
	}
}

await context.close();
server.kill('SIGTERM');
await new Promise((r) => (server.exitCode !== null ? r() : server.on('exit', r)));
rmSync(tmp, { recursive: true, force: true });
console.log(`data: ${hasDemo ? 'jinyun demo --students 500' : 'generated roster (no jinyun demo)'}, ` +
	`${students.length} students; teacher's class ${teacherClass} (${classSize})`);
if (perf)
	console.log(`perf: first load of /overview (cache off): chart drawn at ${perf.chart} ms by the page's clock ` +
		`(runs: ${perf.all.join(' and ')} ms; ${perf.ms} ms as the test saw it), DOMContentLoaded ${perf.dcl} ms; ` +
		`${perf.requests} requests, ` +
		`${perf.bytes} bytes; responses at: ${perf.timeline}`);
console.log(`screenshots: ${path.relative(process.cwd(), outDir) || outDir}; setup ${setupSeconds} s ` +
	`(data ${dataSeconds} s), ` +
	`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`e2e: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
