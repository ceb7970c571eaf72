# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# Every request the collection may send: a method and a path template of the API (the OpenAPI slice), and
# the rule each path segment must meet. The client builds paths only here, so that no identifier from a
# task or from the API (a listed user id of "../../zones", "x?y", "x#y") can turn a request into another
# one: a segment that breaks its rule is refused before anything is sent, and every segment is
# percent-encoded all the same.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._identifiers import ACCOUNT_ID_RE, UUID_RE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._redact import quoted

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
