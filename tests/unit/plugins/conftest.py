# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import EmulatedApi, install


@pytest.fixture
def api(monkeypatch):
    """The emulator, served in this process for this test (see emulated_api.py), behind requests.Session, and the
    clocks."""
    emulated = install(monkeypatch, EmulatedApi())
    yield emulated
    emulated.stop()


@pytest.fixture(autouse=True)
def no_warnings_of_other_tests():
    """ansible-core keeps module warnings in a process-wide registry that a real module process never outlives;
    in one test process, a warning of one test would reach the result of the next."""
    from ansible.module_utils.common import warnings
    for name in ('_global_warnings', '_global_deprecations'):
        getattr(warnings, name, []).clear()
