# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The rules for the identifiers the modules accept and compare: account ids, user ids, emails and
# seat ids. Every module, option and list item is checked by identifier_problem(), with one message,
# and every comparison goes through match_key(), the one identity rule.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import unicodedata

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted

# \Z, not $: $ also matches before a final newline, which would then reach a URL or a query.
ACCOUNT_ID_RE = re.compile(r'^[0-9a-fA-F]{32}\Z')
UUID_RE = re.compile(r'^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z')
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces, and none of the characters
# that cannot stand unquoted in an address, ( ) < > [ ] : ; \ , " (so that "['a@b.io']", the text Ansible makes of
# a list, is not taken for an address).
EMAIL_RE = re.compile(r'^[^@\s()<>\[\]:;\\,"]+@[^@\s()<>\[\]:;\\,"]+\.[^@\s()<>\[\]:;\\,"]+\Z')
# The PATCH seats schema: seat_uid is a string of at most 36 characters.
SEAT_UID_MAX_LENGTH = 36
# Any whitespace (str.isspace's set): one search per seat_uid, not a Python loop over its characters.
SPACE_RE = re.compile(r'\s')

SEAT_IDENTIFIERS = ('seat_uid', 'email', 'user_id')


def identifier_problem(kind, value):
    """Why ``value`` cannot be an identifier of this kind (a phrase naming it), or None."""
    if not isinstance(value, str):
        return '%s must be a string, got %s' % (kind, type(value).__name__)
    if kind == 'email':
        if not EMAIL_RE.match(value):
            return 'email %s is not an e-mail address such as jdoe@example.com' % quoted(value)
        if unicodedata.normalize('NFKC', value) != value:
            # A reader sees the same address; str.lower() and the API may not: refused rather than guessed.
            return 'email %s is not in Unicode normal form NFKC: write it as %s' % (
                quoted(value), quoted(unicodedata.normalize('NFKC', value)))
    elif kind == 'user_id':
        if not UUID_RE.match(value):
            return 'user_id %s is not a UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415' % quoted(value)
    elif kind == 'seat_uid':
        if seat_uid_problem(value):
            return 'seat_uid %s is not a seat identifier (1 to %d characters, no spaces)' % (quoted(value), SEAT_UID_MAX_LENGTH)
    else:
        raise ValueError('unknown identifier kind %r' % (kind,))
    return None


def seat_uid_problem(value):
    """True when ``value`` cannot be sent as a seat_uid (the request schema refuses it)."""
    return not isinstance(value, str) or not value or len(value) > SEAT_UID_MAX_LENGTH or SPACE_RE.search(value) is not None


def match_key(value):
    """What an identifier (email, user id, seat_uid) is matched with, the one rule every module uses: Unicode
    compatibility normalisation (NFKC) and case folding, so that what a reader sees as the same address is the same
    (fullwidth letters, ligatures, "ß" and "SS"); for the ASCII of UUIDs that is ignoring letter case (Cloudflare
    writes them in lower case). Only for matching: an identifier is always sent as given or as listed. None for a
    non-string."""
    if not isinstance(value, str):
        return None
    if value.isascii():
        return value.lower()        # the same result, without the cost of normalising (most ids and emails)
    return unicodedata.normalize('NFKC', unicodedata.normalize('NFKC', value).casefold())


def same_email(left, right):
    """Whether two emails name the same user (see match_key)."""
    return isinstance(left, str) and isinstance(right, str) and match_key(left) == match_key(right)
