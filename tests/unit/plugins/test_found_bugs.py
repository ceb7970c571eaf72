# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Bugs found while porting the unit tests to the one planner. Each test FAILS on the current plugin code
and passes once the bug is fixed; the docstring says what is wrong and the fix proposed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import (
    cloudflare_zt_user,
    cloudflare_zt_users,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.fake_api import make_user, run_module


def test_a_created_users_seat_uid_longer_than_36_characters_is_not_sent_in_the_patch(api):
    """_runners/users.py apply_plan checks only ``record['seat_uid'] is None`` for the seats of created users, so a
    create answer whose seat_uid the PATCH schema refuses (> 36 characters) is sent as is (issue 12: "no server-made
    value sent that the request schema refuses"); existing users get that check in _plan.seat_changes.
    Fix: in apply_plan use ``_plan._unsendable(record)`` (or ``seat_uid_problem``) instead of the None check,
    and fail with log.failure naming the created user before any PATCH."""
    api.new_seat_uid = lambda n: 'x' * 40
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'new@example.com', 'name': 'New', 'access_seat': True}]})
    assert result['failed'] is True
    assert [r.method for r in api.writes] == ['POST'], 'a PATCH carried a seat_uid the schema refuses'


def test_cloudflare_zt_user_creates_a_user_without_a_name_as_documented(api):
    """cloudflare_zt_user documents O(name): "If not set, the name is not managed; a user that is created then gets
    no name from this module", and RETURN says a predicted create holds name only "when O(name) is set". Since the
    move to the one planner, _plan.plan_users refuses every create without a name ("has no name, so it cannot be
    created"), so ``email: x, state: present`` fails where it used to create the user (issue 11: cloudflare_zt_user
    stays as it is). Fix: plan_users(..., create_needs_name=True) and run_user passes False (or fix the docs)."""
    result = run_module(cloudflare_zt_user, {'email': 'jdoe@example.com'})
    assert result.get('failed') is not True, result['msg']
    assert [(r.method, r.body) for r in api.writes] == [('POST', {'email': 'jdoe@example.com'})]


def test_cloudflare_zt_user_does_not_send_an_empty_email_in_a_rename(api):
    """_runners/user.py run_user builds Account(records) from the raw records, not from _plan.plan_record as the
    seat and users runners do, so a record whose email is "" (or not a string) passes plan_users' ``is None`` check
    and the PUT sends ``"email": ""`` (issue 12: no null or non-string sent where the schema wants the email).
    cloudflare_zt_users refuses the same record ("the record has no email"). Fix: in run_user reduce the records with
    plan_record for planning (``Account([plan_record(r) for r in records])``) and keep the raw record for the result."""
    user = make_user(0)
    user['email'] = ''
    api.users[:] = [user]
    result = run_module(cloudflare_zt_user, {'user_id': user['id'], 'name': 'Renamed'})
    assert api.writes == [], 'sent %r' % (api.writes[0].body,)
    assert result['failed'] is True and 'has no email' in result['msg']


def test_cloudflare_zt_user_with_a_listed_record_whose_id_is_not_a_string_fails_clearly(api):
    """Same root cause as above: run_user plans on raw records, and _plan.record_key calls ``record['id'].lower()``,
    so a listed record with a numeric id ends in "Unexpected error: AttributeError" with a traceback in the result.
    Fix: plan on plan_record(record) in run_user (the id becomes None and the plan refuses it, naming the item)."""
    user = make_user(0)
    user['id'] = 12345
    api.users[:] = [user]
    result = run_module(cloudflare_zt_user, {'email': user['email'], 'state': 'absent'})
    assert result['failed'] is True
    assert not result['msg'].startswith('Unexpected error'), result['msg']
    assert api.writes == []


def test_cloudflare_zt_users_reports_check_mode_also_when_a_connection_option_is_refused(api):
    """RETURN documents ``check_mode`` as "returned: always" (the role's report reads it, also on failure), but
    _module.run_module calls build_client(module) before it computes ``extra``, and build_client fails through
    module.fail_json itself: a bad account_id, base URL, timeout or missing credential fails without check_mode.
    Fix: in run_module compute ``extra`` first and have build_client raise OptionsError (or take ``extra``) so that the
    failure goes through the same fail_json(**extra)."""
    result = run_module(cloudflare_zt_users, {'users': [], 'account_id': 'not-an-account'}, check_mode=True)
    assert result['failed'] is True and 'account_id' in result['msg']
    assert result.get('check_mode') is True


def test_a_failed_write_after_others_succeeded_reports_changed(api):
    """When a write fails after others succeeded (``written`` non-empty), _module.run_module's PartialWriteError
    branch calls fail_json without ``changed``, so Ansible reports ``changed: false`` for a task that created and
    renamed users; handlers and ``changed_when`` logic then miss the change. Fix: in the PartialWriteError branch pass
    ``changed=bool(exc.written)``."""
    api.users[:] = [make_user(0)]
    api.fail('PUT', status=403)
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'new@example.com', 'name': 'New'},
                                                        {'email': 'user0000@example.com', 'name': 'X'}],
                                              'max_retry_wait': 0})
    assert result['failed'] is True and len(result['written']) == 1
    assert result.get('changed') is True


def test_the_prepared_diff_of_a_user_without_an_email_does_not_say_None(api):
    """_plan.prepared_diff formats ``v.email`` with %s, so a seat holder without an email released by
    exclusive_seats shows as "~ None (release)"; seat_diff says "(no email)" for the same record. Fix: in
    prepared_diff use ``v.email or '(no email, id %s)' % v.user_id``."""
    holder = make_user(1, access=True)
    del holder['email']
    api.users[:] = [make_user(0), holder]
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'user0000@example.com'}], 'exclusive_seats': True},
                        check_mode=True, diff=True)
    assert result['changed'] is True
    assert 'None' not in result['diff']['prepared'], result['diff']['prepared']
