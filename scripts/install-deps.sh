#!/bin/sh
# Install what Jinyun needs to build, test and serve, from Debian 12's
# packages and npm.  Idempotent and quick when everything is there: only
# missing packages are fetched.  Needs root (or sudo) for apt-get.
set -eu
PKGS="build-essential pkg-config meson ninja-build libsqlite3-dev libpq-dev
postgresql libmicrohttpd-dev libcjson-dev libsodium-dev libxlsxwriter-dev
libminizip-dev libexpat1-dev libcmocka-dev wrk chromium nginx
r-cran-surveillance sqlite3 curl clang libclang-rt-14-dev
libcurl4-gnutls-dev openssl postgresql-client"
missing=""
# Node.js and npm: the machine's own when present (Debian's nodejs 18 otherwise).
command -v node >/dev/null 2>&1 || PKGS="$PKGS nodejs"
command -v npm >/dev/null 2>&1 || PKGS="$PKGS npm"
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	SUDO=""
	[ "$(id -u)" -eq 0 ] || SUDO=sudo
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
# Front-end and browser-test packages (committed lockfile; no browser download).
if [ -f web/package-lock.json ] && [ ! -d web/node_modules ]; then
	(cd web && npm ci --no-audit --no-fund)
fi
