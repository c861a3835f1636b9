// tests/e2e/cases.mjs — browser tests of the case-work pages, registered by
// run.mjs (one line) with its harness `e` (test(), page, login, helpers,
// the running server on the demo school, the catalogue).  Nothing is
// mocked: the demo's timetable and dorms are what the trace finds.
//
//   - the reporter records a case for a student of the teacher's class
//     (the form looks the person up), traces it two hops deep and sees the
//     contacts by hop with the same counts the API gives, and puts three
//     classmates under medical observation;
//   - one of them becomes a case: the chain page draws the link (ECharts
//     graph) and lists it;
//   - a third case takes its source from the trace's suggestion;
//   - the case goes to an isolation room: the cases page and the overview
//     show the occupancy;
//   - a contact's timeline shows where they were, being traced, and the
//     observation, and filters by 旅行史/接触史/健康史;
//   - the class teacher, on a 360 px phone, sees the two contacts still
//     under observation and records today's check; cases stay closed to them;
//   - at 360 px nothing of it scrolls sideways;
//   - the principal reads cases but gets no trace or record form;
//   - gate and logistics reach neither the pages nor the API.
// Screenshots: cases, case-trace, case, chains, isolation-overview,
// timeline, class-followups-360, case-en, case-trace-360, timeline-360.

const CST = 8 * 3600 * 1000;
// YYYY-MM-DDTHH:MM in China Standard Time, n days before now, at 08:00.
function cstDaysAgo(n) {
	const d = new Date(Date.now() + CST - n * 86400000);
	return d.toISOString().slice(0, 10) + 'T08:00';
}

export default function casesTests(e) {
	const { test, page, base, login, zh, en, assert, until, h1, shot, apiStatus, assertLabelled, noHorizontalScroll,
		navTexts, students, teacherClass } = e;
	const index = students.filter((s) => s.cls === teacherClass)[1];
	const st = { caseId: 0, contacts: [], secondCase: 0 };
	const json = (method, url, body) => page.evaluate(([m, u, b]) => fetch(u, { method: m,
		headers: b ? { 'Content-Type': 'application/json' } : {}, body: b ? JSON.stringify(b) : undefined })
		.then((r) => r.json()), [method, url, body]);

	test('cases: the reporter records a case, traces it and sees the contacts by hop', async () => {
		await login('reporter');
		assert((await navTexts()).includes(zh['nav.cases']), 'no cases entry in the reporter\'s navigation');
		await page.getByRole('link', { name: zh['nav.cases'], exact: true }).click();
		await page.locator('[data-testid=record-case]').waitFor();
		assert(await h1() === zh['cases.title'], 'cases heading');
		await assertLabelled();
		await page.getByLabel(zh['cases.person']).fill(index.name);
		await page.locator(`#case-people option[value="${index.number}"]`).waitFor({ state: 'attached' });
		await page.getByLabel(zh['cases.person']).fill(index.number);
		await page.getByLabel(zh['cases.disease']).selectOption('varicella');
		await page.getByLabel(zh['cases.onset']).fill(cstDaysAgo(2));
		await page.locator('[data-testid=case-save]').click();
		await until(() => /^\/cases\/\d+$/.test(new URL(page.url()).pathname), 'the new case\'s page');
		st.caseId = Number(new URL(page.url()).pathname.split('/')[2]);
		await page.locator('[data-testid=case]').waitFor();
		assert((await h1()).includes(index.name) && (await h1()).includes(zh['diagnosis.varicella']), 'case heading: ' + await h1());
		assert((await page.locator('[data-testid=case]').textContent()).includes(zh['case.class.suspected']),
			'a new case is suspected');

		await page.getByLabel(zh['trace.hops'], { exact: true }).fill('2');
		await page.locator('[data-testid=trace-run]').click();
		await page.locator('[data-testid=trace-summary]').waitFor();
		await assertLabelled();
		// The same trace from the API: the page shows its counts per hop.
		const from = await page.getByLabel(zh['trace.from'], { exact: true }).inputValue();
		const to = await page.getByLabel(zh['trace.to'], { exact: true }).inputValue();
		const r = await json('POST', `/api/cases/${st.caseId}/trace`, { from, to, hops: 2, min_duration: 900 });
		assert(r.by_hop.length === 2 && r.by_hop[0] > 0, 'the demo trace found no first-hop contacts: ' + JSON.stringify(r.by_hop));
		for (let hop = 1; hop <= r.by_hop.length; hop++) {
			const head = await page.locator(`h3:has-text("${zh['trace.hopN'].replace('{n}', hop)}")`).first().textContent();
			assert(head.includes(String(r.by_hop[hop - 1])), `hop ${hop}: the page says "${head}", the API ${r.by_hop[hop - 1]}`);
		}
		const rows = await page.locator('[data-testid=hop-1] tbody tr').count();
		assert(rows === Math.min(100, r.by_hop[0]), `hop 1 shows ${rows} rows of ${r.by_hop[0]}`);
		await shot('case-trace');
	});

	test('cases: three classmates go under medical observation; one becomes a case; the chain is drawn', async () => {
		assert(st.caseId, 'no case from the test before');
		// Three first-hop contacts of the teacher's class.
		const picked = await page.evaluate((cls) => {
			const out = [];
			for (const tr of document.querySelectorAll('[data-testid=hop-1] tbody tr')) {
				const box = tr.querySelector('input[type=checkbox]');
				const tds = tr.querySelectorAll('td');
				if (box && tds[2].textContent === cls && out.length < 3) {
					box.click();
					out.push(tds[1].querySelector('a').getAttribute('href').split('/')[2]);
				}
			}
			return out.map(Number);
		}, teacherClass);
		assert(picked.length === 3, 'fewer than three classmates among the first-hop contacts: ' + picked.length);
		st.contacts = picked;
		assert((await page.locator('[data-testid=trace-chosen]').textContent()).includes('3'), 'the count of chosen contacts');
		await page.locator('[data-testid=monitor]').click();
		await until(async () => (await page.locator('[data-testid=monitor-result]').textContent()).includes('3'),
			'the observation answer');
		await page.locator('[data-testid=followups] tbody tr').nth(2).waitFor();
		assert(await page.locator('[data-testid=followups] tbody tr').count() === 3, 'three contacts under observation');
		await shot('case');

		await page.locator('[data-testid=fu-to-case]').first().click();
		await until(() => new URL(page.url()).pathname !== `/cases/${st.caseId}`, 'the new case of the contact');
		await page.locator('[data-testid=case]').waitFor();
		st.secondCase = Number(new URL(page.url()).pathname.split('/')[2]);
		assert((await page.locator('[data-testid=case]').textContent()).includes(zh['case.caseN'].replace('{id}', st.caseId)),
			'the new case does not name its source');

		await page.getByRole('link', { name: zh['chains.title'] }).first().click();
		await page.locator('[data-testid=chain-chart][data-ready] canvas').waitFor();
		const summary = await page.locator('[data-testid=chains-summary]').textContent();
		assert(summary === zh['chains.summary'].replace('{n}', 2).replace('{m}', 1), 'chains summary: ' + summary);
		const label = await page.locator('[data-testid=chain-chart]').getAttribute('aria-label');
		assert(label.includes(index.name + ' → '), 'the graph does not describe the link: ' + label);
		assert(await page.locator('[data-testid=chain-table] tbody tr').count() === 2, 'the chain table');
		await shot('chains');
		await page.locator('[data-testid=chain-case]').first().click();
		await page.locator('[data-testid=case]').waitFor();
	});

	test('cases: isolation in a room shows on the cases page and the overview', async () => {
		await page.goto(`${base}/cases/${st.caseId}`);
		await page.locator('[data-testid=isolate]').waitFor();
		const room = await page.locator('[data-testid=iso-room] option:not([disabled])').first().textContent();
		await page.locator('[data-testid=isolate] button').click();
		await page.locator('[data-testid=handover]').waitFor();
		const name = room.replace(/ \(.*$/, '');
		assert((await page.locator('[data-testid=case]').textContent()).includes(name), 'the case is not in ' + name);
		await page.goto(base + '/cases');
		await page.locator('[data-testid=cases] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=cases] tbody tr').count() === 2, 'two open cases');
		await page.locator('[data-testid=isolation-summary]').waitFor();
		await shot('cases');
		await page.goto(base + '/overview');
		await page.locator('[data-testid=isolation-summary]').waitFor();
		const rooms = await page.locator('[data-testid=isolation-rooms]').textContent();
		assert(rooms.includes(index.name), 'the overview does not show who is isolated');
		await page.locator('[data-testid=isolation-rooms]').scrollIntoViewIfNeeded();
		await page.locator('[data-testid=isolation-rooms]').screenshot({ path: e.path.join(e.outDir, 'isolation-overview.png') });
	});

	test('cases: a third case gets its source from the trace\'s suggestion; the chain grows', async () => {
		// A first-hop classmate not under observation falls ill a day later.
		const r = await json('POST', `/api/cases/${st.caseId}/trace`, {});
		const other = r.contacts.find((x) => x.hop === 1 && !st.contacts.includes(x.person_id));
		assert(other, 'no other first-hop contact');
		await page.goto(base + '/cases');
		await page.getByLabel(zh['cases.person']).fill(other.number);
		await page.getByLabel(zh['cases.disease']).selectOption('varicella');
		await page.getByLabel(zh['cases.onset']).fill(cstDaysAgo(1));
		await page.locator('[data-testid=case-save]').click();
		await until(() => /^\/cases\/\d+$/.test(new URL(page.url()).pathname) &&
			new URL(page.url()).pathname !== `/cases/${st.caseId}`, 'the third case');
		await page.locator('[data-testid=suggest]').click();
		await page.locator('[data-testid=adopt]').waitFor();
		assert((await page.locator('[data-testid=suggestion]').textContent()).includes(index.name),
			'the suggestion is not the index case: ' + await page.locator('[data-testid=suggestion]').textContent());
		await page.locator('[data-testid=adopt]').click();
		await until(async () => (await page.locator('[data-testid=case]').textContent())
			.includes(zh['case.caseN'].replace('{id}', st.caseId)), 'the source linked');
		await page.goto(base + '/cases/chains');
		await page.locator('[data-testid=chain-chart][data-ready] canvas').waitFor();
		const summary = await page.locator('[data-testid=chains-summary]').textContent();
		assert(summary === zh['chains.summary'].replace('{n}', 3).replace('{m}', 2), 'chains summary: ' + summary);
		await shot('chains');
		await page.goto(base + '/cases');
		await page.locator('[data-testid=school-followups] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=school-followups] tbody tr').count() === 2,
			'the school list of contacts under observation');
	});

	test('timeline: a contact\'s travel, contacts and health, filtered', async () => {
		const id = st.contacts[1];
		await page.goto(`${base}/people/${id}`);
		await page.locator('[data-testid=timeline-link]').click();
		await page.locator('[data-testid=timeline]').waitFor();
		await assertLabelled();
		const kinds = await page.locator('.tl-item').evaluateAll((els) => [...new Set(els.map((x) => x.dataset.kind))]);
		for (const k of ['presence', 'traced_contact', 'followup'])
			assert(kinds.includes(k), `no ${k} in the timeline: ${kinds}`);
		await shot('timeline');
		await page.locator('[data-testid=tl-show] label', { hasText: zh['timeline.g.contact'] }).click();
		await until(async () => new URL(page.url()).searchParams.get('show') === 'contact', '?show=contact');
		await page.locator('[data-testid=timeline]').waitFor();
		const only = await page.locator('.tl-item').evaluateAll((els) => [...new Set(els.map((x) => x.dataset.kind))]);
		assert(!only.includes('presence') && only.includes('traced_contact'), 'the contact filter shows ' + only);
		// The same page in English.
		await page.getByRole('button', { name: zh['lang.other'] }).click();
		await until(async () => (await h1()).startsWith(en['timeline.heading'].replace('{name}', '')), 'English timeline');
		await page.goto(`${base}/cases/${st.caseId}`);
		await page.locator('[data-testid=case]').waitFor();
		assert((await page.locator('main').textContent()).includes(en['trace.title']), 'the case page in English');
		await shot('case-en');
		await page.getByRole('button', { name: en['lang.other'] }).click();
		await until(async () => (await page.evaluate(() => document.documentElement.lang)) === 'zh-CN', 'back to Chinese');
	});

	test('teacher on a 360 px phone: contacts under observation in the class, today\'s check; no cases', async () => {
		await page.setViewportSize({ width: 360, height: 740 });
		try {
			await login('teacher');
			await page.goto(base + '/class');
			await page.locator('[data-testid=class-followups]').waitFor();
			const rows = page.locator('[data-testid=class-followups] tbody tr');
			assert(await rows.count() === 2, `the class shows ${await rows.count()} contacts under observation, want 2`);
			await noHorizontalScroll();
			await assertLabelled();
			await rows.first().locator('[data-testid=fu-temp]').fill('36.6');
			await rows.first().locator('[data-testid=fu-save]').click();
			await rows.first().getByText(zh['fu.checkSaved']).waitFor();
			await page.locator('[data-testid=class-followups]').screenshot({ path: e.path.join(e.outDir, 'class-followups-360.png') });
			const list = await json('GET', '/api/followups?status=monitoring');
			assert(list.items.filter((f) => f.checked_today).length === 1, 'the check was not saved');
			for (const p of ['/cases', `/cases/${st.caseId}`, '/cases/chains', `/people/${st.contacts[1]}/timeline`]) {
				await page.goto(base + p);
				assert(await h1() === zh['err.forbidden.title'], `${p} not refused to the teacher`);
			}
			assert(await apiStatus(page, '/api/cases') === 403, 'the cases API answers a teacher');
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
	});

	test('reporter on a 360 px phone: cases, a case with its trace, the chains, a timeline; nothing scrolls sideways', async () => {
		await page.setViewportSize({ width: 360, height: 740 });
		try {
			await login('reporter');
			await page.goto(base + '/cases');
			await page.locator('[data-testid=cases] tbody tr').first().waitFor();
			await noHorizontalScroll();
			await page.goto(`${base}/cases/${st.caseId}`);
			await page.locator('[data-testid=trace-run]').click();
			await page.locator('[data-testid=hop-1] tbody tr').first().waitFor();
			await noHorizontalScroll();
			await page.locator('[data-testid=hop-1] tbody tr').first().screenshot({ path: e.path.join(e.outDir, 'case-trace-360.png') });
			await page.goto(base + '/cases/chains');
			await page.locator('[data-testid=chain-chart][data-ready] canvas').waitFor();
			await noHorizontalScroll();
			await page.goto(`${base}/people/${st.contacts[1]}/timeline`);
			await page.locator('[data-testid=timeline]').waitFor();
			await noHorizontalScroll();
			await page.screenshot({ path: e.path.join(e.outDir, 'timeline-360.png') });
		} finally {
			await page.setViewportSize({ width: 1280, height: 800 });
		}
	});

	test('principal: reads cases, but no record form and no tracing', async () => {
		await login('principal');
		await page.goto(`${base}/cases/${st.caseId}`);
		await page.locator('[data-testid=case]').waitFor();
		assert(await page.locator('[data-testid=trace-run]').count() === 0, 'the principal may trace');
		await page.goto(base + '/cases');
		await page.locator('[data-testid=cases] tbody tr').first().waitFor();
		assert(await page.locator('[data-testid=record-case]').count() === 0, 'the principal may record a case');
	});

	test('gate and logistics reach no case, chain, timeline or isolation room', async () => {
		for (const who of ['gate', 'logistics']) {
			await login(who);
			assert(!(await navTexts()).includes(zh['nav.cases']), `cases in the ${who} navigation`);
			for (const p of ['/cases', `/cases/${st.caseId}`, '/cases/chains', `/people/${st.contacts[0]}/timeline`]) {
				await page.goto(base + p);
				assert(await h1() === zh['err.forbidden.title'], `${p} not refused to ${who}`);
			}
			for (const u of ['/api/cases', `/api/cases/${st.caseId}`, '/api/chains', '/api/isolation/rooms', '/api/followups',
				`/api/people/${st.contacts[0]}/timeline`])
				assert(await apiStatus(page, u) === 403, `${u} answers ${who}`);
		}
	});
}
