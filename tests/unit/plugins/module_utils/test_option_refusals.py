# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The options of the modules as tasks (_options.py): the task each combination makes, and every refusal word for word.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible.module_utils import basic

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _options
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import check_info_options, check_write_rate, seat_task, users_task
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import OptionsError

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


# --- credentials and connection options ----------------------------------------------------------------------

TOKEN_HINT = ('set api_token (or the environment variable CLOUDFLARE_API_TOKEN), or api_email and api_key (or '
              'CLOUDFLARE_EMAIL and CLOUDFLARE_API_KEY)')


@pytest.mark.parametrize('params, environ, message', [
    ({'api_token': 't', 'api_email': 'e@x.io'}, {},
     'api_token and api_email/api_key are mutually exclusive: use one authentication scheme'),
    ({}, {}, 'No Cloudflare credentials: ' + TOKEN_HINT),
    ({}, {'CLOUDFLARE_EMAIL': 'e@x.io'},
     'api_email is set but api_key is not: set api_key (or CLOUDFLARE_API_KEY) too, or use api_token'),
    ({}, {'CLOUDFLARE_API_KEY': 'k'},
     'api_key is set but api_email is not: set api_email (or CLOUDFLARE_EMAIL) too, or use api_token'),
    ({'api_token': 'a b'}, {},
     'api_token (or CLOUDFLARE_API_TOKEN) must be printable ASCII characters without spaces; the value is not shown'),
    ({'api_email': 'e@x.io', 'api_key': 'a b'}, {},
     'api_key (or CLOUDFLARE_API_KEY) must be printable ASCII characters without spaces; the value is not shown'),
    ({'api_email': 'nobody', 'api_key': 'k'}, {},
     'api_email (or CLOUDFLARE_EMAIL) must be an e-mail address of printable ASCII characters'),
])
def test_credentials_that_cannot_work_are_refused_word_for_word(params, environ, message):
    with pytest.raises(OptionsError) as info:
        _options.resolve_credentials(params, environ)
    assert str(info.value) == message


def test_half_a_pair_in_the_options_takes_its_key_from_the_environment():
    assert _options.resolve_credentials({'api_email': 'e@x.io'}, {'CLOUDFLARE_API_KEY': 'k'}) == (
        {'X-Auth-Email': 'e@x.io', 'X-Auth-Key': 'k'}, ('k',))


ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'


@pytest.mark.parametrize('reserve', [0, 0.5, 50])
def test_the_bounds_of_rate_limit_reserve_are_accepted(reserve):
    _options.validate_connection({'account_id': ACCOUNT, 'api_base_url': 'https://api.example.test',
                                  'rate_limit_reserve': reserve})


@pytest.mark.parametrize('concurrency', [1, 4, 16])
def test_the_bounds_of_list_concurrency_are_accepted(concurrency):
    _options.validate_connection({'account_id': ACCOUNT, 'api_base_url': 'https://api.example.test',
                                  'list_concurrency': concurrency})


@pytest.mark.parametrize('change, message', [
    ({'rate_limit_reserve': 50.5}, 'rate_limit_reserve must be a percentage of the rate limit from 0 to 50, got 50.5'),
    ({'list_concurrency': 0}, 'list_concurrency must be a number of pages from 1 to 16, got 0'),
    ({'list_concurrency': 17}, 'list_concurrency must be a number of pages from 1 to 16, got 17'),
    ({'api_base_url': 'https://user@api.example.test'},
     'api_base_url must be an http:// or https:// URL without a user name or password in it (the URL is shown in messages)'),
    ({'api_base_url': 'https://api.example.test/client/v4?'},
     "api_base_url must be an http:// or https:// URL without a query or fragment, got 'https://api.example.test/client/v4?'"),
])
def test_connection_options_that_cannot_work_are_refused_word_for_word(change, message):
    params = dict({'account_id': ACCOUNT, 'api_base_url': 'https://api.example.test'}, **change)
    with pytest.raises(OptionsError) as info:
        _options.validate_connection(params)
    assert str(info.value) == message


# --- the arguments as the task gave them ------------------------------------------------------------------------


def test_the_arguments_ansible_core_kept_are_read_without_decoding_them_again(monkeypatch):
    kept = {'users': [{'email': 'a@example.com'}]}
    monkeypatch.setattr(basic, '_PARSED_MODULE_ARGS', kept, raising=False)
    monkeypatch.setattr(_options, '_load_params', lambda: pytest.fail('the arguments were decoded again'))
    assert _options.given_arguments() is kept


@pytest.mark.parametrize('kept', [None, 'not a dict'])
def test_without_kept_arguments_they_are_decoded_again(monkeypatch, kept):
    monkeypatch.setattr(basic, '_PARSED_MODULE_ARGS', kept, raising=False)
    monkeypatch.setattr(_options, '_load_params', lambda: {'users': []})
    assert _options.given_arguments() == {'users': []}


class SpecOnly(object):
    """What refuse_structured_strings reads of an AnsibleModule: its argument spec."""

    argument_spec = {'name': {'aliases': ['full_name']}, 'seats': {'type': 'int'}, 'note': {'type': 'str'}}


@pytest.mark.parametrize('given, message', [
    ({'name': ['Ada']}, 'name must be a string, got a list'),             # no type: a string option
    ({'full_name': ('Ada',)}, 'full_name must be a string, got a list'),   # by an alias
    ({'note': {'a': 1}}, 'note must be a string, got a dict'),
])
def test_a_structured_value_of_a_string_option_is_refused_by_the_name_given(monkeypatch, given, message):
    monkeypatch.setattr(basic, '_PARSED_MODULE_ARGS', given, raising=False)
    with pytest.raises(OptionsError) as info:
        _options.refuse_structured_strings(SpecOnly())
    assert str(info.value) == message + ' (the value is not shown); nothing was written and no request was sent'


def test_a_structured_value_of_another_type_of_option_is_left_to_ansible_core(monkeypatch):
    monkeypatch.setattr(basic, '_PARSED_MODULE_ARGS', {'seats': [1], 'name': 'Ada'}, raising=False)
    _options.refuse_structured_strings(SpecOnly())


def test_without_the_arguments_ansible_core_keeps_on_older_versions_they_are_decoded_again(monkeypatch):
    monkeypatch.delattr(basic, '_PARSED_MODULE_ARGS', raising=False)
    monkeypatch.setattr(_options, '_load_params', lambda: {'users': []})
    assert _options.given_arguments() == {'users': []}
