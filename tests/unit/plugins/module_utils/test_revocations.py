# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# revoke_sessions in the planner, the report, the write log and the endpoint: pure decisions, and the one request.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import revoke_options
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import WriteLog, write_requests
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import operations as zt
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareResponseError, OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Account, plan_record
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import (
    CREATE_USER,
    DELETE_USER,
    EDIT_SEATS,
    REVOKE_USER,
    UPDATE_USER,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import parse_policy, utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.plan import Inactivity, plan_seats, plan_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import (
    drift_entries,
    drift_table,
    prepared_diff,
    seat_diff,
    user_views,
    write_entry,
)
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import make_user
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import ACCOUNT, make_client, ok

REVOKE_PATH = '/accounts/%s/access/organizations/revoke_user' % ACCOUNT


def account(users):
    return Account([plan_record(u) for u in users])


def users_plan(users, raw, devices=False, revoke=True, **kwargs):
    items, problems = parse_user_items(raw)
    assert problems == []
    return plan_users(account(users), items, revoke_sessions=revoke, revoke_devices=devices, **kwargs)


def seat_plan(users, raw, devices=False, revoke=True, **kwargs):
    items, problems = parse_seat_items(raw)
    assert problems == []
    return plan_seats(account(users), items, revoke_sessions=revoke, revoke_devices=devices, **kwargs)


def shape(steps):
    """The steps as (kind, emails), to read the send order at a glance."""
    return [(kind, [w.email for w in writes]) for kind, writes in steps]


def apply(users, plan):
    """The account after a users plan (seats and deletes; the plan creates nothing here)."""
    deleted = set(w.record['id'] for w in plan.deletes)
    after = {}
    for change in plan.seats:
        after[change.record['id']] = (change.access_seat, change.gateway_seat)
    out = []
    for user in users:
        if user['id'] in deleted:
            continue
        flags = after.get(user['id'], (user['access_seat'], user['gateway_seat']))
        out.append(dict(user, access_seat=flags[0], gateway_seat=flags[1]))
    return out


# --- who is revoked --------------------------------------------------------------------------

def test_every_user_released_or_deleted_is_revoked_and_no_one_else():
    users = [make_user(0, access=True), make_user(1, access=True, gateway=True), make_user(2, access=True),
             make_user(3, gateway=True), make_user(4)]
    plan, problems = users_plan(users, [
        {'email': 'user0000@example.com'},                                           # kept
        {'email': 'user0002@example.com', 'access_seat': False, 'gateway_seat': True},   # a change, not a release
        {'email': 'user0003@example.com', 'gateway_seat': False},                   # released by its own flags
        {'email': 'user0004@example.com', 'state': 'absent'},                       # deleted (held no seat)
        {'email': 'new@example.com', 'name': 'New', 'access_seat': True},           # created
    ], exclusive_seats=True)                                                         # user0001 released by exclusive
    assert problems == []
    assert [r.email for r in plan.revocations] == ['user0001@example.com', 'user0003@example.com', 'user0004@example.com']
    assert plan.summary()['sessions_revoked'] == 3


def test_without_the_option_nothing_is_revoked_and_the_order_is_as_before():
    users = [make_user(0, access=True), make_user(1)]
    plan, problems = users_plan(users, [{'email': 'user0001@example.com', 'state': 'absent'}], exclusive_seats=True,
                                revoke=False)
    assert problems == [] and plan.revocations == []
    assert plan.summary()['sessions_revoked'] == 0
    assert shape(plan.steps(1000)) == [(CREATE_USER, []), (UPDATE_USER, []), (EDIT_SEATS, ['user0000@example.com']),
                                       (DELETE_USER, ['user0001@example.com'])]


def test_a_release_for_inactivity_is_revoked_too():
    users = [make_user(0, access=True), make_user(1, access=True)]
    users[1]['last_successful_login'] = '2020-01-01T00:00:00Z'
    users[0]['last_successful_login'] = utc_now().strftime('%Y-%m-%dT%H:%M:%SZ')
    policy, problems = parse_policy({'days': 90})
    assert problems == []
    plan, problems = seat_plan(users, [], inactivity=Inactivity(policy, utc_now()))
    assert problems == []
    assert [r.email for r in plan.revocations] == ['user0001@example.com']
    assert plan.summary()['sessions_revoked'] == plan.summary()['released_inactive'] == 1


def test_a_user_without_an_email_cannot_be_revoked_and_the_plan_is_refused():
    nameless = make_user(0, access=True)
    del nameless['email']
    _plan, problems = seat_plan([nameless, make_user(1, access=True)], [{'email': 'user0001@example.com'}], exclusive=True)
    assert problems == ['user (no email) (id %s) has no email, which revoke_sessions must send, so its sessions '
                        'cannot be revoked' % nameless['id']]
    _plan, problems = seat_plan([nameless, make_user(1, access=True)], [{'email': 'user0001@example.com'}], exclusive=True,
                                revoke=False)
    assert problems == []


def test_a_second_plan_after_the_first_revokes_nobody():
    users = [make_user(n, access=True) for n in range(5)]
    raw = [{'email': 'user0000@example.com'}, {'email': 'user0004@example.com', 'state': 'absent'}]
    plan, problems = users_plan(users, raw, exclusive_seats=True)
    assert problems == [] and len(plan.revocations) == 4
    again, problems = users_plan(apply(users, plan), raw, exclusive_seats=True)
    assert problems == [] and not again.changed and again.revocations == []


# --- in which order ----------------------------------------------------------------------------

def test_each_patch_is_preceded_by_the_revocations_of_the_users_it_releases_and_each_delete_too():
    users = [make_user(n, access=True) for n in range(5)] + [make_user(5), make_user(6)]
    plan, problems = users_plan(users, [
        {'email': 'user0001@example.com', 'gateway_seat': True},        # a change in the first PATCH, not revoked
        {'email': 'user0005@example.com', 'state': 'absent'},
        {'email': 'user0006@example.com', 'state': 'absent'},
    ], exclusive_seats=True)
    assert problems == []
    assert shape(plan.steps(2)) == [
        (CREATE_USER, []), (UPDATE_USER, []),
        (REVOKE_USER, ['user0000@example.com']), (EDIT_SEATS, ['user0000@example.com', 'user0001@example.com']),
        (REVOKE_USER, ['user0002@example.com', 'user0003@example.com']), (EDIT_SEATS, ['user0002@example.com', 'user0003@example.com']),
        (REVOKE_USER, ['user0004@example.com']), (EDIT_SEATS, ['user0004@example.com']),
        (REVOKE_USER, ['user0005@example.com']), (DELETE_USER, ['user0005@example.com']),
        (REVOKE_USER, ['user0006@example.com']), (DELETE_USER, ['user0006@example.com']),
    ]
    assert [w.email for w in WriteLog(plan.steps(2)).writes] == [w.email for _kind, ws in plan.steps(2) for w in ws]
    # What afford counts before the first write: 3 PATCHes, 6 revocations, 2 deletes.
    assert write_requests(plan.steps(2), 2) == 3 + 6 + 2
    assert write_requests(plan.steps(1000), 1000) == 1 + 6 + 2


def test_the_seat_plan_revokes_before_each_patch():
    users = [make_user(n, access=True) for n in range(3)]
    plan, problems = seat_plan(users, [{'email': 'user0000@example.com', 'access_seat': False}], exclusive=True,
                               devices=True)
    assert problems == []
    assert shape(plan.steps(2)) == [
        (REVOKE_USER, ['user0000@example.com', 'user0001@example.com']), (EDIT_SEATS, ['user0000@example.com', 'user0001@example.com']),
        (REVOKE_USER, ['user0002@example.com']), (EDIT_SEATS, ['user0002@example.com'])]
    assert all(r.devices for r in plan.revocations)


# --- what is reported ------------------------------------------------------------------------------

def test_a_revocation_is_a_field_of_its_user_and_an_action_of_its_own_in_the_drift():
    users = [make_user(0, access=True), make_user(1, access=True)]
    users[1]['last_successful_login'] = '2020-01-01T00:00:00Z'
    policy, _problems = parse_policy({'days': 90, 'exempt': ['user0000@example.com']})
    plan, problems = users_plan(users, [{'email': 'user0000@example.com', 'state': 'absent'}], devices=True,
                                inactivity=Inactivity(policy, utc_now()))
    assert problems == []
    views = user_views(plan)
    assert [v.after() for v in views] == [
        {'email': 'user0000@example.com', 'user_id': users[0]['id'], 'action': 'delete', 'sessions': 'revoked',
         'devices': 'revoked'},
        dict({'email': 'user0001@example.com', 'user_id': users[1]['id'], 'action': 'release_inactive',
              'access_seat': False, 'sessions': 'revoked', 'devices': 'revoked'}, inactivity=views[1].evidence),
    ]
    entries = drift_entries(views)
    assert [(e['email'], e['action'], e['field'], e['before'], e['after']) for e in entries] == [
        ('user0000@example.com', 'delete', 'state', 'present', 'absent'),
        ('user0000@example.com', 'revoke_sessions', 'sessions', None, 'revoked'),
        ('user0000@example.com', 'revoke_sessions', 'devices', None, 'revoked'),
        ('user0001@example.com', 'release_inactive', 'access_seat', True, False),
        ('user0001@example.com', 'revoke_sessions', 'sessions', None, 'revoked'),
        ('user0001@example.com', 'revoke_sessions', 'devices', None, 'revoked'),
    ]
    # The evidence of inactivity goes with the release, not with the revocation it caused.
    assert ['days_inactive' in e for e in entries] == [False, False, False, True, False, False]
    assert '| user0001@example.com | revoke_sessions | sessions | \u2013 | revoked |  |' in drift_table(entries)
    assert prepared_diff(views).splitlines()[:5] == [
        '- user0000@example.com (delete)', '-   state: present', '+   state: absent', '+   sessions: revoked',
        '+   devices: revoked']


def test_the_seat_diff_shows_the_revocation_under_its_seat():
    users = [make_user(0, access=True), make_user(1, access=True)]
    plan, _problems = seat_plan(users, [{'email': 'user0000@example.com', 'access_seat': False},
                                        {'email': 'user0001@example.com', 'gateway_seat': True}])
    assert seat_diff(plan.changes, plan.revocations).splitlines() == [
        '~ user0000@example.com (seat %s)' % users[0]['seat_uid'], '-   access_seat: true', '+   access_seat: false',
        '+   sessions: revoked',
        '~ user0001@example.com (seat %s)' % users[1]['seat_uid'], '-   gateway_seat: false', '+   gateway_seat: true']


def test_written_and_not_written_name_a_revocation_in_the_words_of_the_drift():
    plan, _problems = users_plan([make_user(0, access=True)], [{'email': 'user0000@example.com', 'access_seat': False}],
                                 devices=True)
    assert write_entry(plan.revocations[0], {}) == {
        'action': 'revoke_sessions', 'email': 'user0000@example.com', 'user_id': make_user(0)['id'],
        'fields': ['sessions', 'devices']}


def test_every_leaver_is_revoked_before_the_write_that_removes_them():
    users = [make_user(n, access=True) for n in range(3)] + [make_user(3)]
    plan, _problems = users_plan(users, [{'email': 'user0000@example.com'}, {'email': 'user0003@example.com', 'state': 'absent'}],
                                 exclusive_seats=True)
    log = WriteLog(plan.steps(1000))
    writes = log.writes
    assert [(write_entry(w, {})['action'], w.email) for w in writes] == [
        ('revoke_sessions', 'user0001@example.com'), ('revoke_sessions', 'user0002@example.com'),
        ('release', 'user0001@example.com'), ('release', 'user0002@example.com'),
        ('revoke_sessions', 'user0003@example.com'), ('delete', 'user0003@example.com')]
    log.done = 1                                    # the first revocation went through, the second failed
    error = log.failure('HTTP 403', failing=writes[1:2])
    assert error.message.startswith('HTTP 403. Written before it: 1 of 6')
    assert ' The sessions of user0002@example.com are still live' in error.message
    log.done = 2                                    # both revoked, the PATCH failed: they keep their seats for now
    error = log.failure('HTTP 500', failing=writes[2:4])
    assert 'still live' not in error.message
    assert error.message.endswith(' Sessions revoked, seat not released or record not deleted: user0001@example.com, '
                                  'user0002@example.com. A new run releases or deletes them (and revokes their '
                                  'sessions again, which is harmless).')


# --- the option and the request ---------------------------------------------------------------

def test_revoke_devices_needs_revoke_sessions():
    assert revoke_options({}) == (False, False)
    assert revoke_options({'revoke_sessions': True, 'revoke_devices': True}) == (True, True)
    with pytest.raises(OptionsError, match='^revoke_devices needs revoke_sessions=true'):
        revoke_options({'revoke_devices': True})


@pytest.mark.parametrize('devices, body', [(False, {'email': 'a@example.com'}),
                                           (True, {'email': 'a@example.com', 'devices': True})])
def test_revoke_user_posts_the_email_and_the_devices_flag(devices, body):
    client, session, _sleeps = make_client([ok(True)])
    assert zt.revoke_user(client, 'a@example.com', devices=devices) is None
    assert session.calls[0]['method'] == 'POST'
    assert session.calls[0]['url'].endswith(REVOKE_PATH)
    assert json.loads(json.dumps(session.calls[0]['json'])) == body


def test_a_null_result_is_taken_as_done_and_a_false_one_fails():
    client, _session, _sleeps = make_client([ok(None)])
    zt.revoke_user(client, 'a@example.com')
    client, _session, _sleeps = make_client([ok(False)])
    with pytest.raises(CloudflareResponseError) as info:
        zt.revoke_user(client, 'a@example.com')
    assert str(info.value) == ('The Cloudflare API answered POST %s with result false: the sessions of a@example.com were '
                               'not revoked' % REVOKE_PATH)
    client, _session, _sleeps = make_client([ok('yes')])
    with pytest.raises(CloudflareResponseError):
        zt.revoke_user(client, 'a@example.com')
