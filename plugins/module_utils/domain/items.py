# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The wanted items: an "item" is one entry of a task's list option (seats, users) or the single form's
# options, read into an Item. The list options are checked here rather than by ansible-core's suboption
# specs: one pass instead of two over tens of thousands of items.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import SEAT_IDENTIFIERS, identifier_problem, match_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import clipped, quoted
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import FLAGS


class Item(object):
    """One entry of the task: its identifiers and what it wants (None = not managed)."""

    __slots__ = ('index', 'list_name', 'email', 'user_id', 'seat_uid', 'name', 'state', 'access_seat', 'gateway_seat')

    def __init__(self, index=None, list_name='users', email=None, user_id=None, seat_uid=None, name=None,
                 state='present', access_seat=None, gateway_seat=None):
        self.index = index              # position in the task's list, None for a single-form task
        self.list_name = list_name      # the option the item came from, for messages
        self.email = email
        self.user_id = match_key(user_id) if isinstance(user_id, str) else user_id
        self.seat_uid = seat_uid
        self.name = name
        self.state = state
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat

    @property
    def identifiers(self):
        return [(kind, getattr(self, kind)) for kind in SEAT_IDENTIFIERS if getattr(self, kind) is not None]

    @property
    def label(self):
        idents = ', '.join('%s %s' % (kind, quoted(value)) for kind, value in self.identifiers)
        if self.index is None:
            return idents or 'the task'
        return '%s[%d] (%s)' % (self.list_name, self.index, idents) if idents else '%s[%d]' % (self.list_name, self.index)

    @property
    def wants_seat(self):
        return self.access_seat is not None or self.gateway_seat is not None

    def flag(self, name):
        return self.access_seat if name == 'access_seat' else self.gateway_seat

    def __repr__(self):
        return 'Item(%s, name=%r, state=%r, access_seat=%r, gateway_seat=%r)' % (
            self.label, self.name, self.state, self.access_seat, self.gateway_seat)


def _raw_label(list_name, index, raw):
    idents = ', '.join('%s %s' % (k, quoted(raw.get(k))) for k in SEAT_IDENTIFIERS if isinstance(raw, dict) and raw.get(k) is not None)
    if index is None:
        return idents or 'the task'
    return '%s[%d]%s' % (list_name, index, ' (%s)' % idents if idents else '')


def _text(value):
    """A string option's value as ansible-core would convert it (numbers become text), or None if it is no scalar."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return None


def _flag(value):
    """A boolean option's value (ansible-core's spellings: yes/no, on/off, 1/0...), or raise TypeError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (str, int, float)):
        try:
            return boolean(value.strip() if isinstance(value, str) else value, strict=True)
        except TypeError:
            pass
    raise TypeError(value)


def read_item(raw, index, list_name, allowed, identifiers, single=False):
    """One entry of a list option as an Item, or (None, problems). ``allowed`` names the keys it may have.

    The list options are validated here rather than by ansible-core's suboption specs: one pass instead of two
    over tens of thousands of items (the suboption validation was 40% of a large task's time). Only the keys an
    item has are looked at, and its label is made only for a message.
    """
    if not isinstance(raw, dict):
        return None, ['%s: must be a dictionary, got %s' % (_raw_label(list_name, index, raw), type(raw).__name__)]
    problems, values, unknown = [], {}, []
    for key, value in raw.items():
        if key not in allowed:
            unknown.append(clipped(str(key)))  # a key from a file may be megabytes long
        elif value is None:
            continue
        elif key in FLAGS:
            try:
                values[key] = _flag(value)
            except TypeError:
                problems.append('%s must be a boolean (true or false), got %s' % (key, quoted(value)))
        elif key == 'state':
            if value in ('present', 'absent'):
                values[key] = value
            else:
                problems.append('state must be present or absent, got %s' % quoted(value))
        else:
            text = _text(value)
            if text is None:
                problems.append('%s must be a string, got %s' % (key, type(value).__name__))
            else:
                values[key] = text
    if unknown:
        problems.insert(0, 'unsupported key%s %s (supported: %s)' % (
            's' if len(unknown) > 1 else '', ', '.join(sorted(unknown)), ', '.join(sorted(allowed))))
    given = [kind for kind in identifiers if kind in values]
    if not given and not any(raw.get(kind) is not None for kind in identifiers):
        problems.append('give %s, got none' % _one_of(identifiers, single))
    if 'name' in values and not values['name'].strip():
        problems.append('name must not be empty')
    label = None
    if problems:
        label = _raw_label(list_name, index, raw)
        problems = [p if single and p == 'name must not be empty' else '%s: %s' % (label, p) for p in problems]
    for kind in given:
        problem = identifier_problem(kind, values[kind])
        if problem:
            # The problem quotes the identifier: the label needs only the position.
            problems.append(problem if single else '%s[%d]: %s' % (list_name, index, problem))
    if problems:
        return None, problems
    return Item(index=index, list_name=list_name, **values), []


def _one_of(identifiers, single):
    if len(identifiers) == 2:
        return '%s or %s (or both)' % identifiers
    return 'exactly one of %s' % ', '.join(identifiers[:-1]) + ' or ' + identifiers[-1]


SEAT_ITEM_KEYS = frozenset(SEAT_IDENTIFIERS + FLAGS)
USER_ITEM_KEYS = frozenset(('email', 'user_id', 'name', 'state') + FLAGS)


def parse_seat_items(raw_items, single=False, list_name='seats'):
    """The ``seats`` of cloudflare_zt_seat (or its single form) as Items. Return (items, problems); no request needed.
    ``list_name`` is the option the items came from, for the labels (``seats_file`` for a file's).

    Each item has exactly one identifier; items that repeat an identifier must agree on the flags.
    """
    items, found = [], []
    for position, raw in enumerate(raw_items):
        index = None if single else position
        item, item_problems = read_item(raw, index, list_name, SEAT_ITEM_KEYS, SEAT_IDENTIFIERS, single=single)
        if item is not None and len(item.identifiers) != 1:
            given = ' and '.join(kind for kind, _value in item.identifiers)
            what = 'give exactly one of seat_uid, email or user_id, got %s' % given
            item, item_problems = None, [what if single else '%s: %s' % (item.label, what)]
        if item is None:
            found.extend((position, problem) for problem in item_problems)
            continue
        items.append(item)
    groups = {}
    for item in items:
        kind, value = item.identifiers[0]
        groups.setdefault((kind, match_key(value)), []).append(item)
    found.extend(_conflicts([g for g in groups.values() if len(g) > 1], 'repeat the same identifier'))
    return items, in_item_order(found)


def parse_user_items(raw_items, single=False, list_name='users'):
    """The ``users`` of cloudflare_zt_users (or cloudflare_zt_user's options) as Items. Return (items, problems).
    ``list_name`` is the option the items came from, for the labels (``users_file`` for a file's).

    An item names its user by email and/or user_id; state=absent takes no name and no seat; two items that name
    the same email or the same user_id are refused (which of them is meant cannot be known).
    """
    items, found = [], []
    for position, raw in enumerate(raw_items):
        index = None if single else position
        item, item_problems = read_item(raw, index, list_name, USER_ITEM_KEYS, ('email', 'user_id'), single=single)
        if item is None:
            found.extend((position, problem) for problem in item_problems)
            continue
        if item.state == 'absent' and (item.name is not None or item.wants_seat):
            what = ' and '.join(f for f in ('name',) + FLAGS if getattr(item, f) is not None)
            text = '%s cannot be used with state=absent: a user that is deleted has no name or seat to manage' % what
            found.append((position, text if single else '%s: %s' % (item.label, text)))
            continue
        items.append(item)
    seen = {}
    for item in items:
        for kind, value in item.identifiers:
            seen.setdefault((kind, match_key(value)), []).append(item)
    for (kind, _key), group in seen.items():
        if len(group) > 1:
            found.append((group[0].index or 0, listed_twice(', '.join(i.label for i in group), kind)))
    return items, in_item_order(found)


def listed_twice(labels, same):
    """The refusal of items that name one user twice: here, those with the same identifier (known before any request);
    in the plan, those whose identifiers find the same record."""
    return '%s name the same %s: list each user once' % (labels, same)


def in_item_order(found):
    """The problems of (position, problem) pairs in the order of the items they name: a repeat at its first item.

    Every problem of every item is reported in one run, so that the list can be corrected in one go; the sort is
    stable, so an item's own problems keep their order.
    """
    return [problem for _position, problem in sorted(found, key=lambda pair: pair[0])]


def flag_conflicts(groups, how):
    """Messages for groups of items that address one seat but want different values of a flag, in item order."""
    return in_item_order(_conflicts(groups, how))


def _conflicts(groups, how):
    """(position of the group's first item, message) for each group whose items disagree on a flag."""
    found = []
    for group in groups:
        group = sorted(group, key=lambda i: i.index or 0)
        disagree = [flag for flag in FLAGS if len(set(i.flag(flag) for i in group) - set([None])) > 1]
        if disagree:
            found.append((group[0].index or 0, '%s %s but disagree on %s' % (
                ', '.join(i.label for i in group), how, ' and '.join(disagree))))
    return found
