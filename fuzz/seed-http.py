#!/usr/bin/env python3
"""Write fuzz/corpus/http/: one raw request per route of src/http/router.c.

Each route gets a request as the admin (cookie placeholder @admin, see
fuzz_http.c) with {id}-style segments set to 1 and, for writes, a small JSON
body; a few hand-written requests cover login, the teacher's scope, a gate
terminal, static assets and cross-site refusal.  Re-run after adding routes:
    python3 fuzz/seed-http.py
"""
import os
import re

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out = os.path.join(root, 'fuzz', 'corpus', 'http')
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    os.unlink(os.path.join(out, f))

src = open(os.path.join(root, 'src', 'http', 'router.c'), encoding='utf-8').read()
routes = re.findall(r'\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"(/[^"]*)"', src)


def write(name, method, path, headers=(), body=''):
    head = f'{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n'
    for h in headers:
        head += h + '\r\n'
    data = (head + '\r\n' + body).encode('utf-8')
    with open(os.path.join(out, name), 'wb') as f:
        f.write(data)


for i, (method, path) in enumerate(routes):
    p = re.sub(r'\{[a-z_]+\}', '1', path)
    hdrs = ['Cookie: jy_session=@admin']
    body = ''
    if method in ('POST', 'PUT', 'PATCH'):
        hdrs += ['Content-Type: application/json', 'Origin: http://127.0.0.1:8080']
        body = '{"date":"2020-05-14","note":"测试","name":"x"}'
    if method == 'GET':
        p += '?date=2020-05-14&limit=5'
    write(f'route-{i:03d}', method, p, hdrs, body)

write('login', 'POST', '/api/session',
      ['Content-Type: application/json', 'Origin: http://127.0.0.1:8080'],
      '{"username":"admin","password":"admin123"}')
write('teacher-people', 'GET', '/api/people?class=2&q=%E5%BC%A0&limit=10',
      ['Cookie: jy_session=@teacher'])
write('gate-reading', 'POST', '/api/gate/readings',
      ['Authorization: Bearer @device', 'Content-Type: application/json'],
      '{"person":"2018010101","temperature":37.5,"time":"2020-05-14T07:30:00+08:00"}')
write('asset-index', 'GET', '/')
write('asset-traversal', 'GET', '/assets/..%2f..%2fetc%2fpasswd')
write('cross-site', 'POST', '/api/checks',
      ['Cookie: jy_session=@teacher', 'Origin: https://evil.example', 'Content-Type: application/json'],
      '{"class":1,"date":"2020-05-14","session":"morning","entries":[]}')
write('district-people', 'GET', "/api/people?q=%27%20OR%201%3D1--&limit=1",
      ['Cookie: jy_session=@district; other=1'])
print(f'{len(routes) + 7} requests in {out}')
