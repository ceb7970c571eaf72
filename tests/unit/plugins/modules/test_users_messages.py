# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_users word for word: a refused plan, the plan's warnings, a plan the rate limit cannot carry (the writes'
# own spacing counted), the report's time and detail, and a failure whose report cannot be written either.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timezone

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import users as users_runner
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners import writes as writes_runner
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import ACCOUNT, FakeResponse, make_user, run_module


def run(args, check_mode=False):
    result = run_module(cloudflare_zt_users, args, check_mode=check_mode)
    result.pop('invocation', None)
    return result


def messages(result):
    return [w['event']['msg'] if isinstance(w, dict) else w for w in result.get('warnings', [])]


def test_a_refused_plan_names_the_account(api):
    api.users[:] = [make_user(0)]
    result = run({'users': [{'email': 'nobody@example.com'}]})
    assert result['msg'] == ("Cannot reconcile the users of account %s, nothing was written: users[0] (email "
                             "'nobody@example.com'): the user does not exist and has no name, so it cannot be created" % ACCOUNT)


def test_the_plans_warnings_and_the_patch_warnings_reach_the_user(api, monkeypatch):
    monkeypatch.setattr(users_runner, 'utc_now', lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
    monkeypatch.setattr(writes_runner, 'utc_now', lambda: datetime(2026, 12, 1, tzinfo=timezone.utc))
    unreadable, seated = make_user(0, access=True), make_user(1)
    unreadable['last_successful_login'] = 'soon'
    api.users[:] = [unreadable, seated]
    api.fail('PATCH', response=FakeResponse(200, {'success': True, 'errors': [], 'messages': []}))
    result = run({'users': [{'email': seated['email'], 'gateway_seat': True}], 'release_inactive': {'days': 30}})
    assert result['report']['generated_at'] == '2026-12-01T00:00:00Z'
    assert messages(result) == [
        "user %s (id %s): its last_successful_login 'soon' cannot be read, so its seat is not released for inactivity" % (
            unreadable['email'], unreadable['id']),
        'The API answered a seat PATCH without a result: 1 seat is reported as sent, unconfirmed (the API makes the '
        'result optional; a read, or the task run again in check mode, shows what Cloudflare holds)']


def renames(api):
    api.users[:] = [make_user(n) for n in range(600)]
    return [{'email': u['email'], 'name': 'Renamed'} for u in api.users]


def test_a_plan_the_rate_limit_cannot_carry_is_a_warning_in_check_mode(api):
    fast = run({'users': renames(api), 'write_rate': 1000, 'max_retry_wait': 1}, check_mode=True)
    assert messages(fast) == [
        "A real run would fail: The plan for account %s needs 600 requests: Cloudflare's rate limit makes them wait at "
        "least 16 s, more than max_retry_wait=1.0 s leaves (0 s waited already); nothing of it was sent. The budget: 1200 "
        "requests per 300 s (1199 left, reset in 300 s, 120 kept in reserve, the documented limit: no answer carried "
        "Ratelimit headers)" % ACCOUNT]


def test_writes_spaced_longer_than_the_budget_needs_are_affordable(api):
    # 600 writes 50 s apart take longer than the rate limit makes them wait: nothing to warn about.
    slow = run({'users': renames(api), 'write_rate': 0.02, 'max_retry_wait': 1}, check_mode=True)
    assert messages(slow) == [] and api.writes == []


def test_a_refused_task_reports_the_detail_it_asked_for(api):
    result = run({'users': [], 'exclusive_seats': True, 'result_detail': 'summary'})
    assert result['failed'] is True and result['result_detail'] == 'summary'


def test_a_failure_whose_report_cannot_be_written_says_both(api, tmp_path):
    (tmp_path / 'file').write_text('not a directory')
    api.users[:] = [make_user(0)]
    result = run({'users': [{'email': 'nobody@example.com'}], 'report_dir': str(tmp_path / 'file' / 'below')})
    assert result['msg'].startswith("Cannot reconcile the users of account %s, nothing was written: users[0] (email "
                                    "'nobody@example.com'): the user does not exist and has no name, so it cannot be "
                                    "created The drift report could not be written to %s: " % (ACCOUNT, tmp_path / 'file' / 'below'))


def test_a_created_user_without_a_seat_uid_cannot_have_its_seats_set(api):
    api.answers_with('POST', '/access/users$', set_fields={'seat_uid': None})
    result = run({'users': [{'email': 'new@example.com', 'name': 'New', 'access_seat': True}]})
    assert result['msg'].startswith('The API created new@example.com, but the user has no seat_uid, so its seats cannot be '
                                    'set. Written before it: 1 of 2 (create new@example.com). Not written: 1 (update '
                                    'new@example.com).')


def test_patches_answered_without_a_result_are_counted_together(api):
    api.users[:] = [make_user(0), make_user(1)]
    for _patch in (1, 2):
        api.fail('PATCH', response=FakeResponse(200, {'success': True, 'errors': [], 'messages': []}))
    result = run({'users': [{'email': u['email'], 'access_seat': True} for u in api.users], 'seat_batch_size': 1})
    assert messages(result) == [
        'The API answered a seat PATCH without a result: 2 seats are reported as sent, unconfirmed (the API makes the '
        'result optional; a read, or the task run again in check mode, shows what Cloudflare holds)']


def test_a_failed_write_reports_the_detail_asked_for(api):
    api.users[:] = [make_user(0)]
    api.fail('PATCH', status=403)
    result = run({'users': [{'email': 'user0000@example.com', 'access_seat': True}], 'result_detail': 'summary',
                  'max_retry_wait': 0})
    assert result['failed'] is True
    assert (result['result_detail'], result['users'], result['drift_table']) == ('summary', [], '')
