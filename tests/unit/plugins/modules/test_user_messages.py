# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_user word for word: the refusal of a plan, and the user a create without a name predicts.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_user
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import ACCOUNT, make_user, run_module


def run(args, check_mode=False):
    return run_module(cloudflare_zt_user, args, check_mode=check_mode)


def test_a_refused_plan_names_the_account_and_the_problem(api):
    api.users[:] = [make_user(1, email='jdoe@example.com'), make_user(2, email='JDoe@example.com')]
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Roe'})
    ids = sorted([api.users[0]['id'], api.users[1]['id']])
    assert result['msg'] == ("Cannot manage the user in account %s, nothing was written: email 'jdoe@example.com': matches "
                             "more than one user (ids %s, %s)" % (ACCOUNT, ids[0], ids[1]))
    assert api.writes == []


def test_a_create_without_a_name_predicts_no_name(api):
    result = run({'email': 'jdoe@example.com'}, check_mode=True)
    assert result['user'] == {'access_seat': False, 'email': 'jdoe@example.com', 'gateway_seat': False}
    assert api.writes == []
