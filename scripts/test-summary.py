#!/usr/bin/env python3
"""Print one closing line for a test run: 'tests (BACKEND): N passed, N failed, N skipped'.

Counts the TAP subtests of every test in Meson's testlog.json (a cmocka
executable reports one line per test function), so the line states how many
behaviours were checked, not how many executables ran.
usage: test-summary.py BUILD_DIR
"""
import json
import os
import re
import sys


def main():
    passed = failed = skipped = 0
    with open(sys.argv[1] + '/meson-logs/testlog.json') as f:
        for line in f:
            t = json.loads(line)
            out = t.get('stdout') or ''
            oks = len(re.findall(r'^ok \d+', out, re.M))
            skips = len(re.findall(r'^ok \d+.*# (?i:skip)', out, re.M))
            bad = len(re.findall(r'^not ok \d+', out, re.M))
            if oks + bad == 0:
                if t.get('result') == 'OK':
                    oks = 1
                elif t.get('result') == 'SKIP':
                    skips = oks = 1
                else:
                    bad = 1
            if t.get('result') not in ('OK', 'SKIP', 'EXPECTEDFAIL') and bad == 0:
                bad = 1
            passed += oks - skips
            skipped += skips
            failed += bad
    backend = 'PostgreSQL' if os.environ.get('JINYUN_TEST_PG') else 'SQLite'
    print('tests (%s): %d passed, %d failed, %d skipped' % (backend, passed, failed, skipped))


if __name__ == '__main__':
    main()
