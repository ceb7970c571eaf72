# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# revoke_sessions through main() of cloudflare_zt_users and cloudflare_zt_seat with the real client, over the shared
# fake API: check -> real -> idempotent, the send order, the pacing, and a failed revocation.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.modules import cloudflare_zt_seat, cloudflare_zt_users
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.emulated_api import REVOKE_PATH, envelope, make_user, run_module


def run(module, args, check_mode=False, diff=False):
    result = run_module(module, args, check_mode=check_mode, diff=diff)
    result.pop('invocation', None)
    return result


def emails(api):
    return [body['email'] for body in api.revocations]


def test_users_check_mode_predicts_each_revocation_then_the_real_run_sends_them_then_nothing(api):
    api.users[:] = [make_user(0, access=True), make_user(1, access=True, gateway=True), make_user(2), make_user(3)]
    args = {'users': [{'email': 'user0000@example.com'}, {'email': 'user0003@example.com', 'state': 'absent'}],
            'exclusive_seats': True, 'revoke_sessions': True, 'write_rate': 100}
    checked = run(cloudflare_zt_users, args, check_mode=True, diff=True)
    assert api.writes == [] and api.revocations == []
    assert checked['summary']['sessions_revoked'] == 2
    assert [(u['email'], u['action'], u.get('sessions')) for u in checked['users']] == [
        ('user0001@example.com', 'release', 'revoked'), ('user0003@example.com', 'delete', 'revoked')]
    real = run(cloudflare_zt_users, args, diff=True)
    assert real == dict(checked, check_mode=False,
                        report=dict(checked['report'], check_mode=False, generated_at=real['report']['generated_at']))
    # Each leaver is revoked before the write that removes them: the release's PATCH, the delete.
    assert [(r.method, r.path == REVOKE_PATH) for r in api.writes] == [
        ('POST', True), ('PATCH', False), ('POST', True), ('DELETE', False)]
    assert api.revocations == [{'email': 'user0001@example.com'}, {'email': 'user0003@example.com'}]
    api.log[:] = []
    again = run(cloudflare_zt_users, args)
    assert again['changed'] is False and again['summary']['sessions_revoked'] == 0 and api.writes == []


def test_revocations_are_paced_by_write_rate_like_every_write(api):
    api.users[:] = [make_user(n, access=True) for n in range(3)]
    run(cloudflare_zt_users, {'users': [], 'exclusive_seats': True, 'allow_release_all': True, 'revoke_sessions': True,
                              'revoke_devices': True, 'write_rate': 2})
    assert [r.method for r in api.writes] == ['POST', 'POST', 'POST', 'PATCH']
    assert api.clock.sleeps == pytest.approx([0.5, 0.5, 0.5])
    assert api.revocations == [{'email': 'user%04d@example.com' % n, 'devices': True} for n in range(3)]


def test_the_seat_module_paces_only_when_it_revokes(api):
    api.users[:] = [make_user(n, access=True) for n in range(3)]
    run(cloudflare_zt_seat, {'seats': [{'email': 'user0000@example.com'}], 'exclusive_seats': True, 'seat_batch_size': 1})
    assert [r.method for r in api.writes] == ['PATCH', 'PATCH'] and api.clock.sleeps == []
    api.users[:] = [make_user(n, access=True) for n in range(3)]
    api.log[:] = []
    result = run(cloudflare_zt_seat, {'seats': [{'email': 'user0000@example.com'}], 'exclusive_seats': True,
                                      'seat_batch_size': 1, 'revoke_sessions': True})
    assert [r.method for r in api.writes] == ['POST', 'PATCH', 'POST', 'PATCH']
    assert api.clock.sleeps == pytest.approx([0.5, 0.5, 0.5])
    assert emails(api) == ['user0001@example.com', 'user0002@example.com']
    assert [(s['email'], s['sessions']) for s in result['seats']] == [
        ('user0001@example.com', 'revoked'), ('user0002@example.com', 'revoked')]


def test_the_single_form_reports_the_revocation_with_the_seat(api):
    api.users[:] = [make_user(0, access=True, gateway=True)]
    args = {'email': 'user0000@example.com', 'access_seat': False, 'gateway_seat': False, 'revoke_sessions': True,
            'revoke_devices': True}
    checked = run(cloudflare_zt_seat, args, check_mode=True, diff=True)
    assert checked['seats'] == [dict(seat_uid=api.users[0]['seat_uid'], user_id=api.users[0]['id'],
                                     email='user0000@example.com', access_seat=False, gateway_seat=False,
                                     sessions='revoked', devices='revoked')]
    assert checked['diff']['prepared'].endswith('+   sessions: revoked\n+   devices: revoked\n')
    assert api.writes == []
    assert run(cloudflare_zt_seat, args, diff=True) == checked
    again = run(cloudflare_zt_seat, args)
    assert again['changed'] is False and 'sessions' not in again['seats'][0] and len(api.revocations) == 1


def test_a_failed_revocation_stops_the_task_before_the_release_and_a_rerun_converges(api):
    api.users[:] = [make_user(n, access=True) for n in range(3)]
    api.fail('POST', 'revoke_user', nth=2, status=403, code=10000, message='Authentication error')
    args = {'users': [{'email': 'user0000@example.com'}], 'exclusive_seats': True, 'revoke_sessions': True,
            'write_rate': 100}
    result = run(cloudflare_zt_users, args)
    assert result['failed'] is True and result['changed'] is True
    assert [(w['action'], w['email']) for w in result['written']] == [('revoke_sessions', 'user0001@example.com')]
    assert [(w['action'], w['email']) for w in result['not_written']] == [
        ('revoke_sessions', 'user0002@example.com'), ('release', 'user0001@example.com'),
        ('release', 'user0002@example.com')]
    assert result['failure']['status'] == 403 and result['failure']['path'] == REVOKE_PATH
    assert ('The sessions of user0002@example.com are still live: the revocation failed, so the task stopped before '
            'releasing their seat or deleting their record.') in result['msg']
    assert emails(api) == ['user0001@example.com'] and api.count('PATCH') == 0
    # Both still hold their seats, so the next run revokes and releases both (revoking user0001 again is harmless).
    again = run(cloudflare_zt_users, args)
    assert again.get('failed') is not True and again['summary']['sessions_revoked'] == 2
    assert emails(api) == ['user0001@example.com', 'user0001@example.com', 'user0002@example.com']
    assert [u['access_seat'] for u in api.users] == [True, False, False]
    assert run(cloudflare_zt_users, args)['changed'] is False


def test_a_failed_seat_patch_leaves_its_leavers_revoked_and_a_rerun_releases_them(api):
    api.users[:] = [make_user(n, access=True) for n in range(3)]
    api.fail('PATCH', 'seats', status=403, code=10000, message='Authentication error')
    args = {'users': [{'email': 'user0000@example.com'}], 'exclusive_seats': True, 'revoke_sessions': True,
            'write_rate': 100}
    result = run(cloudflare_zt_users, args)
    assert result['failed'] is True
    assert emails(api) == ['user0001@example.com', 'user0002@example.com']
    assert ('Sessions revoked, seat not released or record not deleted: user0001@example.com, user0002@example.com.'
            in result['msg'])
    again = run(cloudflare_zt_users, args)
    assert again.get('failed') is not True and [u['access_seat'] for u in api.users] == [True, False, False]


def test_a_revocation_answered_false_is_a_failure(api):
    api.users[:] = [make_user(0, access=True)]
    api.fail('POST', 'revoke_user', response=envelope(False))
    result = run(cloudflare_zt_seat, {'email': 'user0000@example.com', 'access_seat': False, 'revoke_sessions': True})
    assert result['failed'] is True
    assert 'with result false: the sessions of user0000@example.com were not revoked' in result['msg']
    # The revocation comes first: its failure leaves the seat held, for a rerun to revoke and release.
    assert [w['action'] for w in result['not_written']] == ['revoke_sessions', 'update']
    assert api.count('PATCH') == 0


def test_without_the_option_nothing_is_revoked(api):
    api.users[:] = [make_user(0, access=True), make_user(1)]
    result = run(cloudflare_zt_users, {'users': [{'email': 'user0001@example.com', 'state': 'absent'}],
                                       'exclusive_seats': True, 'write_rate': 100})
    assert [r.method for r in api.writes] == ['PATCH', 'DELETE'] and api.revocations == []
    assert result['summary']['sessions_revoked'] == 0
    assert all('sessions' not in u for u in result['users'])
