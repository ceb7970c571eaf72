# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The decisions of cloudflare_zt_user_info: validation, the filters sent to the API, the exact
# filters applied by the module, and the runner against a fake client (no HTTP).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._api import CloudflareNotFoundError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import ConfigError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._users import (
    filter_users,
    info_record,
    list_filters,
    run_user_info,
    seat_matches,
    validate_info_options,
)

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'


def user(number, email=None, name=None, access=False, gateway=False):
    return {
        'id': '00000000-0000-4000-8000-%012d' % number,
        'seat_uid': '11111111-0000-4000-8000-%012d' % number,
        'email': email or 'user%d@example.com' % number,
        'name': name if name is not None else 'User %d' % number,
        'access_seat': access,
        'gateway_seat': gateway,
    }


NOBODY = user(1)
ACCESS_ONLY = user(2, access=True)
GATEWAY_ONLY = user(3, gateway=True)
BOTH = user(4, access=True, gateway=True)
EVERYONE = [NOBODY, ACCESS_ONLY, GATEWAY_ONLY, BOTH]


def params(**changes):
    base = {'user_id': None, 'email': None, 'name': None, 'search': None, 'seat': None}
    base.update(changes)
    return base


class FakeClient(object):
    def __init__(self, users=()):
        self.account_id = ACCOUNT
        self.users = list(users)
        self.calls = []

    def account_path(self, *parts):
        return '/'.join(['/accounts', self.account_id] + list(parts))

    def paginate(self, path, params=None, keep=None):
        self.calls.append(('LIST', path, dict(params or {})))
        # Like the emulator: substring filters, without letter case.
        found = self.users
        for key in ('email', 'name'):
            if (params or {}).get(key):
                found = [u for u in found if params[key].lower() in u[key].lower()]
        return [dict(u) for u in found]

    def result(self, method, path, params=None, body=None, expect=(dict,)):
        self.calls.append((method, path, params))
        assert method == 'GET'
        user_id = path.rsplit('/', 1)[1]
        for item in self.users:
            if item['id'] == user_id:
                return dict(item)
        raise CloudflareNotFoundError('HTTP 404', status=404)


class FakeModule(object):
    def __init__(self, check_mode=False, **changes):
        self.params = params(**changes)
        self.check_mode = check_mode
        self._diff = False


def run(client, check_mode=False, **changes):
    return run_user_info(FakeModule(check_mode=check_mode, **changes), client)


# --- seat filter ----------------------------------------------------------------------------

@pytest.mark.parametrize('seat, expected', [
    (None, [NOBODY, ACCESS_ONLY, GATEWAY_ONLY, BOTH]),
    ('access', [ACCESS_ONLY, BOTH]),
    ('gateway', [GATEWAY_ONLY, BOTH]),
    ('any', [ACCESS_ONLY, GATEWAY_ONLY, BOTH]),
    ('none', [NOBODY]),
])
def test_seat_filter_keeps_the_users_holding_those_seats(seat, expected):
    assert [u for u in EVERYONE if seat_matches(u, seat)] == expected


def test_a_user_without_seat_flags_holds_no_seat():
    assert seat_matches({'id': 'x'}, 'none') and not seat_matches({'id': 'x'}, 'any')


def test_unknown_seat_filter_is_a_bug():
    with pytest.raises(ValueError):
        seat_matches(NOBODY, 'both')


# --- exact filters --------------------------------------------------------------------------

def test_email_filter_is_exact_and_ignores_letter_case():
    users = [user(1, email='jdoe@example.com'), user(2, email='ajdoe@example.com'), user(3, email='jdoe@example.co')]
    assert filter_users(users, email='JDoe@Example.COM') == [users[0]]


def test_name_filter_is_exact_and_case_sensitive():
    users = [user(1, name='Jane Doe'), user(2, name='jane doe'), user(3, name='Jane Doe Jr')]
    assert filter_users(users, name='Jane Doe') == [users[0]]


def test_user_id_filter_ignores_letter_case():
    assert filter_users(EVERYONE, user_id=BOTH['id'].upper()) == [BOTH]


def test_filters_combine():
    users = [user(1, name='Ops', access=True), user(2, name='Ops'), user(3, name='Dev', access=True)]
    assert filter_users(users, name='Ops', seat='access') == [users[0]]


def test_no_filter_keeps_every_user_in_order():
    assert filter_users(EVERYONE) == EVERYONE


def test_only_email_name_and_search_are_sent_to_the_api():
    assert list_filters(params(email='a@example.com', name='A', search='x', seat='any')) == {
        'email': 'a@example.com', 'name': 'A', 'search': 'x'}
    assert list_filters(params(seat='none')) == {}


def test_reported_records_always_carry_both_seat_flags_and_sorted_keys():
    record = info_record({'id': 'x', 'email': 'a@example.com', 'unknown': 1})
    assert record == {'access_seat': False, 'email': 'a@example.com', 'gateway_seat': False, 'id': 'x'}
    assert list(record) == sorted(record)


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize('changes, fragment', [
    ({'user_id': 'nope'}, 'user_id must be a UUID'),
    ({'email': 'nope'}, 'email must be an e-mail address'),
    ({'name': ''}, 'name must not be empty'),
    ({'search': ' '}, 'search must not be empty'),
])
def test_bad_filters_are_refused_before_any_request(changes, fragment):
    with pytest.raises(ConfigError, match=fragment):
        validate_info_options(params(**changes))
    client = FakeClient(EVERYONE)
    with pytest.raises(ConfigError):
        run(client, **changes)
    assert client.calls == []


# --- the runner -----------------------------------------------------------------------------

def test_user_id_reads_one_user_with_one_get():
    client = FakeClient(EVERYONE)
    result = run(client, user_id=BOTH['id'].upper())
    assert result == {'changed': False, 'users': [info_record(BOTH)]}
    assert client.calls == [('GET', '/accounts/%s/access/users/%s' % (ACCOUNT, BOTH['id']), None)]


def test_unknown_user_id_is_an_empty_list_not_a_failure():
    result = run(FakeClient(EVERYONE), user_id='99999999-0000-4000-8000-000000000000')
    assert result == {'changed': False, 'users': []}


def test_user_id_with_a_seat_filter_that_does_not_hold_is_an_empty_list():
    assert run(FakeClient(EVERYONE), user_id=NOBODY['id'], seat='any')['users'] == []


def test_email_filter_is_sent_and_matched_exactly():
    users = [user(1, email='jdoe@example.com'), user(2, email='ajdoe@example.com')]
    client = FakeClient(users)
    result = run(client, email='JDOE@example.com')
    assert [u['email'] for u in result['users']] == ['jdoe@example.com']
    assert client.calls == [('LIST', '/accounts/%s/access/users' % ACCOUNT, {'email': 'JDOE@example.com'})]


def test_search_is_passed_through_and_not_refiltered():
    client = FakeClient(EVERYONE)
    run(client, search='user')
    assert client.calls[0][2] == {'search': 'user'}


def test_check_mode_reads_the_same_and_changes_nothing():
    assert run(FakeClient(EVERYONE), check_mode=True, seat='gateway') == run(FakeClient(EVERYONE), seat='gateway')
    assert run(FakeClient(EVERYONE), check_mode=True)['changed'] is False


def test_seat_none_lists_only_users_without_seats():
    result = run(FakeClient(EVERYONE), seat='none')
    assert [u['id'] for u in result['users']] == [NOBODY['id']]
