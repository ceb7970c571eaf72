# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""results/report.py's texts whole: the diffs of cloudflare_zt_seat and cloudflare_zt_users, and drift.md of a failure."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import RELEASE_INACTIVE, Revocation, SeatChange
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import (
    UserView,
    drift_markdown,
    drift_report,
    prepared_diff,
    seat_diff,
)

AT = '2026-12-02T06:00:00Z'
NEVER = {'days_inactive': 400, 'never_logged_in': True, 'last_successful_login': None, 'created_at': '2025-01-01T00:00:00Z'}
LOGIN = {'days_inactive': 90, 'never_logged_in': False, 'last_successful_login': '2026-09-01T00:00:00Z'}


def test_the_seat_diff_of_a_release_for_inactivity_and_of_a_seat_without_email_or_uid():
    inactive = SeatChange({'email': 'ada@example.com', 'seat_uid': 'S1', 'access_seat': True}, False, False,
                          action=RELEASE_INACTIVE, evidence=LOGIN)
    nameless = SeatChange({'gateway_seat': True}, True, False)
    revocation = Revocation(inactive.record, True, inactive)
    assert seat_diff([inactive, nameless], [revocation]) == (
        '~ ada@example.com (seat S1; released for inactivity: last login 2026-09-01T00:00:00Z (90 days ago))\n'
        '-   access_seat: true\n'
        '+   access_seat: false\n'
        '+   sessions: revoked\n'
        '+   devices: revoked\n'
        '~ (no email) (seat (none))\n'
        '-   access_seat: false\n'
        '+   access_seat: true\n'
        '-   gateway_seat: true\n'
        '+   gateway_seat: false\n')
    assert seat_diff([]) == ''


def test_a_line_break_from_the_api_does_not_break_the_diff():
    change = SeatChange({'email': 'a\nb@example.com', 'seat_uid': 'S\x1b2'}, True, False)
    assert seat_diff([change]).splitlines()[0] == '~ a b@example.com (seat S\\u001b2)'


def test_the_diff_of_users_names_each_one_and_its_evidence():
    never = UserView(None, 'ID7', 'release_inactive')
    never.evidence = NEVER
    never.set('access_seat', True, False)
    renamed = UserView('grace@example.com', 'ID8', 'update')
    renamed.set('name', None, 'Grace')
    assert prepared_diff([never, renamed]) == (
        '~ (no email, id ID7) (release_inactive: never logged in, created 2025-01-01T00:00:00Z (400 days ago))\n'
        '-   access_seat: true\n'
        '+   access_seat: false\n'
        '~ grace@example.com (update)\n'
        '+   name: Grace\n')


def test_the_markdown_of_a_failure_with_writes_only_is_the_whole_document():
    report = drift_report(AT, False, {'listed': 3}, [], failure={'msg': 'PATCH refused', 'written': [{'action': 'create'}]})
    assert drift_markdown(report) == '\n'.join([
        '# Cloudflare Zero Trust drift', '',
        '**The run failed**: PATCH refused', '',
        'Written before the failure: 1; not written: 0.', '',
        'Real run: the drift found before this run changed it.',
        'Generated at %s.' % AT,
        'Requests sent to the API: none; waited 0.0 s for the rate limit.', '',
        '| users listed |', '|---:|', '| 3 |', ''])


def test_the_markdown_of_a_failure_whose_outcome_is_unknown_says_so():
    report = drift_report(AT, True, {}, [], failure={'msg': 'timeout', 'unknown': [{'action': 'delete'}]})
    assert drift_markdown(report).splitlines()[2:6] == [
        '**The run failed**: timeout', '', 'Written before the failure: 0; not written: 0; outcome unknown: 1.', '']
