"""Compare the time a sign-in takes for an unknown address, a wrong password and the right password.

Usage: .venv/bin/python benchmarks/sign_in.py [--repeat R] [--json]

Uses the production argon2 parameters (time cost 3, 64 MiB) against a temporary SQLite database, through Flask's
test client with CSRF off and throttling raised so every attempt is checked. The figure that matters is the ratio
of the unknown-address median to the wrong-password median: near 1.0 means timing does not reveal which addresses
have accounts. Record the figures in docs/performance.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalogue import create_app  # noqa: E402
from catalogue.admin.services import create_user  # noqa: E402
from catalogue.extensions import db  # noqa: E402

PASSWORD = "benchmark horse battery staple"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30, help="attempts per case (default 30)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as data_dir:
        app = create_app({"CATALOGUE_DATA_DIR": data_dir, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                          "SIGN_IN_FREE_ATTEMPTS": 10**6})
        with app.app_context():
            db.create_all()
            create_user("known@agency.example", "Known Person", "member", None, PASSWORD)
        cases = {"unknown address": ("nobody@agency.example", "wrong password here"),
                 "wrong password": ("known@agency.example", "wrong password here"),
                 "right password": ("known@agency.example", PASSWORD)}
        timings: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.repeat):
            for name, (address, password) in cases.items():  # interleaved, so machine noise hits every case
                client = app.test_client()
                start = time.perf_counter()
                client.post("/account/sign-in", data={"email": address, "password": password})
                timings[name].append(time.perf_counter() - start)
    result = {name: {"median_ms": round(statistics.median(t) * 1000, 1),
                     "p95_ms": round(sorted(t)[int(0.95 * (len(t) - 1))] * 1000, 1)} for name, t in timings.items()}
    result["unknown_to_wrong_ratio"] = round(result["unknown address"]["median_ms"]
                                             / result["wrong password"]["median_ms"], 3)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    for name, figures in result.items():
        print(f"{name:<24} {figures}")


if __name__ == "__main__":
    main()
