#!/usr/bin/env bash
# All set-up, idempotent: Python packages in .venv; with --test also the Debian packages the
# tests need (PostgreSQL server, Chromium, CJK fonts, npm) and
# axe-core for the accessibility audit. Safe to run on every `make`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_missing=()
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$1"); }
if [ $want_test = 1 ]; then
  need_pkg postgresql; need_pkg chromium; need_pkg fonts-noto-cjk
  command -v npm >/dev/null || apt_missing+=(npm)   # any npm will do (a NodeSource one too)
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${apt_missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
stamp=.venv/.requirements.sha
sum=$(sha256sum requirements.txt | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$sum" > "$stamp"
fi

# axe-core, loaded from disk into headless Chromium by tests/browser/test_browser_4_audit.py.
axe=tests/browser/.axe/node_modules/axe-core/axe.min.js
if [ $want_test = 1 ] && [ ! -f "$axe" ]; then
  npm install --prefix tests/browser/.axe --no-audit --no-fund --no-save --loglevel=error axe-core@4
fi
