# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# The release_inactive policy: when a seat holder counts as inactive, pinned at its boundaries.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import RELEASE_INACTIVE as INACTIVE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import Policy, activity, inactive, parse_policy, parse_timestamp
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import Inactivity, plan_seats, plan_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import seat_summary

NOW = datetime(2026, 12, 1, 12, 0, 0, tzinfo=timezone.utc)


def stamp(moment):
    return moment.strftime('%Y-%m-%dT%H:%M:%S.%fZ')


def holder(n, login=None, created=None, access=True, gateway=False, **fields):
    record = {'id': str(uuid.UUID(int=n + 1)), 'seat_uid': str(uuid.UUID(int=(n + 1) << 64)),
              'email': 'user%02d@example.com' % n, 'access_seat': access, 'gateway_seat': gateway,
              'created_at': stamp(created or NOW - timedelta(days=1000))}
    if login is not None:
        record['last_successful_login'] = login if isinstance(login, str) else stamp(login)
    record.update(fields)
    return record


@pytest.mark.parametrize('text, expected', [
    ('2026-12-01T12:00:00Z', NOW),
    ('2026-12-01T12:00:00.5Z', NOW + timedelta(microseconds=500000)),
    ('2026-12-01T12:00:00.123456789Z', NOW + timedelta(microseconds=123456)),
    ('2026-12-01T14:00:00+02:00', NOW),
    ('2026-12-01T07:30:00-0430', NOW),
    ('2026-12-01 12:00:00', NOW),
    ('2026-12-01t12:00:00z', NOW),
])
def test_timestamps_are_read_whatever_their_fraction_or_offset(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize('text', ['yesterday', '', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', 1700000000, None,
                                  '2026-12-01T12:00:00Z trailing', '2026-12-01'])
def test_unreadable_timestamps_are_none(text):
    assert parse_timestamp(text) is None


def policy(days=30, **kwargs):
    return Policy(days, **kwargs)


def test_a_login_exactly_days_ago_counts_as_inactive_and_one_second_later_does_not():
    assert inactive(holder(0, login=NOW - timedelta(days=30)), policy(30), NOW)[0]['days_inactive'] == 30
    assert inactive(holder(0, login=NOW - timedelta(days=30) + timedelta(seconds=1)), policy(30), NOW) == (None, None)


def test_a_login_in_the_future_is_never_released_and_warned_about():
    found, warning = inactive(holder(0, login=NOW + timedelta(hours=2)), policy(1), NOW)
    assert found is None and 'is in the future' in warning and 'user00@example.com' in warning


def test_an_unreadable_login_is_named_in_a_warning_and_never_released():
    found, warning = inactive(holder(0, login='last tuesday'), policy(1), NOW)
    assert found is None
    assert warning == ("user user00@example.com (id %s): its last_successful_login 'last tuesday' cannot be read, so its "
                       "seat is not released for inactivity" % holder(0)['id'])


def test_never_logged_in_is_measured_from_created_at_or_kept():
    old = holder(0, created=NOW - timedelta(days=400))
    new = holder(1, created=NOW - timedelta(days=3))
    assert inactive(old, policy(90), NOW)[0] == {
        'days_inactive': 400, 'never_logged_in': True, 'last_successful_login': None, 'created_at': old['created_at']}
    assert inactive(new, policy(90), NOW) == (None, None)
    assert inactive(old, policy(90, never_logged_in='keep'), NOW) == (None, None)


def test_never_logged_in_with_an_unreadable_created_at_is_warned_about():
    found, warning = inactive(holder(0, created=NOW, created_at='?'), policy(1), NOW)
    assert found is None and "never logged in and its created_at '?' cannot be read" in warning


@pytest.mark.parametrize('seats, access, gateway, counted', [
    ('any', True, False, True), ('any', False, True, True), ('any', False, False, False),
    ('access', True, False, True), ('access', False, True, False),
    ('gateway', False, True, True), ('gateway', True, False, False),
    ('both', True, True, True), ('both', True, False, False), ('both', False, True, False),
])
def test_each_seat_kind_counts_its_holders(seats, access, gateway, counted):
    record = holder(0, login=NOW - timedelta(days=100), access=access, gateway=gateway)
    assert (inactive(record, policy(30, seats=seats), NOW)[0] is not None) is counted


def test_days_inactive_is_whole_days():
    assert activity(holder(0, login=NOW - timedelta(days=2, hours=23)), NOW).days == 2


@pytest.mark.parametrize('raw, fragment', [
    ({'days': 0}, 'release_inactive.days must be a whole number of days from 1 to 3650 (the inactivity window), got 0'),
    ({'days': 3651}, 'got 3651'),
    ({'days': True}, 'got True'),
    ({'days': 30, 'seats': 'all'}, 'release_inactive.seats must be one of any, access, gateway, both'),
    ({'days': 30, 'never_logged_in': 'x'}, 'release_inactive.never_logged_in must be one of created_at, keep'),
    ({'days': 30, 'exempt': ['not an email']}, "release_inactive.exempt[0]: email 'not an email' is not an e-mail address"),
    ({'days': 30, 'exempt': [7]}, 'release_inactive.exempt[0]: must be an email or a user id, got int'),
    ({'days': 30, 'extra': 1}, 'release_inactive: unsupported key extra'),
    ('30', 'release_inactive must be a dictionary'),
])
def test_policies_that_cannot_be_meant_are_refused(raw, fragment):
    parsed, problems = parse_policy(raw)
    assert parsed is None and any(fragment in p for p in problems), problems


def test_days_boundaries_are_accepted():
    assert parse_policy({'days': 1})[0].days == 1
    assert parse_policy({'days': 3650})[0].days == 3650
    assert parse_policy(None) == (None, [])


def account():
    return Account([
        holder(0, login=NOW - timedelta(days=100)),                        # inactive
        holder(1, login=NOW - timedelta(days=5)),                          # active
        holder(2),                                                         # never logged in, created long ago
        holder(3, login=NOW - timedelta(days=200), access=False, gateway=True),
        holder(4, login=NOW - timedelta(days=300), access=False, gateway=False),   # holds no seat
    ])


def seat_plan(items, days=30, exclusive=False, **kwargs):
    parsed, problems = parse_seat_items(items)
    assert problems == []
    return plan_seats(account(), parsed, exclusive=exclusive, inactivity=Inactivity(Policy(days, **kwargs), NOW))


def test_alone_it_releases_every_inactive_holder_with_evidence():
    plan, problems = seat_plan([])
    assert problems == []
    assert [(c.email, c.action, c.access_seat, c.gateway_seat) for c in plan.changes] == [
        ('user00@example.com', INACTIVE, False, False), ('user02@example.com', INACTIVE, False, False),
        ('user03@example.com', INACTIVE, False, False)]
    assert plan.changes[0].evidence['days_inactive'] == 100
    assert plan.changes[1].evidence['never_logged_in'] is True
    assert plan.summary() == seat_summary(0, 3, 3, 3)


def test_a_listed_seat_with_a_flag_true_is_never_released_for_inactivity():
    plan, _problems = seat_plan([{'email': 'user00@example.com', 'access_seat': True},
                                 {'email': 'user02@example.com'}])
    assert [c.email for c in plan.changes] == ['user02@example.com', 'user03@example.com']


def test_exemptions_by_email_or_id_are_kept_and_one_that_matches_nobody_is_refused():
    plan, problems = seat_plan([], exempt=['USER00@example.com', holder(2)['id']])
    assert problems == [] and [c.email for c in plan.changes] == ['user03@example.com']
    _plan, problems = seat_plan([], exempt=['ghost@example.com'])
    assert problems == ["release_inactive.exempt[0] 'ghost@example.com' matches no user: an exemption must name a user "
                        "of the account"]


def test_with_exclusive_an_inactive_unlisted_holder_is_counted_as_released_for_inactivity():
    plan, _problems = seat_plan([{'email': 'user01@example.com'}], exclusive=True)
    assert [(c.email, c.action) for c in plan.changes] == [
        ('user00@example.com', INACTIVE), ('user02@example.com', INACTIVE), ('user03@example.com', INACTIVE)]
    plan, _problems = seat_plan([{'email': 'user00@example.com', 'access_seat': True}], days=150, exclusive=True)
    assert [(c.email, c.action) for c in plan.changes] == [
        ('user01@example.com', 'release'), ('user02@example.com', INACTIVE), ('user03@example.com', INACTIVE)]


def test_users_plan_releases_inactive_holders_but_not_those_it_deletes_or_lists_with_a_seat():
    items, problems = parse_user_items([{'email': 'user00@example.com', 'state': 'absent'},
                                        {'email': 'user02@example.com', 'access_seat': True}])
    assert problems == []
    plan, problems = plan_users(account(), items, inactivity=Inactivity(Policy(30), NOW))
    assert problems == []
    assert [(c.email, c.action) for c in plan.seats] == [('user03@example.com', INACTIVE)]
    assert plan.summary()['released_inactive'] == 1
