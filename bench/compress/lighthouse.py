"""Lighthouse (mobile, default throttling) on the home, event, sessions and grid pages of a
running server with the demo: performance, accessibility, best practices, LCP, and what
Lighthouse says about text compression and render-blocking resources.

    npm install --prefix /tmp/lh lighthouse
    .venv/bin/python bench/compress/lighthouse.py [--base http://127.0.0.1:8124] [--runs 3]

Set-up of the server: bench/compress/results.md. Chromium: CHROME_PATH (default
/usr/bin/chromium). Each page is run `--runs` times; the median LCP and the lowest scores are
printed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
from pathlib import Path

PAGES = {
    "home": "/",
    "event": "/oocamp-2012/",
    "sessions": "/oocamp-2012/proposals/",
    "grid": "/oocamp-2012/grid/",
}
CATEGORIES = ["performance", "accessibility", "best-practices"]
AUDITS = ["uses-text-compression", "render-blocking-resources"]


def run(lighthouse: str, url: str, out: Path) -> dict:
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run(
        [
            lighthouse,
            url,
            "--quiet",
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--chrome-flags=--headless=new --no-sandbox",
        ],
        env=env,
        check=True,
    )
    return json.loads(out.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", default="http://127.0.0.1:8124")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lighthouse", default="/tmp/lh/node_modules/.bin/lighthouse")
    args = parser.parse_args()
    print(f"{'page':10} {'perf':>5} {'a11y':>5} {'best':>5} {'LCP s':>6} {'LCP runs':>18}  notes")
    with tempfile.TemporaryDirectory() as folder:
        for name, path in PAGES.items():
            reports = [
                run(args.lighthouse, args.base + path, Path(folder) / f"{name}-{n}.json")
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
