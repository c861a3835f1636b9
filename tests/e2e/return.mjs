// tests/e2e/return.mjs — browser tests of the return-to-school pages
// (开学复课), registered into tests/e2e/run.mjs's list by
//
//   await (await import('./return.mjs')).default({ … });
//
// with run.mjs's server, browser page, accounts and helpers.  They run
// after the surveillance tests (a return plan changes who is expected, and
// with it the census those tests count).  The story:
//   - admin puts the teacher's class in a batch returning today (plan page);
//   - a medium-risk region is published (`jinyun import risk-regions`);
//   - the class teacher makes a personal link for a student; the link opens
//     on a 360 px phone without login, shows only that student's form, and
//     the guardian declares a stay in the medium-risk region;
//   - the reporter screens the day and sees that student `monitor` with the
//     reason; a student who declared nothing is on hold, and the reporter
//     lifts the hold with a doctor's note;
//   - the overview's return numbers (school overview and return overview)
//     open the names behind them;
//   - the teacher records a student who cannot return and their tutoring;
//     the principal sees key-group students and names a carer;
//   - every return page fits a 360 px phone.
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export default function returnTests(env) {
	const { test, page, context, base, origin, zh, run, db, tmp, students, teacherClass, login, shot, assert, until,
		assertLabelled, noHorizontalScroll, DAY } = env;

	const cls = students.filter((s) => s.cls === teacherClass);
	const declarer = cls[1];   // declares through the link
	const silent = cls[2];     // declares nothing: on hold
	const absent = cls[3];     // cannot return
	const REGION = '河北省/石家庄市';
	const addDays = (d, n) => {
		const x = new Date(d + 'T00:00:00Z');
		x.setUTCDate(x.getUTCDate() + n);
		return x.toISOString().slice(0, 10);
	};
	// No white text on a see-through button in the page body (white on white).
	const noInvisibleButtons = async (p = page) => {
		const bad = await p.evaluate(() => [...document.querySelectorAll('main button')].filter((b) => {
			const cs = getComputedStyle(b);
			return b.offsetParent && cs.color === 'rgb(255, 255, 255)' && cs.backgroundColor === 'rgba(0, 0, 0, 0)';
		}).map((b) => b.textContent));
		assert(bad.length === 0, 'buttons unreadable on the page: ' + bad.join(', '));
	};
	let linkUrl = '';
	// Person ids by number, looked up once by admin (a teacher must name the class).
	const ids = new Map();
	const personId = (number) => ids.get(number);
	const lookUp = async (people) => {
		for (const p of people)
			ids.set(p.number, await page.evaluate(async (q) => {
				const j = await (await fetch('/api/people?q=' + encodeURIComponent(q))).json();
				return j.items.find((x) => x.number === q).id;
			}, p.number));
	};

	test('return: admin puts the teacher\'s class in a batch returning today', async () => {
		await login('admin');
		await lookUp([declarer, silent, cls[4]]);
		await page.goto(base + '/return/plan');
		await page.locator('[data-testid=batch-name]').fill('第一批');
		await page.locator('[data-testid=batch-class]').selectOption({ label: teacherClass });
		await page.locator('[data-testid=batch-date]').fill(DAY);
		await page.locator('[data-testid=batch-save]').click();
		await until(async () => (await page.locator('[data-testid=batches]').textContent().catch(() => '')).includes(teacherClass),
			'the class in the batch table');
		await assertLabelled();
		await shot('return-plan');
		// The medium-risk region, published from the command line.
		const csv = path.join(tmp, 'risk.csv');
		writeFileSync(csv, `region,level,valid_from,valid_to\n${REGION},medium,${addDays(DAY, -30)},${addDays(DAY, 30)}\n`);
		run(['import', 'risk-regions', '--db', db, csv]);
	});

	test('a declaration by token leads to a screening status (link on a 360 px phone, no login)', async () => {
		// The class teacher makes the student's personal link.
		await login('teacher');
		const id = personId(declarer.number);
		await page.goto(base + '/return/people/' + id);
		await page.locator('[data-testid=link-make]').click();
		const field = page.locator('[data-testid=link-url]');
		await field.waitFor();
		linkUrl = await field.inputValue();
		assert(linkUrl.startsWith(origin + '/declare/'), 'link: ' + linkUrl);
		await assertLabelled();
		await shot('return-person-teacher');

		// The guardian opens it on a phone, with no session at all.
		await context.clearCookies();
		const phone = await context.newPage();
		const asked = [];
		phone.on('request', (r) => {
			const u = new URL(r.url());
			if (u.pathname.startsWith('/api/'))
				asked.push(r.method() + ' ' + u.pathname);
		});
		try {
			await phone.setViewportSize({ width: 360, height: 740 });
			await phone.goto(linkUrl);
			await phone.locator('[data-testid=decl-person]').waitFor();
			const person = await phone.locator('[data-testid=decl-person]').textContent();
			assert(person.includes(declarer.name) && person.includes(teacherClass), 'person on the link page: ' + person);
			assert(await phone.locator('nav.nav').count() === 0, 'the link page shows the navigation');
			assert(await phone.locator('[data-testid=who]').count() === 0, 'the link page shows an account');
			await assertLabelled(phone);
			await noHorizontalScroll(phone);
			await noInvisibleButtons(phone);
			await shot('declare-360-empty', phone);
			// Keyboard: from the first field, Tab reaches the symptoms and the submit button.
			await phone.getByLabel(zh['decl.guardian.name']).focus();
			const seen = new Set();
			for (let i = 0; i < 60 && !seen.has('decl-submit'); i++) {
				await phone.keyboard.press('Tab');
				seen.add(await phone.evaluate(() => document.activeElement.dataset.testid || document.activeElement.name || ''));
			}
			assert(seen.has('symptom') && seen.has('consent') && seen.has('decl-submit'),
				'not reached by Tab: ' + [...seen].join(' '));
			await phone.getByLabel(zh['decl.guardian.name']).fill('李红');
			await phone.getByLabel(zh['decl.guardian.relation']).fill('母亲');
			await phone.getByLabel(zh['decl.region'], { exact: true }).fill(REGION + '/长安区');
			await phone.getByLabel(zh['decl.from'], { exact: true }).fill(addDays(DAY, -10));
			await phone.getByLabel(zh['decl.to'], { exact: true }).fill(addDays(DAY, -6));
			await phone.getByLabel(zh['decl.transport']).selectOption('train');
			await phone.getByLabel(zh['decl.temperature']).fill('36.6');
			// Submitting without consent is stopped by the browser; with it, it goes.
			await phone.locator('[data-testid=decl-submit]').click();
			assert(await phone.locator('[data-testid=decl-done]').isHidden(), 'submitted without consent');
			await phone.getByLabel(zh['decl.consent']).check();
			await phone.locator('[data-testid=decl-submit]').click();
			await phone.locator('[data-testid=decl-done]').waitFor();
			const mine = await phone.locator('[data-testid=decl-items]').textContent();
			assert(mine.includes(REGION + '/长安区') && mine.includes('36.6'), 'declared items: ' + mine);
			await noHorizontalScroll(phone);
			await shot('declare-360', phone);
			const token = linkUrl.split('/').pop();
			const others = asked.filter((a) => a !== 'GET /api/declare/' + token && a !== 'POST /api/declare/' + token);
			assert(others.length === 0, 'the link page asked other APIs: ' + others.join(', '));
			// A wrong token shows nothing but the notice.
			await phone.goto(base + '/declare/' + 'x'.repeat(64));
			await phone.locator('[data-testid=decl-invalid]').waitFor();
			assert(await phone.locator('form').count() === 0, 'a bad link shows a form');
		} finally {
			await phone.close();
		}

		// The reporter screens the day and sees the student under monitoring, with the reason.
		await login('reporter');
		await page.goto(base + `/return/screening?date=${DAY}`);
		await page.locator('[data-testid=run]').click();
		await page.locator('[data-testid=run-result]').filter({ hasText: /\d/ }).waitFor();
		await page.goto(base + `/return/screening?date=${DAY}&status=monitor`);
		const row = page.locator('[data-testid=screening-list] tbody tr', { hasText: declarer.name });
		await row.waitFor();
		const text = await row.textContent();
		assert(text.includes(zh['ret.status.monitor']), 'status of the declarer: ' + text);
		assert(text.includes('石家庄'), 'the reason does not name the region: ' + text);
		await assertLabelled();
		await shot('return-screening');
		await row.getByRole('link', { name: declarer.name }).click();
		await page.locator('[data-testid=status]').waitFor();
		assert((await page.locator('[data-testid=status]').textContent()) === zh['ret.status.monitor'], 'person page status');
		const decl = await page.locator('[data-testid=declarations]').textContent();
		assert(decl.includes(zh['decl.source.link']) && decl.includes(zh['decl.reporter.guardian']),
			'self-report not marked: ' + decl);
		await shot('return-person-monitor');
	});

	test('a hold is lifted by the reporter with a doctor\'s note', async () => {
		await login('reporter');
		const id = personId(silent.number);
		await page.goto(base + `/return/people/${id}?date=${DAY}`);
		await page.locator('[data-testid=status]').waitFor();
		assert((await page.locator('[data-testid=status]').textContent()) === zh['ret.status.hold'], 'not on hold');
		const reasons = await page.locator('[data-testid=reasons]').textContent();
		assert(reasons.length > 2, 'no reason for the hold');
		await assertLabelled();
		await shot('return-person-hold');
		await page.locator('[data-testid=lift-action]').selectOption('doctor_note');
		await page.locator('[data-testid=lift-note]').fill('市第一医院 复课证明');
		await page.locator('[data-testid=lift-submit]').click();
		await until(async () => (await page.locator('[data-testid=lifts]').count()) > 0, 'the lift on the page');
		const status = await page.locator('[data-testid=status]').textContent();
		assert(status !== zh['ret.status.hold'], 'still on hold after the lift');
		const lifts = await page.locator('[data-testid=lifts]').textContent();
		assert(lifts.includes(zh['ret.lift.doctor_note']) && lifts.includes('复课证明'), 'lift record: ' + lifts);
		assert((await page.locator('[data-testid=reasons]').textContent()).includes(zh['ret.lifted']), 'reason not marked lifted');
		assert(await page.locator('[data-testid=lift-form]').count() === 0, 'lift form still shown');
		await shot('return-person-lifted');
		// The class teacher enters a declaration with a fever: on hold, with the
		// reason, and never offered the lift; removing the wrong entry corrects it.
		await login('teacher');
		await page.goto(base + `/return/people/${personId(cls[4].number)}?date=${DAY}`);
		await page.locator('[data-testid=status]').waitFor();
		const entry = page.locator('[data-testid=entry]');
		await entry.getByLabel(zh['decl.region'], { exact: true }).fill('重庆市/北碚区');
		await entry.getByLabel(zh['decl.from'], { exact: true }).fill(addDays(DAY, -13));
		await entry.getByLabel(zh['decl.to'], { exact: true }).fill(DAY);
		await entry.getByLabel(zh['decl.temperature']).fill('38.2');
		await entry.getByRole('button', { name: zh['ret.entry.submit'] }).click();
		await until(async () => (await page.locator('[data-testid=declarations]').textContent().catch(() => '')).includes('38.2'),
			'the entered declaration');
		assert((await page.locator('[data-testid=status]').textContent()) === zh['ret.status.hold'], 'a fever does not hold');
		assert((await page.locator('[data-testid=reasons]').textContent()).includes('38.2'), 'the fever reason');
		assert((await page.locator('[data-testid=declarations]').textContent()).includes(zh['decl.reporter.teacher']),
			'the entry is not marked as the teacher\'s');
		assert(await page.locator('[data-testid=lift-form]').count() === 0, 'teacher offered the lift');
		await shot('return-person-entered');
		const health = page.locator('[data-testid=declarations] tbody tr', { hasText: '38.2' });
		await health.locator('[data-testid=decl-remove]').click();
		await until(async () => !(await page.locator('[data-testid=declarations]').textContent().catch(() => '38.2')).includes('38.2'),
			'the fever removed');
		await until(async () => (await page.locator('[data-testid=status]').textContent()) !== zh['ret.status.hold'],
			'cleared after the correction');
	});

	test('the return numbers on the overviews open the names behind them', async () => {
		await login('principal');
		await page.goto(base + `/overview?date=${DAY}&session=morning`);
		const card = page.locator('[data-testid=return-progress]');
		await card.waitFor();
		await shot('overview-return-progress');
		const link = card.locator('a.count[data-testid$="-expected"]').first();
		const n = Number((await link.textContent()).replace(/\D/g, ''));
		// The class and the staff (who return with the first batch).
		assert(n > cls.length, `expected in the batch: ${n}, class size ${cls.length}`);
		await link.click();
		await page.locator('[data-testid=return-people] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=return-people] tbody tr').count() === n, 'names behind expected');
		await shot('return-people');

		await page.goto(base + `/return?date=${DAY}`);
		await page.locator('[data-testid=return-total]').waitFor();
		await assertLabelled();
		await shot('return-overview');
		await page.locator('[data-testid=rt-monitor]').click();
		const rows = page.locator('[data-testid=return-people] tbody tr');
		await rows.first().waitFor();
		assert((await page.locator('[data-testid=return-people]').textContent()).includes(declarer.name), 'declarer not under monitor');
		// The staff row (staff return with the first batch) opens the staff.
		await page.goto(base + `/return?date=${DAY}`);
		const staffRow = page.locator('[data-testid=return-classes] tbody tr', { hasText: zh['ret.staff'] });
		const staffLink = staffRow.locator('a[data-testid=n-expected]');
		const ns = Number((await staffLink.textContent()).replace(/\D/g, ''));
		await staffLink.click();
		await rows.first().waitFor();
		assert(await rows.count() === ns, `staff: ${ns} on the overview, ${await rows.count()} names`);
		// Class row numbers open the class's names.
		await page.goto(base + `/return?date=${DAY}`);
		const declared = page.locator('[data-testid=return-classes] a[data-testid=n-declared]').first();
		const d = Number((await declared.textContent()).replace(/\D/g, ''));
		await declared.click();
		await rows.first().waitFor();
		assert(await rows.count() === d, `declared: ${d} on the overview, ${await rows.count()} names`);
	});

	test('teacher: a student who cannot return gets a tutoring plan and a session', async () => {
		await login('teacher');
		await page.goto(base + '/return/absent');
		await page.locator('[data-testid=absent-number]').fill(absent.number);
		await page.locator('[data-testid=absent-reason]').selectOption('quarantine');
		await page.locator('[data-testid=absent-detail]').fill('居家隔离');
		await page.locator('[data-testid=absent-expected]').fill(addDays(DAY, 14));
		await page.locator('[data-testid=absent-save]').click();
		const item = page.locator('[data-testid=absent-item]', { hasText: absent.name });
		await item.waitFor();
		await item.locator('summary').click();
		await item.locator('[data-testid=tutor-no]').fill('T0001');
		await item.locator('[data-testid=plan-text]').fill('每周两次线上辅导数学、语文');
		await item.locator('[data-testid=plan-sessions]').fill('6');
		await item.locator('[data-testid=plan-save]').click();
		await item.locator('[data-testid=tutoring-plan]').waitFor();
		await item.locator('[data-testid=session-topic]').fill('函数的单调性');
		await item.locator('[data-testid=session-add]').click();
		await until(async () => (await item.locator('[data-testid=sessions]').textContent().catch(() => '')).includes('函数的单调性'),
			'the session in the list');
		await assertLabelled();
		await shot('return-absent');
	});

	test('teacher: links for the whole class replace the older link', async () => {
		await login('teacher');
		await page.goto(base + '/return/links');
		await page.locator('[data-testid=links-make]').click();
		await page.locator('[data-testid=links-make-confirm]').click();
		await page.locator('[data-testid=links] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=links] tbody tr').count() === cls.length, 'one link per student');
		const all = (await page.locator('[data-testid=links-all]').inputValue()).split('\n');
		assert(all.length === cls.length && all.every((l) => l.includes(origin + '/declare/')), 'the list to copy: ' + all[0]);
		await assertLabelled();
		await shot('return-links');
		const fresh = all.find((l) => l.startsWith(declarer.name + ' ')).split(' ').pop();
		assert(fresh !== linkUrl, 'the same link again');
		await context.clearCookies();
		await page.goto(linkUrl);
		await page.locator('[data-testid=decl-invalid]').waitFor();
		await page.goto(fresh);
		await page.locator('[data-testid=decl-person]').waitFor();
		// The guardian's earlier declaration is there on the new link too.
		assert((await page.locator('[data-testid=decl-items]').textContent()).includes(REGION), 'earlier declaration missing');
	});

	test('principal: key-group students and their carers', async () => {
		await login('principal');
		await page.goto(base + '/return/key-groups');
		await page.locator('[data-testid=summary]').waitFor();
		const rows = page.locator('[data-testid=key-groups] tbody tr');
		if (await rows.count()) {
			const first = rows.first();
			await first.locator('[data-testid=carer-no]').fill('T0002');
			await first.locator('[data-testid=carer-save]').click();
			await until(async () => (await page.locator('[data-testid=key-groups] tbody tr').first().textContent()).length > 0 &&
				!(await page.locator('[data-testid=key-groups] tbody tr').first().textContent()).includes(zh['ret.carer.none']),
			'the carer named');
		}
		await assertLabelled();
		await shot('return-key-groups');
	});

	test('teacher on a 360 px phone: every return page fits', async () => {
		await login('teacher');
		await page.setViewportSize({ width: 360, height: 740 });
		try {
			for (const p of ['/return', '/return/screening', '/return/absent', '/return/key-groups', '/return/plan', '/return/links',
				`/return/people?what=expected&date=${DAY}`]) {
				await page.goto(base + p);
				await page.locator('main h1').first().waitFor();
				await page.locator('main .loading').waitFor({ state: 'detached' }).catch(() => {});
				assert(!(await page.locator('main').textContent()).includes(zh['err.title']), 'error on ' + p);
				await noHorizontalScroll();
				await assertLabelled();
				await noInvisibleButtons();
			}
			await shot('return-360');
			await page.goto(base + `/return/people/${personId(declarer.number)}`);
			await page.locator('[data-testid=status]').waitFor();
			await noHorizontalScroll();
			await noInvisibleButtons();
			await shot('return-person-360');
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
	});
}
