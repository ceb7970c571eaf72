# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every problem of a task's list items is reported in one run, in item order, in ``msg`` and in ``errors``.

Problems that the options show (a bad email, a user listed twice, a bad release_inactive) are refused together
before any request; the problems that need the account (a user to create without a name, an email that matches two
records) are refused together after the one read, also in ``errors``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import seat_task, user_item, users_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat, cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user, run_module

USERS_DEFAULTS = {'exclusive_seats': False, 'allow_release_all': False, 'seat_batch_size': 1000, 'write_rate': 2.0,
                  'release_inactive': None}
SEAT_DEFAULTS = {'seats': None, 'exclusive_seats': False, 'allow_release_all': False, 'seat_batch_size': 1000,
                 'release_inactive': None, 'seat_uid': None, 'email': None, 'user_id': None, 'access_seat': None,
                 'gateway_seat': None}
# users[0] a bad email, users[1] and users[3] the same user, users[2] a name on a delete, users[4] an unknown key.
BAD_USERS = [{'email': 'nope'},
             {'email': 'ada@example.com', 'name': 'Ada'},
             {'email': 'bob@example.com', 'state': 'absent', 'name': 'Bob'},
             {'email': 'ADA@example.com'},
             {'email': 'carl@example.com', 'colour': 'red'}]


def positions(problems):
    return [problem.split(' ')[0].rstrip(':,') for problem in problems]


def test_every_problem_of_every_user_item_comes_in_item_order_a_repeat_at_its_first_item():
    _items, problems = parse_user_items(BAD_USERS)
    assert positions(problems) == ['users[0]', 'users[1]', 'users[2]', 'users[4]']
    assert problems[1] == ("users[1] (email 'ada@example.com'), users[3] (email 'ADA@example.com') name the same email: "
                           "list each user once")


def test_seat_items_that_disagree_are_reported_at_their_first_item():
    _items, problems = parse_seat_items([{'email': 'a@example.com', 'access_seat': True},
                                         {'email': 'b@example.com', 'access_seat': 'perhaps'},
                                         {'email': 'A@example.com', 'access_seat': False},
                                         {'user_id': 'x'}])
    assert positions(problems) == ['seats[0]', 'seats[1]', 'seats[3]']
    assert 'disagree on access_seat' in problems[0]


def test_one_refusal_names_every_problem_of_the_users_and_of_release_inactive_in_errors():
    with pytest.raises(OptionsError) as refused:
        users_task(dict(USERS_DEFAULTS, users=BAD_USERS, release_inactive={'days': 0}))
    errors = refused.value.errors
    assert positions(errors[:4]) == ['users[0]', 'users[1]', 'users[2]', 'users[4]']
    assert len(errors) == 5 and 'days' in errors[4]
    message = str(refused.value)
    assert message.startswith('Invalid users and release_inactive, nothing was written and no request was sent: ')
    assert all(error in message for error in errors)


def test_seats_and_release_inactive_are_refused_together_and_a_bad_policy_alone_first():
    with pytest.raises(OptionsError) as refused:
        seat_task(dict(SEAT_DEFAULTS, seats=[{'email': 'nope', 'access_seat': True}], release_inactive={'days': 0}))
    assert str(refused.value).startswith('Invalid seats and release_inactive, ')
    assert positions(refused.value.errors[:1]) == ['seats[0]'] and len(refused.value.errors) == 2
    with pytest.raises(OptionsError) as alone:
        seat_task(dict(SEAT_DEFAULTS, release_inactive={'days': 0}))
    assert str(alone.value).startswith('Invalid release_inactive, ') and len(alone.value.errors) == 1


def test_the_single_form_of_cloudflare_zt_user_carries_errors_too():
    with pytest.raises(OptionsError) as refused:
        user_item({'email': 'nope', 'user_id': None, 'name': '', 'state': 'present'})
    assert refused.value.errors == ['name must not be empty', "email 'nope' is not an e-mail address such as jdoe@example.com"]
    assert str(refused.value) == '; '.join(refused.value.errors)


def test_cloudflare_zt_users_returns_every_item_problem_in_errors_without_a_request(api):
    result = run_module(cloudflare_zt_users, {'users': BAD_USERS})
    assert result['failed'] is True
    assert positions(result['errors']) == ['users[0]', 'users[1]', 'users[2]', 'users[4]']
    assert api.log == []


def test_cloudflare_zt_seat_returns_every_item_problem_in_errors_without_a_request(api):
    result = run_module(cloudflare_zt_seat, {'seats': [{'email': 'nope', 'access_seat': True},
                                                       {'email': 'b@example.com', 'gateway_seat': 'perhaps'}]})
    assert result['failed'] is True
    assert positions(result['errors']) == ['seats[0]', 'seats[1]']
    assert api.log == []


def test_once_the_items_read_well_every_plan_problem_comes_in_one_refusal_after_one_read(api):
    api.users[:] = [make_user(0), make_user(1, email='twin@example.com'), make_user(2, email='TWIN@example.com')]
    result = run_module(cloudflare_zt_users, {'users': [{'email': 'new@example.com'},
                                                        {'email': 'twin@example.com', 'name': 'Twin'},
                                                        {'email': 'other@example.com', 'access_seat': True}]})
    assert result['failed'] is True
    assert positions(result['errors']) == ['users[0]', 'users[1]', 'users[2]']
    assert 'has no name' in result['errors'][0] and 'more than one' in result['errors'][1]
    assert [request.method for request in api.log] == ['GET']
