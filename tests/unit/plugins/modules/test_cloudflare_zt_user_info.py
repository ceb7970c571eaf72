# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# cloudflare_zt_user_info through main() with the real client, over the shared fake API (emulated_api.py):
# the filters sent to the API, the exact filters applied by the module, the records reported.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.user_info import filter_users, info_record, seat_matches
from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_user_info
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import (
    USERS_PATH,
    make_user,
    run_module,
)

NOBODY = make_user(1)
ACCESS_ONLY = make_user(2, access=True)
GATEWAY_ONLY = make_user(3, gateway=True)
BOTH = make_user(4, access=True, gateway=True)
EVERYONE = [NOBODY, ACCESS_ONLY, GATEWAY_ONLY, BOTH]


def run(args, check_mode=False):
    result = run_module(cloudflare_zt_user_info, args, check_mode=check_mode)
    result.pop('invocation', None)
    return result


@pytest.fixture
def everyone(api):
    api.users[:] = [dict(u) for u in EVERYONE]
    return api


# --- seat filter ----------------------------------------------------------------------------

@pytest.mark.parametrize('seat, expected', [
    (None, EVERYONE),
    ('access', [ACCESS_ONLY, BOTH]),
    ('gateway', [GATEWAY_ONLY, BOTH]),
    ('any', [ACCESS_ONLY, GATEWAY_ONLY, BOTH]),
    ('none', [NOBODY]),
])
def test_seat_filter_keeps_the_users_holding_those_seats(everyone, seat, expected):
    assert [u for u in EVERYONE if seat_matches(u, seat)] == expected
    result = run({'seat': seat})
    assert [u['id'] for u in result['users']] == [u['id'] for u in expected]
    assert everyone.requests('GET')[0].params == {'page': 1, 'per_page': 1000}


def test_a_user_without_seat_flags_holds_no_seat():
    assert seat_matches({'id': 'x'}, 'none') and not seat_matches({'id': 'x'}, 'any')


def test_unknown_seat_filter_is_a_bug():
    with pytest.raises(KeyError):
        seat_matches(NOBODY, 'both')


# --- exact filters --------------------------------------------------------------------------

def test_email_filter_is_sent_and_matched_exactly_without_letter_case(api):
    api.users[:] = [make_user(1, email='jdoe@example.com'), make_user(2, email='ajdoe@example.com'),
                    make_user(3, email='jdoe@example.co')]
    result = run({'email': 'JDoe@Example.COM'})
    assert [u['email'] for u in result['users']] == ['jdoe@example.com']
    assert [(r.path, r.params) for r in api.log] == [(USERS_PATH, {'email': 'JDoe@Example.COM', 'page': 1, 'per_page': 1000})]


def test_name_filter_is_exact_and_case_sensitive(api):
    api.users[:] = [make_user(1, name='Jane Doe'), make_user(2, name='jane doe'), make_user(3, name='Jane Doe Jr')]
    assert [u['id'] for u in run({'name': 'Jane Doe'})['users']] == [api.users[0]['id']]


def test_filters_combine(api):
    api.users[:] = [make_user(1, name='Ops', access=True), make_user(2, name='Ops'), make_user(3, name='Dev', access=True)]
    assert [u['id'] for u in run({'name': 'Ops', 'seat': 'access'})['users']] == [api.users[0]['id']]


def test_user_id_filter_ignores_letter_case():
    assert filter_users(EVERYONE, user_id=BOTH['id'].upper()) == [BOTH]


def test_search_is_passed_through_and_not_refiltered(everyone):
    result = run({'search': 'USER000'})
    assert everyone.log[0].params == {'search': 'USER000', 'page': 1, 'per_page': 1000}
    assert len(result['users']) == 4


def test_a_large_account_is_read_one_get_per_1000_users(api):
    api.users[:] = [make_user(i) for i in range(2001)]
    result = run({})
    assert api.count('GET') == 3 and len(result['users']) == 2001


# --- what is reported -----------------------------------------------------------------------

def test_reported_records_hold_only_the_documented_fields_with_both_seat_flags_and_sorted_keys(api):
    # The listing is reduced as it arrives (paginate's keep=info_record): unknown fields never reach the result.
    api.lists([{'id': NOBODY['id'], 'email': 'a@example.com', 'unknown': 1, 'policies': ['x']}])
    result = run({})
    # A record without timestamps: never logged in, and its days cannot be read.
    assert result['users'] == [{'access_seat': False, 'days_inactive': None, 'email': 'a@example.com', 'gateway_seat': False,
                                'id': NOBODY['id'], 'never_logged_in': True}]
    assert list(result['users'][0]) == sorted(result['users'][0])
    assert info_record('not a record') is None


def test_a_listed_entry_that_is_not_an_object_is_left_out(api):
    api.lists([dict(NOBODY), 'garbage', 7])
    assert [u['id'] for u in run({})['users']] == [NOBODY['id']]


# The emulator's answers carry its Date, on the same clock as the test's: days_inactive is judged on it.
SAME_CLOCK = {'source': 'cloudflare', 'skew_seconds': 0}


def test_user_id_reads_one_user_with_one_get(everyone):
    result = run({'user_id': BOTH['id'].upper()})
    assert result == {'changed': False, 'users': [info_record(BOTH)], 'clock': SAME_CLOCK}
    assert [(r.method, r.path, r.params) for r in everyone.log] == [('GET', '%s/%s' % (USERS_PATH, BOTH['id']), {})]


def test_unknown_user_id_is_an_empty_list_not_a_failure(everyone):
    assert run({'user_id': '99999999-0000-4000-8000-000000000000'}) == {'changed': False, 'users': [], 'clock': SAME_CLOCK}


def test_user_id_with_a_seat_filter_that_does_not_hold_is_an_empty_list(everyone):
    assert run({'user_id': NOBODY['id'], 'seat': 'any'})['users'] == []


# --- validation -----------------------------------------------------------------------------

@pytest.mark.parametrize('args, fragment', [
    ({'user_id': 'nope'}, "user_id 'nope' is not a UUID"),
    ({'email': 'nope'}, "email 'nope' is not an e-mail address"),
    ({'name': ''}, 'name must not be empty'),
    ({'search': ' '}, 'search must not be empty'),
])
def test_bad_filters_are_refused_before_any_request(everyone, args, fragment):
    result = run(args)
    assert result['failed'] is True and fragment in result['msg']
    assert everyone.log == []


# --- check mode -----------------------------------------------------------------------------

def test_check_mode_reads_the_account_and_reports_the_same_users(everyone):
    # Can fail: a module without check-mode support is skipped by ansible-core (no read, no users).
    checked = run({'seat': 'gateway'}, check_mode=True)
    assert everyone.count('GET') == 1
    assert checked == run({'seat': 'gateway'})
    assert [u['id'] for u in checked['users']] == [GATEWAY_ONLY['id'], BOTH['id']]
    assert 'skipped' not in checked and checked['changed'] is False
    assert everyone.writes == []


def _ago(days):
    from datetime import datetime, timedelta, timezone
    return (datetime.now(timezone.utc) - timedelta(days=days)).strftime('%Y-%m-%dT%H:%M:%SZ')


@pytest.mark.parametrize('record, days, never_logged_in, expected', [
    ({'days_inactive': None, 'never_logged_in': False}, 1, None, False),
    ({'days_inactive': 30, 'never_logged_in': False}, 30, None, True),
    ({'days_inactive': 29, 'never_logged_in': False}, 30, None, False),
    ({'days_inactive': 400, 'never_logged_in': True}, 30, 'keep', False),
    ({'days_inactive': 400, 'never_logged_in': True}, 30, 'created_at', True),
    ({'days_inactive': 400, 'never_logged_in': True}, 30, None, True),
])
def test_inactive_for_is_the_rule_of_release_inactive(record, days, never_logged_in, expected):
    from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.user_info import inactive_for
    assert inactive_for(record, days, never_logged_in) is expected


def test_inactive_days_keeps_the_users_inactive_that_long(api):
    recent, old, never = make_user(1), make_user(2), make_user(3)
    recent['last_successful_login'] = _ago(2)
    old['last_successful_login'] = _ago(400)
    never['last_successful_login'] = None
    never['created_at'] = _ago(400)
    api.users[:] = [recent, old, never]
    emails = [u['email'] for u in run({'inactive_days': 30})['users']]
    assert emails == [old['email'], never['email']]
    emails = [u['email'] for u in run({'inactive_days': 30, 'never_logged_in': 'keep'})['users']]
    assert emails == [old['email']]
    assert [u['email'] for u in run({'inactive_days': 3})['users']] == [old['email'], never['email']]
    assert [u['email'] for u in run({'inactive_days': 1})['users']] == [recent['email'], old['email'], never['email']]
    assert [u['email'] for u in run({'inactive_days': 1, 'user_id': old['id']})['users']] == [old['email']]
    assert run({'inactive_days': 1000, 'user_id': old['id']})['users'] == []


# --- the rate-limit ledger (api/ledger.py) -----------------------------------------------------

def test_the_task_writes_its_requests_in_the_ledger_of_the_option_and_warns_when_it_cannot(everyone, tmp_path, monkeypatch):
    # An empty option turns the ledger off, without a word, whatever the environment says.
    monkeypatch.setenv('CLOUDFLARE_OPS_RATE_LIMIT_LEDGER', str(tmp_path / 'a-file'))
    assert 'warnings' not in run({'rate_limit_ledger': ''})
    result = run({'rate_limit_ledger': str(tmp_path / 'ledgers')})
    assert len(result['users']) == 4 and 'warnings' not in result
    (ledger,) = (tmp_path / 'ledgers').iterdir()
    assert len(json.loads(ledger.read_text())['sends']) == 1
    # The environment variable names the directory when the option does not; one that cannot be used is named.
    (tmp_path / 'a-file').write_text('')
    result = run({})
    assert len(result['users']) == 4
    # ansible-core 2.19 and later return each warning as an event.
    warnings = [w['event']['msg'] if isinstance(w, dict) else w for w in result['warnings']]
    assert warnings == ['The rate-limit ledger cannot be kept in %s (not a directory): this task paces itself on '
                        "Cloudflare's Ratelimit headers alone, and cannot count what other tasks on this host have in "
                        'flight. Set rate_limit_ledger to a private directory, or to an empty string to turn the ledger '
                        'off' % (tmp_path / 'a-file')]
