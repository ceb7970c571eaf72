# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Smoke test of the benchmark (`make bench-smoke`, part of `make test`).

Runs bench/bench.py over 200 generated users (the naive loops over the first 12 only), with every
scenario at that size (the role in check mode, the renames, the --diff pairs, two thirds of the seats,
cloudflare_zt_users for memory), against the installed collection, then asserts the request bounds of
issues 6, 11 and 12 on what the emulator's request log recorded for each run. Wall-clock times are not
asserted: CI machines differ.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
USERS = 200
# The rows (t) (100,000 people at 200 ms per request in make bench) over three pages at 20 ms, one run.
ENTERPRISE_USERS = 2500
LOOP_USERS = 12
RENAME_LOOP_USERS = 5


def changing(first, last):
    """Generated users 6k get a seat and users 6k+2 lose theirs in the bench's wanted state."""
    return sum(1 for index in range(first, last + 1) if index % 6 in (0, 2))


def every_third(users):
    """Users 3k: renamed in (f) and (h); users 3k+1: a seat change in (f)."""
    return users // 3


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    out = tmp_path_factory.mktemp("bench")
    command = [sys.executable, str(ROOT / "bench" / "bench.py"), "--sizes", str(USERS), "--naive-size", str(USERS),
               "--naive-limit", str(LOOP_USERS), "--repeat", "2", "--speed-size", str(USERS),
               "--rename-size", str(USERS), "--rename-loop", str(RENAME_LOOP_USERS), "--memory-size", str(USERS),
               "--speed-repeats", "1",
               "--enterprise-size", str(ENTERPRISE_USERS), "--enterprise-latency", "0.02", "--enterprise-repeats", "1",
               # (p)-(r) wait for the emulator's rate-limit windows by design; cloudflare_budget covers them in make test.
               "--no-parallel",
               "--output", str(out / "RESULTS.md"), "--json", str(out / "results.json")]
    if os.environ.get("BENCH_COLLECTIONS_PATH"):
        command += ["--collections-path", os.environ["BENCH_COLLECTIONS_PATH"]]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((out / "results.json").read_text())
    rows = dict((row["scenario"], row) for row in data["results"])
    return rows, (out / "RESULTS.md").read_text()


def test_every_scenario_ran_and_passed_its_checks(bench):
    rows, _markdown = bench
    assert sorted(rows) == ["a", "a_diff", "a_vars", "b", "c", "d", "e_loop", "e_sdk", "f", "f_report", "g", "g_loop",
                            "h_seat", "h_seat_diff", "h_users", "h_users_diff", "i", "m_users", "n_reclaim",
                            "s_floor", "s_one", "s_role", "s_role_inline", "s_seat", "s_seat_inline", "s_users",
                            "s_users_inline", "t_one", "t_role", "t_role_sequential"]
    assert dict((key, row["problems"]) for key, row in rows.items()) == dict((key, []) for key in rows)


def test_bulk_task_costs_one_list_request_and_one_patch_of_the_changing_seats(bench):
    rows, _markdown = bench
    requests = rows["a"]["requests"]
    assert requests["by_method"] == {"GET": 1, "PATCH": 1}
    assert requests["list_pages"] == ["1"]
    assert requests["patch_items"] == [changing(1, USERS)]
    assert rows["a"]["runs"] == 2 and rows["a"]["items"] == 0


def test_bulk_task_fed_extra_vars_costs_the_same_requests(bench):
    rows, _markdown = bench
    assert rows["a_vars"]["requests"]["by_method"] == {"GET": 1, "PATCH": 1}
    assert rows["a_vars"]["requests"]["patch_items"] == [changing(1, USERS)]


def test_repeated_bulk_task_sends_no_write(bench):
    rows, _markdown = bench
    assert rows["b"]["requests"]["by_method"] == {"GET": 1}


def test_check_mode_with_diff_sends_no_write_and_returns_a_prepared_diff(bench):
    rows, _markdown = bench
    assert rows["a_diff"]["requests"]["by_method"] == {"GET": 1}
    assert rows["a_diff"]["note"] == "%d seats in the diff" % changing(1, USERS)


def test_seat_task_with_two_thirds_changing_sends_one_patch_of_them(bench):
    rows, _markdown = bench
    requests = rows["i"]["requests"]
    assert requests["by_method"] == {"GET": 1, "PATCH": 1}
    assert requests["patch_items"] == [USERS - every_third(USERS)]
    assert rows["i"]["runs"] == 2


def test_role_in_check_mode_lists_the_account_once_and_writes_nothing(bench):
    rows, _markdown = bench
    for key in ("f", "f_report"):
        assert rows[key]["requests"]["by_method"] == {"GET": 1}, key
        assert rows[key]["requests"]["list_pages"] == ["1"], key
        assert rows[key]["task_s"] is not None and rows[key]["span_s"] >= rows[key]["task_s"], key
    assert rows["f"]["note"].startswith("%d renamed, %d seat changes," % (
        every_third(USERS), len(range(1, USERS + 1, 3))))
    assert [task["name"].split(" : ", 1)[1][:19] for task in rows["f"]["tasks"][:2]] == [
        "Validating argument", "Bring the users and"]


def test_renames_in_one_task_cost_one_get_and_one_put_each_without_429(bench):
    rows, _markdown = bench
    requests = rows["g"]["requests"]
    assert requests["by_method"] == {"GET": 1, "PUT": USERS}
    assert 429 not in requests["statuses"] and requests["faults"] == 0
    assert rows["g"]["problems"] == []  # every user carries its new name afterwards
    assert rows["g_loop"]["requests"]["by_method"]["PUT"] == RENAME_LOOP_USERS
    assert rows["g_loop"]["items"] == RENAME_LOOP_USERS


def test_diff_pairs_send_no_write_and_only_the_diff_ones_return_a_prepared_text(bench):
    rows, _markdown = bench
    for key in ("h_seat", "h_seat_diff", "h_users", "h_users_diff"):
        assert rows[key]["requests"]["by_method"] == {"GET": 1}, key
        assert rows[key]["problems"] == [], key
    assert rows["h_seat_diff"]["note"].startswith("prepared diff, ")
    assert rows["h_users_diff"]["note"].startswith("prepared diff, ")


def test_users_task_with_nothing_to_change_lists_once_and_writes_nothing(bench):
    rows, _markdown = bench
    assert rows["m_users"]["requests"]["by_method"] == {"GET": 1}


def test_seat_reclamation_lists_once_and_sends_one_patch_of_the_released_seats(bench):
    rows, _markdown = bench
    # 200 generated users: the holders (i % 3 != 0) with i % 10 in 3, 4, 5, 8, 9 (95, 400 or 500 days inactive).
    released = sum(1 for i in range(1, 201) if i % 3 != 0 and i % 10 in (3, 4, 5, 8, 9))
    assert rows["n_reclaim"]["requests"]["by_method"] == {"GET": 1, "PATCH": 1}
    assert rows["n_reclaim"]["note"] == "%d seats released" % released


def test_one_user_task_costs_at_most_two_reads_and_one_patch(bench):
    rows, _markdown = bench
    requests = rows["c"]["requests"]
    assert requests["reads"] <= 2
    assert requests["writes"] == 1 and requests["patch_items"] == [1]


def test_user_info_lists_the_account_once(bench):
    rows, _markdown = bench
    assert rows["d"]["requests"]["by_method"] == {"GET": 1}


def test_naive_loops_spend_requests_per_user(bench):
    rows, _markdown = bench
    assert rows["e_loop"]["requests"]["by_method"] == {"GET": LOOP_USERS, "PATCH": changing(1, LOOP_USERS)}
    assert rows["e_loop"]["items"] == LOOP_USERS
    assert rows["e_sdk"]["requests"]["by_method"] == {"GET": LOOP_USERS, "PATCH": LOOP_USERS}


def test_module_memory_was_measured_for_every_module_run(bench):
    rows, _markdown = bench
    for key in ("a", "a_vars", "b", "c", "d", "a_diff", "g", "h_seat", "h_users_diff", "i", "m_users"):
        assert rows[key]["module_runs"] == 1 and rows[key]["module_rss_kb"] > 10000, key
    assert rows["e_loop"]["module_runs"] == LOOP_USERS


def test_results_table_is_written(bench):
    rows, markdown = bench
    assert "| U | approach | requests (by method) | budget used (1200 / 5 min) |" in markdown
    # A row for each scenario, all at U=200 but the rows (t).
    assert markdown.count("| 200 |") == len(rows) - 3 == 27 and markdown.count("| 2,500 |") == 3
    assert "## Task by task" in markdown


def test_scale_rows_with_the_list_in_a_file_send_what_the_inline_rows_send(bench):
    rows, _markdown = bench
    for key in ("s_role", "s_seat", "s_users"):
        assert rows[key]["requests"] == rows[key + "_inline"]["requests"], key
        assert rows[key]["requests"]["list_gets"] == 1, key


def test_the_role_over_pages_read_side_by_side_asks_for_each_page_once_and_writes_nothing(bench):
    rows, _markdown = bench
    for key in ("t_role", "t_role_sequential"):
        requests = rows[key]["requests"]
        assert requests["by_method"] == {"GET": 3}, key
        assert sorted(requests["list_pages"]) == ["1", "2", "3"] and requests["list_pages"][0] == "1", key
    assert rows["t_role_sequential"]["requests"]["list_pages"] == ["1", "2", "3"]
    assert rows["t_role"]["note"].startswith("20 ms per request; role span ")
    assert rows["t_one"]["requests"]["writes"] == 1
