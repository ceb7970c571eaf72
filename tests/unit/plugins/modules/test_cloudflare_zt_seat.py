# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_seat end to end inside one process: the module's main() with the real client,
# over a fake requests session that plays the users and seats endpoints and counts requests.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import uuid

import pytest

from ansible.module_utils.testing import patch_module_args

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _api
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._seats import LOOKUP_THRESHOLD
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
BASE = 'https://api.example.test/client/v4'
USERS_PATH = '/accounts/%s/access/users' % ACCOUNT
SEATS_PATH = '/accounts/%s/access/seats' % ACCOUNT


def make_user(n, access=False, gateway=False):
    return {
        'id': str(uuid.UUID(int=n + 1)),
        'uid': str(uuid.UUID(int=n + 7)),
        'seat_uid': str(uuid.UUID(int=(n + 1) << 64)),
        'email': 'user%04d@example.com' % n,
        'name': 'User %d' % n,
        'access_seat': access,
        'gateway_seat': gateway,
        'active_device_count': 0,
    }


class FakeResponse(object):
    def __init__(self, status, body):
        self.status_code = status
        self.headers = {'Content-Type': 'application/json'}
        self._body = body
        self.text = json.dumps(body)

    def json(self):
        return json.loads(self.text)


class FakeAPI(object):
    """Users and seats as Cloudflare holds them; the email filter matches substrings, like the emulator."""

    def __init__(self, users, patch_status=200):
        self.users = users
        self.log = []
        self.patch_status = patch_status

    def envelope(self, result, status=200, result_info=None):
        body = {'success': status < 400, 'errors': [] if status < 400 else [{'code': 7003, 'message': 'nope'}],
                'messages': [], 'result': result}
        if result_info:
            body['result_info'] = result_info
        return FakeResponse(status, body)

    def handle(self, method, url, params=None, json=None, **_kwargs):
        path = url[len(BASE):]
        self.log.append((method, path, dict(params or {}), json))
        if method == 'GET' and path == USERS_PATH:
            found = [u for u in self.users if (params.get('email') or '').lower() in u['email'].lower()]
            page, per_page = int(params.get('page', 1)), int(params.get('per_page', 1000))
            chunk = found[(page - 1) * per_page:page * per_page]
            pages = max(1, -(-len(found) // per_page))
            return self.envelope(chunk, result_info={'page': page, 'per_page': per_page, 'count': len(chunk),
                                                     'total_count': len(found), 'total_pages': pages})
        if method == 'GET' and path.startswith(USERS_PATH + '/'):
            user_id = path.rsplit('/', 1)[1]
            for user in self.users:
                if user['id'] == user_id:
                    return self.envelope(dict(user))
            return self.envelope(None, status=404)
        if method == 'PATCH' and path == SEATS_PATH:
            if self.patch_status != 200:
                return self.envelope(None, status=self.patch_status)
            by_seat = dict((u['seat_uid'], u) for u in self.users)
            for seat in json:
                by_seat[seat['seat_uid']]['access_seat'] = seat['access_seat']
                by_seat[seat['seat_uid']]['gateway_seat'] = seat['gateway_seat']
            return self.envelope([dict(seat) for seat in json])
        raise AssertionError('unexpected request %s %s' % (method, path))

    def count(self, method):
        return sum(1 for entry in self.log if entry[0] == method)

    def patches(self):
        return [entry[3] for entry in self.log if entry[0] == 'PATCH']

    def flags(self):
        return dict((u['email'], (u['access_seat'], u['gateway_seat'])) for u in self.users)


@pytest.fixture
def api(monkeypatch):
    holder = FakeAPI([])

    class FakeSession(object):
        def __init__(self):
            self.headers = {}

        def request(self, method, url, **kwargs):
            return holder.handle(method, url, **kwargs)

    monkeypatch.setattr(_api.requests, 'Session', FakeSession)
    return holder


def run(args, capsys, check_mode=False, diff=False):
    full = dict(api_token='t0ken', account_id=ACCOUNT, api_base_url=BASE, _ansible_check_mode=check_mode,
                _ansible_diff=diff)
    full.update(args)
    with patch_module_args(full):
        with pytest.raises(SystemExit):
            cloudflare_zt_seat.main()
    return json.loads(capsys.readouterr().out)


# --- single form ---------------------------------------------------------------------------


def test_release_one_leaver_by_email_costs_one_get_and_one_patch(api, capsys):
    api.users[:] = [make_user(i, True, True) for i in range(3000)]
    result = run({'email': 'USER0042@example.com', 'access_seat': False, 'gateway_seat': False}, capsys)
    assert result['changed'] is True
    assert result['seats'] == [{'seat_uid': api.users[42]['seat_uid'], 'user_id': api.users[42]['id'],
                                'email': 'user0042@example.com', 'access_seat': False, 'gateway_seat': False}]
    assert result['summary'] == {'addressed': 1, 'changed': 1, 'released': 1}
    assert (api.count('GET'), api.count('PATCH')) == (1, 1)
    assert api.patches() == [[{'seat_uid': api.users[42]['seat_uid'], 'access_seat': False, 'gateway_seat': False}]]


def test_email_filter_matching_substrings_does_not_pick_the_wrong_user(api, capsys):
    api.users[:] = [make_user(0), make_user(1)]
    api.users[0]['email'] = 'xbob@example.com'
    api.users[1]['email'] = 'bob@example.com'
    result = run({'email': 'bob@example.com', 'access_seat': True}, capsys)
    assert result['seats'][0]['user_id'] == api.users[1]['id']
    assert api.flags()['xbob@example.com'] == (False, False)


def test_one_flag_by_user_id_keeps_the_other(api, capsys):
    api.users[:] = [make_user(0, True, True)]
    result = run({'user_id': api.users[0]['id'], 'gateway_seat': False}, capsys)
    assert api.patches() == [[{'seat_uid': api.users[0]['seat_uid'], 'access_seat': True, 'gateway_seat': False}]]
    assert result['summary']['released'] == 0
    assert (api.count('GET'), api.count('PATCH')) == (1, 1)


def test_by_seat_uid_lists_the_account(api, capsys):
    api.users[:] = [make_user(i) for i in range(2500)]
    result = run({'seat_uid': api.users[2400]['seat_uid'], 'access_seat': True}, capsys)
    assert result['changed'] is True
    assert (api.count('GET'), api.count('PATCH')) == (3, 1)


def test_single_form_unchanged_returns_the_seat_and_sends_no_patch(api, capsys):
    api.users[:] = [make_user(0, access=True)]
    result = run({'email': api.users[0]['email'], 'access_seat': True}, capsys)
    assert result['changed'] is False
    assert result['seats'][0]['access_seat'] is True
    assert api.count('PATCH') == 0


def test_unknown_user_id_fails_without_writing(api, capsys):
    api.users[:] = [make_user(0)]
    result = run({'user_id': str(uuid.UUID(int=12345)), 'access_seat': True}, capsys)
    assert result['failed'] is True
    assert 'no user has this id' in result['msg'] and 'nothing was written' in result['msg']
    assert api.count('PATCH') == 0


def test_single_form_and_seats_are_mutually_exclusive(api, capsys):
    result = run({'email': 'a@example.com', 'access_seat': True, 'seats': [{'email': 'b@example.com'}]}, capsys)
    assert result['failed'] is True and 'mutually exclusive' in result['msg']
    assert api.log == []


# --- bulk form ------------------------------------------------------------------------------


def bulk(users, start, stop, **flags):
    return [dict(email=u['email'], **flags) for u in users[start:stop]]


def test_bulk_lists_once_and_patches_only_the_seats_that_change(api, capsys):
    api.users[:] = [make_user(i, access=i < 1000) for i in range(2500)]
    result = run({'seats': bulk(api.users, 0, 1500, access_seat=True)}, capsys)
    assert (api.count('GET'), api.count('PATCH')) == (3, 1)
    assert sorted(s['seat_uid'] for s in api.patches()[0]) == sorted(u['seat_uid'] for u in api.users[1000:1500])
    assert result['summary'] == {'addressed': 1500, 'changed': 500, 'released': 0}
    assert len(result['seats']) == 500


def test_check_mode_predicts_the_real_result_and_sends_no_patch(api, capsys):
    api.users[:] = [make_user(i, access=i % 3 == 0, gateway=True) for i in range(30)]
    args = {'seats': bulk(api.users, 0, 20, access_seat=True, gateway_seat=False)}
    predicted = run(args, capsys, check_mode=True, diff=True)
    assert api.count('PATCH') == 0
    real = run(args, capsys, diff=True)
    assert api.count('PATCH') == 1
    for key in ('changed', 'seats', 'summary', 'diff'):
        assert predicted[key] == real[key]
    assert [s['email'] for s in real['diff']['before']['seats']] == sorted(s['email'] for s in real['diff']['before']['seats'])


def test_second_run_changes_nothing_and_sends_no_write(api, capsys):
    api.users[:] = [make_user(i) for i in range(12)]
    args = {'seats': bulk(api.users, 0, 12, gateway_seat=True)}
    assert run(args, capsys)['changed'] is True
    api.log[:] = []
    again = run(args, capsys)
    assert again['changed'] is False and again['seats'] == []
    assert again['summary'] == {'addressed': 12, 'changed': 0, 'released': 0}
    assert api.count('PATCH') == 0


def test_a_few_emails_are_looked_up_one_by_one(api, capsys):
    api.users[:] = [make_user(i) for i in range(5000)]
    run({'seats': bulk(api.users, 0, LOOKUP_THRESHOLD, access_seat=True)}, capsys)
    assert api.count('GET') == LOOKUP_THRESHOLD
    assert all(entry[2].get('email') for entry in api.log if entry[0] == 'GET')


def test_unknown_email_in_a_bulk_list_fails_naming_it_and_writes_nothing(api, capsys):
    api.users[:] = [make_user(i) for i in range(10)]
    seats = bulk(api.users, 0, 10, access_seat=True)
    seats.insert(4, {'email': 'ghost@example.com', 'access_seat': True})
    result = run({'seats': seats}, capsys)
    assert result['failed'] is True
    assert "seats[4] (email 'ghost@example.com'): no user has this email" in result['msg']
    assert api.count('PATCH') == 0
    assert all(flags == (False, False) for flags in api.flags().values())


def test_bad_items_fail_before_any_request(api, capsys):
    result = run({'seats': [{'email': 'ok@example.com'}, {'email': 'bad'}, {'user_id': 'nope'}, {}]}, capsys)
    assert result['failed'] is True
    for label in ('seats[1]', 'seats[2]', 'seats[3]'):
        assert label in result['msg']
    assert 'seats[0]' not in result['msg']
    assert api.log == []


def test_exclusive_releases_the_unlisted_holders(api, capsys):
    api.users[:] = [make_user(i, access=True, gateway=i % 2 == 0) for i in range(8)]
    args = {'seats': [{'email': api.users[0]['email']}, {'email': api.users[1]['email'], 'access_seat': False}],
            'exclusive': True}
    predicted = run(args, capsys, check_mode=True)
    assert api.count('PATCH') == 0
    real = run(args, capsys)
    assert predicted == real
    assert real['summary'] == {'addressed': 2, 'changed': 7, 'released': 7}
    assert [e for e, f in sorted(api.flags().items()) if f != (False, False)] == [api.users[0]['email']]


def test_exclusive_with_empty_seats_is_refused_without_allow_release_all(api, capsys):
    api.users[:] = [make_user(0, True)]
    result = run({'seats': [], 'exclusive': True}, capsys)
    assert result['failed'] is True and 'allow_release_all' in result['msg']
    assert api.log == []
    result = run({'seats': [], 'exclusive': True, 'allow_release_all': True}, capsys)
    assert result['changed'] is True and result['summary']['released'] == 1


def test_empty_seats_without_exclusive_sends_nothing(api, capsys):
    result = run({'seats': []}, capsys)
    assert result['changed'] is False and api.log == []


def test_a_failed_patch_says_it_was_the_only_write(api, capsys):
    api.users[:] = [make_user(0)]
    api.patch_status = 400
    result = run({'email': api.users[0]['email'], 'access_seat': True, 'max_retry_wait': 0}, capsys)
    assert result['failed'] is True
    assert result['msg'].startswith('The PATCH of 1 seat failed (the only write of this task): ')
    assert '7003' in result['msg']
    assert result['failure']['method'] == 'PATCH'
