"""Lighthouse (mobile, default throttling) on the home, event, sessions and grid pages of a
running server with the demo: performance, accessibility, best practices, LCP, and what
Lighthouse says about text compression and render-blocking resources.

    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python bench/compress/lighthouse.py [--base http://127.0.0.1:8124] [--runs 3]
        [--tls-proxy 8443]

Set-up of the server: bench/compress/results.md. Chromium: CHROME_PATH (default
/usr/bin/chromium). Each page is run `--runs` times; the median LCP and the lowest scores are
printed.

`--tls-proxy PORT` measures the pages as production serves them: through nginx with the HTTPS
server of deploy/nginx-oocamp.conf as it is (TLS, HTTP/2, its compression and locations), a
throwaway self-signed certificate, in front of `--base`. Lighthouse simulates a slow phone from
the page's real requests: from gunicorn alone every request has a connection of its own (its
sync workers keep none alive), each paying the simulated round trips of a new connection; over
HTTP/2 they share one, as they do for people.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]

PAGES = {
    "home": "/",
    "event": "/oocamp-2012/",
    "sessions": "/oocamp-2012/proposals/",
    "grid": "/oocamp-2012/grid/",
}
CATEGORIES = ["performance", "accessibility", "best-practices"]
AUDITS = ["uses-text-compression", "render-blocking-resources"]


def run(lighthouse: str, url: str, out: Path, *, insecure: bool = False) -> dict:
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    flags = "--headless=new --no-sandbox" + (" --ignore-certificate-errors" if insecure else "")
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            f"--chrome-flags={flags}",
        ],
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


@contextmanager
def tls_proxy(port: int, upstream: str) -> Iterator[str]:
    """nginx on 127.0.0.1:`port` with the deployment's HTTPS server in front of `upstream`
    (host:port); yields its base URL."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    deploy = ROOT / "deploy"
    with tempfile.TemporaryDirectory(prefix="oocamp-tls-") as folder:
        tmp = Path(folder)
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
            + ["-keyout", str(tmp / "key.pem"), "-out", str(tmp / "cert.pem")]
            + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
            check=True,
            capture_output=True,
        )
        site = (deploy / "nginx-oocamp.conf").read_text()
        https = site[site.index("server {\n    listen 443") :]
        for old, new in {
            "    listen [::]:443 ssl http2;\n": "",
            "listen 443 ssl http2;": f"listen 127.0.0.1:{port} ssl http2;",
            "server_name camp.example.org;": "server_name 127.0.0.1;",
            "/etc/letsencrypt/live/camp.example.org/fullchain.pem": str(tmp / "cert.pem"),
            "/etc/letsencrypt/live/camp.example.org/privkey.pem": str(tmp / "key.pem"),
            "/etc/nginx/oocamp_locations.conf": str(tmp / "locations.conf"),
        }.items():
            assert old in https, f"deploy/nginx-oocamp.conf changed: {old!r}"
            https = https.replace(old, new)
        locations = (deploy / "nginx-oocamp_locations.conf").read_text()
        (tmp / "locations.conf").write_text(
            locations.replace(
                "/etc/nginx/oocamp_proxy.conf", str(deploy / "nginx-oocamp_proxy.conf")
            )
        )
        modules = "".join(
            f"include {module};\n" for module in Path("/etc/nginx/modules-enabled").glob("*brotli*")
        )
        temp = " ".join(
            f"{kind}_temp_path {tmp / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        (tmp / "nginx.conf").write_text(
            f"{modules}pid {tmp / 'nginx.pid'};\nerror_log {tmp / 'error.log'} warn;\n"
            "events { worker_connections 256; }\n"
            f"http {{\ninclude /etc/nginx/mime.types;\naccess_log off;\n{temp}\n"
            f"upstream oocamp {{ server {upstream}; keepalive 32; }}\n{https}\n}}\n"
        )
        server = subprocess.Popen([nginx, "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"])
        try:
            time.sleep(1)
            if server.poll() is not None:
                raise SystemExit(f"nginx did not start: {(tmp / 'error.log').read_text()}")
            yield f"https://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8124")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse", default="/tmp/lh/node_modules/.bin/lighthouse")
    parser.add_argument("--tls-proxy", type=int, metavar="PORT", help="through nginx, HTTPS")
    args = parser.parse_args()
    if args.tls_proxy:
        with tls_proxy(args.tls_proxy, urlsplit(args.base).netloc) as base:
            measure(args, base, insecure=True)
    else:
        measure(args, args.base)


def measure(args: argparse.Namespace, base: str, *, insecure: bool = False) -> None:
    print(f"{'page':10} {'perf':>5} {'a11y':>5} {'best':>5} {'LCP s':>6} {'LCP runs':>18}  notes")
    with tempfile.TemporaryDirectory() as folder:
        for name, path in PAGES.items():
            reports = [
                run(
                    args.lighthouse,
                    base + path,
                    Path(folder) / f"{name}-{n}.json",
                    insecure=insecure,
                )
                for n in range(args.runs)
            ]
            scores = [
                min(round(r["categories"][c]["score"] * 100) for r in reports) for c in CATEGORIES
            ]
            lcps = [r["audits"]["largest-contentful-paint"]["numericValue"] / 1000 for r in reports]
            notes = []
            for audit in AUDITS:
                result = reports[0]["audits"][audit]
                if result.get("score") is not None and result["score"] < 1:
                    notes.append(f"{audit}: {result.get('displayValue', '')}")
            for report in reports[:1]:
                for category in CATEGORIES:
                    for ref in report["categories"][category]["auditRefs"]:
                        audit = report["audits"][ref["id"]]
                        if ref["weight"] and audit.get("score") is not None and audit["score"] < 1:
                            notes.append(f"{category}/{ref['id']}")
            runs = " ".join(f"{v:.2f}" for v in lcps)
            print(
                f"{name:10} {scores[0]:5d} {scores[1]:5d} {scores[2]:5d} "
                f"{statistics.median(lcps):6.2f} {runs:>18}  {'; '.join(notes)}",
                flush=True,
            )


if __name__ == "__main__":
    main()
