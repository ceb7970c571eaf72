# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The rules for the identifiers the modules accept and compare: account ids, user ids, emails and
# seat ids. Every module, option and list item is checked by identifier_problem(), with one message.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

# \Z, not $: $ also matches before a final newline, which would then reach a URL or a query.
ACCOUNT_ID_RE = re.compile(r'^[0-9a-fA-F]{32}\Z')
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces, and none of the characters
# that cannot stand unquoted in an address, ( ) < > [ ] : ; \ , " (so that "['a@b.io']", the text Ansible makes of
# a list, is not taken for an address).
EMAIL_RE = re.compile(r'^[^@\s()<>\[\]:;\\,"]+@[^@\s()<>\[\]:;\\,"]+\.[^@\s()<>\[\]:;\\,"]+\Z')
# The PATCH seats schema: seat_uid is a string of at most 36 characters.
SEAT_UID_MAX_LENGTH = 36

SEAT_IDENTIFIERS = ('seat_uid', 'email', 'user_id')


def identifier_problem(kind, value):
    """Why ``value`` cannot be an identifier of this kind (a phrase naming it), or None."""
    if not isinstance(value, str):
        return '%s must be a string, got %s' % (kind, type(value).__name__)
    if kind == 'email':
        if not EMAIL_RE.match(value):
            return 'email %r is not an e-mail address such as jdoe@example.com' % value
    elif kind == 'user_id':
        if not UUID_RE.match(value):
            return 'user_id %r is not a UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415' % value
    elif kind == 'seat_uid':
        if seat_uid_problem(value):
            return 'seat_uid %r is not a seat identifier (1 to %d characters, no spaces)' % (value, SEAT_UID_MAX_LENGTH)
    else:
        raise ValueError('unknown identifier kind %r' % (kind,))
    return None


def seat_uid_problem(value):
    """True when ``value`` cannot be sent as a seat_uid (the request schema refuses it)."""
    return not isinstance(value, str) or not value or len(value) > SEAT_UID_MAX_LENGTH or any(c.isspace() for c in value)


def match_key(value):
    """What an identifier (email, user id, seat_uid) is matched with, the one rule every module uses: letter case
    is ignored (Cloudflare treats emails so, and writes UUIDs in lower case). None for a non-string."""
    return value.lower() if isinstance(value, str) else None


def same_email(left, right):
    """Whether two emails name the same user (see match_key)."""
    return isinstance(left, str) and isinstance(right, str) and match_key(left) == match_key(right)
