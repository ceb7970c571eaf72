# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_seat's release_inactive through main() over the fake API, at a fixed "now": which seats go, the
# evidence each reports, the warnings, the diff; and the texts of its refusals and of a budget it cannot afford.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes as writes_runner
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import ACCOUNT, make_user, run_module, seat_summary

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)


def run(args, check_mode=False, diff=False):
    return run_module(cloudflare_zt_seat, args, check_mode=check_mode, diff=diff)


def messages(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]


@pytest.fixture
def account(api, monkeypatch):
    monkeypatch.setattr(writes_runner, 'utc_now', lambda: NOW)
    old, recent, never, unreadable, nobody = (make_user(n, access=True) for n in range(5))
    old['last_successful_login'] = '2025-12-01T12:00:00Z'          # 365 days
    recent['last_successful_login'] = '2026-11-29T12:00:00Z'       # 2 days
    never['last_successful_login'] = None
    never['created_at'] = '2026-01-01T00:00:00Z'                   # 334 days
    unreadable['last_successful_login'] = 'last tuesday'
    nobody.update(access_seat=False, last_successful_login='2020-01-01T00:00:00Z')
    api.users[:] = [old, recent, never, unreadable, nobody]
    return api


def test_release_inactive_alone_releases_the_inactive_holders_with_their_evidence(account):
    old, _recent, never, unreadable, _nobody = account.users
    result = run({'release_inactive': {'days': 30}}, diff=True)
    assert result['changed'] is True
    assert result['seats'] == [
        {'seat_uid': old['seat_uid'], 'user_id': old['id'], 'email': old['email'], 'access_seat': False, 'gateway_seat': False,
         'inactivity': {'days_inactive': 365, 'never_logged_in': False, 'last_successful_login': '2025-12-01T12:00:00Z'}},
        {'seat_uid': never['seat_uid'], 'user_id': never['id'], 'email': never['email'], 'access_seat': False,
         'gateway_seat': False, 'inactivity': {'days_inactive': 334, 'never_logged_in': True, 'last_successful_login': None,
                                               'created_at': '2026-01-01T00:00:00Z'}}]
    assert result['summary'] == seat_summary(0, 2, 2, 2)
    assert messages(result) == ["user %s (id %s): its last_successful_login 'last tuesday' cannot be read, so its seat is "
                                "not released for inactivity" % (unreadable['email'], unreadable['id'])]
    assert result['diff']['prepared'] == (
        '~ %s (seat %s; released for inactivity: last login 2025-12-01T12:00:00Z (365 days ago))\n'
        '-   access_seat: true\n+   access_seat: false\n'
        '~ %s (seat %s; released for inactivity: never logged in, created 2026-01-01T00:00:00Z (334 days ago))\n'
        '-   access_seat: true\n+   access_seat: false\n' % (old['email'], old['seat_uid'], never['email'], never['seat_uid']))
    assert account.patches() == [[{'seat_uid': old['seat_uid'], 'access_seat': False, 'gateway_seat': False},
                                  {'seat_uid': never['seat_uid'], 'access_seat': False, 'gateway_seat': False}]]


def test_release_inactive_in_check_mode_predicts_the_same_seats(account):
    predicted = run({'release_inactive': {'days': 300, 'never_logged_in': 'keep'}}, check_mode=True)
    assert account.writes == []
    real = run({'release_inactive': {'days': 300, 'never_logged_in': 'keep'}})
    assert predicted == real
    assert [s['email'] for s in real['seats']] == [account.users[0]['email']]


def test_nothing_to_do_reports_the_detail_asked_for(api):
    result = run({'seats': [], 'result_detail': 'summary'})
    assert (result['changed'], result['seats'], result['result_detail']) == (False, [], 'summary')


def test_one_user_named_by_email_and_by_id_is_read_once(api):
    api.users[:] = [make_user(0), make_user(1)]
    user = api.users[1]
    result = run({'seats': [{'email': user['email'], 'access_seat': True}, {'user_id': user['id'], 'access_seat': True}]})
    assert result['changed'] is True
    assert api.patches() == [[{'seat_uid': user['seat_uid'], 'access_seat': True, 'gateway_seat': False}]]


def test_a_refused_plan_names_the_account(api):
    api.users[:] = [make_user(0)]
    result = run({'seats': [{'email': 'ghost@example.com', 'access_seat': True}]})
    assert result['msg'] == ("Cannot change the seats of account %s, nothing was written: seats[0] (email "
                             "'ghost@example.com'): no user has this email" % ACCOUNT)


def test_seat_changes_the_budget_cannot_carry_fail_or_warn_in_check_mode(api):
    api.users[:] = [make_user(n) for n in range(600)]
    args = {'seats': [{'email': u['email'], 'access_seat': True} for u in api.users], 'seat_batch_size': 1,
            'max_retry_wait': 10}
    prefix = 'The seat changes of account %s needs 600 requests: Cloudflare\'s rate limit makes them wait at least ' % ACCOUNT
    checked = run(args, check_mode=True)
    assert checked['changed'] is True and api.writes == []
    assert [m for m in messages(checked) if m.startswith('A real run would fail: ' + prefix)] == messages(checked) != []
    failed = run(args)
    assert failed['failed'] is True and failed['msg'].startswith(prefix) and api.writes == []
