# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The options of the modules as tasks (_options.py): the task each combination makes, and every refusal word for word.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _options
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import check_info_options, check_write_rate, seat_task, users_task

POLICY = {'days': 30}


def seat_params(**params):
    found = dict(seat_batch_size=1000)
    found.update(params)
    return found


def users_params(**params):
    found = dict(seat_batch_size=1000, write_rate=2.0)
    found.update(params)
    return found


def refused(call, params):
    with pytest.raises(OptionsError) as info:
        call(params)
    return str(info.value)


def test_release_inactive_alone_is_a_task_of_its_own():
    task = seat_task(seat_params(release_inactive=POLICY, result_detail='summary', revoke_sessions=True))
    assert (task.items, task.single, task.exclusive_seats, task.policy.days, task.batch_size) == ([], False, False, 30, 1000)
    assert (task.revoke_sessions, task.revoke_devices, task.result_detail) == (True, False, 'summary')


def test_release_inactive_with_seats_keeps_both():
    task = seat_task(seat_params(seats=[{'email': 'a@example.com', 'access_seat': True}], release_inactive=POLICY,
                                 result_detail='full', exclusive_seats=True))
    assert (len(task.items), task.single, task.exclusive_seats, task.policy.days, task.result_detail) == (1, False, True, 30, 'full')


def test_the_single_form_keeps_its_policy_and_detail():
    task = seat_task(seat_params(email='a@example.com', access_seat=True, release_inactive=POLICY, result_detail='summary'))
    assert (len(task.items), task.single, task.exclusive_seats, task.policy.days, task.result_detail) == (1, True, False, 30, 'summary')


@pytest.mark.parametrize('params, message', [
    ({'exclusive_seats': True, 'release_inactive': POLICY},
     'exclusive_seats needs seats: list the seats to keep (exclusive_seats releases every other seat)'),
    ({'allow_release_all': True, 'release_inactive': POLICY}, 'allow_release_all only applies to seats with exclusive_seats=true'),
    ({'email': 'a@example.com'}, 'give access_seat and/or gateway_seat for the seat (both false releases it)'),
    ({'email': 'nobody', 'access_seat': True}, "Invalid seats, nothing was written and no request was sent: email 'nobody' is "
                                               "not an e-mail address such as jdoe@example.com"),
    ({'seats': [], 'exclusive_seats': True}, 'seats is empty and exclusive_seats is true: that would release every seat of '
                                             'the account. Set allow_release_all=true if that is what you want; nothing was written'),
])
def test_seat_options_that_cannot_work_are_refused_word_for_word(params, message):
    assert refused(seat_task, seat_params(**params)) == message


def test_the_users_task_keeps_every_option():
    task = users_task(users_params(users=[{'email': 'a@example.com'}], release_inactive=POLICY, report_dir='/tmp/reports',
                                   result_detail='summary', write_rate=0.5))
    assert (len(task.items), task.exclusive_seats, task.policy.days, task.batch_size, task.write_rate) == (1, False, 30, 1000, 0.5)
    assert task.result_detail == 'summary'


def test_users_options_that_cannot_work_are_refused_word_for_word():
    assert refused(users_task, users_params(users=[{'email': 'a@example.com'}], allow_release_all=True)) == \
        'allow_release_all only applies with exclusive_seats=true'
    assert refused(users_task, users_params(users=[], exclusive_seats=True)) == (
        'users is empty and exclusive_seats is true: that would release every seat of the account. Set allow_release_all=true '
        'if that is what you want; nothing was written')


@pytest.mark.parametrize('rate', [_options.MIN_WRITE_RATE, _options.MAX_WRITE_RATE])
def test_the_bounds_of_write_rate_are_accepted(rate):
    check_write_rate(rate)


def test_a_write_rate_past_its_bounds_is_refused_word_for_word():
    with pytest.raises(OptionsError) as info:
        check_write_rate(_options.MAX_WRITE_RATE * 2)
    assert str(info.value) == 'write_rate must be a number of writes per second from %g to %g, got %g; nothing was written' % (
        _options.MIN_WRITE_RATE, _options.MAX_WRITE_RATE, _options.MAX_WRITE_RATE * 2)


@pytest.mark.parametrize('params, message', [
    ({'user_id': 'nope'}, "user_id 'nope' is not a UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415"),
    ({'email': 'nope'}, "email 'nope' is not an e-mail address such as jdoe@example.com"),
    ({'name': ' '}, 'name must not be empty'),
    ({'search': ''}, 'search must not be empty'),
    ({'inactive_days': 3651}, 'inactive_days must be a whole number of days from 1 to 3650, got 3651'),
    ({'inactive_days': 0}, 'inactive_days must be a whole number of days from 1 to 3650, got 0'),
])
def test_info_filters_that_cannot_work_are_refused_word_for_word(params, message):
    assert refused(check_info_options, params) == message


def test_the_bounds_of_inactive_days_are_accepted():
    check_info_options({'inactive_days': 1})
    check_info_options({'inactive_days': 3650})


@pytest.mark.parametrize('params, message', [
    ({'seat_batch_size': 0}, 'seat_batch_size must be at least 1, got 0; nothing was written'),
    ({'seat_batch_size': None}, 'seat_batch_size must be at least 1, got None; nothing was written'),
    ({'revoke_devices': True}, 'revoke_devices needs revoke_sessions=true: the devices are revoked with the sessions, '
                               'in the same request; nothing was written'),
])
def test_batch_and_revoke_options_that_cannot_work_are_refused_word_for_word(params, message):
    assert refused(users_task, users_params(users=[{'email': 'a@example.com'}], **params)) == message


def test_every_problem_of_a_list_is_named_in_one_refusal():
    message = refused(users_task, users_params(users=[{'email': 'nobody'}, {'email': 'a@example.com', 'state': 'gone'}],
                                               release_inactive={'days': 0}))
    assert message.startswith("Invalid users and release_inactive, nothing was written and no request was sent: "
                              "users[0]: email 'nobody' is not an e-mail address such as jdoe@example.com; users[1]")
    assert message.count('; ') == 2
