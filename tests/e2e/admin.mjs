// tests/e2e/admin.mjs — browser tests of the admin, import/export and
// campus-operations pages, and of what every role may see.  Registered by
// run.mjs (one line) with the shared harness `e`: its test(), page, login
// and helpers, the running server, the catalogue.
//
//   - each of the seven roles: the navigation shows exactly the pages the
//     role may open (a table written here from src/http/policy.c, not read
//     from the page registry), every other page is refused when typed in,
//     and the server refuses the matching API too;
//   - an import with a bad row shows the error table and changes nothing
//     (the roster count is the same afterwards); the roster downloads as xlsx;
//   - an admin adds a risk region, a gate device (its token shown once, and
//     it works at the gate), a screening rule; a user created on the users
//     page can log in, and cannot once disabled;
//   - the operations pages: a ventilation recorded, a plan activated, a
//     staggered schedule computed.
import { readFileSync } from 'node:fs';
import path from 'node:path';

// Who may open which page: one row per page (path → roles).
const PAGES = {
	'/overview': ['admin', 'principal', 'reporter', 'district'],
	'/check': ['admin', 'reporter', 'teacher'],
	'/class': ['teacher'],
	'/alerts': ['admin', 'principal', 'reporter', 'district'],
	'/tasks': ['admin', 'principal', 'reporter', 'teacher', 'logistics', 'district'],
	'/report': ['admin', 'principal', 'reporter', 'district'],
	'/people': ['admin', 'principal', 'reporter', 'district'],
	'/places': ['admin', 'principal', 'reporter', 'teacher', 'logistics', 'district'],
	'/ops/hygiene': ['admin', 'principal', 'reporter', 'logistics'],
	'/ops/plans': ['admin', 'principal', 'reporter', 'logistics'],
	'/ops/stagger': ['admin', 'principal', 'reporter', 'logistics'],
	'/admin/rules': ['admin', 'district'],
	'/admin/calendar': ['admin', 'logistics'],
	'/admin/users': ['admin'],
	'/admin/imports': ['admin', 'principal', 'reporter', 'district'],
	'/admin/risk-regions': ['admin', 'principal', 'reporter'],
	'/admin/screen-rules': ['admin', 'district'],
	'/admin/devices': ['admin'],
	'/audit': ['admin'],
	'/cases': ['admin', 'principal', 'reporter', 'district'],
	'/return': ['admin', 'principal', 'reporter', 'teacher', 'district'],
	'/gate': ['admin', 'principal', 'reporter', 'gate', 'district'],
	'/district': ['district'],
	'/account': ['admin', 'principal', 'reporter', 'teacher', 'gate', 'logistics', 'district'],
};
// The server's own answer for the data behind some of them (200 or 403).
const APIS = {
	'/api/audit': ['admin'],
	'/api/users': ['admin'],
	'/api/gate/devices': ['admin'],
	'/api/exports/roster?format=csv': ['admin', 'principal', 'reporter'],
	// Operations are read by the district too, naming the school (the demo's is 1).
	'/api/hygiene/schedules?school_id=1': ['admin', 'principal', 'reporter', 'logistics', 'district'],
	'/api/rules': ['admin', 'principal', 'reporter', 'district'],
};
const ROLES = ['admin', 'principal', 'reporter', 'teacher', 'gate', 'logistics', 'district'];

export default function adminTests(e) {
	const { test, page, base, login, logout, users, zh, assert, until, h1, shot, sameList, apiStatus,
		assertLabelled, noHorizontalScroll, run, db, PASSWORD, students, outDir } = e;

	// The harness makes one account per role but the district's.
	if (!users.district) {
		users.district = { role: 'district', name: 'e2e-district' };
		run(['user', 'add', '--db', db, '--name', users.district.name, '--role', 'district'], PASSWORD + '\n');
	}

	const forbidden = zh['err.forbidden.title'];
	const count = () => page.evaluate(() => fetch('/api/people?kind=student&total=1&limit=1')
		.then((r) => r.json()).then((j) => j.total));

	for (const role of ROLES) {
		test(`${role}: the navigation lists exactly its pages; every other page and its API is refused`, async () => {
			await login(role);
			const want = Object.keys(PAGES).filter((p) => PAGES[p].includes(role)).sort();
			const got = (await page.locator('nav.nav a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).sort();
			sameList(got, want, `${role} navigation`);
			for (const p of Object.keys(PAGES).filter((x) => !PAGES[x].includes(role))) {
				await page.goto(base + p);
				await page.locator('main h1').first().waitFor();
				assert(await h1() === forbidden, `${p} not refused to ${role}`);
			}
			for (const p of want) {
				await page.goto(base + p);
				await until(async () => !(await page.locator('main[aria-busy]').count()), `${p} rendered`);
				assert(await h1() !== forbidden, `${p} refused to ${role}, who may open it`);
			}
			for (const [api, roles] of Object.entries(APIS)) {
				const status = await apiStatus(page, api);
				assert(status === (roles.includes(role) ? 200 : 403), `${api} answered ${status} to ${role}`);
			}
		});
	}

	test('an import with a bad row shows the error table and changes nothing', async () => {
		await login('admin');
		await page.goto(base + '/admin/imports');
		const before = await count();
		// Not the teacher's class (students[0]'s): other tests count it.
		const into = students.find((s) => s.cls !== students[0].cls) || students[0];
		const csv = '学号,姓名,性别,年级,班级,宿舍,监护人电话\n' +
			`E2E001,新同学,男,${into.grade},${into.cls},,13800000001\n` +
			`E2E002,坏同学,X,${into.grade},${into.cls},,13800000002\n`;
		await page.getByLabel(zh['imports.kind'], { exact: true }).selectOption('roster');
		await page.locator('[data-testid=import-file]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
		await assertLabelled();
		await page.locator('[data-testid=import-form-save]').click();
		const rows = page.locator('[data-testid=import-errors] tbody tr');
		await rows.first().waitFor();
		assert(await rows.count() === 1, 'one error row expected');
		const cells = await rows.first().locator('td').allTextContents();
		assert(cells[0] === 'bad.csv' && cells[1] === '3' && cells[2] !== '' && cells[3] !== '',
			'error row should name file, row 3, the column and a reason: ' + JSON.stringify(cells));
		assert((await page.locator('[data-testid=import-refused]').textContent()).includes('1'), 'refusal line');
		assert(await count() === before, 'the roster changed after a refused import');
		await shot('imports-error');

		// The same file without the bad row goes in.
		await page.locator('[data-testid=import-file]').setInputFiles({ name: 'good.csv', mimeType: 'text/csv',
			buffer: Buffer.from(csv.split('\n').slice(0, 2).join('\n') + '\n') });
		await page.locator('[data-testid=import-form-save]').click();
		await page.locator('[data-testid=import-ok]').waitFor();
		assert(await count() === before + 1, 'the good import did not add the student');

		// The roster downloads as a workbook.
		const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=export-xlsx]').click()]);
		const file = path.join(outDir, 'roster.xlsx');
		await download.saveAs(file);
		const bytes = readFileSync(file);
		assert(bytes.length > 1000 && bytes.subarray(0, 4).toString('binary') === 'PK\x03\x04', 'the export is not an xlsx');
		await shot('imports');
	});

	test('admin adds a risk region; it is in force', async () => {
		await login('admin');
		await page.goto(base + '/admin/risk-regions');
		await page.locator('[data-testid=risk-form]').waitFor();
		await page.locator('[data-testid=risk-region]').fill('境外/测试国');
		await page.getByLabel(zh['risk.level'], { exact: true }).selectOption('medium');
		await assertLabelled();
		await page.locator('[data-testid=risk-form-save]').click();
		await page.locator('[data-testid=risk-saved]').waitFor();
		const listed = await page.locator('[data-testid=risk-regions] tbody tr').allTextContents();
		assert(listed.some((r) => r.includes('境外/测试国') && r.includes(zh['risk.level.medium'])), 'region not listed: ' + listed);
		const j = await page.evaluate(() => fetch('/api/risk-regions').then((r) => r.json()));
		assert(j.items.some((r) => r.region === '境外/测试国' && r.level === 'medium'), 'region not in force on the server');
		await shot('risk-regions');
	});

	test('admin registers a gate device: the token is shown once and works at the gate', async () => {
		await login('admin');
		await page.goto(base + '/admin/devices');
		await page.locator('[data-testid=device-name]').fill('e2e-测温枪');
		if (!(await page.locator('[data-testid=device-gate]').inputValue()))
			await page.locator('[data-testid=device-gate]').fill('南门');
		await assertLabelled();
		await page.locator('[data-testid=device-form-save]').click();
		const token = (await page.locator('[data-testid=device-token]').textContent()).trim();
		assert(/^[0-9a-f]{64}$/.test(token), 'token shown: ' + token);
		await shot('devices');
		await page.reload();
		await page.locator('[data-testid=devices] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=device-token]').count() === 0, 'the token is shown again');
		assert((await page.locator('[data-testid=devices]').textContent()).includes('e2e-测温枪'), 'device not listed');
		const r = await fetch(base + '/api/gate/readings', {
			method: 'POST', headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
			body: JSON.stringify({ person: students[1].number, temperature: 36.4, time: new Date().toISOString() }) });
		assert(r.status === 200, 'the device token does not work at the gate: ' + r.status);
		const bad = await fetch(base + '/api/gate/readings', {
			method: 'POST', headers: { Authorization: 'Bearer ' + '0'.repeat(64), 'Content-Type': 'application/json' },
			body: JSON.stringify({ person: students[1].number, temperature: 36.4, time: new Date().toISOString() }) });
		assert(bad.status === 401, 'a made-up token is accepted: ' + bad.status);
	});

	test('admin adds a screening rule', async () => {
		await login('admin');
		await page.goto(base + '/admin/screen-rules');
		/* The page renders once its rules have loaded: count them only then
		 * (counted before, 0 made "one more" unreachable; CI, once). */
		await page.locator('[data-testid=screen-rules] tbody tr').first().waitFor();
		const before = await page.locator('[data-testid=screen-rules] tbody tr').count();
		await page.getByLabel(zh['screen.kind'], { exact: true }).selectOption('stay_region');
		await page.locator('[data-testid=screen-region]').fill('境外/测试国');
		await page.getByLabel(zh['screen.status'], { exact: true }).selectOption('monitor');
		await page.locator('[data-testid=screen-name]').fill('e2e 到过测试国');
		await assertLabelled();
		await page.locator('[data-testid=screen-form-save]').click();
		await page.locator('[data-testid=screen-saved]').waitFor();
		await until(async () => (await page.locator('[data-testid=screen-rules] tbody tr').count()) === before + 1, 'one more rule');
		assert((await page.locator('[data-testid=screen-rules]').textContent()).includes('e2e 到过测试国'), 'rule not listed');
		await shot('screen-rules');
	});

	test('a user created on the users page can log in, and not once disabled', async () => {
		await login('admin');
		await page.goto(base + '/admin/users');
		await page.locator('[data-testid=users] tbody tr').first().waitFor();
		await page.locator('[data-testid=user-name]').fill('e2e-new-teacher');
		await page.locator('[data-testid=user-password]').fill('new-pass-2024');
		await page.getByLabel(zh['account.role'], { exact: true }).selectOption('teacher');
		await page.getByLabel(zh['users.class'], { exact: true }).selectOption(students[0].cls);
		await assertLabelled();
		await page.locator('[data-testid=user-form-save]').click();
		await page.locator('[data-testid=user-added]').waitFor();
		const row = page.locator('[data-testid=users] tbody tr', { hasText: 'e2e-new-teacher' });
		assert((await row.textContent()).includes(students[0].cls), 'the new teacher is not scoped to the class');
		await shot('users');

		users.newTeacher = { name: 'e2e-new-teacher' };
		await logout();
		await page.getByLabel(zh['login.username']).fill('e2e-new-teacher');
		await page.getByLabel(zh['login.password']).fill('new-pass-2024');
		await page.getByRole('button', { name: zh['login.submit'], exact: true }).click();
		await page.locator('[data-testid=who]').waitFor();
		assert((await page.locator('[data-testid=who]').textContent()).includes('e2e-new-teacher'), 'not logged in as the new user');
		assert(new URL(page.url()).pathname === '/check', 'the new teacher does not land on the class check');

		await login('admin');
		await page.goto(base + '/admin/users');
		await page.locator('[data-testid=user-toggle-e2e-new-teacher]').click();
		await page.locator('[data-testid=user-toggle-e2e-new-teacher-confirm]').click();
		await until(async () => (await page.locator('[data-testid=users] tbody tr', { hasText: 'e2e-new-teacher' })
			.textContent()).includes(zh['users.disabled']), 'the user shown disabled');
		const status = await page.evaluate(() => fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ username: 'e2e-new-teacher', password: 'new-pass-2024' }) }).then((r) => r.status));
		assert(status === 401, 'a disabled user logged in: ' + status);
	});

	test('operations: logistics records a ventilation, the principal activates a plan, a staggered schedule', async () => {
		await login('logistics');
		await page.goto(base + '/ops/hygiene');
		await page.locator('[data-testid=hygiene-form]').waitFor();
		const done = async () => Number((await page.locator('[data-testid=hy-done] .stat-value').textContent()).replace(/\D/g, ''));
		const before = await done();
		const place = await page.locator('[data-testid=hygiene] tbody tr', { hasText: zh['ops.action.ventilate'] })
			.first().locator('td').first().textContent();
		await page.locator('[data-testid=hygiene-place]').fill(place);
		await page.getByLabel(zh['ops.action'], { exact: true }).selectOption('ventilate');
		await assertLabelled();
		await page.locator('[data-testid=hygiene-form-save]').click();
		await until(async () => (await done()) === before + 1, 'one more done');
		await shot('ops');

		await login('principal');
		await page.goto(base + '/ops/plans');
		await page.locator('[data-testid=plans] tbody tr').first().waitFor();
		const openBefore = await page.locator('[data-testid=activations] tbody tr').count();
		await page.locator('[data-testid^=plan-activate-]').first().click();
		await page.locator('[data-testid^=plan-activate-][data-testid$=-confirm]').first().click();
		await page.locator('[data-testid=plan-activated]').waitFor();
		assert(await page.locator('[data-testid=activations] tbody tr').count() === openBefore + 1, 'no plan in force after activation');
		assert(await page.locator('[data-testid=ops-tasks] tbody tr').count() > 0, 'the plan opened no tasks');
		await shot('plans');

		await login('admin');
		await page.goto(base + '/ops/stagger');
		await page.locator('[data-testid=stagger-form]').waitFor();
		if (!(await page.locator('[data-testid=stagger-place]').inputValue())) {
			const places = await page.evaluate(() => fetch('/api/places').then((r) => r.json()));
			await page.locator('[data-testid=stagger-place]').fill(places.items[0].name);
		}
		await page.locator('[data-testid=stagger-form-save]').click();
		await until(async () => (await page.locator('[data-testid=stagger-assignments] tbody tr').count()) > 0 ||
			(await page.locator('[data-testid=stagger-result] [role=alert]').count()) > 0, 'a schedule or why not');
		await assertLabelled();
		await shot('stagger');
	});

	test('the admin and operations pages on a 360 px phone: nothing scrolls sideways', async () => {
		await login('admin');
		await page.setViewportSize({ width: 360, height: 740 });
		try {
			for (const p of ['/admin/users', '/admin/imports', '/admin/risk-regions', '/admin/screen-rules', '/admin/devices',
				'/ops/hygiene', '/ops/plans', '/ops/stagger']) {
				await page.goto(base + p);
				await page.locator('main h1').first().waitFor();
				await until(async () => !(await page.locator('main[aria-busy]').count()), `${p} rendered`);
				assert(await h1() !== forbidden && await page.locator('main form, main table').count() > 0, `${p} did not render`);
				await noHorizontalScroll();
			}
			await shot('ops-360');
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
	});
}
