# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The Zero Trust Access users and seats endpoints, on top of the client in _api.py.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._api import CloudflareNotFoundError

# The user fields the modules report, in the API's own names.
USER_FIELDS = ('id', 'email', 'name', 'seat_uid', 'access_seat', 'gateway_seat', 'active_device_count',
               'created_at', 'updated_at', 'last_successful_login', 'uid')


def users_path(client, user_id=None):
    if user_id is None:
        return client.account_path('access', 'users')
    # Cloudflare writes its UUIDs in lower case; an id typed in upper case names the same user.
    return client.account_path('access', 'users', user_id.lower())


def list_users(client, email=None, name=None, search=None, keep=None):
    """All users of the account (following pagination), optionally filtered by the API."""
    params = {}
    for key, value in (('email', email), ('name', name), ('search', search)):
        if value is not None:
            params[key] = value
    return client.paginate(users_path(client), params=params, keep=keep)


def find_users_by_email(client, email):
    """Users whose email is exactly ``email``, ignoring letter case.

    The API does not document whether its ``email`` filter is exact, so the match is made
    here too: a filter that matches substrings cannot make a module pick the wrong user.
    """
    return [user for user in list_users(client, email=email) if same_email(user.get('email'), email)]


def same_email(left, right):
    """Emails compare without letter case (the API treats them so)."""
    return isinstance(left, str) and isinstance(right, str) and left.lower() == right.lower()


def get_user(client, user_id):
    """The user with this id, or None when the API says it does not exist (HTTP 404)."""
    try:
        return client.result('GET', users_path(client, user_id))
    except CloudflareNotFoundError:
        return None


def create_user(client, email, name=None):
    body = {'email': email}
    if name is not None:
        body['name'] = name
    return client.result('POST', users_path(client), body=body)


def update_user_name(client, user_id, current_email, name):
    # The API takes the current email as confirmation: email cannot be changed.
    return client.result('PUT', users_path(client, user_id), body={'email': current_email, 'name': name})


def delete_user(client, user_id):
    client.result('DELETE', users_path(client, user_id), expect=(dict, type(None)))


def patch_seats(client, seats):
    """Set the flags of many seats in one request; ``seats`` holds {seat_uid, access_seat, gateway_seat}."""
    body = [{'seat_uid': s['seat_uid'], 'access_seat': bool(s['access_seat']), 'gateway_seat': bool(s['gateway_seat'])}
            for s in seats]
    return client.result('PATCH', client.account_path('access', 'seats'), body=body, expect=(list,))


def user_record(user):
    """The user as the modules report it: the API's fields, missing ones left out."""
    return dict((key, user[key]) for key in USER_FIELDS if key in user)
