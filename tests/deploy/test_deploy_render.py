"""deploy/render.py: the nginx configuration it writes is one nginx accepts, plain and with TLS, and
carries what the proxy promises (the app's upload limit, HSTS only with TLS, the affinity cookie
Secure only with TLS); the systemd units come out with every field filled."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(tmp_path: Path, *extra: str) -> str:
    out = tmp_path / "nginx.conf"
    subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), "nginx", "--ports", "8601", "8602",
                    "--upstream", "10.0.0.12:8601", "--listen", "127.0.0.1:18080", "--run-dir", str(tmp_path),
                    "--out", str(out), *extra], check=True, cwd=ROOT)
    return out.read_text()


def nginx_accepts(tmp_path: Path) -> None:
    assert Path(NGINX).exists(), "nginx is missing: `make setup-test` installs it"
    proc = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_plain_http_configuration_is_valid_and_limits_uploads_as_the_app_does(tmp_path):
    text = render(tmp_path)
    nginx_accepts(tmp_path)
    limit = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    assert f"client_max_body_size {limit}m;" in text
    assert "Strict-Transport-Security" not in text
    assert "SameSite=Lax\";" in text and "Secure" not in text
    assert re.search(r"location \^~ /_stcore/metrics \{\s*return 404;", text)
    assert "hash $route_key consistent;" in text
    for upstream in ("127.0.0.1:8601", "127.0.0.1:8602", "10.0.0.12:8601"):
        assert f"server {upstream} max_fails=1 fail_timeout=10s;" in text


def test_tls_configuration_is_valid_with_hsts_and_a_secure_cookie(tmp_path):
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out",
                    str(cert), "-days", "1", "-subj", "/CN=pm.example.com"], check=True, capture_output=True)
    text = render(tmp_path, "--tls-cert", str(cert), "--tls-key", str(key), "--tls-listen", "127.0.0.1:18443",
                  "--server-name", "pm.example.com")
    nginx_accepts(tmp_path)
    assert 'Strict-Transport-Security "max-age=31536000" always;' in text
    assert "SameSite=Lax; Secure" in text
    assert "return 301 https://$host:18443$request_uri;" in text


def test_systemd_units_are_filled(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "deploy" / "render.py"), "systemd", "--root", "/opt/pmcs",
                    "--ports", "8601", "8602", "--out", str(tmp_path)], check=True, cwd=ROOT, capture_output=True)
    units = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert set(units) == {"pmcs-app@.service", "pmcs-worker.service", "pmcs-proxy.service", "pmcs.target"}
    assert all("{{" not in text for text in units.values())
    assert "Wants=pmcs-app@8601.service pmcs-app@8602.service" in units["pmcs.target"]
    assert "ExecStart=/opt/pmcs/.venv/bin/python -m worker" in units["pmcs-worker.service"]
    assert "Restart=always" in units["pmcs-app@.service"]
