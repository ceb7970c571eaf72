# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Zero Trust calls (api/operations.py): each answer is checked against the question, and a contradiction
fails with a message naming the method, the path and what came back, before anything acts on it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import operations as zt
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareRequestRefused, CloudflareResponseError, SeatsNotConfirmed
from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import (
    ACCOUNT,
    TOKEN,
    make_client,
    ok,
)

ID = '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'
OTHER = '0f0e0d0c-0b0a-4909-8807-060504030201'
USERS = '/accounts/%s/access/users' % ACCOUNT


def answered(result):
    if isinstance(result, list):
        info = {'page': 1, 'per_page': 1000, 'count': len(result), 'total_count': len(result), 'total_pages': 1}
        client, session, _sleeps = make_client([ok(result, result_info=info)])
        return client, session
    client, session, _sleeps = make_client([ok(result)])
    return client, session


def contradiction(call, result, method, path, what):
    client, _answer = answered(result)
    with pytest.raises(CloudflareResponseError) as info:
        call(client)
    assert str(info.value) == 'The Cloudflare API answered %s %s with %s; nothing was done with that answer' % (
        method, path, what)
    assert (info.value.method, info.value.path) == (method, path)
    return info.value


@pytest.mark.parametrize('user_id', ['../../zones', ID + '/../../../user/tokens', ID + '?page=2#x', 'not-a-uuid', 'a' * 10240])
@pytest.mark.parametrize('call', [zt.get_user, zt.delete_user, lambda c, i: zt.update_user_name(c, i, 'a@example.com', 'A')])
def test_an_id_that_is_not_a_uuid_is_refused_before_anything_is_sent(call, user_id):
    client, session = answered({'id': ID, 'email': 'a@example.com', 'name': 'A'})
    with pytest.raises(CloudflareRequestRefused) as info:
        call(client, user_id)
    assert session.calls == []
    assert str(info.value).startswith('Refusing to send a request: user_id ') and 'is not a UUID' in str(info.value)
    assert len(str(info.value)) < 300 and info.value.unconfirmed is False


def test_get_user_sends_the_id_in_lower_case_and_accepts_it_in_any_case():
    client, session = answered({'id': ID.upper(), 'email': 'a@example.com'})
    assert zt.get_user(client, ID.upper())['id'] == ID.upper()
    assert session.calls[0]['method'] == 'GET'
    assert session.calls[0]['url'].endswith(USERS + '/' + ID)


@pytest.mark.parametrize('answer, shown', [({'id': OTHER}, repr(OTHER)), ({}, 'None')])
def test_get_user_answered_with_another_id_fails(answer, shown):
    contradiction(lambda c: zt.get_user(c, ID), answer, 'GET', USERS + '/' + ID,
                  'a user whose id is %s, not the one asked for' % shown)


def test_create_user_sends_email_and_name_and_returns_the_answer():
    user = {'id': ID, 'email': 'a@example.com', 'name': 'A'}
    client, session = answered(user)
    assert zt.create_user(client, 'a@example.com', 'A') == user
    call = session.calls[0]
    assert (call['method'], call['json']) == ('POST', {'email': 'a@example.com', 'name': 'A'})
    client, session = answered({'id': ID, 'email': 'A@example.com'})
    zt.create_user(client, 'a@example.com')
    assert session.calls[0]['json'] == {'email': 'a@example.com'}


@pytest.mark.parametrize('answer, what', [
    ({'email': 'a@example.com', 'name': 'A'}, 'a user without an id'),
    ({'id': '', 'email': 'a@example.com', 'name': 'A'}, 'a user without an id'),
    ({'id': 7, 'email': 'a@example.com', 'name': 'A'}, 'a user without an id'),
    ({'id': ID, 'email': 'b@example.com', 'name': 'A'}, "the email 'b@example.com' where 'a@example.com' was sent"),
    ({'id': ID, 'name': 'A'}, "the email None where 'a@example.com' was sent"),
    ({'id': ID, 'email': 'a@example.com', 'name': 'B'}, "the name 'B' where 'A' was sent"),
])
def test_create_user_answered_with_another_user_fails(answer, what):
    contradiction(lambda c: zt.create_user(c, 'a@example.com', 'A'), answer, 'POST', USERS, what)


def test_update_user_name_sends_the_current_email_and_checks_the_id():
    user = {'id': ID.upper(), 'email': 'a@example.com', 'name': 'New'}
    client, session = answered(user)
    assert zt.update_user_name(client, ID, 'a@example.com', 'New') == user
    call = session.calls[0]
    assert (call['method'], call['json']) == ('PUT', {'email': 'a@example.com', 'name': 'New'})
    assert call['url'].endswith(USERS + '/' + ID)
    client, session = answered(dict(user, id=ID))
    zt.update_user_name(client, ID.upper(), 'a@example.com', 'New')


def test_update_user_name_answered_for_another_user_fails():
    contradiction(lambda c: zt.update_user_name(c, ID, 'a@example.com', 'New'),
                  {'id': OTHER, 'email': 'a@example.com', 'name': 'New'}, 'PUT', USERS + '/' + ID,
                  'the user %r, not the one written' % OTHER)


def test_a_contradiction_is_redacted():
    error = contradiction(lambda c: zt.create_user(c, 'a@example.com'), {'id': ID, 'email': TOKEN}, 'POST', USERS,
                          "the email '********' where 'a@example.com' was sent")
    assert TOKEN not in str(error)


def test_find_users_by_email_filters_by_the_api_and_again_here():
    listing = [{'id': ID, 'email': 'A@example.com'}, {'id': OTHER, 'email': 'aa@example.com'}, 'junk']
    client, session = answered(listing)
    assert zt.find_users_by_email(client, 'a@example.com') == [listing[0]]
    assert session.calls[0]['params']['email'] == 'a@example.com'
    client, _answer = answered(listing)
    assert zt.find_users_by_email(client, 'a@example.com', keep=lambda u: u['id']) == [ID]


def test_list_users_sends_only_the_filters_given():
    client, session = answered([])
    assert zt.list_users(client, name='n', search='s') == []
    params = session.calls[0]['params']
    assert (params.get('name'), params.get('search'), 'email' in params) == ('n', 's', False)


# --- the seat PATCH, confirmed seat by seat ---------------------------------------------------------------

SEATS = [{'seat_uid': 'SEAT-Ada-0001', 'access_seat': False, 'gateway_seat': True},
         {'seat_uid': 'seat-max', 'access_seat': True, 'gateway_seat': False}]


def seat_answer(*seats):
    return [dict(seat, created_at='2026-01-01T00:00:00Z', updated_at='2026-01-01T00:00:00Z') for seat in seats]


def test_a_patch_sends_each_seat_uid_as_given_and_says_the_answer_confirmed_them():
    client, session = answered(seat_answer(*SEATS))
    assert zt.patch_seats(client, SEATS) is True
    assert [seat['seat_uid'] for seat in session.calls[0]['json']] == ['SEAT-Ada-0001', 'seat-max']


@pytest.mark.parametrize('answer, confirmed, what', [
    (seat_answer(SEATS[0]), {'seat-ada-0001'}, "does not confirm 1 of 2 seats: seat_uid 'seat-max' is not in the answer"),
    ([], set(), "does not confirm 2 of 2 seats: seat_uid 'SEAT-Ada-0001' is not in the answer; seat_uid 'seat-max' is "
                "not in the answer"),
    (seat_answer(SEATS[0], dict(SEATS[1], access_seat=False)), {'seat-ada-0001'},
     "seat_uid 'seat-max' answered access_seat=false, gateway_seat=false where access_seat=true, gateway_seat=false was sent"),
    (seat_answer(SEATS[0], dict(SEATS[1], seat_uid='other')), {'seat-ada-0001'},
     "seat_uid 'seat-max' is not in the answer; the answer names seats that were not sent: 'other'"),
])
def test_a_patch_answer_that_does_not_confirm_every_seat_fails_naming_them(answer, confirmed, what):
    client, _session = answered(answer)
    with pytest.raises(SeatsNotConfirmed) as info:
        zt.patch_seats(client, SEATS)
    assert what in str(info.value) and str(info.value).startswith("The API's answer to PATCH %s/access/seats" % USERS[:-13])
    assert set(info.value.confirmed) == confirmed and info.value.unconfirmed is True


def test_a_patch_answer_without_result_is_false_for_unconfirmed():
    from ansible_collections.cloudflare_ops.zero_trust.tests.unit.plugins.module_utils.test_client import FakeResponse
    client, _session, _sleeps = make_client([FakeResponse(200, {'success': True, 'errors': [], 'messages': []})])
    assert zt.patch_seats(client, SEATS) is False


def test_a_patch_answer_in_another_letter_case_confirms_the_seat():
    client, _session = answered(seat_answer(dict(SEATS[0], seat_uid='seat-ada-0001'), SEATS[1]))
    assert zt.patch_seats(client, SEATS) is True
