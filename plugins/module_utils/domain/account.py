# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The account as read: each listed record reduced to the fields a plan reads, and indexed by each kind
# of identifier. A "record" is a user as the API listed it.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key

FLAGS = ('access_seat', 'gateway_seat')
# The text fields a plan reads (with FLAGS); paginate(keep=plan_record) drops the rest of each record at once.
PLAN_TEXT_FIELDS = ('id', 'email', 'name', 'seat_uid', 'created_at', 'last_successful_login')
# Which record field each kind of identifier is matched with.
FIELD_OF = {'seat_uid': 'seat_uid', 'email': 'email', 'user_id': 'id'}


def plan_record(record):
    """A listed record reduced to what planning reads, with every field of the type the plan expects.

    A field of the wrong type is None, so that no decision reads a number as an email or sends a null.
    """
    if not isinstance(record, dict):
        return None
    reduced = {}
    for field in PLAN_TEXT_FIELDS:
        value = record.get(field)
        reduced[field] = value if isinstance(value, str) and value else None
    for flag in FLAGS:
        reduced[flag] = record.get(flag) is True
    return reduced


def describe(record):
    """A record named for a message: its email and id, whichever it has."""
    return 'user %s (id %s)' % (record.get('email') or '(no email)', record.get('id') or '(no id)')


def record_key(record):
    """What makes two records the same user: the id, else the seat, else the record itself."""
    if record.get('id'):
        return match_key(record['id'])
    if record.get('seat_uid'):
        return ('seat', record['seat_uid'])
    return ('record', id(record))


# --- why an identifier names no single record -------------------------------------------------


class Refusal(object):
    """Why an item names no single record; ``str()`` is the phrase for the message. The kind is the type."""

    def __init__(self, text):
        self.text = text

    def __str__(self):
        return self.text


class NotFound(Refusal):
    """No record has the identifier (a user to create, or a typo)."""

    def __init__(self, kind):
        super(NotFound, self).__init__('no user has this %s' % {'user_id': 'id'}.get(kind, kind))


class Ambiguous(Refusal):
    """More than one record has the identifier: which one is meant cannot be known."""

    def __init__(self, ids):
        super(Ambiguous, self).__init__('matches more than one user (ids %s)' % ', '.join(ids))


class Contradiction(Refusal):
    """The item's identifiers name different users, or a field that cannot change."""


class Account(object):
    """The records of an account, indexed by each kind of identifier (emails and ids ignore letter case).

    A table is built on first use only: a task naming users by email needs no seat_uid table.
    """

    def __init__(self, records):
        self.records = [r for r in records if isinstance(r, dict)]
        self.unreadable = len(records) - len(self.records)
        self._tables = {}

    def _table(self, kind):
        if kind not in self._tables:
            table, ambiguous, field = {}, {}, FIELD_OF[kind]
            for record in self.records:
                key = match_key(record.get(field))
                if key is None:
                    continue
                if key in table:
                    ambiguous.setdefault(key, [table[key]]).append(record)
                else:
                    table[key] = record
            self._tables[kind] = (table, ambiguous)
        return self._tables[kind]

    def find(self, kind, value):
        """(record, None), or (None, a Refusal) when no record or more than one has this identifier."""
        table, ambiguous = self._table(kind)
        key = match_key(value)
        if key in ambiguous:
            return None, Ambiguous(sorted(str(r.get('id')) for r in ambiguous[key]))
        record = table.get(key)
        if record is None:
            return None, NotFound(kind)
        return record, None

    def find_all(self, kind, value):
        """Every record with this identifier (an exemption covers all the records an email names)."""
        table, ambiguous = self._table(kind)
        key = match_key(value)
        if key in ambiguous:
            return list(ambiguous[key])
        return [table[key]] if key in table else []

    def seat_holders(self):
        return [r for r in self.records if r.get('access_seat') is True or r.get('gateway_seat') is True]


def email_order(email, tie=''):
    """Sort key: by email without letter case (records without one first), then ``tie``."""
    return (email.lower() if isinstance(email, str) else '', tie or '')
