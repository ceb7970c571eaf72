# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""`make units TESTS=path::name`: ansible-test units takes only files as targets, so the nox session writes the test
ids asked for to tests/output/units-selected.txt in its copy of the collection, and the other tests are deselected."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

import pytest

SELECTED = os.path.join('tests', 'output', 'units-selected.txt')


def _wanted(config):
    path = os.path.join(str(config.rootpath), SELECTED)
    if not os.path.isfile(path):
        return []
    with open(path) as selected:
        return [line.strip() for line in selected if line.strip()]


def _is_selected(nodeid, wanted):
    """A test is selected by its id, by the id without its parameters, or by the id of its class."""
    return any(nodeid == test_id or nodeid.startswith(test_id + '[') or nodeid.startswith(test_id + '::')
               for test_id in wanted)


def pytest_collection_modifyitems(config, items):
    wanted = _wanted(config)
    if not wanted:
        return
    kept = [item for item in items if _is_selected(item.nodeid, wanted)]
    if not kept:
        # Fail the run (ansible-test units counts "no tests ran" as a success); pytest-xdist's workers keep the
        # message of the error they raise to themselves, so it is written to the terminal first.
        message = 'no test has the id %s (ids are relative to the collection root)' % ', '.join(wanted)
        sys.__stderr__.write(message + '\n')
        raise pytest.UsageError(message)
    config.hook.pytest_deselected(items=[item for item in items if item not in kept])
    items[:] = kept


@pytest.fixture(autouse=True)
def private_rate_limit_ledger(tmp_path_factory, monkeypatch):
    """Each test's modules share a rate-limit ledger (api/ledger.py) of their own: tests against the same base URL with
    the same token would otherwise read each other's answers."""
    monkeypatch.setenv('CLOUDFLARE_OPS_RATE_LIMIT_LEDGER', str(tmp_path_factory.mktemp('ledger')))
