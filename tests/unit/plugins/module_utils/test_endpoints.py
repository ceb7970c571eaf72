# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Zero Trust calls (_endpoints.py): each answer is checked against the question, and a contradiction
fails with a message naming the method, the path and what came back, before anything acts on it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils import _endpoints as zt
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import CloudflareResponseError
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


def test_users_path_is_the_account_users_and_lowers_an_id():
    client, _answer = answered(None)
    assert zt.users_path(client) == USERS
    assert zt.users_path(client, ID.upper()) == USERS + '/' + ID


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
