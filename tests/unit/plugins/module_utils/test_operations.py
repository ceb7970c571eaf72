# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""No request outside the documented operations (api/operations.py): no identifier, crafted or listed by a hostile
server, changes the method, the path, the query or the resource of a request."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings, strategies as st

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import operations as ops

ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'
ID = '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11'
BASE = 'https://api.cloudflare.com/client/v4'
# The documented templates as patterns: a user id segment is one UUID.
TEMPLATE_RE = dict((name, re.compile('^' + re.escape(template).replace(re.escape('{account_id}'), '[0-9a-f]{32}').replace(
    re.escape('{user_id}'), '[0-9a-fA-F-]{36}') + r'\Z')) for name, (_method, template) in ops.OPERATIONS.items())

CRAFTED = [
    '../../zones', '..', '.', '/', 'a/b', '%2e%2e', '%2F', '?page=2', 'x?y', '#frag', 'x#y', '', ' ',
    ID + '/../../user/tokens', ID + '?x=1', ID + '#', ID + '\n', ID + '%0a', '\u2024\u2024', ID.upper() + 'x',
    '../mfa_authenticators/' + ID, ID + '/mfa_authenticators/' + ID, 'a' * 10240, None, 7, [ID],
]


@pytest.mark.parametrize('user_id', CRAFTED)
@pytest.mark.parametrize('operation', ['get_user', 'update_user', 'delete_user'])
def test_a_crafted_user_id_is_refused_naming_it_before_anything_is_sent(operation, user_id):
    with pytest.raises(ops.SegmentError) as info:
        ops.operation_path(operation, account_id=ACCOUNT, user_id=user_id)
    message = str(info.value)
    assert message.startswith('user_id ') and 'is not a UUID' in message and ops.OPERATIONS[operation][1] in message
    assert len(message) < 250          # a 10 KB id is shortened, its length said
    if user_id == 'a' * 10240:
        assert '(10240 characters)' in message


@pytest.mark.parametrize('account_id', ['../' + ACCOUNT[3:], ACCOUNT + '/', ACCOUNT[:-1] + '?', ACCOUNT + '\n'])
def test_a_crafted_account_id_is_refused(account_id):
    with pytest.raises(ops.SegmentError) as info:
        ops.operation_path('list_users', account_id=account_id)
    assert 'account_id' in str(info.value)


def test_each_operation_builds_its_documented_method_and_path():
    built = dict((name, ops.operation_path(name, account_id=ACCOUNT, **({'user_id': ID} if '{user_id}' in template else {})))
                 for name, (_method, template) in ops.OPERATIONS.items())
    assert built == {
        'list_users': ('GET', '/accounts/%s/access/users' % ACCOUNT),
        'create_user': ('POST', '/accounts/%s/access/users' % ACCOUNT),
        'get_user': ('GET', '/accounts/%s/access/users/%s' % (ACCOUNT, ID)),
        'update_user': ('PUT', '/accounts/%s/access/users/%s' % (ACCOUNT, ID)),
        'delete_user': ('DELETE', '/accounts/%s/access/users/%s' % (ACCOUNT, ID)),
        'edit_seats': ('PATCH', '/accounts/%s/access/seats' % ACCOUNT),
        'revoke_user': ('POST', '/accounts/%s/access/organizations/revoke_user' % ACCOUNT),
    }


def test_a_segment_the_operation_has_not_is_a_bug_not_a_request():
    with pytest.raises(KeyError):
        ops.operation_path('list_users', account_id=ACCOUNT, user_id=ID)
    with pytest.raises(KeyError):
        ops.operation_path('delete_everything', account_id=ACCOUNT)


@settings(max_examples=300, deadline=None)
@given(user_id=st.one_of(st.text(max_size=60), st.sampled_from(CRAFTED[:-3]).flatmap(
    lambda crafted: st.text(max_size=5).map(lambda extra: crafted + extra))))
def test_no_user_id_changes_the_path_the_query_or_the_resource(user_id):
    """Whatever the id: refused, or one path segment holding exactly that id, with no query and no fragment."""
    for operation in ('get_user', 'update_user', 'delete_user'):
        try:
            method, path = ops.operation_path(operation, account_id=ACCOUNT, user_id=user_id)
        except ops.SegmentError:
            continue
        url = urlsplit(BASE + path)
        assert method == ops.OPERATIONS[operation][0]
        assert url.query == '' and url.fragment == '' and url.netloc == 'api.cloudflare.com'
        assert TEMPLATE_RE[operation].match(path)
        segments = url.path.split('/')
        assert len(segments) == len((BASE + ops.OPERATIONS[operation][1]).split('/'))
        assert unquote(segments[-1]) == user_id and '.' not in segments[-1]


def test_a_permission_hint_names_every_permission_that_is_accepted(monkeypatch):
    # Cloudflare's reference may accept any of several permissions for one request: each is named.
    monkeypatch.setitem(ops.PERMISSIONS, 'list_users', ('Access: Audit Logs Read', 'Access: Users Read'))
    assert ops.permission_hint('GET', '/accounts/%s/access/users' % ACCOUNT).startswith(
        'GET /accounts/{account_id}/access/users needs a token with Access: Audit Logs Read or Access: Users Read; ')


def test_a_request_that_is_no_operation_has_no_permission_hint():
    assert ops.permission_hint('GET', '/accounts/%s/zones' % ACCOUNT) == ''


def test_an_operation_given_segments_it_has_not_names_them():
    with pytest.raises(KeyError) as info:
        ops.operation_path('list_users', account_id=ACCOUNT, zone='z', user_id=ID)
    assert info.value.args == ('list_users takes no segment user_id, zone',)
