// Minimal roster viewer until the full UI lands: log in, pick a class, list people.
'use strict';
const $ = (id) => document.getElementById(id);
async function api(method, path, body) {
  const r = await fetch(path, { method, headers: body ? { 'Content-Type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin' });
  const j = await r.json().catch(() => ({}));
  if (!r.ok) throw Object.assign(new Error(j.error ? j.error.message : r.statusText), { status: r.status });
  return j;
}
let after = null;
async function loadPeople(reset) {
  if (reset) { $('people').textContent = ''; after = null; }
  const p = new URLSearchParams({ limit: '100' });
  const cls = $('class').value; if (cls) p.set('class_id', cls);
  const q = $('q').value.trim(); if (q) p.set('q', q);
  if (after) p.set('after', after);
  const j = await api('GET', '/api/people?' + p);
  for (const x of j.items) {
    const tr = document.createElement('tr');
    for (const v of [x.number, x.name, x.gender === 'M' ? '男' : '女', x.class || '', x.dorm || '', x.guardian_phone]) {
      const td = document.createElement('td'); td.textContent = v; tr.appendChild(td);
    }
    $('people').appendChild(tr);
  }
  after = j.next_after; $('more').hidden = !after;
}
async function showApp(user) {
  $('login').hidden = true; $('roster').hidden = false; $('logout').hidden = false;
  $('who').textContent = user.username + ' · ' + user.role + (user.scope_name ? ' · ' + user.scope_name : '');
  const cl = await api('GET', '/api/classes');
  $('class').textContent = '';
  if (user.scope_kind !== 'class') $('class').appendChild(new Option('全部 All', ''));
  for (const c of cl.items) $('class').appendChild(new Option(c.name + ' (' + c.enrolled + ')', c.id));
  await loadPeople(true);
}
$('login').addEventListener('submit', async (e) => {
  e.preventDefault(); $('login-error').textContent = '';
  try { const j = await api('POST', '/api/session', { username: $('username').value, password: $('password').value }); await showApp(j.user); }
  catch (err) { $('login-error').textContent = err.message; }
});
$('logout').addEventListener('click', async () => { await api('DELETE', '/api/session'); location.reload(); });
$('class').addEventListener('change', () => loadPeople(true));
$('q').addEventListener('input', () => loadPeople(true));
$('more').addEventListener('click', () => loadPeople(false));
api('GET', '/api/session').then((j) => showApp(j.user)).catch(() => { $('login').hidden = false; });
