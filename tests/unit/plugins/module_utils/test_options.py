# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The option surface shared by the modules: the connection argument spec (what the doc fragment documents,
no_log on both secrets) and the messages of release_inactive's validation, word for word."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.module_utils.basic import env_fallback

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import (
    cloudflare_argument_spec,
    result_detail_argument_spec,
    revoke_argument_spec,
    seat_batch_argument_spec,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import parse_policy


def test_the_connection_argument_spec_is_the_documented_one():
    assert cloudflare_argument_spec() == dict(
        api_token=dict(type='str', no_log=True),
        api_email=dict(type='str'),
        api_key=dict(type='str', no_log=True),
        account_id=dict(type='str', fallback=(env_fallback, ['CLOUDFLARE_ACCOUNT_ID'])),
        api_base_url=dict(type='str', fallback=(env_fallback, ['CLOUDFLARE_BASE_URL']),
                          default='https://api.cloudflare.com/client/v4'),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=30),
        max_retry_wait=dict(type='float', default=330),
        rate_limit_reserve=dict(type='float', default=10.0),
        list_concurrency=dict(type='int', default=4),
        rate_limit_ledger=dict(type='path'),
    )
    assert seat_batch_argument_spec() == dict(seat_batch_size=dict(type='int', default=1000))


def test_the_revoke_and_result_detail_argument_specs_are_the_documented_ones():
    assert revoke_argument_spec() == dict(revoke_sessions=dict(type='bool', default=False),
                                          revoke_devices=dict(type='bool', default=False))
    assert result_detail_argument_spec() == dict(result_detail=dict(type='str', choices=['auto', 'full', 'summary'],
                                                                    default='auto'))


def test_a_policy_that_is_not_a_dictionary_is_named_with_its_type():
    assert parse_policy(None) == (None, [])
    assert parse_policy(30) == (None, ['release_inactive must be a dictionary with at least days, got int'])
    assert parse_policy('x', option='inactive') == (None, ['inactive must be a dictionary with at least days, got str'])


@pytest.mark.parametrize('raw, problems', [
    ({'days': 30, 'color': 1}, ["release_inactive: unsupported key color (supported: days, exempt, never_logged_in, seats)"]),
    ({'days': 30, 'b': 1, 'a': 2},
     ["release_inactive: unsupported keys a, b (supported: days, exempt, never_logged_in, seats)"]),
    ({}, ['release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), got None']),
    ({'days': 0}, ['release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), got 0']),
    ({'days': 3651}, ['release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), '
                      'got 3651']),
    ({'days': True}, ['release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), '
                      'got True']),
    ({'days': 'x'}, ["release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), "
                     "got 'x'"]),
    ({'days': 30, 'seats': 'all'}, ["release_inactive.seats must be one of any, access, gateway, both, got 'all'"]),
    ({'days': 30, 'never_logged_in': 'x'}, ["release_inactive.never_logged_in must be one of created_at, keep, got 'x'"]),
    ({'days': 30, 'exempt': 'a@example.com'}, ['release_inactive.exempt must be a list of emails or user ids, got str']),
    ({'days': 30, 'exempt': [3]}, ['release_inactive.exempt[0]: must be an email or a user id, got int']),
])
def test_each_bad_policy_is_refused_word_for_word(raw, problems):
    assert parse_policy(raw) == (None, problems)


@pytest.mark.parametrize('days', [1, 3650, ' 30 ', '30'])
def test_a_policy_takes_days_at_both_ends_and_as_digits(days):
    policy, problems = parse_policy({'days': days})
    assert problems == []
    assert policy.days == int(str(days).strip())
    assert (policy.seats, policy.never_logged_in, policy.exempt) == ('any', 'created_at', [])


def test_a_policy_keeps_what_it_was_given():
    policy, problems = parse_policy({'days': 9, 'seats': 'both', 'never_logged_in': 'keep', 'exempt': ['a@example.com']})
    assert problems == []
    assert (policy.days, policy.seats, policy.never_logged_in, policy.exempt) == (9, 'both', 'keep', ['a@example.com'])
