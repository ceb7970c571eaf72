# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rows of issue 26: many processes of the collection on one host, one credential, one rate-limit ledger.

The emulator enforces the rate limit scaled down to QUOTA requests per WINDOW seconds (a block of one window past it);
a person spends a request every PERSON_EVERY seconds of the same budget without any pacing, and a process keeps one CPU
busy beside the runs. One inventory host per account:

(u8), (u16), (u32)  renames: every account renames RENAMES[forks] users in one cloudflare_zt_users task, forks 8, 16, 32;
(u2j)               renames, two ansible-playbook jobs at once, 4 forks each;
(v8), (v16), (v32)  the reconcile role in check mode (the nightly drift report) over PAGES[forks] pages of PAGE users
                    in every account, forks 8, 16, 32;
(v2j)               the drift report, two jobs at once, 4 forks each.

Each run reports the answers 429 (goal 0), the person's requests refused (goal 0), the collection's peak in one window
of the emulator (goal: at most the quota less the reserve) and the span of the run's requests, first to last, against
the budget's least time: requests / (quota - reserve) windows (goal: within GOAL_FACTOR of it).

    .venv/bin/python bench/ledger.py --runs 20 --rows u8,v8 --json out.json     (after make install-tarball)
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import bench

QUOTA, WINDOW = 12, 10
RESERVE = int(math.ceil(QUOTA * 0.1))
USABLE = QUOTA - RESERVE
PAGE = 100
PERSON_EVERY = 5.0
GOAL_FACTOR = 1.3
# forks -> (accounts, renames per account, pages per account): about 40 to 64 requests a run.
SHAPES = {8: (8, 4, 5), 16: (16, 2, 3), 32: (32, 1, 2)}
ROWS = {
    "u8": ("renames", 8, 1), "u16": ("renames", 16, 1), "u32": ("renames", 32, 1), "u2j": ("renames", 8, 2),
    "v8": ("drift", 8, 1), "v16": ("drift", 16, 1), "v32": ("drift", 32, 1), "v2j": ("drift", 8, 2),
}
TITLES = {
    "renames": "(%s) %d accounts, %s, %d renames each, one credential (%d requests / %d s)",
    "drift": "(%s) %d accounts, %s, reconcile role in check mode over %d pages each, one credential (%d requests / %d s)",
}


def title(row):
    kind, forks, jobs = ROWS[row]
    accounts, renames, pages = SHAPES[forks]
    how = "forks %d" % forks if jobs == 1 else "two jobs at once, forks %d each" % (forks // 2)
    return TITLES[kind] % (row, accounts, how, renames if kind == "renames" else pages, QUOTA, WINDOW)


def least_time(requests):
    """The budget's least time for ``requests``: that many / (quota - reserve) windows."""
    return requests / float(USABLE) * WINDOW


class Person(threading.Thread):
    """Someone in the dashboard: one request every PERSON_EVERY seconds, the credential of the tasks, no pacing."""

    def __init__(self, emulator, account):
        super().__init__(daemon=True)
        self.url = "%s/accounts/%s/access/users?per_page=5" % (emulator.base_url, account)
        self.stop = threading.Event()

    def run(self):
        while not self.stop.is_set():
            request = urllib.request.Request(self.url, headers={"Authorization": "Bearer " + bench.API_TOKEN,
                                                                "User-Agent": "person (dashboard)"})
            try:
                with urllib.request.urlopen(request, timeout=30) as answer:
                    answer.read()
            except urllib.error.HTTPError:
                pass   # counted from the emulator's log
            self.stop.wait(PERSON_EVERY)


def measure(log):
    """The figures of one run from the emulator's log."""
    mine = [entry for entry in log if (entry.get("agent") or "").startswith("cloudflare_ops")]
    person = [entry for entry in log if (entry.get("agent") or "").startswith("person")]
    windows = {}
    for entry in mine:
        windows[entry["budget_window"]] = windows.get(entry["budget_window"], 0) + 1
    span = mine[-1]["at"] - mine[0]["at"] if mine else 0.0
    least = least_time(len(mine))
    return {"requests": len(mine), "refused": sum(1 for entry in log if entry["status"] == 429),
            "person": len(person), "person_refused": sum(1 for entry in person if entry["status"] != 200),
            "peak": max(windows.values()) if windows else 0, "span_s": round(span, 1), "least_s": round(least, 1),
            "ratio": round(span / least, 3) if least else None}


def run_once(row, runner, emulator, workdir, ledger=True):
    kind, forks, jobs = ROWS[row]
    accounts, renames, pages = SHAPES[forks]
    users = renames + 5 if kind == "renames" else pages * PAGE
    emulator.control("POST", "/reset", {"generate": users, "accounts": accounts, "max_per_page": PAGE})
    inventory, ids = _inventory(emulator, workdir)
    if kind == "renames":
        playbook, extra = "parallel_renames.yml", {"bench_renames": renames}
    else:
        users_file = workdir / "ledger-role-users.json"
        users_file.write_text(json.dumps(bench.role_users(users)))
        playbook, extra = "parallel_role.yml", {"bench_users_file": str(users_file)}
    options = ["-i", str(inventory), "--forks", str(forks // jobs)] + (["--check"] if kind == "drift" else [])
    limits = [None] if jobs == 1 else ["accounts[0:%d]" % (accounts // 2 - 1), "accounts[%d:]" % (accounts // 2)]
    emulator.control("POST", "/budget", {"quota": QUOTA, "window": WINDOW, "block": WINDOW})
    emulator.clear_log()
    person = Person(emulator, ids[0])
    person.start()
    env = runner.environment()
    if not ledger:
        env["CLOUDFLARE_OPS_RATE_LIMIT_LEDGER"] = ""   # each task paces itself on the headers alone (before issue 26)
    started = time.monotonic()
    processes = []
    for number, limit in enumerate(limits):
        command = [str(runner.bin_dir / "ansible-playbook"), str(bench.PLAYBOOKS / playbook), "-e", json.dumps(extra)]
        command += options + (["--limit", limit] if limit else [])
        output = open(workdir / ("ledger-job%d.log" % number), "wb")  # pylint: disable=consider-using-with
        processes.append((subprocess.Popen(command, cwd=str(workdir), env=env,  # pylint: disable=consider-using-with
                                           stdout=output, stderr=subprocess.STDOUT), output))
    failed = []
    for number, (process, output) in enumerate(processes):
        if process.wait() != 0:
            failed.append((workdir / ("ledger-job%d.log" % number)).read_text(errors="replace")[-2000:])
        output.close()
    wall = time.monotonic() - started
    person.stop.set()
    person.join(30)
    figures = measure(emulator.requests())
    expected = accounts * (1 + renames) if kind == "renames" else accounts * pages
    figures.update({"row": row, "wall_s": round(wall, 1), "failed": len(failed),
                    "expected_requests": expected})
    if failed:
        sys.stderr.write("(%s) a job failed:\n%s\n" % (row, failed[0]))
    return figures


def _inventory(emulator, workdir):
    accounts = emulator.control("GET", "/accounts")["accounts"]
    path = workdir / "ledger-inventory"
    lines = ["[accounts]"] + ["account%d account_id=%s" % (n, a) for n, a in enumerate(accounts, 1)]
    lines += ["", "[accounts:vars]", "ansible_connection=local"]
    path.write_text("\n".join(lines) + "\n")
    return path, accounts


def summary(row, runs):
    """One line of Markdown for the runs of a row."""
    ok = [r for r in runs if not r["failed"] and r["refused"] == 0 and r["person_refused"] == 0
          and r["peak"] <= USABLE and r["requests"] == r["expected_requests"]]
    ratios = sorted(r["ratio"] for r in runs if r["ratio"])
    within = sum(1 for ratio in ratios if ratio <= GOAL_FACTOR)
    return ("| %s | %d | %d of %d | %d | %d | %d (goal <= %d) | %d | %.1f s | %.2fx-%.2fx (median %.2fx); %d of %d "
            "within %.1fx |" % (
                title(row), len(runs), len(ok), len(runs), sum(r["refused"] for r in runs),
                sum(r["person_refused"] for r in runs), max(r["peak"] for r in runs), USABLE,
                runs[0]["requests"], runs[0]["least_s"], ratios[0], ratios[-1], ratios[len(ratios) // 2], within,
                len(runs), GOAL_FACTOR))


HEADER = ("| row | runs | runs with every goal but time | 429s | person refused | peak per window | requests a run | "
          "least time | span / least time |\n|---|---|---|---|---|---|---|---|---|")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each row (default %(default)s)")
    parser.add_argument("--rows", default=",".join(ROWS), help="rows to run, comma-separated (default: all)")
    parser.add_argument("--no-ledger", dest="ledger", action="store_false",
                        help="rate_limit_ledger set to an empty string: each task on the headers alone, for comparison")
    parser.add_argument("--no-burner", dest="burner", action="store_false", help="no CPU burner beside the runs")
    parser.add_argument("--collections-path", help="directory holding the installed ansible_collections/")
    parser.add_argument("--json", help="write every run's figures here")
    args = parser.parse_args(argv)
    rows = [row.strip() for row in args.rows.split(",") if row.strip()]
    unknown = [row for row in rows if row not in ROWS]
    if unknown or args.runs < 1:
        parser.error("unknown rows %s (known: %s)" % (unknown, ", ".join(ROWS)) if unknown else "--runs must be >= 1")
    workdir = Path(tempfile.mkdtemp(prefix="cloudflare-ledger-bench-"))
    emulator = bench.Emulator(workdir, sys.executable)
    runner = bench.Runner(workdir, sys.executable, bench.collections_path(args.collections_path), emulator)
    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"]) if args.burner else None  # pylint: disable=consider-using-with
    results = dict((row, []) for row in rows)
    try:
        emulator.start(0)
        for run in range(args.runs):
            for row in rows:
                figures = run_once(row, runner, emulator, workdir, args.ledger)
                results[row].append(figures)
                print("run %d %s: %s" % (run + 1, row, json.dumps(figures, sort_keys=True)), flush=True)
                if args.json:
                    Path(args.json).write_text(json.dumps(results, indent=1, sort_keys=True))
    finally:
        emulator.stop()
        if burner is not None:
            burner.terminate()
            burner.wait()
    print(HEADER)
    for row in rows:
        print(summary(row, results[row]))
    return 0 if all(not r["failed"] and r["refused"] == 0 and r["person_refused"] == 0 and r["peak"] <= USABLE
                    for runs in results.values() for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
