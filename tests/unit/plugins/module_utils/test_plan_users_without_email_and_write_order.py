# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Plans and what reports them: users without an email, the order of the writes, revocations of users that
# cannot be revoked, the write counts of seat batches, and the texts that name them.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import write_requests
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import activity, evidence
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import plan_seats, plan_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import drift_report, user_views
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user

ID = '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'


def account(users):
    return Account([plan_record(u) for u in users])


def users(raw, records, **options):
    items, problems = parse_user_items(raw)
    assert problems == []
    return plan_users(account(records), items, **options)


def test_holders_without_an_email_are_each_a_view_ordered_by_id():
    first, second = make_user(2, access=True), make_user(1, access=True)
    del first['email'], second['email']
    keep = make_user(3, access=True)
    plan, problems = users([{'email': keep['email']}], [first, second, keep], exclusive_seats=True)
    assert problems == []
    assert [(v.email, v.user_id, v.action) for v in user_views(plan)] == [
        (None, second['id'], 'release'), (None, first['id'], 'release')]


def test_the_writes_of_a_plan_are_in_email_order_whatever_the_order_of_the_items():
    records = [make_user(n) for n in range(3)]
    raw = [{'email': r['email'], 'name': 'Renamed'} for r in reversed(records)]
    raw += [{'email': 'new%d@example.com' % n, 'name': 'New', 'access_seat': True} for n in (2, 1)]
    plan, _problems = users(raw, records)
    assert [w.email for w in plan.renames] == [r['email'] for r in records]
    assert [s.email for s in plan.new_seats] == ['new1@example.com', 'new2@example.com']
    plan, _problems = users([{'email': r['email'], 'state': 'absent'} for r in reversed(records)], records)
    assert [w.email for w in plan.deletes] == [r['email'] for r in records]


def test_an_absent_user_that_does_not_exist_leaves_the_next_items_planned():
    known = make_user(1)
    plan, problems = users([{'email': 'ghost@example.com', 'state': 'absent'}, {'email': known['email'], 'name': 'K'}], [known])
    assert problems == [] and [w.email for w in plan.renames] == [known['email']]


def test_a_user_whose_id_cannot_be_in_a_path_cannot_be_renamed_word_for_word():
    strange = dict(make_user(1), id='../zones')
    _plan, problems = users([{'email': strange['email'], 'name': 'New'}], [strange])
    assert problems == ["users[0] (email '%s'): the API lists this user with the id '../zones', which is not a UUID, so it "
                        "cannot be renamed" % strange['email']]


def test_a_released_user_without_an_email_cannot_be_revoked_and_the_others_are():
    nameless, named = make_user(1, access=True), make_user(2, access=True)
    del nameless['email']
    keep = make_user(3)
    plan, problems = users([{'email': keep['email']}], [nameless, named, keep], exclusive_seats=True, revoke_sessions=True)
    assert problems == ['user (no email) (id %s) has no email, which revoke_sessions must send, so its sessions cannot be '
                        'revoked' % nameless['id']]
    assert [r.email for r in plan.revocations] == [named['email']]
    items, _problems = parse_seat_items([{'email': keep['email']}])
    seats, problems = plan_seats(account([nameless, named, keep]), items, exclusive=True, revoke_sessions=True)
    assert [r.email for r in seats.revocations] == [named['email']] and len(problems) == 1


def test_each_seat_batch_is_one_request():
    records = [make_user(n) for n in range(3)]
    items, _problems = parse_seat_items([{'email': r['email'], 'access_seat': True} for r in records])
    plan, _problems = plan_seats(account(records), items)
    assert [write_requests(plan.steps(size), size) for size in (1, 2, 3, 1000)] == [3, 2, 1, 1]


def test_the_evidence_of_an_empty_login_is_no_login():
    record = {'last_successful_login': '', 'created_at': '2026-01-01T00:00:00Z'}
    from datetime import datetime, timezone
    found = evidence(record, activity(record, datetime(2026, 3, 1, tzinfo=timezone.utc)))
    assert found == {'days_inactive': 59, 'never_logged_in': True, 'last_successful_login': None, 'created_at': '2026-01-01T00:00:00Z'}


def test_a_failure_without_a_message_reports_an_empty_one():
    assert drift_report('now', False, {}, [], failure={})['msg'] == ''


def test_an_item_with_two_identifiers_and_a_bad_flag_names_both():
    _items, problems = parse_seat_items([{'email': 'a@example.com', 'user_id': ID, 'access_seat': 'maybe'}])
    assert problems == ["seats[0] (email 'a@example.com', user_id '%s'): access_seat must be a boolean (true or false), "
                        "got 'maybe'" % ID]


def test_users_named_twice_are_named_at_the_first_of_them_after_the_items_before():
    _items, problems = parse_user_items([{'email': 'ok@example.com'}, {'email': 'bad'}, {'email': 'a@example.com'},
                                         {'email': 'A@example.com'}])
    assert problems == [
        "users[1]: email 'bad' is not an e-mail address such as jdoe@example.com",
        "users[2] (email 'a@example.com'), users[3] (email 'A@example.com') name the same email: list each user once"]
