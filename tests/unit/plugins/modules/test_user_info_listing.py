# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_user_info over a listing that contradicts itself (a report goes on, and says so), the filters it
# sends, and one instant for the inactivity of every user of a run.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import user_info
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_user_info
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import USERS_PATH, envelope, make_user, run_module


def run(args):
    result = run_module(cloudflare_zt_user_info, args)
    result.pop('invocation', None)
    return result


def messages(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]


def test_a_listing_that_contradicts_itself_is_reported_with_a_warning(api):
    users = [make_user(1), make_user(2)]
    api.fail('GET', USERS_PATH, response=envelope(users, result_info={'page': 3, 'per_page': 1000, 'count': 5,
                                                                      'total_count': 2, 'total_pages': 1}))
    result = run({})
    assert [u['id'] for u in result['users']] == [users[0]['id'], users[1]['id']]
    assert messages(result) == ['The Cloudflare API listing GET %s contradicts itself; the users returned may be incomplete: '
                                'page 1: result_info.count=5, but the page holds 2; page 1: result_info.page=3' % USERS_PATH]


def test_a_sound_listing_warns_nothing(api):
    api.users[:] = [make_user(1)]
    assert messages(run({})) == []


def test_the_name_and_search_filters_are_sent(api):
    api.users[:] = [make_user(1, name='Jane Doe')]
    run({'name': 'Jane Doe'})
    run({'search': 'jane'})
    assert [r.params for r in api.requests('GET')] == [{'name': 'Jane Doe', 'page': 1, 'per_page': 1000},
                                                       {'search': 'jane', 'page': 1, 'per_page': 1000}]


def test_every_user_of_a_run_is_measured_at_the_same_instant(api, monkeypatch):
    start = datetime(2026, 12, 1, tzinfo=timezone.utc)
    calls = []

    def advancing():
        calls.append(1)
        return start + timedelta(days=10 * (len(calls) - 1))

    monkeypatch.setattr(user_info, 'utc_now', advancing)
    users = [make_user(n) for n in range(3)]
    for user in users:
        user['last_successful_login'] = '2026-11-01T00:00:00Z'
    api.users[:] = users
    assert [u['days_inactive'] for u in run({})['users']] == [30, 30, 30]
    assert [u['days_inactive'] for u in run({'user_id': users[0]['id']})['users']] == [40]
