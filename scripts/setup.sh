#!/usr/bin/env bash
# All set-up, idempotent: Python packages in .venv; with --test also the Debian packages the
# tests need (PostgreSQL server, Chromium, CJK fonts, npm, nginx) and
# axe-core for the accessibility audit. Safe to run on every `make`.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=0; want_nginx=0
[ "${1:-}" = "--test" ] && { want_test=1; want_nginx=1; }
[ "${1:-}" = "--serve" ] && want_nginx=1   # scripts/serve.sh: nginx in front of several processes

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_missing=()
need_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed" || apt_missing+=("$1"); }
# Runtime: WeasyPrint sets the PDFs (receipts, notices, letters) with pango, in Noto CJK.
need_pkg libpango-1.0-0; need_pkg libpangoft2-1.0-0; need_pkg fonts-noto-cjk
if [ $want_test = 1 ]; then
  need_pkg postgresql; need_pkg chromium; need_pkg fonts-noto-cjk
  need_pkg poppler-utils   # pdftotext / pdftoppm: the document tests read and draw the PDFs
  command -v npm >/dev/null || apt_missing+=(npm)   # any npm will do (a NodeSource one too)
fi
# nginx: only its binary is used (tests and serve.sh start it with their own configuration).
nginx_new=0
if [ $want_nginx = 1 ]; then
  dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "install ok installed" || { apt_missing+=(nginx); nginx_new=1; }
fi
if [ ${#apt_missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${apt_missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${apt_missing[@]}" >/dev/null
fi
# Debian starts its own nginx service on port 80 on install: not ours, so stopped and not started at boot.
if [ $nginx_new = 1 ] && command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  as_root systemctl disable --now nginx.service >/dev/null 2>&1 || true
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
