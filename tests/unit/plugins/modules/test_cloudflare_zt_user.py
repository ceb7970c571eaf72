# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_user through main() with the real client, over the shared fake API (emulated_api.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_user
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import (
    ACCOUNT,
    USERS_PATH,
    make_user,
    run_module,
)

JANE = make_user(1, access=True, email='jdoe@example.com', name='Jane Doe')
JANE_ID = JANE['id']
JOHN_ID = make_user(2)['id']


def run(args, check_mode=False, diff=False):
    return run_module(cloudflare_zt_user, args, check_mode=check_mode, diff=diff)


@pytest.fixture
def jane(api):
    api.users[:] = [dict(JANE)]
    return api


# --- bad input: refused before any request ----------------------------------------------------

@pytest.mark.parametrize('params, fragment', [
    ({'user_id': 'not-a-uuid'}, "user_id 'not-a-uuid' is not a UUID"),
    ({'user_id': JANE_ID + '0'}, 'is not a UUID'),
    ({'email': 'jdoe'}, "email 'jdoe' is not an e-mail address"),
    ({'email': 'jdoe@example'}, 'is not an e-mail address'),
    ({'email': 'j doe@example.com'}, 'is not an e-mail address'),
    ({'email': 'jdoe@example.com', 'name': ''}, 'name must not be empty'),
    ({'email': 'jdoe@example.com', 'name': '   '}, 'name must not be empty'),
    ({'email': 'jdoe@example.com', 'name': 'Jane', 'state': 'absent'}, 'name cannot be used with state=absent'),
    ({}, 'one of the following is required: user_id, email'),
])
def test_bad_input_is_refused_naming_the_option_and_sends_no_request(jane, params, fragment):
    result = run(params)
    assert result['failed'] is True and fragment in result['msg'], result['msg']
    assert jane.log == []


# --- create ---------------------------------------------------------------------------------

def test_create_in_check_mode_sends_nothing_and_predicts_the_record(api):
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert api.writes == []
    assert result['user'] == {'access_seat': False, 'email': 'jdoe@example.com', 'gateway_seat': False,
                              'name': 'Jane Doe'}
    assert result['diff'] == {'prepared': '+ jdoe@example.com (create)\n+   name: Jane Doe\n'}


def test_create_posts_email_and_name_then_is_idempotent(api):
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'})
    assert result['changed'] is True
    assert [(r.method, r.path, r.body) for r in api.writes] == [
        ('POST', USERS_PATH, {'email': 'jdoe@example.com', 'name': 'Jane Doe'})]
    assert result['user']['id'] == api.users[0]['id']
    api.log[:] = []
    again = run({'email': 'JDoe@Example.COM', 'name': 'Jane Doe'})
    assert again['changed'] is False and api.writes == []
    assert again['user'] == result['user']


def test_cloudflare_zt_user_creates_a_user_without_a_name_as_documented(api):
    """As O(name) documents ("if not set, the name is not managed; a user that is created then gets no name from this
    module"), ``email: x, state: present`` creates the user with its email only: cloudflare_zt_user plans with
    create_needs_name=False."""
    result = run({'email': 'jdoe@example.com'})
    assert result.get('failed') is not True, result['msg']
    assert [(r.method, r.body) for r in api.writes] == [('POST', {'email': 'jdoe@example.com'})]


def test_check_mode_create_predicts_what_the_real_run_returns(api):
    predicted = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'}, check_mode=True)['user']
    real = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'})['user']
    assert dict((key, real[key]) for key in predicted) == predicted
    assert list(real) == sorted(real)


# --- rename ---------------------------------------------------------------------------------

def test_rename_in_check_mode_sends_nothing(jane):
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Roe'}, check_mode=True, diff=True)
    assert result['changed'] is True
    assert jane.writes == []
    assert result['user']['name'] == 'Jane Roe'
    assert result['diff'] == {'prepared': '~ jdoe@example.com (update)\n-   name: Jane Doe\n+   name: Jane Roe\n'}
    assert jane.users[0]['name'] == 'Jane Doe'


def test_check_mode_rename_predicts_the_real_result_but_the_timestamps(jane):
    predicted = run({'email': 'jdoe@example.com', 'name': 'Jane Roe'}, check_mode=True, diff=True)
    real = run({'email': 'jdoe@example.com', 'name': 'Jane Roe'}, diff=True)
    for result in (predicted, real):
        result['user'].pop('updated_at')
    assert predicted == real


def test_rename_by_id_puts_the_stored_email_and_the_new_name(jane):
    result = run({'user_id': JANE_ID.upper(), 'email': 'JDOE@example.com', 'name': 'Jane Roe'})
    assert [(r.method, r.path, r.body) for r in jane.log] == [
        ('GET', '%s/%s' % (USERS_PATH, JANE_ID), None),
        ('PUT', '%s/%s' % (USERS_PATH, JANE_ID), {'email': 'jdoe@example.com', 'name': 'Jane Roe'})]
    assert result['changed'] is True and result['user']['name'] == 'Jane Roe'
    assert jane.users[0]['name'] == 'Jane Roe'


def test_name_is_compared_with_letter_case(jane):
    assert run({'email': 'jdoe@example.com', 'name': 'jane doe'})['changed'] is True


def test_same_name_sends_no_write(jane):
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'}, diff=True)
    assert result['changed'] is False and jane.writes == []
    assert result['diff'] == {'prepared': ''}


def test_name_left_out_is_not_managed(jane):
    jane.users[0]['name'] = 'Someone Else'
    assert run({'user_id': JANE_ID})['changed'] is False
    assert jane.writes == []


def test_email_mismatch_writes_nothing(jane):
    result = run({'user_id': JANE_ID, 'email': 'other@example.com', 'name': 'Jane Roe'})
    assert result['failed'] is True
    assert 'other@example.com' in result['msg'] and 'jdoe@example.com' in result['msg'] and 'cannot be changed' in result['msg']
    assert jane.writes == []


def test_email_filter_substring_match_is_not_taken_for_the_user(api):
    api.users[:] = [make_user(1, email='ajdoe@example.com')]
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Doe'}, check_mode=True)
    assert result['changed'] is True and 'id' not in result['user']
    assert api.requests('GET')[0].params['email'] == 'jdoe@example.com'


def test_two_records_with_the_email_in_other_letter_case_are_refused_naming_both_ids(api):
    api.users[:] = [make_user(1, email='jdoe@example.com'), make_user(2, email='JDoe@example.com')]
    result = run({'email': 'jdoe@example.com', 'name': 'Jane Roe'})
    assert result['failed'] is True and 'matches more than one user' in result['msg']
    assert api.users[0]['id'] in result['msg'] and api.users[1]['id'] in result['msg']
    assert api.writes == []


def test_unknown_id_fails_naming_the_id_and_writes_nothing(jane):
    result = run({'user_id': JOHN_ID, 'name': 'John'})
    assert result['failed'] is True and JOHN_ID in result['msg'] and 'an id cannot be chosen' in result['msg']
    assert jane.writes == []


def test_a_user_without_email_found_by_id_cannot_be_renamed(jane):
    jane.answers_with('GET', '/access/users', match={'id': JANE_ID}, unset=['email'])
    result = run({'user_id': JANE_ID, 'name': 'Jane Roe'})
    assert result['failed'] is True and 'has no email' in result['msg']
    assert jane.writes == []


def test_an_answer_with_another_id_is_not_acted_on(jane):
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import envelope
    jane.fail('GET', response=envelope(dict(JANE, id=JOHN_ID)))
    result = run({'user_id': JANE_ID, 'state': 'absent'})
    assert result['failed'] is True and 'not the one asked for' in result['msg']
    assert jane.writes == []


def test_a_rename_answer_with_another_name_fails_the_task(jane):
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import envelope
    jane.fail('PUT', response=envelope(dict(JANE, name='Somebody')))
    result = run({'user_id': JANE_ID, 'name': 'Jane Roe'})
    assert result['failed'] is True and "the name 'Somebody' where 'Jane Roe' was sent" in result['msg']


# --- delete ---------------------------------------------------------------------------------

def test_delete_in_check_mode_sends_nothing_then_deletes_then_is_idempotent(jane):
    checked = run({'email': 'jdoe@example.com', 'state': 'absent'}, check_mode=True, diff=True)
    assert checked['changed'] is True and jane.writes == []
    assert checked['diff'] == {'prepared': '- jdoe@example.com (delete)\n-   state: present\n+   state: absent\n'}
    real = run({'email': 'jdoe@example.com', 'state': 'absent'}, diff=True)
    assert real == checked
    assert [(r.method, r.path) for r in jane.writes] == [('DELETE', '%s/%s' % (USERS_PATH, JANE_ID))]
    assert jane.users == []
    jane.log[:] = []
    again = run({'email': 'jdoe@example.com', 'state': 'absent'})
    again.pop('invocation', None)
    assert again == {'changed': False, 'user': {}} and jane.writes == []


def test_missing_user_named_by_id_with_state_absent_is_no_change(jane):
    result = run({'user_id': JOHN_ID, 'state': 'absent'})
    assert result['changed'] is False and result['user'] == {} and jane.writes == []


def test_a_failed_delete_says_what_was_not_written(jane):
    jane.fail('DELETE', status=403, code=10000, message='forbidden')
    result = run({'user_id': JANE_ID, 'state': 'absent'})
    assert result['failed'] is True and 'forbidden' in result['msg'] and 'Written before it: 0 of 1' in result['msg']
    assert result['not_written'] == [{'action': 'delete', 'email': 'jdoe@example.com', 'user_id': JANE_ID,
                                      'fields': ['state']}]


def test_account_id_is_in_every_path(jane):
    run({'user_id': JANE_ID, 'name': 'Jane Roe'})
    assert all(r.path.startswith('/accounts/%s/' % ACCOUNT) for r in jane.log)
