# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Profile one run of cloudflare_zt_seat, cloudflare_zt_users (or cloudflare_zt_user_info) over a large account.

    .venv/bin/python bench/profile_module.py --users 50000 [--module info] [--sort tottime] [--top 40]
    .venv/bin/python bench/profile_module.py --users 10000 --module users --wanted role --check
    .venv/bin/python bench/profile_module.py --users 10000 --module seat --wanted two-thirds [--from-file]

Starts the emulator with U generated users, writes the module's arguments as AnsiballZ would pass
them (the bench's wanted seats: ~1/3 change; --wanted picks another of the bench's lists), and runs the module of this source tree under
cProfile in a fresh Python, the way the AnsiballZ wrapper does (module args in
ansible.module_utils.basic._ANSIBLE_ARGS, the module run as __main__). Prints the module's CPU
and peak RSS, the cyclic GC's share, and the profile. The emulator runs in its own process: its
time shows as waiting in socket reads.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import (  # noqa: E402  pylint: disable=wrong-import-position
    ACCOUNT_ID, API_TOKEN, ROOT, Emulator, renamed_users, role_users, two_thirds_seats, wanted_seats,
)

MODULES = {
    "seat": "ansible_collections.cloudflare_ops.zero_trust.plugins.modules.cloudflare_zt_seat",
    "info": "ansible_collections.cloudflare_ops.zero_trust.plugins.modules.cloudflare_zt_user_info",
    "users": "ansible_collections.cloudflare_ops.zero_trust.plugins.modules.cloudflare_zt_users",
}
# The lists of bench/bench.py: (a)'s seats, (i)'s, (f)'s users, (h)'s users (a third renamed), everyone renamed (g).
WANTED = {
    "third": ("seats", wanted_seats),
    "two-thirds": ("seats", two_thirds_seats),
    "role": ("users", role_users),
    "renamed-third": ("users", renamed_users),
    "renamed-all": ("users", lambda users: renamed_users(users, every=1)),
    "same": ("users", lambda users: renamed_users(users, every=users + 1)),  # (s) and (m): nothing changes
}

RUNNER = r'''
import cProfile, gc, io, os, pstats, resource, runpy, sys, time
collections, args_file, fqn, sort, top = sys.argv[1:6]
sys.path.insert(0, collections)
from ansible.module_utils import basic
basic._ANSIBLE_ARGS = open(args_file, 'rb').read()
basic._ANSIBLE_PROFILE = 'legacy'
gc_time = [0.0, 0.0]
def on_gc(phase, info):
    if phase == 'start':
        gc_time[1] = time.perf_counter()
    else:
        gc_time[0] += time.perf_counter() - gc_time[1]
gc.callbacks.append(on_gc)
stdout, sys.stdout = sys.stdout, io.StringIO()
profile = cProfile.Profile()
started = time.process_time()
profile.enable()
try:
    runpy.run_module(fqn, run_name='__main__', alter_sys=True)
except SystemExit:
    pass
profile.disable()
cpu = time.process_time() - started
output, sys.stdout = sys.stdout.getvalue(), stdout
print('module output: %d bytes, starts %r' % (len(output), output[:120]))
print('CPU %.2f s under the profiler; cyclic GC %.3f s; peak RSS %.1f MB' % (
    cpu, gc_time[0], resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))
stats = pstats.Stats(profile)
if os.environ.get('PROFILE_OUT'):
    stats.dump_stats(os.environ['PROFILE_OUT'])  # for pstats' print_callers
stats.sort_stats(sort).print_stats(int(top))
'''


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--users", type=int, default=50000)
    parser.add_argument("--module", choices=sorted(MODULES), default="seat")
    parser.add_argument("--wanted", choices=sorted(WANTED), default=None,
                        help="the wanted list (default: third for seat, role for users)")
    parser.add_argument("--write-rate", type=float, default=100.0, help="users: write_rate (default %(default)s)")
    parser.add_argument("--report-dir", help="users: report_dir (drift.json and drift.md written there)")
    parser.add_argument("--result-detail", help="result_detail (default: the module's, auto)")
    parser.add_argument("--from-file", action="store_true",
                        help="give the list in a file (seats_file, users_file) instead of inline")
    parser.add_argument("--check", action="store_true", help="run in check mode")
    parser.add_argument("--diff", action="store_true", help="run in diff mode")
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (default %(default)s)")
    parser.add_argument("--top", type=int, default=40)
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="cloudflare-profile-"))
    # The source tree, importable under its collection name.
    namespace = workdir / "ansible_collections" / "cloudflare_ops"
    namespace.mkdir(parents=True)
    (namespace / "zero_trust").symlink_to(ROOT)
    emulator = Emulator(workdir, sys.executable)
    emulator.start(args.users)
    try:
        module_args = {"account_id": ACCOUNT_ID, "api_token": API_TOKEN, "api_base_url": emulator.base_url,
                       "_ansible_check_mode": args.check, "_ansible_diff": args.diff}
        if args.module in ("seat", "users"):
            wanted = args.wanted or ("third" if args.module == "seat" else "role")
            key, make = WANTED[wanted]
            if key != args.module and not (key == "seats" and args.module == "seat"):
                parser.error("--wanted %s is a list of %s, not for --module %s" % (wanted, key, args.module))
            module_args[key] = make(args.users)
            if args.from_file:
                list_file = workdir / ("%s.json" % key)
                list_file.write_text(json.dumps(module_args.pop(key)))
                module_args[key + "_file"] = str(list_file)
            if args.module == "users":
                module_args["write_rate"] = args.write_rate
                if args.report_dir:
                    module_args["report_dir"] = args.report_dir
            if args.result_detail:
                module_args["result_detail"] = args.result_detail
        args_file = workdir / "args.json"
        args_file.write_text(json.dumps({"ANSIBLE_MODULE_ARGS": module_args}))
        done = subprocess.run([sys.executable, "-c", RUNNER, str(workdir), str(args_file), MODULES[args.module],
                               args.sort, str(args.top)], check=False)
        return done.returncode
    finally:
        emulator.stop()


if __name__ == "__main__":
    sys.exit(main())
