# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The decisions of cloudflare_zt_user: validation, identification, plan, result and diff, and
# the runner against an in-memory fake of the client (no HTTP).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._api import CloudflareNotFoundError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import ConfigError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._users import (
    identify_user,
    plan_user,
    predicted_new_user,
    run_user,
    user_result,
    validate_user_options,
)

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
JANE_ID = 'f174e90a-fafe-4643-bbbc-4a0ed4fc8415'
JOHN_ID = '0b5c5b8e-8a77-4c33-9d0e-6f3f2b2c9a11'
TOKEN = 'secret-token-0123456789abcdefghijklmnopqrstuv'


def jane(**changes):
    user = {
        'id': JANE_ID,
        'uid': JANE_ID,
        'seat_uid': '2f9d2e1c-7a64-4a8b-9c1e-2b6a5d7c8e90',
        'email': 'jdoe@example.com',
        'name': 'Jane Doe',
        'access_seat': True,
        'gateway_seat': False,
        'active_device_count': 1,
        'created_at': '2026-01-12T09:30:00Z',
        'updated_at': '2026-01-12T09:30:00Z',
        'last_successful_login': '2026-02-01T08:00:00Z',
    }
    user.update(changes)
    return user


def options(**params):
    base = {'user_id': None, 'email': None, 'name': None, 'state': 'present', 'api_token': TOKEN,
            'account_id': ACCOUNT}
    base.update(params)
    return base


# --- a fake client: the users endpoints in memory, every call recorded ---------------------

class FakeClient(object):
    """Speaks the client's interface (account_path, result, paginate) over a dict of users.

    Its email list filter matches substrings, as the emulator's does, so that a module relying
    on the filter being exact would pick the wrong user.
    """

    def __init__(self, users=()):
        self.account_id = ACCOUNT
        self.users = dict((u['id'], copy.deepcopy(u)) for u in users)
        self.calls = []
        self.created = 0

    def account_path(self, *parts):
        return '/'.join(['/accounts', self.account_id] + list(parts))

    @property
    def writes(self):
        return [call for call in self.calls if call[0] != 'GET']

    def paginate(self, path, params=None, keep=None):
        self.calls.append(('GET', path, dict(params or {}), None))
        wanted = (params or {}).get('email', '').lower()
        return [copy.deepcopy(u) for u in self.users.values() if wanted in u['email'].lower()]

    def result(self, method, path, params=None, body=None, expect=(dict,)):
        self.calls.append((method, path, params, copy.deepcopy(body)))
        prefix = self.account_path('access', 'users')
        user_id = path[len(prefix) + 1:] if path.startswith(prefix + '/') else None
        if method == 'POST':
            self.created += 1
            new_id = '00000000-0000-4000-8000-%012d' % self.created
            user = {'id': new_id, 'uid': new_id, 'seat_uid': '11111111-0000-4000-8000-%012d' % self.created,
                    'email': body['email'], 'name': body.get('name', ''), 'access_seat': False,
                    'gateway_seat': False, 'active_device_count': 0, 'created_at': 'now', 'updated_at': 'now',
                    'last_successful_login': 'now'}
            self.users[new_id] = user
            return copy.deepcopy(user)
        if user_id not in self.users:
            raise CloudflareNotFoundError('Cloudflare API error on %s %s: HTTP 404' % (method, path), status=404)
        if method == 'GET':
            return copy.deepcopy(self.users[user_id])
        if method == 'PUT':
            assert body['email'].lower() == self.users[user_id]['email'].lower()
            self.users[user_id] = dict(self.users[user_id], name=body['name'], updated_at='later')
            return copy.deepcopy(self.users[user_id])
        if method == 'DELETE':
            del self.users[user_id]
            return None
        raise AssertionError('unexpected %s %s' % (method, path))


class FakeModule(object):
    def __init__(self, check_mode=False, diff=False, **params):
        self.params = options(**params)
        self.check_mode = check_mode
        self._diff = diff


def run(client, check_mode=False, diff=False, **params):
    return run_user(FakeModule(check_mode=check_mode, diff=diff, **params), client)


# --- validation: bad input is refused before any request ----------------------------------

@pytest.mark.parametrize('params, fragment', [
    ({'user_id': 'not-a-uuid'}, 'user_id must be a UUID'),
    ({'user_id': JANE_ID + '0'}, 'user_id must be a UUID'),
    ({'email': 'jdoe'}, 'email must be an e-mail address'),
    ({'email': 'jdoe@example'}, 'email must be an e-mail address'),
    ({'email': 'j doe@example.com'}, 'email must be an e-mail address'),
    ({'email': 'jdoe@example.com', 'name': ''}, 'name must not be empty'),
    ({'email': 'jdoe@example.com', 'name': '   '}, 'name must not be empty'),
    ({'email': 'jdoe@example.com', 'name': 'Jane', 'state': 'absent'}, 'name cannot be used with state=absent'),
    ({}, 'one of user_id or email is required'),
])
def test_bad_input_is_refused_with_a_message_naming_the_option(params, fragment):
    with pytest.raises(ConfigError, match=fragment):
        validate_user_options(options(**params))


@pytest.mark.parametrize('params', [
    {'user_id': 'not-a-uuid'},
    {'email': 'not-an-address'},
    {'email': 'jdoe@example.com', 'name': ''},
    {'email': 'jdoe@example.com', 'name': 'Jane Doe', 'state': 'absent'},
])
def test_bad_input_sends_no_request(params):
    client = FakeClient([jane()])
    with pytest.raises(ConfigError):
        run(client, **params)
    assert client.calls == []


def test_good_input_passes_validation():
    validate_user_options(options(user_id=JANE_ID.upper(), email='JDoe@Example.com', name='Jane'))
    validate_user_options(options(email='jdoe@example.com', state='absent'))


# --- identify -------------------------------------------------------------------------------

def test_user_id_with_the_current_email_in_other_letter_case_identifies_the_user():
    assert identify_user(ACCOUNT, user_id=JANE_ID, email='JDOE@example.COM', by_id=jane()) == jane()


def test_user_id_with_another_email_fails_and_names_both_emails():
    with pytest.raises(ConfigError) as exc:
        identify_user(ACCOUNT, user_id=JANE_ID, email='other@example.com', by_id=jane())
    message = str(exc.value)
    assert 'other@example.com' in message and 'jdoe@example.com' in message and JANE_ID in message
    assert 'cannot be changed' in message


def test_user_id_alone_identifies_the_user_whatever_its_email():
    assert identify_user(ACCOUNT, user_id=JANE_ID, by_id=jane()) == jane()


def test_missing_user_id_is_no_user():
    assert identify_user(ACCOUNT, user_id=JANE_ID, email='jdoe@example.com', by_id=None) is None


def test_one_email_match_is_the_user_and_none_is_no_user():
    assert identify_user(ACCOUNT, email='jdoe@example.com', by_email=[jane()]) == jane()
    assert identify_user(ACCOUNT, email='jdoe@example.com', by_email=[]) is None


def test_two_users_with_the_email_fail_and_name_their_ids():
    with pytest.raises(ConfigError) as exc:
        identify_user(ACCOUNT, email='jdoe@example.com', by_email=[jane(), jane(id=JOHN_ID)])
    assert JANE_ID in str(exc.value) and JOHN_ID in str(exc.value) and 'set user_id' in str(exc.value)


# --- plan -----------------------------------------------------------------------------------

def test_missing_user_named_by_email_is_created_with_its_name():
    plan = plan_user(ACCOUNT, None, email='jdoe@example.com', name='Jane Doe')
    assert plan['action'] == 'create'
    assert plan['request'] == {'email': 'jdoe@example.com', 'name': 'Jane Doe'}
    assert plan['before'] == {}
    assert plan['after'] == {'access_seat': False, 'email': 'jdoe@example.com', 'gateway_seat': False,
                             'name': 'Jane Doe'}


def test_create_without_name_predicts_no_name_and_no_id():
    plan = plan_user(ACCOUNT, None, email='jdoe@example.com')
    assert plan['request'] == {'email': 'jdoe@example.com', 'name': None}
    assert 'name' not in plan['after'] and 'id' not in plan['after']


def test_missing_user_named_by_id_fails_naming_the_id_and_the_account():
    with pytest.raises(ConfigError) as exc:
        plan_user(ACCOUNT, None, user_id=JANE_ID, email='jdoe@example.com', name='Jane')
    assert JANE_ID in str(exc.value) and ACCOUNT in str(exc.value)


def test_missing_user_named_by_id_with_state_absent_is_no_change():
    plan = plan_user(ACCOUNT, None, state='absent', user_id=JANE_ID)
    assert plan['action'] is None and plan['before'] == {} and plan['after'] == {}


def test_existing_user_with_state_absent_is_deleted_by_its_id():
    plan = plan_user(ACCOUNT, jane(), state='absent', email='JDOE@example.com')
    assert plan['action'] == 'delete'
    assert plan['request'] == {'user_id': JANE_ID}
    assert plan['after'] == {}
    assert plan['before']['email'] == 'jdoe@example.com'


def test_rename_sends_the_current_email_not_the_given_letter_case():
    plan = plan_user(ACCOUNT, jane(), email='JDOE@EXAMPLE.COM', name='Jane Roe')
    assert plan['action'] == 'update'
    assert plan['request'] == {'user_id': JANE_ID, 'current_email': 'jdoe@example.com', 'name': 'Jane Roe'}
    assert plan['after'] == dict(plan['before'], name='Jane Roe')


def test_name_is_compared_with_letter_case():
    assert plan_user(ACCOUNT, jane(), email='jdoe@example.com', name='jane doe')['action'] == 'update'


def test_same_name_is_no_change():
    plan = plan_user(ACCOUNT, jane(), email='jdoe@example.com', name='Jane Doe')
    assert plan['action'] is None and plan['before'] == plan['after']


def test_name_left_out_is_not_managed():
    assert plan_user(ACCOUNT, jane(name='Someone Else'), user_id=JANE_ID)['action'] is None


def test_user_without_a_name_gets_one():
    user = jane()
    del user['name']
    assert plan_user(ACCOUNT, user, user_id=JANE_ID, name='Jane')['action'] == 'update'


# --- result and diff ------------------------------------------------------------------------

def test_diff_keys_are_sorted_and_in_the_modules_vocabulary():
    plan = plan_user(ACCOUNT, jane(), email='jdoe@example.com', name='Jane Roe')
    result = user_result(plan, check_mode=True, diff_mode=True)
    for side in ('before', 'after'):
        keys = list(result['diff'][side])
        assert keys == sorted(keys)
        assert {'id', 'email', 'name', 'access_seat', 'gateway_seat'} <= set(keys)
    assert result['diff']['before']['name'] == 'Jane Doe' and result['diff']['after']['name'] == 'Jane Roe'


def test_no_diff_outside_diff_mode():
    plan = plan_user(ACCOUNT, jane(), email='jdoe@example.com', name='Jane Roe')
    assert 'diff' not in user_result(plan, check_mode=True, diff_mode=False)


def test_check_mode_create_returns_the_predicted_record():
    plan = plan_user(ACCOUNT, None, email='jdoe@example.com', name='Jane Doe')
    result = user_result(plan, check_mode=True, diff_mode=True)
    assert result['changed'] is True
    assert result['user'] == predicted_new_user('jdoe@example.com', 'Jane Doe')
    assert result['diff'] == {'before': {}, 'after': result['user']}


def test_real_create_returns_the_record_the_api_answered():
    plan = plan_user(ACCOUNT, None, email='jdoe@example.com', name='Jane Doe')
    answer = jane(extra_field='not reported')
    result = user_result(plan, sent=answer, diff_mode=True)
    assert result['user']['id'] == JANE_ID
    assert 'extra_field' not in result['user']
    assert result['diff']['after'] == result['user']


def test_delete_returns_an_empty_user_and_the_whole_record_as_before():
    plan = plan_user(ACCOUNT, jane(), state='absent', user_id=JANE_ID)
    result = user_result(plan, diff_mode=True)
    assert result == {'changed': True, 'user': {}, 'diff': {'before': plan['before'], 'after': {}}}
    assert result['diff']['before']['id'] == JANE_ID


# --- the runner against the fake client -----------------------------------------------------

def test_create_in_check_mode_sends_nothing():
    client = FakeClient()
    result = run(client, check_mode=True, email='jdoe@example.com', name='Jane Doe')
    assert result['changed'] is True
    assert client.writes == []
    assert 'id' not in result['user']


def test_create_posts_email_and_name_then_is_idempotent():
    client = FakeClient()
    result = run(client, email='jdoe@example.com', name='Jane Doe')
    assert result['changed'] is True
    assert client.writes == [('POST', '/accounts/%s/access/users' % ACCOUNT, None,
                              {'email': 'jdoe@example.com', 'name': 'Jane Doe'})]
    assert result['user']['id'] in client.users
    client.calls = []
    again = run(client, email='JDoe@Example.COM', name='Jane Doe')
    assert again['changed'] is False and client.writes == []
    assert again['user'] == result['user']


def test_create_without_name_posts_only_the_email():
    client = FakeClient()
    run(client, email='jdoe@example.com')
    assert client.writes[0][3] == {'email': 'jdoe@example.com'}


def test_check_mode_create_predicts_what_the_real_run_returns():
    predicted = run(FakeClient(), check_mode=True, email='jdoe@example.com', name='Jane Doe')['user']
    real = run(FakeClient(), email='jdoe@example.com', name='Jane Doe')['user']
    assert dict((key, real[key]) for key in predicted) == predicted


def test_rename_in_check_mode_sends_nothing():
    client = FakeClient([jane()])
    result = run(client, check_mode=True, diff=True, email='jdoe@example.com', name='Jane Roe')
    assert result['changed'] is True
    assert client.writes == []
    assert result['user']['name'] == 'Jane Roe'
    assert client.users[JANE_ID]['name'] == 'Jane Doe'


def test_rename_by_id_puts_the_stored_email_and_the_new_name():
    client = FakeClient([jane()])
    result = run(client, user_id=JANE_ID.upper(), email='JDOE@example.com', name='Jane Roe')
    assert client.writes == [('PUT', '/accounts/%s/access/users/%s' % (ACCOUNT, JANE_ID), None,
                              {'email': 'jdoe@example.com', 'name': 'Jane Roe'})]
    assert result['changed'] is True and result['user']['name'] == 'Jane Roe'


def test_rename_by_id_reads_one_user_and_not_the_list():
    client = FakeClient([jane()])
    run(client, user_id=JANE_ID, name='Jane Roe')
    assert [call[0] for call in client.calls] == ['GET', 'PUT']
    assert client.calls[0][1].endswith('/access/users/' + JANE_ID)


def test_same_name_sends_no_write():
    client = FakeClient([jane()])
    result = run(client, email='jdoe@example.com', name='Jane Doe')
    assert result['changed'] is False and client.writes == []


def test_email_mismatch_writes_nothing():
    client = FakeClient([jane()])
    with pytest.raises(ConfigError, match='does not match'):
        run(client, user_id=JANE_ID, email='other@example.com', name='Jane Roe')
    assert client.writes == []


def test_email_filter_substring_match_is_not_taken_for_the_user():
    # The fake's filter, like the emulator's, returns ajdoe@example.com for jdoe@example.com.
    client = FakeClient([jane(email='ajdoe@example.com')])
    result = run(client, check_mode=True, email='jdoe@example.com', name='Jane Doe')
    assert result['changed'] is True and 'id' not in result['user']


def test_unknown_id_fails_naming_the_id_and_the_account_and_writes_nothing():
    client = FakeClient([jane()])
    with pytest.raises(ConfigError) as exc:
        run(client, user_id=JOHN_ID, name='John')
    assert JOHN_ID in str(exc.value) and ACCOUNT in str(exc.value)
    assert client.writes == []


def test_delete_in_check_mode_sends_nothing_then_deletes_then_is_idempotent():
    client = FakeClient([jane()])
    checked = run(client, check_mode=True, diff=True, email='jdoe@example.com', state='absent')
    assert checked['changed'] is True and client.writes == []
    real = run(client, diff=True, email='jdoe@example.com', state='absent')
    assert real == checked
    assert client.writes == [('DELETE', '/accounts/%s/access/users/%s' % (ACCOUNT, JANE_ID), None, None)]
    client.calls = []
    again = run(client, email='jdoe@example.com', state='absent')
    assert again == {'changed': False, 'user': {}} and client.writes == []


def test_the_result_never_holds_the_credential():
    client = FakeClient([jane()])
    for params in ({'email': 'jdoe@example.com', 'name': 'Jane Roe'}, {'email': 'new@example.com'},
                   {'user_id': JANE_ID, 'state': 'absent'}):
        result = run(client, diff=True, **params)
        assert TOKEN not in json.dumps(result)
