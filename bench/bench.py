# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The request-count, speed and memory benchmark of the collection (``make bench``).

For each account size U it starts the local emulator with U generated users and runs, each as
its own ``ansible-playbook`` process against the installed collection:

(a) one ``cloudflare_zt_seat`` task over all U seats, about a third of them changing;
(b) the same task again (nothing changes);
(c) one task for one user;
(d) ``cloudflare_zt_user_info`` of the whole account;
(e) for one size only (1000): the naive alternatives, a loop of one ``cloudflare_zt_seat`` task
    per user and the official ``cloudflare`` SDK in a straight per-user loop (look up + edit);
(f) at 10,000 (--speed-size): the ``reconcile`` role in check mode over every user (a third renamed, a
    third with a seat change, a third unchanged), with a report directory, as the nightly drift report;
(g) at 1,000 (--rename-size): every user renamed by one ``cloudflare_zt_users`` task (write_rate 1000),
    and, over the first --rename-loop users, the naive loop of one ``cloudflare_zt_user`` task per rename;
(h) at 10,000: check mode with and without --diff, for ``cloudflare_zt_seat`` (3,333 seats change) and
    for ``cloudflare_zt_users`` (3,333 renames), runs interleaved;
(i) at 10,000: ``cloudflare_zt_seat`` over every seat, two thirds changing (run after each (c));
(m) at 50,000 (--memory-size): ``cloudflare_zt_users`` over every user, nothing changing (memory);
(s) at 10,000 (issue 20), each right after a one-user seat task (c), --speed-repeats times: the ``reconcile`` role
    in check mode with report files (f's users), ``cloudflare_zt_seat`` with two thirds of the seats changing (i's
    seats) and ``cloudflare_zt_users`` listing every user as the account holds them; ``--only-scale`` runs these
    rows and the memory rows at 50,000 alone.
(p), (q), (r): several accounts under one credential against the emulator's rate limit, forks 8 (bench/parallel.py;
    --only-parallel runs these alone, --no-parallel skips them).

Measured per run: the HTTP requests by method (from the emulator's request log), the wall time
of the whole ``ansible-playbook`` process, the time of the task itself (a callback), the peak
RSS of the module process (the Python that runs the AnsiballZ payload is started under GNU time,
which reports its ru_maxrss), and the peak RSS of the largest process of the run (ru_maxrss of
the waited-for process tree: controller, workers and module).

Then it checks the bounds of issues 6, 11 and 12 and exits non-zero if one fails:
- a bulk task costs ceil(U/1000) list requests (plus at most one empty page) and
  ceil(changes/seat_batch_size) PATCHes (batches of 1000), none in check mode;
- a one-user task costs at most 2 reads and 1 PATCH;
- a repeated run sends no write;
- the role in check mode: at most ceil(U/1000) + 1 requests, no write; 1,000 renames: 1 GET + 1,000 PUTs, no 429;
- speed: at U=10,000 the bulk run takes less than 2.5 times a one-user run (medians); the goals of
  issue 11 compare task times (the callback) within the run: (f) < 3x a one-user task (stretch 2x),
  (g) < 1.3x the least time the budget's pacing allows its requests (issue 19; < 1/20 of the loop before),
  (h) --diff < 1.5x without, (i) < 2x a one-user task;
- memory: the module's peak RSS stays under 150 MB at U=50,000, for cloudflare_zt_seat and cloudflare_zt_users.
- issue 20, pair by pair (median of the per-pair ratios): (s) the role's span (first task to last) < 2x the one-user
  task run just before it, the seat task < 1.6x, the users task < 1.5x.
The Markdown table goes to bench/RESULTS.md (--output; a "## Findings" section already there, written by
hand, is kept), the raw figures to --json.
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import parallel

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
PLAYBOOKS = BENCH_DIR / "playbooks"
CALLBACKS = BENCH_DIR / "callback_plugins"
EMULATOR = ROOT / "tests" / "emulator" / "cloudflare_emulator.py"

ACCOUNT_ID = "023e105f4ecef8ad9ca31a8372d0c353"
API_TOKEN = "emulator-token-0123456789abcdefghijklmnopqrstuv"
PAGE_SIZE = 1000
BUDGET = 1200  # Cloudflare: 1200 requests per five minutes per user, then HTTP 429 for five minutes
WINDOW_S = 300.0
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

DEFAULT_SIZES = (1000, 10000, 50000)
NAIVE_SIZE = 1000
SPEED_SIZE, SPEED_FACTOR = 10000, 2.5
MEMORY_SIZE, MEMORY_LIMIT_MB = 50000, 150.0
SEAT_BATCH = 1000  # seat_batch_size's default: a seat task sends ceil(changes/1000) PATCHes
# Issue 11's goals, ratios of task times within one run.
ROLE_FACTOR, ROLE_STRETCH = 3.0, 2.0      # (f) the role in check mode vs a one-user seat task
RENAME_SIZE, RENAME_SHARE = 1000, 1.0 / 20  # (g) one task of 1,000 renames vs the one-task-per-user loop
RENAME_WRITE_RATE = 1000                   # (g) write_rate for the emulator (the default is 2 per second)
DEFAULT_WRITE_RATE = 2.0
RENAME_LOOP_USERS = 40                     # (g) the loop of cloudflare_zt_user tasks, over the first N users
# The one-task-per-user loop over 1,000 users as bench/RESULTS.md recorded it before cloudflare_zt_users (6 min 48 s).
RECORDED_LOOP_S = 408.0
DIFF_FACTOR = 1.5                          # (h) --diff vs the same task without
SEAT_TWO_THIRDS_FACTOR = 2.0               # (i) 2/3 of 10,000 seats changing vs a one-user task
SPEED_REPEATS = 3                          # runs of (f) and of each (h) variant
# Runs of (a) and (c) per size, one after the other; the table shows the medians (the machine may be shared).
DEFAULT_REPEATS = {1000: 3, 10000: 5}
# Sizes at which (a) also runs in check mode with --diff (Ansible renders the diff with difflib,
# which grows with the square of the changed seats: not at 50,000).
DIFF_MAX_SIZE = 10000

SCENARIOS = {
    "a": "(a) one task, all seats, ~1/3 change",
    "a_vars": "(a) with the seats as extra vars (-e @file)",
    "a_diff": "(a) in check mode with --diff",
    "b": "(b) the same task again",
    "c": "(c) one task, one user",
    "d": "(d) user_info, whole account",
    "e_loop": "(e) loop: one task per user",
    "e_sdk": "(e) SDK: per-user look-up + edit",
    "f": "(f) reconcile role, check mode, all users listed",
    "f_report": "(f) the same with reconcile_report_dir (drift.json, drift.md)",
    "g": "(g) cloudflare_zt_users: every user renamed, one task",
    "g_loop": "(g) loop: one cloudflare_zt_user task per rename",
    "h_seat": "(h) seat task, 1/3 change, check mode",
    "h_seat_diff": "(h) seat task, 1/3 change, check mode + --diff",
    "h_users": "(h) users task, 1/3 renamed, check mode",
    "h_users_diff": "(h) users task, 1/3 renamed, check mode + --diff",
    "i": "(i) one seat task, all seats, 2/3 change",
    "m_users": "(m) cloudflare_zt_users, all users, nothing changes",
    "n_reclaim": "(n) cloudflare_zt_seat release_inactive (90 days), whole account",
}
SCENARIOS.update(parallel.SCENARIOS)
# The task of a playbook whose time is the row's task time (the others: the sum of its tasks).
ROLE_TASK = "Bring the users and their seats to the wanted state"


# --- the wanted state ----------------------------------------------------------------------


def generated_flags(index):
    """The seats the emulator gives generated user ``index`` (1-based): see generate_user_specs."""
    kind = index % 3
    return kind in (1, 2), kind == 2


def wanted_flags(index):
    """What the bench wants: users 6k get an Access seat, users 6k+2 are released, the rest stay."""
    if index % 6 == 0:
        return True, False
    if index % 6 == 2:
        return False, False
    return generated_flags(index)


def email_of(index):
    return "user%05d@example.com" % index


def wanted_seats(users):
    seats = []
    for index in range(1, users + 1):
        access, gateway = wanted_flags(index)
        seats.append({"email": email_of(index), "access_seat": access, "gateway_seat": gateway})
    return seats


def two_thirds_seats(users):
    """(i): users 3k+1 (Access only) also get a Gateway seat, users 3k+2 (both) lose theirs, users 3k keep none."""
    seats = []
    for index in range(1, users + 1):
        kind = index % 3
        seats.append({"email": email_of(index), "access_seat": kind in (1, 2), "gateway_seat": kind == 1})
    return seats


def name_of(index):
    return "User %05d" % index


def new_name_of(index):
    return "Renamed User %05d" % index


def role_users(users):
    """(f): every user listed; users 3k renamed, users 3k+1 released from their Access seat, users 3k+2 as they are."""
    listed = []
    for index in range(1, users + 1):
        access, gateway = generated_flags(index)
        kind = index % 3
        listed.append({"email": email_of(index), "name": new_name_of(index) if kind == 0 else name_of(index),
                       "access_seat": access and kind != 1, "gateway_seat": gateway})
    return listed


def renamed_users(users, every=3):
    """(h) and (g): every user listed with name and seats; user i renamed when i % every == 0."""
    listed = []
    for index in range(1, users + 1):
        access, gateway = generated_flags(index)
        listed.append({"email": email_of(index), "name": new_name_of(index) if index % every == 0 else name_of(index),
                       "access_seat": access, "gateway_seat": gateway})
    return listed


def inactive_holders(users):
    """Generated seat holders (i % 3 != 0) that the emulator gives a login 95 or 400 days old or none since 500 days
    (i % 10 in 3, 4, 5, 8, 9; see LOGIN_SPREAD in the emulator): what release_inactive with 90 days releases."""
    return sum(1 for i in range(1, users + 1) if i % 3 != 0 and i % 10 in (3, 4, 5, 8, 9))


def changing(seats):
    """How many of ``seats`` differ from the generated state."""
    count = 0
    for seat in seats:
        index = int(seat["email"][4:9])
        if (seat["access_seat"], seat["gateway_seat"]) != generated_flags(index):
            count += 1
    return count


def one_user_index(repetition):
    """A user the wanted state leaves with an Access seat (6k+1): (c) releases it, a change every time."""
    return 6 * repetition + 1


# --- the emulator --------------------------------------------------------------------------


class Emulator(object):
    """The local emulator in its own process, driven through its control API."""

    def __init__(self, workdir, python):
        self.workdir = workdir
        self.python = python
        self.process = None
        self.root = None
        self.log_handle = None

    def start(self, users):
        port_file = self.workdir / "emulator.port"
        if port_file.exists():
            port_file.unlink()
        self.log_handle = open(self.workdir / "emulator.log", "ab")
        self.process = subprocess.Popen(  # pylint: disable=consider-using-with
            [self.python, str(EMULATOR), "--port", "0", "--port-file", str(port_file), "--generate", str(users)],
            stdout=self.log_handle, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while not (port_file.exists() and port_file.read_text().strip()):
            if self.process.poll() is not None:
                raise RuntimeError("the emulator did not start: see %s" % (self.workdir / "emulator.log"))
            if time.monotonic() > deadline:
                raise RuntimeError("the emulator did not report its port within 120 s")
            time.sleep(0.05)
        self.root = "http://127.0.0.1:%s" % port_file.read_text().strip()

    @property
    def base_url(self):
        return self.root + "/client/v4"

    def control(self, method, path, body=None):
        data = json.dumps(body).encode("utf-8") if body is not None else None
        request = urllib.request.Request(self.root + "/__emulator__" + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as response:
            return json.loads(response.read().decode("utf-8"))

    def reset(self, users):
        self.control("POST", "/reset", {"generate": users})

    def clear_log(self):
        self.control("DELETE", "/requests")

    def requests(self):
        return self.control("GET", "/requests")["requests"]

    def users(self):
        return self.control("GET", "/users")["users"]

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process = None
        if self.log_handle is not None:
            self.log_handle.close()
            self.log_handle = None


# --- one measured process ------------------------------------------------------------------


def rss_launchers(workdir, python):
    """Two launchers that record the peak RSS (KB) of the process they start, appended to a file.

    ``rss-launch OUT command...`` runs the command under GNU time (or, without it, a small Python
    that forks, execs and reads ru_maxrss from wait4; that one adds its own ~10 MB to the figure).
    GNU time forks a copy of itself, a process of 1-2 MB, before exec: the figure is the command's
    own peak, plus the peak of the children it waited for. ``python-rss`` is the module's interpreter:
    the Python that runs the AnsiballZ payload (the module runs inside it) under rss-launch, the
    figure going to $BENCH_RSS_FILE.
    """
    launch = workdir / "rss-launch"
    gnu_time = shutil.which("time", path="/usr/bin:/bin")
    if gnu_time:
        launch.write_text('#!/bin/sh\nout="$1"; shift\nexec %s -f "%%M" -a -o "$out" "$@"\n' % gnu_time)
    else:
        launch.write_text(
            "#!%s\nimport os, sys\npid = os.fork()\nif pid == 0:\n    os.execvp(sys.argv[2], sys.argv[2:])\n"
            "_, status, usage = os.wait4(pid, 0)\nwith open(sys.argv[1], 'a') as out:\n"
            "    out.write('%%d\\n' %% usage.ru_maxrss)\nsys.exit(os.waitstatus_to_exitcode(status))\n" % python)
    launch.chmod(0o755)
    interpreter = workdir / "python-rss"
    interpreter.write_text('#!/bin/sh\nexec %s "$BENCH_RSS_FILE" %s "$@"\n' % (launch, python))
    interpreter.chmod(0o755)
    return launch, interpreter


def read_rss(path):
    """The figures (KB) a launcher appended to ``path`` (GNU time adds a line when the command fails)."""
    if not path.exists():
        return []
    return [int(line) for line in path.read_text().split("\n") if line.strip().isdigit()]


class Runner(object):
    """Runs ansible-playbook (or the SDK script) and measures it."""

    def __init__(self, workdir, python, collections_path, emulator):
        self.workdir = workdir
        self.python = python
        self.bin_dir = Path(python).parent
        self.collections_path = collections_path
        self.emulator = emulator
        self.launcher, self.interpreter = rss_launchers(workdir, python)
        self.rss_file = workdir / "module-rss.txt"
        self.run_rss_file = workdir / "run-rss.txt"
        self.timings_file = workdir / "timings.json"
        self.output = workdir / "last-run.log"

    def environment(self):
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "CLOUDFLARE_")))
        env.update({
            "PATH": "%s:%s" % (self.bin_dir, env.get("PATH", "/usr/bin:/bin")),
            "ANSIBLE_COLLECTIONS_PATH": str(self.collections_path),
            "ANSIBLE_PYTHON_INTERPRETER": str(self.interpreter),
            "ANSIBLE_CALLBACK_PLUGINS": str(CALLBACKS),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
            "ANSIBLE_NOCOLOR": "True",
            "BENCH_TIMINGS_FILE": str(self.timings_file),
            "BENCH_RSS_FILE": str(self.rss_file),
            "CLOUDFLARE_API_TOKEN": API_TOKEN,
            "CLOUDFLARE_ACCOUNT_ID": ACCOUNT_ID,
            "CLOUDFLARE_BASE_URL": self.emulator.base_url,
        })
        return env

    def _measure(self, command, task=None):
        for path in (self.rss_file, self.run_rss_file, self.timings_file):
            if path.exists():
                path.unlink()
        # The run's own peak comes from the launcher too: ru_maxrss from waiting for the command here
        # would count this process's memory (the child starts as a copy of it).
        with open(self.output, "wb") as output:
            start = time.monotonic()
            done = subprocess.run([str(self.launcher), str(self.run_rss_file)] + command, cwd=str(self.workdir),
                                  env=self.environment(), stdout=output, stderr=subprocess.STDOUT, check=False)
            wall = time.monotonic() - start
        if done.returncode != 0:
            tail = self.output.read_text(errors="replace")[-3000:]
            raise RuntimeError("%s failed (exit %d):\n%s" % (" ".join(command), done.returncode, tail))
        module_rss = read_rss(self.rss_file)
        run_rss = read_rss(self.run_rss_file)
        tasks = json.loads(self.timings_file.read_text())["tasks"] if self.timings_file.exists() else []
        chosen = [t for t in tasks if task in t["name"]] if task else tasks
        return {
            "wall_s": wall,
            "task_s": sum(t["seconds"] for t in chosen) if chosen else None,
            # From the start of the first task to the end of the last (for a role: its whole span).
            "span_s": (tasks[-1]["end"] - tasks[0]["start"]) if tasks and "end" in tasks[0] else None,
            "tasks": tasks,
            "diff": [t.get("diff") for t in chosen],
            "items": sum(t["items"] for t in tasks),
            "changed": any(t["changed"] for t in chosen),
            "module_rss_kb": max(module_rss) if module_rss else None,
            "module_runs": len(module_rss),
            "run_rss_kb": max(run_rss) if run_rss else None,
        }

    def playbook(self, name, extra_vars_file=None, extra_vars=None, options=(), task=None):
        command = [str(self.bin_dir / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(PLAYBOOKS / name)]
        command += list(options)
        if extra_vars_file is not None:
            command += ["-e", "@%s" % extra_vars_file]
        if extra_vars:
            command += ["-e", json.dumps(extra_vars)]
        return self._measure(command, task=task)

    def sdk(self, seats_file):
        return self._measure([self.python, str(BENCH_DIR / "sdk_loop.py"), str(seats_file)])


# --- the request log -----------------------------------------------------------------------


def summarize_requests(log):
    by_method = {}
    for entry in log:
        by_method[entry["method"]] = by_method.get(entry["method"], 0) + 1
    patches = [entry for entry in log if entry["method"] == "PATCH"]
    list_gets = [entry for entry in log if entry["method"] == "GET" and entry["path"].endswith("/access/users")]
    return {
        "by_method": by_method,
        "total": len(log),
        "reads": by_method.get("GET", 0),
        "writes": sum(by_method.get(method, 0) for method in WRITE_METHODS),
        "patch": by_method.get("PATCH", 0),
        "patch_items": [len(entry["body"]) if isinstance(entry.get("body"), list) else None for entry in patches],
        "list_gets": len(list_gets),
        "list_pages": [entry["query"].get("page") for entry in list_gets],
        "statuses": sorted(set(entry["status"] for entry in log)),
        "faults": sum(1 for entry in log if entry.get("fault")),
    }


def pages_for(users):
    return max(1, int(math.ceil(users / float(PAGE_SIZE))))


def batches(changes, size=SEAT_BATCH):
    """The seats per PATCH of ``changes`` seat changes in batches of ``size``."""
    return [min(size, changes - start) for start in range(0, changes, size)]


def check_list(requests, users):
    """Problems with the reads of a task that lists the account: ceil(U/1000) list GETs (+ at most one empty page)."""
    problems = []
    pages = pages_for(users)
    if not pages <= requests["list_gets"] <= pages + 1:
        problems.append("%d list GETs, the bound is %d (+1 empty page)" % (requests["list_gets"], pages))
    if requests["reads"] != requests["list_gets"]:
        problems.append("%d GETs that are not list requests" % (requests["reads"] - requests["list_gets"]))
    if 429 in requests["statuses"]:
        problems.append("HTTP 429 answered")
    return problems


def check_bulk(requests, users, expected_changes):
    """Problems with a bulk seat run: the list GETs, then ceil(changes/1000) PATCHes of the changing seats, nothing else.

    ``expected_changes`` None: a check-mode run, which must send no write.
    """
    problems = check_list(requests, users)
    bound = pages_for(users) + (len(batches(expected_changes)) if expected_changes else 0)
    if expected_changes is None:
        if requests["writes"]:
            problems.append("check mode sent writes %s" % requests["by_method"])
    else:
        if requests["writes"] != requests["patch"]:
            problems.append("writes %s, only PATCHes expected" % requests["by_method"])
        if requests["patch_items"] != batches(expected_changes):
            problems.append("PATCH bodies of %s seats, %s expected (%d changes in batches of %d)" % (
                requests["patch_items"], batches(expected_changes), expected_changes, SEAT_BATCH))
    if requests["total"] > bound + 1:
        problems.append("%d requests, the bound is %d" % (requests["total"], bound))
    return problems


def check_prepared_diff(measure, changes):
    """Problems if the task's result did not carry a diff prepared by the module (diff: {prepared: text})."""
    diffs = [d for d in measure["diff"] if d]
    if not diffs:
        return ["no diff in the result"]
    if diffs[0]["keys"] != ["prepared"] or not diffs[0]["prepared_chars"]:
        return ["the diff is %s, not a prepared text" % diffs[0]]
    if changes and diffs[0]["prepared_chars"] < 20 * changes:
        return ["the prepared diff has %d characters for %d changes" % (diffs[0]["prepared_chars"], changes)]
    return []


def check_one_user(requests):
    problems = []
    if requests["reads"] > 2:
        problems.append("%d reads, the bound is 2" % requests["reads"])
    if requests["patch"] != 1 or requests["writes"] != 1 or requests["patch_items"] != [1]:
        problems.append("writes %s (PATCH of %s seats), expected 1 PATCH of 1 seat" % (
            requests["by_method"], requests["patch_items"]))
    return problems


def check_info(requests, users):
    pages = pages_for(users)
    if requests["writes"] or not pages <= requests["list_gets"] <= pages + 1 or requests["reads"] != requests["list_gets"]:
        return ["requests %s, expected %d list GETs (+1 empty page) and no write" % (requests["by_method"], pages)]
    return []


def check_state(emulator, seats):
    """Problems if the emulator's users do not hold the wanted seats."""
    wanted = dict((seat["email"], (seat["access_seat"], seat["gateway_seat"])) for seat in seats)
    wrong = [user["email"] for user in emulator.users()
             if user["email"] in wanted and (user["access_seat"], user["gateway_seat"]) != wanted[user["email"]]]
    return ["%d users do not hold the wanted seats afterwards (e.g. %s)" % (len(wrong), wrong[0])] if wrong else []


# --- the benchmark -------------------------------------------------------------------------


def log(message):
    sys.stdout.write(message + "\n")
    sys.stdout.flush()


def describe(requests):
    parts = ["%d %s" % (count, method) for method, count in sorted(requests["by_method"].items())]
    return " + ".join(parts) or "no request"


def record(results, users, key, measures, requests, problems, note=None):
    walls = [m["wall_s"] for m in measures]
    tasks = [m["task_s"] for m in measures if m["task_s"] is not None]
    rss = [m["module_rss_kb"] for m in measures if m["module_rss_kb"] is not None]
    spans = [m["span_s"] for m in measures if m.get("span_s") is not None]
    # Each task's median over the runs, in the order of the first run.
    per_task = []
    for position, task in enumerate(measures[0].get("tasks") or []):
        times = [m["tasks"][position]["seconds"] for m in measures if len(m.get("tasks") or []) > position]
        per_task.append({"name": task["name"], "seconds": statistics.median(times)})
    row = {
        "users": users,
        "scenario": key,
        "label": SCENARIOS[key],
        "runs": len(measures),
        "wall_s": statistics.median(walls),
        "wall_all_s": walls,
        "task_s": statistics.median(tasks) if tasks else None,
        "task_all_s": tasks,
        "span_s": statistics.median(spans) if spans else None,
        "tasks": per_task,
        "module_rss_kb": max(rss) if rss else None,
        "module_runs": measures[0]["module_runs"],
        "run_rss_kb": max(m["run_rss_kb"] or 0 for m in measures) or None,
        "items": measures[0]["items"],
        "requests": requests,
        "problems": problems,
        "note": note,
    }
    results.append(row)
    task = " (task %.2f s)" % row["task_s"] if row["task_s"] is not None else ""
    module = ", module peak %.1f MB" % (row["module_rss_kb"] / 1024.0) if row["module_rss_kb"] else ""
    failures = "".join("\n    BOUND FAILED: " + p for p in problems)
    log("  %-40s %s; %.2f s%s%s%s" % (row["label"], describe(requests), row["wall_s"], task, module, failures))
    return row


def run_check(emulator, runner, playbook, extra_vars, options=(), task=None):
    """One run against the account as the emulator holds it (no reset: check mode writes nothing)."""
    emulator.clear_log()
    measure = runner.playbook(playbook, extra_vars=extra_vars, options=options, task=task)
    return measure, summarize_requests(emulator.requests())


def check_names(emulator, listed):
    """Problems if the emulator's users do not carry the names of ``listed``."""
    wanted = dict((user["email"], user["name"]) for user in listed)
    wrong = [user["email"] for user in emulator.users() if user["email"] in wanted and user["name"] != wanted[user["email"]]]
    return ["%d users do not carry the wanted name afterwards (e.g. %s)" % (len(wrong), wrong[0])] if wrong else []


def check_writes(requests, **wanted):
    """Problems if the writes by method are not exactly ``wanted`` (e.g. PUT=1000)."""
    got = dict((method, requests["by_method"].get(method, 0)) for method in WRITE_METHODS)
    want = dict((method, wanted.get(method, 0)) for method in WRITE_METHODS)
    if got != want:
        return ["writes %s, expected %s" % (describe({"by_method": dict((m, n) for m, n in got.items() if n)}),
                                            describe({"by_method": dict((m, n) for m, n in want.items() if n)}))]
    return []


def bench_role(users, runner, emulator, workdir, repeats, report=False):
    """(f): the reconcile role in check mode over every user; with ``report``, writing drift.json and drift.md too."""
    listed = role_users(users)
    users_file = workdir / ("role-users-%d.json" % users)
    users_file.write_text(json.dumps(listed))
    report_dir = workdir / "report" if report else ""
    renamed = sum(1 for index in range(1, users + 1) if index % 3 == 0)
    seats = sum(1 for index in range(1, users + 1) if index % 3 == 1)
    measures, problems, requests = [], [], None
    for _run in range(repeats):
        if report:
            shutil.rmtree(str(report_dir), ignore_errors=True)
        measure, got = run_check(emulator, runner, "role.yml",
                                 {"bench_users_file": str(users_file), "bench_report_dir": str(report_dir)},
                                 options=("--check",), task=ROLE_TASK)
        measures.append(measure)
        requests = requests or got
        problems += check_list(got, users) + check_writes(got)
        if got["total"] > pages_for(users) + 1:
            problems.append("%d requests, the bound is %d" % (got["total"], pages_for(users) + 1))
        drift_file = report_dir / "drift.json" if report else None
        if drift_file is None:
            pass
        elif not drift_file.exists():
            problems.append("no drift.json written")
        else:
            drift = json.loads(drift_file.read_text())
            if not drift.get("check_mode") or len(drift.get("drift") or []) != renamed + seats:
                problems.append("drift.json: check_mode %s, %d entries, %d expected" % (
                    drift.get("check_mode"), len(drift.get("drift") or []), renamed + seats))
    return measures, requests, sorted(set(problems)), "%d renamed, %d seat changes, %d unchanged; role span %s" % (
        renamed, seats, users - renamed - seats, duration(statistics.median(m["span_s"] for m in measures)))


def bench_renames(users, runner, emulator, workdir, repeats, loop_users):
    """(g): every user renamed by one cloudflare_zt_users task; then the loop of cloudflare_zt_user over a few."""
    listed = [{"email": email_of(index), "name": new_name_of(index)} for index in range(1, users + 1)]
    users_file = workdir / ("renames-%d.json" % users)
    users_file.write_text(json.dumps(listed))
    measures, problems, requests = [], [], None
    for _run in range(repeats):
        emulator.reset(users)
        emulator.clear_log()
        measures.append(runner.playbook("users.yml", extra_vars={"bench_users_file": str(users_file),
                                                                 "bench_write_rate": RENAME_WRITE_RATE}))
        got = summarize_requests(emulator.requests())
        requests = requests or got
        problems += check_list(got, users) + check_writes(got, PUT=users) + check_names(emulator, listed)
        if not measures[-1]["changed"]:
            problems.append("the task reported no change")
    rows = [(measures, requests, sorted(set(problems)), "write_rate %d" % RENAME_WRITE_RATE)]
    if loop_users:
        loop_file = workdir / ("rename-loop-%d.json" % loop_users)
        loop_file.write_text(json.dumps(listed[:loop_users]))
        emulator.reset(users)
        emulator.clear_log()
        measure = runner.playbook("rename_loop.yml", extra_vars={"bench_users_file": str(loop_file)})
        got = summarize_requests(emulator.requests())
        loop_problems = check_writes(got, PUT=loop_users) + check_names(emulator, listed[:loop_users])
        per_task = measure["task_s"] / loop_users
        rows.append(([measure], got, loop_problems, "first %d users, %.2f s each: %s for %d" % (
            loop_users, per_task, duration(per_task * users), users)))
    return rows


def bench_diff(users, runner, emulator, workdir, repeats, seats_vars, expected):
    """(h): check mode with and without --diff, seat task and users task, the runs interleaved."""
    listed = renamed_users(users)
    users_file = workdir / ("renamed-third-%d.json" % users)
    users_file.write_text(json.dumps(listed))
    users_vars = {"bench_users_file": str(users_file)}
    renamed = sum(1 for index in range(1, users + 1) if index % 3 == 0)
    emulator.reset(users)
    runs = dict((key, ([], [], [None])) for key in ("h_seat", "h_seat_diff", "h_users", "h_users_diff"))
    plan = (("h_seat", "bulk.yml", seats_vars, ("--check",), expected),
            ("h_seat_diff", "bulk.yml", seats_vars, ("--check", "--diff"), expected),
            ("h_users", "users.yml", users_vars, ("--check",), renamed),
            ("h_users_diff", "users.yml", users_vars, ("--check", "--diff"), renamed))
    for _run in range(repeats):
        for key, playbook, extra, options, changes in plan:
            measure, got = run_check(emulator, runner, playbook, extra, options=options)
            measures, problems, first = runs[key]
            measures.append(measure)
            first[0] = first[0] or got
            problems += check_list(got, users) + check_writes(got)
            if not measure["changed"]:
                problems.append("check mode reported no change")
            if "--diff" in options:
                problems += check_prepared_diff(measure, changes)
    notes = {"h_seat": "%d seats" % expected, "h_users": "%d renames" % renamed}
    out = []
    for key, _playbook, _extra, _options, changes in plan:
        measures, problems, first = runs[key]
        note = notes.get(key)
        if key.endswith("_diff"):
            chars = [d for d in measures[0]["diff"] if d][0]["prepared_chars"] if any(measures[0]["diff"]) else 0
            note = "prepared diff, %s characters" % "{:,}".format(chars or 0)
        out.append((key, measures, first[0], sorted(set(problems)), note))
    return out


def bench_size(users, runner, emulator, workdir, repeats, options):
    """Every scenario at one account size. ``options``: the parsed command line (sizes of f/g/h/i/m, naive loops)."""
    results = []
    log("U = %d" % users)
    emulator.start(users)
    with_two_thirds = users == options.speed_size
    try:
        seats = wanted_seats(users)
        seats_file = workdir / ("seats-%d.json" % users)
        seats_file.write_text(json.dumps(seats))
        seats_vars = {"bench_seats_file": str(seats_file)}
        expected = changing(seats)
        two_thirds = two_thirds_seats(users)
        two_thirds_file = workdir / ("seats-two-thirds-%d.json" % users)
        two_thirds_file.write_text(json.dumps(two_thirds))
        two_thirds_changes = changing(two_thirds)

        bulk, again, one, full = [], None, [], []
        bulk_problems, one_problems, full_problems = [], [], []
        bulk_requests = one_requests = again_requests = full_requests = None
        for repetition in range(repeats):
            if repetition:
                emulator.reset(users)
            emulator.clear_log()
            bulk.append(runner.playbook("bulk.yml", extra_vars=seats_vars))
            requests = summarize_requests(emulator.requests())
            bulk_problems += check_bulk(requests, users, expected)
            if not bulk[-1]["changed"]:
                bulk_problems.append("the bulk task reported no change")
            bulk_requests = bulk_requests or requests
            if repetition == 0:
                bulk_problems += check_state(emulator, seats)
                emulator.clear_log()
                again = runner.playbook("bulk.yml", extra_vars=seats_vars)
                again_requests = summarize_requests(emulator.requests())
                again_problems = check_bulk(again_requests, users, 0)
                if again_requests["writes"]:
                    again_problems.append("the repeated run sent %d writes" % again_requests["writes"])
                if again["changed"]:
                    again_problems.append("the repeated run reported a change")
            emulator.clear_log()
            one.append(runner.playbook("one.yml", extra_vars={"bench_email": email_of(one_user_index(repetition))}))
            requests = summarize_requests(emulator.requests())
            one_problems += check_one_user(requests)
            one_requests = one_requests or requests
            if with_two_thirds:
                # (i) right after (c), so that the pair sees the same load on the machine.
                emulator.reset(users)
                emulator.clear_log()
                full.append(runner.playbook("bulk.yml", extra_vars={"bench_seats_file": str(two_thirds_file)}))
                requests = summarize_requests(emulator.requests())
                full_problems += check_bulk(requests, users, two_thirds_changes)
                if repetition == 0:
                    full_problems += check_state(emulator, two_thirds)
                full_requests = full_requests or requests
        bulk_row = record(results, users, "a", bulk, bulk_requests, bulk_problems)
        record(results, users, "b", [again], again_requests, again_problems)
        one_row = record(results, users, "c", one, one_requests, one_problems)
        bulk_row["pair_ratios"] = [a["wall_s"] / c["wall_s"] for a, c in zip(bulk, one)]
        if with_two_thirds:
            full_row = record(results, users, "i", full, full_requests, sorted(set(full_problems)),
                              note="%d seats change" % two_thirds_changes)
            full_row["pair_task_ratios"] = [i["task_s"] / c["task_s"] for i, c in zip(full, one)]
            one_row["paired_with"] = "i"

        # The same task with the seats loaded as extra vars: the controller tags and templates them at more cost.
        vars_file = workdir / ("seats-vars-%d.json" % users)
        vars_file.write_text(json.dumps({"bench_seats": seats}))
        emulator.reset(users)
        emulator.clear_log()
        measure = runner.playbook("bulk_vars.yml", extra_vars_file=vars_file)
        requests = summarize_requests(emulator.requests())
        record(results, users, "a_vars", [measure], requests, check_bulk(requests, users, expected))

        if options.with_diff and users <= DIFF_MAX_SIZE:
            emulator.reset(users)
            emulator.clear_log()
            measure = runner.playbook("bulk.yml", extra_vars=seats_vars, options=("--check", "--diff"))
            requests = summarize_requests(emulator.requests())
            problems = check_bulk(requests, users, None) + check_prepared_diff(measure, expected)
            record(results, users, "a_diff", [measure], requests, problems,
                   note="%d seats in the diff" % expected)

        emulator.reset(users)
        emulator.clear_log()
        info = runner.playbook("info.yml")
        requests = summarize_requests(emulator.requests())
        record(results, users, "d", [info], requests, check_info(requests, users))

        if users == options.speed_size:
            emulator.reset(users)
            measures, requests, problems, note = bench_role(users, runner, emulator, workdir, options.speed_repeats)
            record(results, users, "f", measures, requests, problems, note=note)
            measures, requests, problems, note = bench_role(users, runner, emulator, workdir, 1, report=True)
            record(results, users, "f_report", measures, requests, problems, note=note)
            if options.with_diff:
                for key, measures, requests, problems, note in bench_diff(users, runner, emulator, workdir,
                                                                          options.speed_repeats, seats_vars, expected):
                    record(results, users, key, measures, requests, problems, note=note)

        if users == options.speed_size:
            for key, measures, requests, problems, note, ratios in bench_scale(users, runner, emulator, workdir,
                                                                               options.speed_repeats):
                row = record(results, users, key, measures, requests, problems, note=note)
                if ratios:
                    row["pair_task_ratios"] = ratios

        if users == options.rename_size:
            rows = bench_renames(users, runner, emulator, workdir, options.speed_repeats, options.rename_loop)
            for key, (measures, requests, problems, note) in zip(("g", "g_loop"), rows):
                record(results, users, key, measures, requests, problems, note=note)

        if users == options.memory_size:
            emulator.reset(users)
            listed = renamed_users(users, every=users + 1)
            users_file = workdir / ("users-same-%d.json" % users)
            users_file.write_text(json.dumps(listed))
            measure, requests = run_check(emulator, runner, "users.yml", {"bench_users_file": str(users_file)})
            problems = check_list(requests, users) + check_writes(requests)
            if measure["changed"]:
                problems.append("the task reported a change")
            record(results, users, "m_users", [measure], requests, problems)

            # (n) seat reclamation: the holders whose login (or creation, never logged in) is 90 days old or more.
            emulator.reset(users)
            released = inactive_holders(users)
            measure, requests = run_check(emulator, runner, "reclaim.yml", {})
            problems = check_list(requests, users) + check_writes(requests, PATCH=math.ceil(released / PAGE_SIZE))
            record(results, users, "n_reclaim", [measure], requests, problems, note="%d seats released" % released)

        if users == options.naive_size:
            loop_seats = seats[:options.naive_limit] if options.naive_limit else seats
            loop_file = workdir / ("loop-seats-%d.json" % users)
            loop_file.write_text(json.dumps(loop_seats))
            loop_changes = changing(loop_seats)

            emulator.reset(users)
            emulator.clear_log()
            measure = runner.playbook("loop.yml", extra_vars={"bench_seats_file": str(loop_file)})
            requests = summarize_requests(emulator.requests())
            problems = check_state(emulator, loop_seats)
            if requests["patch"] != loop_changes:
                problems.append("%d PATCHes for %d changing seats" % (requests["patch"], loop_changes))
            record(results, users, "e_loop", [measure], requests, problems,
                   note="%d tasks, %.2f s each" % (len(loop_seats), measure["wall_s"] / max(1, len(loop_seats))))

            emulator.reset(users)
            emulator.clear_log()
            measure = runner.sdk(loop_file)
            requests = summarize_requests(emulator.requests())
            problems = check_state(emulator, loop_seats)
            if requests["total"] != 2 * len(loop_seats):
                problems.append("%d requests for %d users" % (requests["total"], len(loop_seats)))
            record(results, users, "e_sdk", [measure], requests, problems,
                   note="%d users, %.3f s each" % (len(loop_seats), measure["wall_s"] / max(1, len(loop_seats))))
    finally:
        emulator.stop()
    return results


# --- (s) the scale rows of issue 20: each big task right after a one-user task, pair by pair ----------------

SCALE_ROLE_FACTOR = 2.0    # (s) the role in check mode with report files, first task to last, vs a one-user seat task
SCALE_SEAT_FACTOR = 1.6    # (s) cloudflare_zt_seat, two thirds of 10,000 seats changing, vs a one-user seat task
SCALE_USERS_FACTOR = 1.5   # (s) cloudflare_zt_users over 10,000 people, nothing changing, vs a one-user seat task
# The goal rows give the 10,000 items as the collection documents for thousands of items: in a file the module reads
# (reconcile_users_file, seats_file, users_file). The _inline rows give the same lists through Jinja (lookup and
# from_json in the task), which ansible-core templates, serialises and copies; the role's and the seat task's have the
# same goals since issue 28 (the users task's is not one), beside the floor row, which says what ansible-core costs.
SCALE_PAIRS = (("s_role", SCALE_ROLE_FACTOR, "the reconcile role in check mode with report files (first task to last)"),
               ("s_seat", SCALE_SEAT_FACTOR, "cloudflare_zt_seat, two thirds of the seats changing"),
               ("s_users", SCALE_USERS_FACTOR, "cloudflare_zt_users, every person listed, nothing changing"),
               # Issue 28: the inline form most playbooks use has the goals of the file form (2x, 1.6x) too.
               ("s_role_inline", SCALE_ROLE_FACTOR, "the role of s_role with reconcile_users through Jinja"),
               ("s_seat_inline", SCALE_SEAT_FACTOR, "the seat task of s_seat with seats through Jinja"),
               ("s_users_inline", None, "the users task of s_users with users through Jinja"),
               # Not a goal: ansible-core's own cost of 10,000 items handed to a module that does nothing with them.
               ("s_floor", None, "a module that does nothing with the 10,000 seats of s_seat"))
SCENARIOS.update({
    "s_one": "(s) one task, one user (the pairs' baseline)",
    "s_role": "(s) reconcile role, check mode, report files, users in a file",
    "s_seat": "(s) seat task, all seats, 2/3 change, seats in a file",
    "s_users": "(s) users task, every user listed, nothing changes, users in a file",
    "s_role_inline": "(s) the same role, reconcile_users through Jinja",
    "s_seat_inline": "(s) the same seat task, seats through Jinja",
    "s_users_inline": "(s) the same users task, users through Jinja",
    "s_floor": "(s) floor: the seats of s_seat (through Jinja) into a module that does nothing",
})
# (s) row -> (playbook, its extra variable naming the list's file); the file of a row without _inline is the module's.
SCALE_PLAYBOOKS = {
    "s_role": ("role_file.yml", "bench_users_file"), "s_role_inline": ("role.yml", "bench_users_file"),
    "s_seat": ("bulk_file.yml", "bench_seats_file"), "s_seat_inline": ("bulk.yml", "bench_seats_file"),
    "s_users": ("users_file.yml", "bench_users_file"), "s_users_inline": ("users.yml", "bench_users_file"),
    "s_floor": ("floor.yml", "bench_seats_file"),
}


def scale_run(key, users, runner, emulator, files, report_dir):
    """One big task of (s) against the generated account: (measure, requests, problems, what the task did)."""
    emulator.reset(users)
    emulator.clear_log()
    kind = key.replace("_inline", "")
    playbook, variable = SCALE_PLAYBOOKS[key]
    extra_vars = {variable: str(files["s_seat" if kind == "s_floor" else kind])}
    if kind == "s_role":
        shutil.rmtree(str(report_dir), ignore_errors=True)
        extra_vars["bench_report_dir"] = str(report_dir)
        measure = runner.playbook(playbook, extra_vars=extra_vars, options=("--check",))
        got = summarize_requests(emulator.requests())
        problems = check_list(got, users) + check_writes(got) + check_report(report_dir, users)
    elif kind == "s_seat":
        measure = runner.playbook(playbook, extra_vars=extra_vars)
        got = summarize_requests(emulator.requests())
        problems = check_bulk(got, users, changing(two_thirds_seats(users)))
        if not measure["changed"]:
            problems.append("the seat task reported no change")
    elif kind == "s_floor":
        measure = runner.playbook(playbook, extra_vars=extra_vars)
        got = summarize_requests(emulator.requests())
        problems = ["the module that does nothing sent requests"] if got["total"] else []
    else:
        measure = runner.playbook(playbook, extra_vars=extra_vars)
        got = summarize_requests(emulator.requests())
        problems = check_list(got, users) + check_writes(got)
        if measure["changed"]:
            problems.append("the users task reported a change")
    return measure, got, problems


def check_report(report_dir, users):
    """Problems with the drift report of (s)'s role run: drift.json in check mode with every change, and drift.md."""
    expected = sum(1 for index in range(1, users + 1) if index % 3 in (0, 1))
    drift_file = report_dir / "drift.json"
    if not drift_file.exists() or not (report_dir / "drift.md").exists():
        return ["drift.json or drift.md not written"]
    drift = json.loads(drift_file.read_text())
    if drift.get("check_mode") is not True or len(drift.get("drift") or []) != expected:
        return ["drift.json: check_mode %s, %d entries, %d expected" % (
            drift.get("check_mode"), len(drift.get("drift") or []), expected)]
    return []


def bench_scale(users, runner, emulator, workdir, repeats):
    """(s): the role with report files, 2/3 of the seats changing and every user unchanged, each right after a
    one-user seat task (c), ``repeats`` times; the goal is the ratio of task times within each pair.

    Returns the rows' (key, measures, requests, problems, note) and each big row's per-pair ratios.
    """
    files = {"s_role": workdir / ("scale-role-%d.json" % users), "s_seat": workdir / ("scale-seats-%d.json" % users),
             "s_users": workdir / ("scale-same-%d.json" % users)}
    files["s_role"].write_text(json.dumps(role_users(users)))
    files["s_seat"].write_text(json.dumps(two_thirds_seats(users)))
    files["s_users"].write_text(json.dumps(renamed_users(users, every=users + 1)))
    report_dir = workdir / "scale-report"
    runs = dict((key, {"measures": [], "requests": None, "problems": [], "ratios": []})
                for key in ("s_one",) + tuple(key for key, _f, _t in SCALE_PAIRS))
    for repetition in range(repeats):
        for key, _factor, _text in SCALE_PAIRS:
            emulator.reset(users)
            emulator.clear_log()
            one = runner.playbook("one.yml", extra_vars={"bench_email": email_of(one_user_index(repetition))})
            got = summarize_requests(emulator.requests())
            baseline = runs["s_one"]
            baseline["measures"].append(one)
            baseline["requests"] = baseline["requests"] or got
            baseline["problems"] += check_one_user(got)
            measure, got, problems = scale_run(key, users, runner, emulator, files, report_dir)
            row = runs[key]
            row["measures"].append(measure)
            row["requests"] = row["requests"] or got
            row["problems"] += problems
            big = measure["span_s"] if key.startswith("s_role") else measure["task_s"]
            row["ratios"].append(big / one["task_s"])
    out = []
    for key in ("s_one",) + tuple(key for key, _f, _t in SCALE_PAIRS):
        row = runs[key]
        note = None
        if key.startswith("s_role"):
            note = "role span %s" % duration(statistics.median(m["span_s"] for m in row["measures"]))
        elif key.startswith("s_seat"):
            note = "%d seats change" % changing(two_thirds_seats(users))
        out.append((key, row["measures"], row["requests"], sorted(set(row["problems"])), note, row["ratios"]))
    return out


def scale_goals(results):
    """(s)'s goals: each big task within its factor of the one-user task that ran just before it (median of pairs)."""
    found = []
    by = dict(((row["users"], row["scenario"]), row) for row in results)
    for key, factor, text in SCALE_PAIRS:
        row = by.get((SPEED_SIZE, key))
        if not row or not row.get("pair_task_ratios"):
            found.append(("(s) %s" % key, None, "not measured (needs U=%d)" % SPEED_SIZE))
            continue
        ratio = statistics.median(row["pair_task_ratios"])
        shown = _ratio_text(ratio, factor) if factor else "%.2fx (not a goal)" % ratio
        found.append(("(s) %s" % key, ratio < factor if factor else None, "U=%d: %s takes %s a one-user seat task run "
                      "just before it (per pair %s)" % (SPEED_SIZE, text, shown,
                                                        ", ".join("%.2f" % r for r in row["pair_task_ratios"]))))
    return found


def bench_scale_only(users, runner, emulator, workdir, options):
    """``--only-scale``: the rows of issue 20 alone; at --speed-size the pairs of (s), at --memory-size the memory of
    a seat task over every seat (a) and of cloudflare_zt_users over every user, nothing changing (m_users)."""
    results = []
    log("U = %d (scale rows only)" % users)
    emulator.start(users)
    try:
        if users == options.speed_size:
            for key, measures, requests, problems, note, ratios in bench_scale(
                    users, runner, emulator, workdir, options.speed_repeats):
                row = record(results, users, key, measures, requests, problems, note=note)
                if ratios:
                    row["pair_task_ratios"] = ratios
        if users == options.memory_size:
            seats = wanted_seats(users)
            seats_file = workdir / ("seats-%d.json" % users)
            seats_file.write_text(json.dumps(seats))
            emulator.reset(users)
            emulator.clear_log()
            measure = runner.playbook("bulk.yml", extra_vars={"bench_seats_file": str(seats_file)})
            requests = summarize_requests(emulator.requests())
            record(results, users, "a", [measure], requests, check_bulk(requests, users, changing(seats)))
            same_file = workdir / ("users-same-%d.json" % users)
            same_file.write_text(json.dumps(renamed_users(users, every=users + 1)))
            emulator.reset(users)
            measure, requests = run_check(emulator, runner, "users.yml", {"bench_users_file": str(same_file)})
            record(results, users, "m_users", [measure], requests, check_list(requests, users) + check_writes(requests))
    finally:
        emulator.stop()
    return results


# --- (t) enterprise scale (issue 28): 100,000 people at Cloudflare's latency ------------------------------------

ENTERPRISE_SIZE = 100000
ENTERPRISE_LATENCY = 0.2        # seconds the emulator waits before every answer: a page of 1,000 users at Cloudflare
ENTERPRISE_WALL_S = 8.0         # (t) the role in check mode over 100,000 people in a file, whole run, under 8 s
ENTERPRISE_MEMORY_MB = 600.0    # (t) its module's peak RSS
ENTERPRISE_CONCURRENCY = 4      # list_concurrency's default
SCENARIOS.update({
    "t_one": "(t) one task, one user, with the latency",
    "t_role": "(t) reconcile role, check mode, report files, users in a file, pages read 4 at a time",
    "t_role_sequential": "(t) the same role, pages read one after the other (list_concurrency 1)",
})


def check_pages_once(requests, users):
    """Problems with a listing read side by side: each of its ceil(U/1000) pages asked for once, page 1 first."""
    pages = requests["list_pages"]
    wanted = [str(page) for page in range(1, pages_for(users) + 1)]
    if sorted(pages, key=int) != wanted or (pages and pages[0] != "1"):
        return ["pages asked for: %s, each of 1-%d once (page 1 first) expected" % (" ".join(pages), len(wanted))]
    return []


def bench_enterprise(users, runner, emulator, workdir, repeats, latency):
    """(t): the reconcile role in check mode over ``users`` people in a file, the emulator waiting ``latency`` s before
    every answer, each run right after a one-user seat task under the same latency; then once with the pages read one
    after the other. Returns the rows' (key, measures, requests, problems, note, ratios)."""
    users_file = workdir / ("enterprise-role-%d.json" % users)
    users_file.write_text(json.dumps(role_users(users)))
    report_dir = workdir / "enterprise-report"
    runs = dict((key, {"measures": [], "requests": None, "problems": [], "ratios": []})
                for key in ("t_one", "t_role", "t_role_sequential"))

    def prepared():
        emulator.reset(users)
        emulator.control("POST", "/latency", {"request": latency})
        emulator.clear_log()

    def role(key, concurrency):
        prepared()
        shutil.rmtree(str(report_dir), ignore_errors=True)
        measure = runner.playbook("role_file_pages.yml", extra_vars={
            "bench_users_file": str(users_file), "bench_report_dir": str(report_dir),
            "bench_list_concurrency": concurrency}, options=("--check",))
        got = summarize_requests(emulator.requests())
        row = runs[key]
        row["measures"].append(measure)
        row["requests"] = row["requests"] or got
        row["problems"] += check_list(got, users) + check_writes(got) + check_pages_once(got, users)
        row["problems"] += check_report(report_dir, users)
        return measure

    for repetition in range(repeats):
        prepared()
        one = runner.playbook("one.yml", extra_vars={"bench_email": email_of(one_user_index(repetition))})
        got = summarize_requests(emulator.requests())
        runs["t_one"]["measures"].append(one)
        runs["t_one"]["requests"] = runs["t_one"]["requests"] or got
        runs["t_one"]["problems"] += check_one_user(got)
        measure = role("t_role", ENTERPRISE_CONCURRENCY)
        runs["t_role"]["ratios"].append(measure["wall_s"] / one["wall_s"])
    role("t_role_sequential", 1)
    note = "%d ms per request" % round(latency * 1000)
    out = []
    for key in ("t_one", "t_role", "t_role_sequential"):
        row = runs[key]
        text = note
        if key != "t_one":
            text += "; role span %s" % duration(statistics.median(m["span_s"] for m in row["measures"]))
        out.append((key, row["measures"], row["requests"], sorted(set(row["problems"])), text, row["ratios"]))
    return out


def bench_enterprise_rows(users, runner, emulator, workdir, options):
    """``--only-enterprise`` (and the end of a full run): the rows (t) at --enterprise-size."""
    results = []
    log("U = %d (enterprise rows, %.0f ms per request)" % (users, options.enterprise_latency * 1000))
    emulator.start(users)
    try:
        for key, measures, requests, problems, note, ratios in bench_enterprise(
                users, runner, emulator, workdir, options.enterprise_repeats, options.enterprise_latency):
            row = record(results, users, key, measures, requests, problems, note=note)
            if ratios:
                row["pair_wall_ratios"] = ratios
    finally:
        emulator.stop()
    return results


def enterprise_goals(results):
    """(t)'s goals at 100,000 people and 200 ms per request: the role's whole run under 8 s (median), its module under
    600 MB; the same role one page after the other beside it (not a goal)."""
    by = dict((row["scenario"], row) for row in results)
    role, sequential, one = by.get("t_role"), by.get("t_role_sequential"), by.get("t_one")
    if not role:
        return [("(t) enterprise", None, "not measured (--only-enterprise, or a full run with --enterprise-size)")]
    measured = role["users"] == ENTERPRISE_SIZE and ENTERPRISE_LATENCY_TEXT in (role["note"] or "")
    wall = role["wall_s"]
    text = ("U=%d, %s: the reconcile role in check mode, users in a file, takes %.2f s (whole run, median of %d: %s); "
            "one page after the other %.2f s; a one-user task under the same latency %.2f s" % (
                role["users"], role["note"].split(";")[0], wall, role["runs"],
                ", ".join("%.2f" % w for w in role["wall_all_s"]), sequential["wall_s"] if sequential else float("nan"),
                one["wall_s"] if one else float("nan")))
    found = [("(t) wall", (wall < ENTERPRISE_WALL_S) if measured else None,
              text + ("; goal < %.0f s" % ENTERPRISE_WALL_S if measured else " (the goal is at U=%d, %d ms)" % (
                  ENTERPRISE_SIZE, ENTERPRISE_LATENCY * 1000)))]
    rss_mb = (role["module_rss_kb"] or 0) / 1024.0
    found.append(("(t) memory", (rss_mb < ENTERPRISE_MEMORY_MB) if measured else None,
                  "U=%d: the role's module peak RSS is %.1f MB; goal < %.0f MB" % (role["users"], rss_mb,
                                                                                   ENTERPRISE_MEMORY_MB)))
    return found


ENTERPRISE_LATENCY_TEXT = "%d ms per request" % round(ENTERPRISE_LATENCY * 1000)


def _ratio_text(value, goal):
    return "%.2fx (goal < %.1fx)" % (value, goal)


def budget_forecast(requests, write_rate):
    """Least seconds one task alone needs for ``requests`` under the budget's pacing and its own write_rate: the
    collection's Budget (plugins/module_utils/api/budget.py), with no answer yet (the documented 1200 per 300 s)."""
    spec = importlib.util.spec_from_file_location("zt_budget", str(ROOT / "plugins" / "module_utils" / "api" / "budget.py"))
    budget = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(budget)
    own = 1.0 / write_rate
    return budget.Budget().wait_for(requests, own_interval=own, now=0.0) + (requests - 1) * own


def goals(results):
    """The speed and memory goals, each (name, passed or None when not measured, text)."""
    found = []
    by = dict(((row["users"], row["scenario"]), row) for row in results)
    bulk, one = by.get((SPEED_SIZE, "a")), by.get((SPEED_SIZE, "c"))
    if bulk and one:
        # Each bulk run is followed by a one-user run: the median of their ratios is what load on a
        # shared machine disturbs least.
        ratio = statistics.median(bulk.get("pair_ratios") or [bulk["wall_s"] / one["wall_s"]])
        task_ratio = bulk["task_s"] / one["task_s"] if bulk["task_s"] and one["task_s"] else None
        found.append(("speed", ratio < SPEED_FACTOR,
                      "U=%d: the bulk run takes %.2fx the one-user run (medians %.2f s and %.2f s, %d runs each); "
                      "goal < %.1fx%s" % (
                          SPEED_SIZE, ratio, bulk["wall_s"], one["wall_s"], bulk["runs"], SPEED_FACTOR,
                          "; the tasks alone: %.2f s vs %.2f s, %.2fx" % (bulk["task_s"], one["task_s"], task_ratio)
                          if task_ratio else "")))
    else:
        found.append(("speed", None, "not measured (needs U=%d)" % SPEED_SIZE))

    role = by.get((SPEED_SIZE, "f"))
    if role and one and one["task_s"]:
        module_ratio = role["task_s"] / one["task_s"]
        span_ratio = role["span_s"] / one["task_s"]
        found.append(("(f) role, module task", module_ratio < ROLE_FACTOR,
                      "U=%d: the role's cloudflare_zt_users task takes %.2f s, %s the one-user seat task (%.2f s); "
                      "stretch < %.0fx: %s" % (SPEED_SIZE, role["task_s"], _ratio_text(module_ratio, ROLE_FACTOR),
                                               one["task_s"], ROLE_STRETCH,
                                               "met" if module_ratio < ROLE_STRETCH else "not met")))
        found.append(("(f) role, first task to last", span_ratio < ROLE_FACTOR,
                      "U=%d: the whole role takes %.2f s, %s the one-user seat task; stretch < %.0fx: %s" % (
                          SPEED_SIZE, role["span_s"], _ratio_text(span_ratio, ROLE_FACTOR), ROLE_STRETCH,
                          "met" if span_ratio < ROLE_STRETCH else "not met")))
    else:
        found.append(("(f) role", None, "not measured (needs U=%d)" % SPEED_SIZE))

    renames, loop = by.get((RENAME_SIZE, "g")), by.get((RENAME_SIZE, "g_loop"))
    if renames:
        # Since issue 19 the client paces every request on the credential's budget: a task alone may spend half the
        # usable quota at once and the rest along the line to the reset. The goal is that rule's least time, as the
        # collection's own Budget forecasts it (the emulator of this row sends no Ratelimit headers: 1200 per 300 s).
        requests = renames["requests"]["total"]
        paced = budget_forecast(requests, RENAME_WRITE_RATE)
        text = ("U=%d: %d renames in one task take %.2f s (task); the budget's pacing allows %d requests in %.1f s at "
                "the least (default reserve, write_rate %d): %s" % (
                    RENAME_SIZE, RENAME_SIZE, renames["task_s"], requests, paced, RENAME_WRITE_RATE,
                    _ratio_text(renames["task_s"] / paced, parallel.GOAL_FACTOR) if paced else "no wait"))
        passed = renames["task_s"] < parallel.GOAL_FACTOR * paced
        text += "; %.3f of the loop's %s recorded in bench/RESULTS.md before issue 19 (the goal then: < 1/20)" % (
            renames["task_s"] / RECORDED_LOOP_S, duration(RECORDED_LOOP_S))
        if loop and loop["task_s"]:
            measured = loop["task_s"] / loop["items"] * RENAME_SIZE
            text += "; %.3f of the rename loop measured in this run (%.2f s per task, %s for %d)" % (
                renames["task_s"] / measured, loop["task_s"] / loop["items"], duration(measured), RENAME_SIZE)
        text += ("; at the default write_rate (%g/s) the %d PUTs alone would take %s (computed), %d requests "
                 "= %.0f%% of the 1200 / 5 min budget, at most %d writes in any 5 minutes (%.0f%% of the limit)" % (
                     DEFAULT_WRITE_RATE, RENAME_SIZE, duration(RENAME_SIZE / DEFAULT_WRITE_RATE), requests,
                     100.0 * requests / BUDGET, min(RENAME_SIZE, DEFAULT_WRITE_RATE * WINDOW_S),
                     100.0 * min(requests, DEFAULT_WRITE_RATE * WINDOW_S + 1) / BUDGET))
        found.append(("(g) renames", passed, text))
    else:
        found.append(("(g) renames", None, "not measured (needs U=%d)" % RENAME_SIZE))

    for plain_key, diff_key, what in (("h_seat", "h_seat_diff", "cloudflare_zt_seat"),
                                      ("h_users", "h_users_diff", "cloudflare_zt_users")):
        plain, with_diff = by.get((SPEED_SIZE, plain_key)), by.get((SPEED_SIZE, diff_key))
        if plain and with_diff:
            pairs = [d / p for d, p in zip(with_diff["task_all_s"], plain["task_all_s"])]
            ratio = statistics.median(pairs)
            found.append(("(h) --diff, %s" % what, ratio < DIFF_FACTOR,
                          "U=%d: %s in check mode with --diff takes %s the same task without (medians %.2f s and "
                          "%.2f s; per pair %s)" % (SPEED_SIZE, what, _ratio_text(ratio, DIFF_FACTOR), with_diff["task_s"],
                                                    plain["task_s"], ", ".join("%.2f" % r for r in pairs))))
        else:
            found.append(("(h) --diff, %s" % what, None, "not measured (needs U=%d)" % SPEED_SIZE))

    full = by.get((SPEED_SIZE, "i"))
    if full and one:
        ratio = statistics.median(full["pair_task_ratios"])
        found.append(("(i) seats, 2/3 change", ratio < SEAT_TWO_THIRDS_FACTOR,
                      "U=%d: cloudflare_zt_seat with %s takes %s a one-user task (task medians %.2f s and %.2f s; "
                      "per pair %s)" % (SPEED_SIZE, full["note"], _ratio_text(ratio, SEAT_TWO_THIRDS_FACTOR),
                                        full["task_s"], one["task_s"],
                                        ", ".join("%.2f" % r for r in full["pair_task_ratios"]))))
    else:
        found.append(("(i) seats, 2/3 change", None, "not measured (needs U=%d)" % SPEED_SIZE))

    rows = [by.get((MEMORY_SIZE, key)) for key in ("a", "b")]
    rows = [row for row in rows if row and row["module_rss_kb"]]
    if rows:
        peak = max(row["module_rss_kb"] for row in rows) / 1024.0
        found.append(("memory", peak < MEMORY_LIMIT_MB, "U=%d: cloudflare_zt_seat's peak RSS is %.1f MB; goal < %d MB" % (
            MEMORY_SIZE, peak, MEMORY_LIMIT_MB)))
    else:
        found.append(("memory", None, "not measured (needs U=%d)" % MEMORY_SIZE))
    row = by.get((MEMORY_SIZE, "m_users"))
    if row and row["module_rss_kb"]:
        peak = row["module_rss_kb"] / 1024.0
        found.append(("memory, users", peak < MEMORY_LIMIT_MB,
                      "U=%d: cloudflare_zt_users' peak RSS is %.1f MB; goal < %d MB" % (MEMORY_SIZE, peak, MEMORY_LIMIT_MB)))
    else:
        found.append(("memory, users", None, "not measured (needs U=%d)" % MEMORY_SIZE))
    return found + scale_goals(results) + enterprise_goals(results)


def fmt_mb(kb):
    return "%.0f MB" % (kb / 1024.0) if kb else "-"


def budget_cell(requests, wall):
    """The requests as a share of the 1200-per-five-minutes budget, and whether the run's pace breaks it."""
    total = requests["total"]
    share = 100.0 * total / BUDGET
    if total <= BUDGET:
        return "%.1f%%" % share if share < 10 else "%.0f%%" % share
    # At a steady pace, the busiest five minutes of the run see this many requests.
    window = total * min(1.0, WINDOW_S / wall) if wall > 0 else total
    if window > BUDGET:
        return "**%.0f%%**: HTTP 429 for 5 min from request 1,201 on" % share
    return "**%.0f%%**, over %s: %d per 5 min, %.1f%% of the limit" % (share, duration(wall), window, 100.0 * window / BUDGET)


def duration(seconds):
    if seconds < 60:
        return "%.2f s" % seconds
    minutes, rest = divmod(int(round(seconds)), 60)
    return "%d min %02d s" % (minutes, rest)


def markdown(results, found, meta):
    lines = [
        "# Benchmark results",
        "",
        "Written by `make bench` (bench/bench.py) on %s: %s, %d CPUs, Python %s, ansible-core %s, the collection "
        "installed from its tarball; %d minutes in all." % (meta["date"], meta["machine"], meta["cpus"], meta["python"],
                                                            meta["ansible"], round(meta["seconds"] / 60.0)),
        "The Cloudflare API is the local emulator (tests/emulator) on the same machine: its time is in the figures.",
        "",
        "| U | approach | requests (by method) | budget used (1200 / 5 min) | run wall time | task time | module peak RSS | run peak RSS |",
        "|---:|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in results:
        requests = row["requests"]
        detail = describe(requests)
        items = requests["patch_items"]
        if items and len(items) <= 3:
            detail += " (%s seat%s)" % ("+".join(str(n) for n in items), "" if items == [1] else "s")
        elif items and set(items) == set([1]):
            detail += " (1 seat each)"
        elif items:
            detail += " (%d x %d + %d seats)" % (len(items) - 1, items[0], items[-1]) if len(set(items[:-1])) == 1 \
                else " (%s seats)" % "+".join(str(n) for n in items)
        if 429 in requests["statuses"]:
            detail += ", **HTTP 429**"
        wall = duration(row["wall_s"])
        if row["runs"] > 1:
            wall += " (median of %d)" % row["runs"]
        task = duration(row["task_s"]) if row["task_s"] is not None else "-"
        if row["runs"] > 1 and row["task_all_s"]:
            task += " (%s-%s)" % (duration(min(row["task_all_s"])), duration(max(row["task_all_s"])))
        label = row["label"] + (" - %s" % row["note"] if row["note"] else "")
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            "{:,}".format(row["users"]), label, detail, budget_cell(requests, row["wall_s"]), wall, task,
            fmt_mb(row["module_rss_kb"]), fmt_mb(row["run_rss_kb"])))
    lines += [
        "",
        "- *run wall time*: the whole `ansible-playbook` process (start-up, loading the data, the task), one process "
        "per approach. *task time*: from the start of the task to its result, from a callback "
        "(bench/callback_plugins/bench_timer.py): templating the arguments on the controller, building and running "
        "the module, registering the result.",
        "- *module peak RSS*: ru_maxrss of the Python process that runs the module (the interpreter is started "
        "under GNU time); for a loop, the largest of its runs. *run peak RSS*: the same for the whole "
        "`ansible-playbook` process and the children it waited for (the largest single process: controller, "
        "worker or module); for the SDK, its Python.",
        "- Wanted state: user 6k gets an Access seat, user 6k+2 is released, the others keep theirs (1/3 change), "
        "every seat named by email. (a), (b) and the loop read the seats from a JSON file with "
        "`lookup('ansible.builtin.file', ...) | from_json`; *with the seats as extra vars* is the same task fed "
        "`-e @seats.json`. (c) releases one user by email. The seat tasks and (d) register their result; the loop "
        "does not. The SDK loop is bench/sdk_loop.py (default client settings).",
        "- Budget: Cloudflare allows 1200 requests per five minutes per user and then refuses every call with "
        "HTTP 429 for five minutes. A bulk seat task costs ceil(U/1000) list requests + ceil(changes/1000) PATCHes "
        "(seat_batch_size 1000). Over the budget, the pace decides: the busiest five minutes of a run are estimated "
        "from its requests and wall time.",
        "- Task time of a row with several runs: the median, then the range (min-max) of the runs, which shows how "
        "noisy the shared machine was. The ratios of the goals are taken within the run: (i) and (c) pair by pair "
        "(each (i) right after a (c)), (h) pair by pair (with and without --diff one after the other).",
        "- (f): bench/playbooks/role.yml, `roles: [reconcile]` in check mode (the nightly AWX drift report), without "
        "and (one run) with `reconcile_report_dir`, reconcile_users read with lookup + from_json; every user listed with email, name "
        "and both seats; users 3k renamed, users 3k+1 released from their Access seat, users 3k+2 as they are. Its "
        "*task time* is the module task's (cloudflare_zt_users); the role's span (first task to last) is in the note "
        "and, task by task, below. (g): one cloudflare_zt_users task listing every user with a new name "
        "(write_rate %d); the loop is cloudflare_zt_user per user over the first users only, extrapolated. (h): the "
        "(a) seats, and a cloudflare_zt_users list of every user with users 3k renamed, each in check mode with and "
        "without --diff. (i): users 3k+1 get a Gateway seat, users 3k+2 lose theirs. (m): cloudflare_zt_users "
        "listing every user as the account holds them." % RENAME_WRITE_RATE,
        "",
        "## Checks",
        "",
    ]
    for row in results:
        status = "FAIL: " + "; ".join(row["problems"]) if row["problems"] else "ok"
        lines.append("- U=%s %s: %s - %s" % ("{:,}".format(row["users"]), row["label"], describe(row["requests"]), status))
    for name, passed, text in found:
        lines.append("- %s goal: %s - %s" % (name, text, {True: "ok", False: "FAIL", None: "not checked"}[passed]))
    breakdown = [row for row in results if len(row.get("tasks") or []) > 1 and not row["items"]]
    if breakdown:
        lines += ["", "## Task by task", ""]
        for row in breakdown:
            lines.append("- U=%s %s: %s" % ("{:,}".format(row["users"]), row["label"], "; ".join(
                "%s %s" % (task["name"], duration(task["seconds"])) for task in row["tasks"])))
    return "\n".join(lines) + "\n"


def collections_path(argument):
    candidates = [argument] if argument else []
    candidates += [os.environ.get("BENCH_COLLECTIONS_PATH")]
    if os.environ.get("BUILD"):
        candidates.append(os.path.join(os.environ["BUILD"], "installed"))
    candidates.append(str(ROOT / "build" / "installed"))
    for candidate in candidates:
        if candidate and (Path(candidate) / "ansible_collections" / "cloudflare_ops" / "zero_trust").is_dir():
            return Path(candidate).resolve()
    raise SystemExit("bench: the installed collection was not found (run `make install-tarball`, "
                     "or give --collections-path DIR holding ansible_collections/cloudflare_ops/zero_trust)")


def ansible_version(python):
    return subprocess.run([python, "-c", "from ansible.release import __version__; print(__version__)"],
                          check=True, capture_output=True, text=True).stdout.strip()


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", default=",".join(str(s) for s in DEFAULT_SIZES),
                        help="comma-separated account sizes (default %(default)s)")
    parser.add_argument("--naive-size", type=int, default=NAIVE_SIZE,
                        help="the size at which the naive approaches run (default %(default)s; 0: never)")
    parser.add_argument("--naive-limit", type=int, default=0,
                        help="loop over the first N users only (default: all; for smoke tests)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="runs of (a) and (c) per size (default 3 up to 10,000 users, else 1)")
    parser.add_argument("--no-diff", action="store_true", help="skip the check-mode runs with --diff ((a) and (h))")
    parser.add_argument("--speed-size", type=int, default=SPEED_SIZE,
                        help="the size at which (f), (h) and (i) run (default %(default)s; 0: never)")
    parser.add_argument("--rename-size", type=int, default=RENAME_SIZE,
                        help="the size at which (g) runs (default %(default)s; 0: never)")
    parser.add_argument("--rename-loop", type=int, default=RENAME_LOOP_USERS,
                        help="(g)'s loop of cloudflare_zt_user over the first N users (default %(default)s; 0: none)")
    parser.add_argument("--memory-size", type=int, default=MEMORY_SIZE,
                        help="the size at which cloudflare_zt_users runs for memory (default %(default)s; 0: never)")
    parser.add_argument("--speed-repeats", type=int, default=SPEED_REPEATS,
                        help="runs of (f), of each (h) variant and of (g) (default %(default)s)")
    parser.add_argument("--collections-path", help="directory holding the installed ansible_collections/")
    parser.add_argument("--output", default=str(BENCH_DIR / "RESULTS.md"), help="Markdown file (default %(default)s)")
    parser.add_argument("--json", help="also write the raw figures here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (playbook logs, seats files)")
    parser.add_argument("--only-scale", action="store_true",
                        help="only the rows of issue 20: (s) at --speed-size, the memory rows at --memory-size")
    parser.add_argument("--enterprise-size", type=int, default=ENTERPRISE_SIZE,
                        help="the size of the rows (t), at the end of a full run or with --only-enterprise "
                             "(default %(default)s; 0: never)")
    parser.add_argument("--enterprise-latency", type=float, default=ENTERPRISE_LATENCY,
                        help="seconds the emulator waits before every answer in the rows (t) (default %(default)s)")
    parser.add_argument("--enterprise-repeats", type=int, default=SPEED_REPEATS,
                        help="runs of the role in the rows (t) (default %(default)s)")
    parser.add_argument("--only-enterprise", action="store_true", help="run the rows (t) only")
    parser.add_argument("--no-parallel", dest="parallel", action="store_false",
                        help="skip (p)-(r), several accounts under one credential's rate limit")
    parser.add_argument("--only-parallel", action="store_true", help="run (p)-(r) only")
    args = parser.parse_args(argv)
    args.with_diff = not args.no_diff
    args.speed_repeats = max(1, args.speed_repeats)
    args.enterprise_repeats = max(1, args.enterprise_repeats)
    return args


def main(argv=None):
    args = parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    python = sys.executable
    coll = collections_path(args.collections_path)
    workdir = Path(tempfile.mkdtemp(prefix="cloudflare-bench-"))
    started = time.monotonic()
    emulator = Emulator(workdir, python)
    runner = Runner(workdir, python, coll, emulator)
    results = []
    found = []
    try:
        for users in [] if (args.only_parallel or args.only_enterprise) else sizes:
            repeats = args.repeat if args.repeat is not None else DEFAULT_REPEATS.get(users, 1)
            if args.only_scale:
                results += bench_scale_only(users, runner, emulator, workdir, args)
                continue
            results += bench_size(users, runner, emulator, workdir, max(1, repeats), args)
        if args.enterprise_size and (args.only_enterprise or not (args.only_parallel or args.only_scale)):
            results += bench_enterprise_rows(args.enterprise_size, runner, emulator, workdir, args)
        if (args.parallel or args.only_parallel) and not args.only_enterprise:
            log("several accounts, one credential")
            emulator.start(0)
            try:
                found += parallel.bench_parallel(sys.modules[__name__], runner, emulator, workdir, results)
            finally:
                emulator.stop()
    finally:
        emulator.stop()
        if args.keep:
            log("work directory kept: %s" % workdir)
        else:
            shutil.rmtree(str(workdir), ignore_errors=True)
    found = goals(results) + found
    meta = {
        "date": datetime.date.today().isoformat(),
        "machine": "%s %s" % (platform.system(), platform.machine()),
        "cpus": os.cpu_count() or 0,
        "python": platform.python_version(),
        "ansible": ansible_version(python),
        "collection": os.path.relpath(str(coll), str(ROOT)) if str(coll).startswith(str(ROOT)) else str(coll),
        "seconds": round(time.monotonic() - started, 1),
    }
    output = Path(args.output)
    # The "## Findings" section is written by hand after a run: keep it.
    findings = ""
    if output.exists() and "\n## Findings" in output.read_text():
        findings = "\n## Findings" + output.read_text().split("\n## Findings", 1)[1]
    output.write_text(markdown(results, found, meta) + findings)
    if args.json:
        Path(args.json).write_text(json.dumps({"meta": meta, "results": results,
                                               "goals": [{"name": n, "passed": p, "text": t} for n, p, t in found]},
                                              indent=2))
    log("")
    for _name, passed, text in found:
        log("%s %s" % ({True: "ok  ", False: "FAIL", None: "--  "}[passed], text))
    failed = [row for row in results if row["problems"]] + [g for g in found if g[1] is False]
    log("results written to %s (%.0f s)" % (args.output, meta["seconds"]))
    if failed:
        log("bench: %d bound(s) or goal(s) failed" % len(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
