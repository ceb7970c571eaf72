# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The Zero Trust Access users and seats endpoints, and the revocation of a user's sessions, on top of the
# client in _client.py. Each answer is checked against the question before anything acts on it: the id
# of a fetched user, the fields a write set, the seats a PATCH returned, the revocation's result.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import CloudflareNotFoundError, CloudflareResponseError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._identifiers import match_key, same_email


def account_path(client, *parts):
    """The path of an account-scoped operation: /accounts/<account_id>/<parts>."""
    return '/'.join(['/accounts', client.account_id] + [p.strip('/') for p in parts])


def users_path(client, user_id=None):
    if user_id is None:
        return account_path(client, 'access', 'users')
    # Cloudflare writes its UUIDs in lower case; an id typed in upper case names the same user.
    return account_path(client, 'access', 'users', match_key(user_id))


def list_users(client, email=None, name=None, search=None, keep=None):
    """All users of the account (following pagination), optionally filtered by the API."""
    params = {}
    for key, value in (('email', email), ('name', name), ('search', search)):
        if value is not None:
            params[key] = value
    return client.paginate(users_path(client), params=params, keep=keep)


def find_users_by_email(client, email, keep=None):
    """Users whose email is exactly ``email``, ignoring letter case.

    The API does not document whether its ``email`` filter is exact, so the match is made
    here too: a filter that matches substrings cannot make a module pick the wrong user.
    """
    found = list_users(client, email=email)
    return [user if keep is None else keep(user) for user in found
            if isinstance(user, dict) and same_email(user.get('email'), email)]


def _contradiction(client, method, path, what):
    return client._error(CloudflareResponseError, 'The Cloudflare API answered %s %s with %s; nothing was done with '
                         'that answer' % (method, path, what), method=method, path=path)


def get_user(client, user_id):
    """The user with this id, or None when the API says it does not exist (HTTP 404)."""
    path = users_path(client, user_id)
    try:
        user = client.result('GET', path)
    except CloudflareNotFoundError:
        return None
    if match_key(user.get('id')) != match_key(user_id):
        raise _contradiction(client, 'GET', path, 'a user whose id is %r, not the one asked for' % (user.get('id'),))
    return user


def create_user(client, email, name=None):
    body = {'email': email}
    if name is not None:
        body['name'] = name
    path = users_path(client)
    user = client.result('POST', path, body=body)
    _check_written(client, 'POST', path, user, email, name)
    return user


def update_user_name(client, user_id, current_email, name):
    # The API takes the current email as confirmation: email cannot be changed.
    path = users_path(client, user_id)
    user = client.result('PUT', path, body={'email': current_email, 'name': name})
    _check_written(client, 'PUT', path, user, current_email, name, user_id=user_id)
    return user


def _check_written(client, method, path, user, email, name, user_id=None):
    """The answer to a write must be the user written: its id (for a rename), its email, the name sent."""
    if not isinstance(user.get('id'), str) or not user.get('id'):
        raise _contradiction(client, method, path, 'a user without an id')
    if user_id is not None and match_key(user['id']) != match_key(user_id):
        raise _contradiction(client, method, path, 'the user %r, not the one written' % user['id'])
    if not same_email(user.get('email'), email):
        raise _contradiction(client, method, path, 'the email %r where %r was sent' % (user.get('email'), email))
    if name is not None and user.get('name') != name:
        raise _contradiction(client, method, path, 'the name %r where %r was sent' % (user.get('name'), name))


def delete_user(client, user_id):
    client.result('DELETE', users_path(client, user_id), expect=(dict, type(None)))


def revoke_user(client, email, devices=False):
    """Revoke the Access sessions of the user with this email, and with ``devices`` every device of theirs.

    The answer's ``result`` is a boolean (null is taken as done: the envelope said success); false means Cloudflare
    did not revoke, which is a failure like an error.
    """
    path = account_path(client, 'access', 'organizations', 'revoke_user')
    body = {'email': email}
    if devices:
        body['devices'] = True
    revoked = client.result('POST', path, body=body, expect=(bool, type(None)))
    if revoked is False:
        raise _contradiction(client, 'POST', path, 'result false: the sessions of %s were not revoked' % email)


def patch_seats(client, items):
    """Set the flags of many seats in one request; ``items`` holds {seat_uid, access_seat, gateway_seat}.

    Returns seat_uid (lower case) -> (access_seat, gateway_seat) as the answer says. A seat that was sent and is not
    in the answer is assumed set as sent (the API documents no partial answer); one the answer holds with other flags
    than sent wins, and the result says so.
    """
    body = [{'seat_uid': s['seat_uid'], 'access_seat': bool(s['access_seat']), 'gateway_seat': bool(s['gateway_seat'])}
            for s in items]
    answer = client.result('PATCH', account_path(client, 'access', 'seats'), body=body, expect=(list,))
    flags = {}
    for seat in answer:
        if isinstance(seat, dict) and isinstance(seat.get('access_seat'), bool) and isinstance(seat.get('gateway_seat'), bool):
            flags[match_key(seat.get('seat_uid'))] = (seat['access_seat'], seat['gateway_seat'])
    return flags
