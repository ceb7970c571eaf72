# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# What the inactivity rule says of each record, word for word: its activity, its evidence, its warnings.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from datetime import datetime, timedelta, timezone

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import Policy, activity, evidence, inactive

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)
CREATED = '2024-02-01T00:00:00Z'
LOGIN = '2026-06-01T12:00:00Z'
RECORD = {'id': '00000000-0000-0000-0000-000000000001', 'email': 'ada@example.com', 'access_seat': True,
          'gateway_seat': False, 'created_at': CREATED}


def record(**fields):
    found = dict(RECORD)
    found.update(fields)
    return found


def test_the_policy_counts_from_created_at_by_default():
    policy = Policy(30)
    assert (policy.days, policy.seats, policy.never_logged_in, policy.exempt) == (30, 'any', 'created_at', [])


def test_an_empty_login_is_no_login_measured_from_created_at():
    act = activity(record(last_successful_login=''), NOW)
    assert (act.since, act.never, act.problem) == (datetime(2024, 2, 1, tzinfo=timezone.utc), True, None)
    assert act.elapsed == (NOW - act.since).total_seconds()


def test_a_login_is_the_start_of_the_inactivity():
    act = activity(record(last_successful_login=LOGIN), NOW)
    assert (act.since, act.never, act.problem, act.days) == (datetime(2026, 6, 1, 12, tzinfo=timezone.utc), False, None, 183)


def test_an_unreadable_created_at_without_a_login_says_so_word_for_word():
    act = activity(record(created_at='yesterday'), NOW)
    assert (act.since, act.never, act.elapsed) == (None, True, None)
    assert act.problem == "it never logged in and its created_at 'yesterday' cannot be read"


def test_the_evidence_names_the_login_or_the_creation():
    logged_in = record(last_successful_login=LOGIN)
    assert evidence(logged_in, activity(logged_in, NOW)) == {
        'days_inactive': 183, 'never_logged_in': False, 'last_successful_login': LOGIN}
    never = record(last_successful_login=None)
    assert evidence(never, activity(never, NOW)) == {
        'days_inactive': 1034, 'never_logged_in': True, 'last_successful_login': None, 'created_at': CREATED}


def test_a_login_at_this_very_moment_is_not_in_the_future():
    now = record(last_successful_login='2026-12-01T12:00:00Z')
    assert inactive(now, Policy(1), NOW) == (None, None)
    half_a_second_ago = record(last_successful_login='2026-12-01T11:59:59.5Z')
    assert inactive(half_a_second_ago, Policy(1), NOW) == (None, None)


def test_a_login_or_a_creation_in_the_future_is_named_word_for_word():
    future = (NOW + timedelta(days=2)).strftime('%Y-%m-%dT%H:%M:%SZ')
    assert inactive(record(last_successful_login=future), Policy(1), NOW) == (None, (
        'user ada@example.com (id 00000000-0000-0000-0000-000000000001): its last_successful_login %s is in the future, '
        'so its seat is not released for inactivity' % future))
    assert inactive(record(created_at=future), Policy(1), NOW) == (None, (
        'user ada@example.com (id 00000000-0000-0000-0000-000000000001): its created_at %s is in the future, '
        'so its seat is not released for inactivity' % future))
