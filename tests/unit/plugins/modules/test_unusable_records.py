# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Records the API lists or answers that cannot be used as they are: a created user's seat_uid the PATCH schema
refuses, a listed record with an empty email, a numeric id or no email. Each is refused, or shown, clearly: no
request carries the unusable value, and no message is a traceback or says None. Each test's docstring names the
code that makes the decision."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import (
    cloudflare_zt_user,
    cloudflare_zt_users,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user, run_module


def test_a_created_users_seat_uid_longer_than_36_characters_is_not_sent_in_the_patch(api):
    """A create answer whose seat_uid the PATCH schema refuses (more than 36 characters) fails the task naming the
    created user, and no PATCH carries it: the seats of created users pass the same seat_uid check
    (_identifiers.seat_uid_problem) as those of listed users."""
    api.answers_with('POST', '/access/users$', set_fields={'seat_uid': 'x' * 40})
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'new@example.com', 'name': 'New', 'access_seat': True}]})
    assert result['failed'] is True
    assert [r.method for r in api.writes] == ['POST'], 'a PATCH carried a seat_uid the schema refuses'


def test_cloudflare_zt_user_does_not_send_an_empty_email_in_a_rename(api):
    """A listed record whose email is "" is refused ("has no email") before any write: cloudflare_zt_user plans on the
    records reduced by _account.plan_record, as the other runners do, so no PUT sends ``"email": ""``."""
    user = make_user(0)
    api.users[:] = [user]
    api.answers_with('GET', '/access/users', match={'id': user['id']}, set_fields={'email': ''})
    result = run_module(cloudflare_zt_user, {'user_id': user['id'], 'name': 'Renamed'})
    assert api.writes == [], 'sent %r' % (api.writes[0].body,)
    assert result['failed'] is True and 'has no email' in result['msg']


def test_cloudflare_zt_user_with_a_listed_record_whose_id_is_not_a_string_fails_clearly(api):
    """A listed record with a numeric id is refused by the plan, naming the item, not with "Unexpected error" and a
    traceback: its id reduces to None in _account.plan_record."""
    user = make_user(0)
    api.users[:] = [user]
    api.answers_with('GET', '/access/users', match={'id': user['id']}, set_fields={'id': 12345})
    result = run_module(cloudflare_zt_user, {'email': user['email'], 'state': 'absent'})
    assert result['failed'] is True
    assert not result['msg'].startswith('Unexpected error'), result['msg']
    assert api.writes == []


def test_the_prepared_diff_of_a_user_without_an_email_does_not_say_None(api):
    """A seat holder without an email released by exclusive_seats is shown in the prepared diff by its id
    (_report.prepared_diff), never as "None"."""
    holder = make_user(1, access=True)
    api.users[:] = [make_user(0), holder]
    api.answers_with('GET', '/access/users', match={'id': holder['id']}, unset=['email'])
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'user0000@example.com'}], 'exclusive_seats': True},
                        check_mode=True, diff=True)
    assert result['changed'] is True
    assert 'None' not in result['diff']['prepared'], result['diff']['prepared']
