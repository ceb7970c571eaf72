# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Inactivity judged on Cloudflare's clock: the Date of the answers, how far the controller's clock is from it, and what
# the result and the warnings say.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time
from datetime import datetime, timezone

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import ServerClock, http_date
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import (
    clock_offset,
    clock_report,
    duration,
    judged_clock,
    judged_now,
    parse_policy,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import Inactivity, plan_seats

# 2026-12-07T12:00:00Z
LOCAL = 1796644800.0


def test_an_http_date_is_read_in_each_of_its_forms():
    assert http_date('Mon, 07 Dec 2026 12:00:00 GMT') == LOCAL
    assert http_date('Mon, 07 Dec 2026 13:00:00 +0100') == LOCAL
    assert http_date('Mon, 07 Dec 2026 12:00:00 -0000') == LOCAL      # no zone: UTC, not the controller's zone


@pytest.mark.parametrize('value', [None, '', 'yesterday', 'Mon, 32 Dec 2026 12:00:00 GMT', 'x' * 100000, 42,
                                   'Mon, 07 Dec 99999999999 12:00:00 GMT'])
def test_a_date_that_cannot_be_read_is_none(value):
    assert http_date(value) is None


def test_the_clock_keeps_the_offset_of_the_latest_readable_date():
    clock = ServerClock(clock=lambda: LOCAL)
    assert clock.offset is None
    clock.observe('Sun, 07 Dec 2025 12:00:00 GMT')
    assert clock.offset == -365 * 86400.0
    clock.observe('garbage')
    assert clock.offset == -365 * 86400.0
    clock.observe('Mon, 07 Dec 2026 12:00:30 GMT')
    assert clock.offset == 30.0


def test_the_moment_of_judgement_is_the_controllers_time_moved_by_the_offset():
    local = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    assert judged_now(None, local) == local
    assert judged_now(-86400.0, local) == datetime(2026, 12, 6, 12, 0, tzinfo=timezone.utc)
    # A Date counts whole seconds: a login exactly N days ago is not made N days less a second by its truncation.
    assert judged_now(-0.9, local) == local and judged_now(1.9, local) == local


def test_the_result_says_which_clock_and_a_large_difference_is_a_warning():
    assert clock_report(None) == ({'source': 'controller', 'skew_seconds': None}, None)
    assert clock_report(-1.4) == ({'source': 'cloudflare', 'skew_seconds': 0}, None)      # within the Date's second
    assert clock_report(-2.6) == ({'source': 'cloudflare', 'skew_seconds': -3}, None)
    assert clock_report(300.0) == ({'source': 'cloudflare', 'skew_seconds': 300}, None)
    report, warning = clock_report(-365 * 86400.0 - 61)
    assert report == {'source': 'cloudflare', 'skew_seconds': -31536061}
    assert warning == ("The controller's clock is 365 days 0 h 1 min ahead of Cloudflare's (the Date of its answers): "
                       "inactivity is judged on Cloudflare's clock. Set the controller's clock right (NTP)")
    assert 'is 7 min 3 s behind' in clock_report(423.0)[1]


def test_one_reading_gives_the_moment_and_the_clock_it_was_judged_on():
    local = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    assert judged_clock(-86400.0, local) == (judged_now(-86400.0, local),) + clock_report(-86400.0)
    assert judged_clock(None, local) == (local, {'source': 'controller', 'skew_seconds': None}, None)


def test_durations_read_as_words():
    assert duration(1) == '0 min 1 s' and duration(3600 * 5 + 60) == '5 h 1 min' and duration(86400) == '1 day 0 h 0 min'


def test_a_controller_a_year_ahead_releases_nobody_who_logged_in_on_cloudflares_last_ten_days():
    server_now = datetime(2026, 12, 7, 12, 0, tzinfo=timezone.utc)
    people = [{'id': '00000000-0000-4000-8000-%012d' % n, 'email': 'u%d@example.com' % n, 'seat_uid': 's%d' % n,
               'access_seat': True, 'gateway_seat': False, 'created_at': '2020-01-01T00:00:00Z',
               'last_successful_login': '2026-12-%02dT08:00:00Z' % (n % 10 + 1)} for n in range(50)]
    policy, _problems = parse_policy({'days': 90})
    controller = datetime(2027, 12, 7, 12, 0, tzinfo=timezone.utc)
    offset = (server_now - controller).total_seconds()
    plan, problems = plan_seats(Account([plan_record(p) for p in people]), [],
                                inactivity=Inactivity(policy, judged_now(offset, controller)))
    assert problems == [] and plan.changes == []
    # Judged on the controller's clock, every one of them would have been released.
    plan, _problems = plan_seats(Account([plan_record(p) for p in people]), [], inactivity=Inactivity(policy, controller),
                                 allow_mass_removal=True)
    assert len(plan.changes) == 50


def test_a_difference_of_the_date_resolution_itself_is_a_difference():
    assert clock_offset(2.0) == 2.0 and clock_offset(-2.0) == -2.0
    assert clock_offset(1.9) == 0.0


def test_a_date_of_64_characters_is_read_and_a_longer_one_is_not():
    date = 'Tue, 08 Dec 2026 01:00:00 GMT'
    assert http_date(date + ' ' * (64 - len(date))) == http_date(date) == 1796691600.0
    assert http_date(date + ' ' * (65 - len(date))) is None


def test_a_date_without_a_zone_is_utc_whatever_the_controller_zone(monkeypatch):
    monkeypatch.setenv('TZ', 'Asia/Tokyo')
    time.tzset()
    try:
        assert http_date('Tue, 08 Dec 2026 01:00:00 -0000') == 1796691600.0
    finally:
        monkeypatch.undo()
        time.tzset()
