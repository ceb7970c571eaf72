# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The rows of ``make bench`` for several accounts under one credential (bench/bench.py calls them).

The emulator serves ACCOUNTS accounts and enforces Cloudflare's rate limit scaled down to QUOTA requests per WINDOW
seconds: Cloudflare's pace of 4 a second (1200 per 300 s) in a window a tenth as long, with a block of one window past
it. One inventory host per account, ``--forks`` ACCOUNTS:

(p) every account renames RENAMES users in one cloudflare_zt_users task, at the default write_rate;
(q) the reconcile role in check mode in every account, over DRIFT_USERS users served PAGE a page: the nightly drift
    report of an MSP;
(r) one user's seat (bench/playbooks/one.yml) with and without the Ratelimit headers, runs interleaved: what the
    budget costs a task that needs none of it.

Each of (p) and (q) shows the answers 429 (goal 0) and the time of the run's requests, from the first to the last in
the emulator's log (ansible-playbook's start-up is not the budget's), against the least time the budget allows them
(goal: within GOAL_FACTOR of it). A window opens with the first request, so N requests need at least
floor((N - 1) / USABLE) more windows, USABLE being the quota less the 10 % the collection leaves to people by default
(rate_limit_reserve); the least time with the whole quota is shown too.
"""

from __future__ import annotations

import json
import math
import statistics

ACCOUNTS = 8
QUOTA, WINDOW = 120, 30
RENAMES = 45
DRIFT_USERS, PAGE = 4500, 100
GOAL_FACTOR = 1.3
ONE_USER_REPEATS = 3

SCENARIOS = {
    "p": "(p) %d accounts, forks %d, %d renames each, one credential (%d requests / %d s)" % (
        ACCOUNTS, ACCOUNTS, RENAMES, QUOTA, WINDOW),
    "q": "(q) %d accounts, forks %d, reconcile role in check mode, one credential (%d requests / %d s)" % (
        ACCOUNTS, ACCOUNTS, QUOTA, WINDOW),
    "r_headers": "(r) one task, one user, the emulator sending Ratelimit headers",
    "r_plain": "(r) one task, one user, no Ratelimit headers",
}


# The quota less the default reserve (rate_limit_reserve: 10 %, rounded up).
USABLE = QUOTA - int(math.ceil(QUOTA * 0.1))


def least_time(requests, per_window=USABLE):
    """The least seconds ``requests`` take under the limit: the first window opens with the first of them."""
    return max(0, (requests - 1) // per_window) * WINDOW


def _inventory(emulator, workdir):
    accounts = emulator.control("GET", "/accounts")["accounts"]
    path = workdir / "parallel-inventory"
    lines = ["[accounts]"] + ["account%d account_id=%s" % (n, a) for n, a in enumerate(accounts, 1)]
    path.write_text("\n".join(lines) + "\n")
    return path, accounts


def _limit(emulator, on=True):
    emulator.control("POST", "/budget", {"quota": QUOTA if on else 0, "window": WINDOW, "block": WINDOW})


def _paced(log):
    """429 answers, the span of the requests (first to last), the least the budget allows, their ratio."""
    refused = sum(1 for entry in log if entry["status"] == 429)
    span = log[-1]["at"] - log[0]["at"] if log else 0.0
    least = least_time(len(log))
    return refused, span, least, (span / least if least else None)


def _goal_note(refused, span, least, ratio, requests):
    return ("%d answers 429; %d requests over %.1f s, the budget allows %d s at least (%d s with the whole quota, "
            "no reserve): %s" % (refused, requests, span, least, least_time(requests, QUOTA),
                                 "%.2fx (goal < %.1fx)" % (ratio, GOAL_FACTOR) if ratio else "no wait needed"))


def bench_parallel(bench, runner, emulator, workdir, results, rows=("p", "q", "r")):
    """Rows (p), (q) and (r), added to ``results`` with bench.record; returns the goals found."""
    emulator.control("POST", "/reset", {"generate": 1, "accounts": ACCOUNTS})
    inventory, accounts = _inventory(emulator, workdir)
    options = ("-i", str(inventory), "--forks", str(ACCOUNTS))
    found = []
    if "p" in rows:
        found.append(_renames(bench, runner, emulator, workdir, results, accounts, options))
    if "q" in rows:
        found.append(_drift_report(bench, runner, emulator, workdir, results, options))
    if "r" in rows:
        found.append(_one_user(bench, runner, emulator, results))
    emulator.control("POST", "/reset", {"generate": 0})
    return found


def _keep_log(workdir, name, log):
    (workdir / ("parallel-%s-requests.json" % name)).write_text(json.dumps(log))


def _renames(bench, runner, emulator, workdir, results, accounts, options):
    """(p): RENAMES renames in each account at once."""
    emulator.control("POST", "/reset", {"generate": RENAMES + 5, "accounts": ACCOUNTS})
    _limit(emulator)
    emulator.clear_log()
    measure = runner.playbook("parallel_renames.yml", extra_vars={"bench_renames": RENAMES}, options=options)
    log = emulator.requests()
    _keep_log(workdir, "p", log)
    requests = bench.summarize_requests(log)
    problems = bench.check_writes(requests, PUT=RENAMES * ACCOUNTS)
    for account in accounts:
        names = [u["name"] for u in emulator.control("GET", "/accounts/%s/users" % account)["users"][:RENAMES]]
        if names != ["Renamed User %05d" % n for n in range(1, RENAMES + 1)]:
            problems.append("account %s does not hold the new names" % account)
    refused, span, least, ratio = _paced(log)
    if refused:
        problems.append("%d answers were 429" % refused)
    bench.record(results, RENAMES + 5, "p", [measure], requests, problems, note=_goal_note(refused, span, least, ratio, len(log)))
    return ("(p) parallel renames", refused == 0 and (ratio is None or ratio < GOAL_FACTOR),
            "%d accounts x %d renames, forks %d: %s" % (ACCOUNTS, RENAMES, ACCOUNTS, _goal_note(refused, span, least, ratio, len(log))))


def _drift_report(bench, runner, emulator, workdir, results, options):
    """(q): the reconcile role in check mode in each account at once; a third renamed, a third losing a seat."""
    emulator.control("POST", "/reset", {"generate": DRIFT_USERS, "accounts": ACCOUNTS, "max_per_page": PAGE})
    _limit(emulator)
    users_file = workdir / "parallel-role-users.json"
    users_file.write_text(json.dumps(bench.role_users(DRIFT_USERS)))
    emulator.clear_log()
    measure = runner.playbook("parallel_role.yml", extra_vars={"bench_users_file": str(users_file)},
                              options=options + ("--check",), task=bench.ROLE_TASK)
    log = emulator.requests()
    _keep_log(workdir, "q", log)
    requests = bench.summarize_requests(log)
    pages = int(math.ceil(DRIFT_USERS / float(PAGE)))
    problems = bench.check_writes(requests)
    if requests["total"] != pages * ACCOUNTS:
        problems.append("%d requests, %d pages x %d accounts expected" % (requests["total"], pages, ACCOUNTS))
    refused, span, least, ratio = _paced(log)
    if refused:
        problems.append("%d answers were 429" % refused)
    bench.record(results, DRIFT_USERS, "q", [measure], requests, problems,
                 note="%d a page; %s" % (PAGE, _goal_note(refused, span, least, ratio, len(log))))
    return ("(q) parallel drift report", refused == 0 and (ratio is None or ratio < GOAL_FACTOR),
            "%d accounts x %d users at %d a page, check mode: %s" % (
                ACCOUNTS, DRIFT_USERS, PAGE, _goal_note(refused, span, least, ratio, len(log))))


def _one_user(bench, runner, emulator, results):
    """(r): one user's seat, with and without the Ratelimit headers (a limit the task cannot come near), interleaved."""
    timings = {"r_headers": [], "r_plain": []}
    rows = {}
    for repetition in range(ONE_USER_REPEATS):
        for key, quota in (("r_headers", 1200), ("r_plain", 0)):
            emulator.control("POST", "/reset", {"generate": 1000})
            emulator.control("POST", "/budget", {"quota": quota, "window": 300, "block": 300})
            emulator.clear_log()
            measure = runner.playbook("one.yml", extra_vars={"bench_email": bench.email_of(bench.one_user_index(repetition))})
            timings[key].append(measure)
            rows[key] = bench.summarize_requests(emulator.requests())
    for key in ("r_headers", "r_plain"):
        bench.record(results, 1000, key, timings[key], rows[key], bench.check_one_user(rows[key]))
    with_headers = statistics.median(m["task_s"] for m in timings["r_headers"])
    without = statistics.median(m["task_s"] for m in timings["r_plain"])
    return ("(r) one user, budget", None,
            "the one-user task takes %.2f s with the Ratelimit headers and %.2f s without (task medians of %d)" % (
                with_headers, without, ONE_USER_REPEATS))
