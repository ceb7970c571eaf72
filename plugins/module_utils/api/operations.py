# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# Every request the collection may send, and the endpoints that send them on top of the client (api/client.py).
#
# The operations: a method and a path template of the API (the OpenAPI slice), the permissions Cloudflare
# documents for each, and the rule each path segment must meet. Paths are built only here, so that no identifier
# from a task or from the API (a listed user id of "../../zones", "x?y", "x#y") can turn a request into another
# one: a segment that breaks its rule is refused before anything is sent, and every segment is percent-encoded
# all the same.
#
# The endpoints: the Zero Trust Access users and seats, and the revocation of a user's sessions. Each answer is
# checked against the question before anything acts on it: the id of a fetched user, the fields a write set, the
# seats a PATCH returned, the revocation's result.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareNotFoundError,
    CloudflareRequestRefused,
    CloudflareResponseError,
    SeatsNotConfirmed,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import ACCOUNT_ID_RE, UUID_RE, match_key, same_email
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted

# name -> (method, path template). A request that is not one of these is not sent.
OPERATIONS = {
    'list_users': ('GET', '/accounts/{account_id}/access/users'),
    'create_user': ('POST', '/accounts/{account_id}/access/users'),
    'get_user': ('GET', '/accounts/{account_id}/access/users/{user_id}'),
    'update_user': ('PUT', '/accounts/{account_id}/access/users/{user_id}'),
    'delete_user': ('DELETE', '/accounts/{account_id}/access/users/{user_id}'),
    'edit_seats': ('PATCH', '/accounts/{account_id}/access/seats'),
    'revoke_user': ('POST', '/accounts/{account_id}/access/organizations/revoke_user'),
}

# name -> what Cloudflare's API reference lists under "Accepted Permissions (at least one required)" for it; empty
# where it lists none. The table "The least token permissions" in SECURITY.md says the same
# (tests/unit/docs/test_token_permissions.py fails when they differ); a 403 names these (permission_hint).
PERMISSIONS = {
    'list_users': ('Access: Audit Logs Read',),
    'create_user': (),
    'get_user': ('Access: Audit Logs Read',),
    'update_user': ('Zero Trust: Seats Write',),
    'delete_user': (),
    'edit_seats': ('Zero Trust: Seats Write',),
    'revoke_user': ('Access: Organizations, Identity Providers, and Groups Write',),
}

# segment -> (pattern, what it must be, for the message).
SEGMENTS = {
    'account_id': (ACCOUNT_ID_RE, 'an account identifier of 32 hexadecimal characters'),
    'user_id': (UUID_RE, 'a UUID'),
}


class SegmentError(ValueError):
    """A value that cannot be a segment of a request path. ``segment`` names it, ``value`` is what was given."""

    def __init__(self, operation, segment, value):
        self.operation = operation
        self.segment = segment
        self.value = value
        super(SegmentError, self).__init__('%s %s is not %s, so it cannot be put in the path of %s %s' % (
            segment, quoted(value), SEGMENTS[segment][1], OPERATIONS[operation][0], OPERATIONS[operation][1]))


def segment_problem(name, value):
    """True when ``value`` breaks the rule of the path segment ``name`` (SEGMENTS): the one home of that rule."""
    return not isinstance(value, str) or not SEGMENTS[name][0].match(value)


def operation_path(operation, **segments):
    """(method, path) of ``operation`` with ``segments`` filled in: each checked against its rule (SegmentError) and
    percent-encoded. KeyError for an operation or a segment that is not in the tables (a bug, not an input)."""
    method, template = OPERATIONS[operation]
    values = {}
    for name in _segment_names(template):
        value = segments[name]
        if segment_problem(name, value):
            raise SegmentError(operation, name, value)
        values[name] = quote(value, safe='')
    if set(segments) - set(values):
        raise KeyError('%s takes no segment %s' % (operation, ', '.join(sorted(set(segments) - set(values)))))
    return method, template.format(**values)


def _segment_names(template):
    return [part[1:-1] for part in template.split('/') if part.startswith('{') and part.endswith('}')]


def documented_operation(method, path, operations=None):
    """The name of the operation that ``method`` and ``path`` are, every segment meeting its rule; None when they
    are none of ``operations`` (default: OPERATIONS). The client's last check before anything is sent."""
    got = path.split('/')
    for name, (wanted_method, template) in (operations or OPERATIONS).items():
        parts = template.split('/')
        if wanted_method != method or len(parts) != len(got):
            continue
        if all(not segment_problem(part[1:-1], value) if part.startswith('{') else part == value
               for part, value in zip(parts, got)):
            return name
    return None


def permission_hint(method, path):
    """What a 403 on ``method`` ``path`` most likely means, for the message: the permission the token needs for that
    request (PERMISSIONS), and where the table is. '' for a request that is none of OPERATIONS."""
    name = documented_operation(method, path)
    if name is None:
        return ''
    request = '%s %s' % OPERATIONS[name]
    accepted = PERMISSIONS[name]
    if accepted:
        needs = '%s needs a token with %s' % (request, ' or '.join(accepted))
    else:
        needs = 'Cloudflare documents no permission for %s: the token may lack an undocumented one' % request
    return ('%s; a credential that is revoked, expired or not for this account is refused the same way (see "The '
            'least token permissions" in the collection\'s SECURITY.md)' % needs)


# --- the endpoints ---------------------------------------------------------------------------------------------

# How many unconfirmed seats a message names (the failure's lists hold them all).
SEATS_NAMED = 10


def _path(client, operation, **segments):
    """(method, path) of one of the documented operations (api/operations.py), for this client's account. An id that
    cannot be a segment of it is refused here, before anything is sent."""
    try:
        return operation_path(operation, account_id=client.account_id, **segments)
    except SegmentError as exc:
        raise client._error(CloudflareRequestRefused, 'Refusing to send a request: %s; nothing was sent' % exc,
                            method=OPERATIONS[operation][0])


def list_users(client, email=None, name=None, search=None, keep=None, complete=True):
    """All users of the account (following pagination), optionally filtered by the API. A listing that contradicts
    itself fails, unless ``complete`` is false: then its ``problems`` say what (see CloudflareClient.paginate)."""
    params = {}
    for key, value in (('email', email), ('name', name), ('search', search)):
        if value is not None:
            params[key] = value
    _method, path = _path(client, 'list_users')
    return client.paginate(path, params=params, keep=keep, complete=complete)


def find_users_by_email(client, email, keep=None):
    """Users whose email is ``email`` under the identity rule (identifiers.match_key).

    The API does not document whether its ``email`` filter is exact, so the match is made
    here too: a filter that matches substrings cannot make a module pick the wrong user.
    """
    found = list_users(client, email=email)
    return [user if keep is None else keep(user) for user in found
            if isinstance(user, dict) and same_email(user.get('email'), email)]


def get_user(client, user_id):
    """The user with this id, or None when the API says it does not exist (HTTP 404)."""
    # Cloudflare writes its UUIDs in lower case; an id typed in upper case names the same user.
    method, path = _path(client, 'get_user', user_id=match_key(user_id) if isinstance(user_id, str) else user_id)
    try:
        user = client.result(method, path)
    except CloudflareNotFoundError:
        return None
    if match_key(user.get('id')) != match_key(user_id):
        raise client.contradiction(method, path, 'a user whose id is %s, not the one asked for' % quoted(user.get('id')))
    return user


def create_user(client, email, name=None):
    body = {'email': email}
    if name is not None:
        body['name'] = name
    method, path = _path(client, 'create_user')
    user = client.result(method, path, body=body)
    _check_written(client, method, path, user, email, name)
    return user


def update_user_name(client, user_id, current_email, name):
    # The API takes the current email as confirmation: email cannot be changed.
    method, path = _path(client, 'update_user', user_id=user_id)
    user = client.result(method, path, body={'email': current_email, 'name': name})
    _check_written(client, method, path, user, current_email, name, user_id=user_id)
    return user


def _check_written(client, method, path, user, email, name, user_id=None):
    """The answer to a write must be the user written: its id (for a rename), its email, the name sent."""
    if not isinstance(user.get('id'), str) or not user.get('id'):
        raise client.contradiction(method, path, 'a user without an id')
    if user_id is not None and match_key(user['id']) != match_key(user_id):
        raise client.contradiction(method, path, 'the user %s, not the one written' % quoted(user['id']))
    if not same_email(user.get('email'), email):
        raise client.contradiction(method, path, 'the email %s where %s was sent' % (quoted(user.get('email')), quoted(email)))
    if name is not None and user.get('name') != name:
        raise client.contradiction(method, path, 'the name %s where %s was sent' % (quoted(user.get('name')), quoted(name)))


def delete_user(client, user_id):
    method, path = _path(client, 'delete_user', user_id=user_id)
    client.result(method, path, expect=(dict, type(None)))


def revoke_user(client, email, devices=False):
    """Revoke the Access sessions of the user with this email, and with ``devices`` every device of theirs.

    The answer's ``result`` is a boolean (null is taken as done: the envelope said success); false means Cloudflare
    did not revoke, which is a failure like an error.
    """
    method, path = _path(client, 'revoke_user')
    body = {'email': email}
    if devices:
        body['devices'] = True
    revoked = client.result(method, path, body=body, expect=(bool, type(None)))
    if revoked is False:
        # Cloudflare says it did not revoke: not written (not an unknown outcome, as a contradicting answer is).
        raise client._error(CloudflareResponseError, 'The Cloudflare API answered %s %s with result false: the sessions '
                            'of %s were not revoked' % (method, path, email), method=method, path=path)


def patch_seats(client, items):
    """Set the flags of many seats in one request; ``items`` holds {seat_uid, access_seat, gateway_seat}, each
    seat_uid exactly as the API listed it.

    The answer must confirm every seat sent, with the flags sent: a seat it leaves out, answers with other flags or
    replaces by another seat fails with SeatsNotConfirmed, which names them and says which seats it did confirm.
    True when the answer confirmed them all; False when it has no ``result`` (the API makes it optional): the seats
    are then taken as sent, unconfirmed.
    """
    body = [{'seat_uid': s['seat_uid'], 'access_seat': bool(s['access_seat']), 'gateway_seat': bool(s['gateway_seat'])}
            for s in items]
    method, path = _path(client, 'edit_seats')
    answer = client.result(method, path, body=body, expect=(list,), absent=None)
    if answer is None:
        return False
    confirm_seats(client, method, path, body, answer)
    return True


def confirm_seats(client, method, path, sent, answer):
    """Compare a PATCH answer with the seats sent, seat by seat: SeatsNotConfirmed unless it confirms every one (see
    patch_seats)."""
    answered = {}
    for seat in answer:
        if isinstance(seat, dict) and isinstance(seat.get('access_seat'), bool) and isinstance(seat.get('gateway_seat'), bool):
            answered[match_key(seat.get('seat_uid'))] = (seat.get('seat_uid'), seat['access_seat'], seat['gateway_seat'])
    confirmed, problems = set(), []
    wanted = set()
    for seat in sent:
        key = match_key(seat['seat_uid'])
        wanted.add(key)
        flags = (seat['access_seat'], seat['gateway_seat'])
        got = answered.get(key)
        if got is None:
            problems.append('seat_uid %s is not in the answer' % quoted(seat['seat_uid']))
        elif got[1:] != flags:
            problems.append('seat_uid %s answered access_seat=%s, gateway_seat=%s where access_seat=%s, gateway_seat=%s '
                            'was sent' % ((quoted(seat['seat_uid']),) + tuple(_bool(f) for f in got[1:] + flags)))
        else:
            confirmed.add(key)
    if problems:
        others = [quoted(uid) for key, (uid, _a, _g) in answered.items() if key not in wanted]
        if others:
            problems.append('the answer names seats that were not sent: %s' % ', '.join(others[:SEATS_NAMED]))
        shown = '; '.join(problems[:SEATS_NAMED]) + ('; and %d more' % (len(problems) - SEATS_NAMED)
                                                     if len(problems) > SEATS_NAMED else '')
        raise client._error(SeatsNotConfirmed, "The API's answer to %s %s does not confirm %d of %d seats: %s" % (
            method, path, len(sent) - len(confirmed), len(sent), shown), method=method, path=path, status=200,
            confirmed=confirmed)


def _bool(flag):
    return 'true' if flag else 'false'
