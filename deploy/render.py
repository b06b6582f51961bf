"""Render the deployment files from their templates: the nginx configuration in front of N app
processes, and the systemd units of a company's own servers.

    python deploy/render.py nginx --ports 8601 8602 --listen 127.0.0.1:8501 --run-dir data/serve \
        [--upstream 10.0.0.5:8601 ...] [--tls-cert FILE --tls-key FILE --tls-listen 443] \
        [--server-name pm.example.com] [--out FILE]
    python deploy/render.py systemd --root /opt/pmcs --user pmcs --ports 8601 8602 --out DIR

Plain Python (standard library only): no app module is imported, so it runs before the set-up too.
The upload limit is read from .streamlit/config.toml (server.maxUploadSize), so the proxy and the
app refuse the same size."""
from __future__ import annotations

import argparse
import os
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ROUTE_COOKIE = "pmcs_route"

SECURITY_HEADERS = [
    ("X-Frame-Options", '"SAMEORIGIN"'),
    ("Content-Security-Policy", '"frame-ancestors \'self\'"'),
    ("X-Content-Type-Options", '"nosniff"'),
    ("Referrer-Policy", '"same-origin"'),
    ("Permissions-Policy", '"camera=(self), microphone=(), geolocation=()"'),
]
HSTS = ("Strict-Transport-Security", '"max-age=31536000"')

PROXY_HEADERS = [
    ("Host", "$http_host"),
    # Overwritten, not appended: the app's login throttle reads the first address (APP_TRUST_PROXY=1).
    ("X-Forwarded-For", "$remote_addr"),
    ("X-Forwarded-Proto", "$scheme"),
]


def fill(template: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        template = template.replace("{{" + key + "}}", value)
    if "{{" in template:
        start = template.index("{{")
        raise ValueError(f"unfilled field {template[start:template.index('}}', start) + 2]}")
    return template


def upload_limit_mb(config: Path = ROOT / ".streamlit" / "config.toml") -> int:
    """server.maxUploadSize of the app (MB; Streamlit's default 200 when unset)."""
    try:
        return int(tomllib.loads(config.read_text(encoding="utf-8")).get("server", {}).get("maxUploadSize", 200))
    except (OSError, tomllib.TOMLDecodeError):
        return 200


def streamlit_static() -> Path:
    """The folder of Streamlit's built frontend (index.html, static/js, static/css)."""
    import importlib.util

    spec = importlib.util.find_spec("streamlit")
    if spec is None or not spec.origin:
        raise SystemExit("streamlit is not installed in this Python: run the set-up first")
    return Path(spec.origin).parent / "static"


def mime_types() -> str:
    for path in ("/etc/nginx/mime.types", "/usr/local/nginx/conf/mime.types"):
        if Path(path).exists():
            return path
    raise SystemExit("nginx's mime.types not found: install nginx (scripts/setup.sh --serve)")


def _headers(tls: bool, indent: str = " " * 12) -> str:
    pairs = SECURITY_HEADERS + ([HSTS] if tls else []) + [("Set-Cookie", "$route_set_cookie")]
    return "\n".join(f"{indent}add_header {name} {value} always;" for name, value in pairs)


def _proxy_headers(indent: str = " " * 12) -> str:
    return "\n".join(f"{indent}proxy_set_header {name} {value};" for name, value in PROXY_HEADERS)


def render_nginx(args) -> str:
    upstreams = list(args.upstream or []) + [f"127.0.0.1:{p}" for p in args.ports or []]
    if not upstreams:
        raise SystemExit("no app process: give --ports and/or --upstream")
    run_dir = Path(args.run_dir).resolve()
    log_dir = Path(args.log_dir).resolve() if args.log_dir else run_dir
    tls = bool(args.tls_cert)
    if tls != bool(args.tls_key):
        raise SystemExit("--tls-cert and --tls-key go together")
    locations = (HERE / "nginx-locations.template").read_text(encoding="utf-8")
    max_mb = upload_limit_mb(Path(args.config))
    body = fill(locations, {
        "headers": _headers(tls), "proxy_headers": _proxy_headers(),
        "static_root": str(Path(args.static_root).resolve() if args.static_root else streamlit_static()),
        "max_body": f"{max_mb}m",
        "upload_burst_client": str(args.upload_burst), "upload_burst_addr": str(args.upload_burst * 5),
        "upload_conn": str(args.upload_conn),
    })
    name = args.server_name or "_"
    port = args.tls_listen.rsplit(":", 1)[-1]
    tls_port = "" if port == "443" else f":{port}"
    servers = []
    if tls:
        servers.append(f"""    server {{
        listen {args.listen};
        server_name {name};
        # Plain HTTP only says where the real address is.
        location / {{
            return 301 https://$host{tls_port}$request_uri;
        }}
    }}
    server {{
        # (nginx >= 1.25.1 prefers `listen ... ssl;` + `http2 on;`; 1.22 knows only this form)
        listen {args.tls_listen} ssl http2;
        server_name {name};
        ssl_certificate {args.tls_cert};
        ssl_certificate_key {args.tls_key};
        ssl_protocols TLSv1.2 TLSv1.3;
        ssl_prefer_server_ciphers off;
        ssl_session_cache shared:pmcs_tls:10m;
        ssl_session_timeout 1d;
{body}
    }}""")
    else:
        servers.append(f"""    server {{
        listen {args.listen};
        server_name {name};
{body}
    }}""")
    user = args.user
    values = {
        "user_line": f"user {user};" if user else "# (no `user`: nginx runs as whoever starts it)",
        "worker_processes": str(args.worker_processes),
        "run_dir": str(run_dir), "log_dir": str(log_dir), "mime_types": args.mime_types or mime_types(),
        "route_cookie": ROUTE_COOKIE, "cookie_secure": "; Secure" if tls else "",
        "upload_rate_client": args.upload_rate, "upload_rate_addr": args.upload_rate_addr,
        "upstream_servers": "\n".join(
            f"        server {u} max_fails={args.max_fails} fail_timeout={args.fail_timeout};" for u in upstreams),
        "servers": "\n".join(servers),
    }
    return fill((HERE / "nginx.conf.template").read_text(encoding="utf-8"), values)


def render_systemd(args) -> dict[str, str]:
    out = {}
    values = {"root": str(Path(args.root)), "user": args.user, "env_file": args.env_file,
              "python": str(Path(args.root) / ".venv" / "bin" / "python"),
              "wants": " ".join(f"pmcs-app@{p}.service" for p in args.ports or [8601, 8602])}
    for template in sorted((HERE / "systemd").glob("*.in")):
        out[template.name.removesuffix(".in")] = fill(template.read_text(encoding="utf-8"), values)
    return out


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="what", required=True)
    ng = sub.add_parser("nginx", help="the nginx configuration")
    ng.add_argument("--ports", type=int, nargs="*", help="app processes on this machine (127.0.0.1:PORT)")
    ng.add_argument("--upstream", nargs="*", help="app processes elsewhere, HOST:PORT")
    ng.add_argument("--listen", default="127.0.0.1:8501", help="where nginx listens for plain HTTP")
    ng.add_argument("--server-name", default="")
    ng.add_argument("--run-dir", required=True, help="pid and temporary files")
    ng.add_argument("--log-dir", help="access and error logs (default: the run directory)")
    ng.add_argument("--static-root", help="Streamlit's static folder (default: found from the installed package)")
    ng.add_argument("--mime-types", help="nginx's mime.types (default: /etc/nginx/mime.types)")
    ng.add_argument("--config", default=str(ROOT / ".streamlit" / "config.toml"))
    ng.add_argument("--tls-cert", help="certificate chain (PEM); with --tls-key, HTTPS and HSTS on")
    ng.add_argument("--tls-key")
    ng.add_argument("--tls-listen", default="443")
    ng.add_argument("--user", help="the `user` of nginx's workers when it is started as root")
    ng.add_argument("--worker-processes", default="auto")
    ng.add_argument("--max-fails", type=int, default=1)
    ng.add_argument("--fail-timeout", default="10s")
    ng.add_argument("--upload-rate", default="30r/m", help="uploads per browser")
    ng.add_argument("--upload-rate-addr", default="300r/m", help="uploads per address")
    ng.add_argument("--upload-burst", type=int, default=10)
    ng.add_argument("--upload-conn", type=int, default=4, help="uploads at once per browser")
    ng.add_argument("--out", help="file to write (default: standard output)")
    sd = sub.add_parser("systemd", help="systemd units of a company server")
    sd.add_argument("--root", default="/opt/pmcs", help="the checkout, with its .venv")
    sd.add_argument("--user", default="pmcs")
    sd.add_argument("--env-file", default="/etc/pmcs/env", help="DATABASE_URL, APP_COOKIE_KEY, ...")
    sd.add_argument("--ports", type=int, nargs="*")
    sd.add_argument("--out", required=True, help="folder to write the units into")
    args = ap.parse_args(argv)
    if args.what == "nginx":
        text = render_nginx(args)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
        else:
            sys.stdout.write(text)
    else:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name, text in render_systemd(args).items():
            (out / name).write_text(text, encoding="utf-8")
            print(out / name)


if __name__ == "__main__":
    main()
