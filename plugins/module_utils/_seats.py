# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_seat: validate the wanted seats, read the current state once, plan, send at most
# one PATCH. Everything but read_users() and run_seats() is pure, so it is unit-tested without HTTP.
#
# Vocabulary: a "user" is a user record of the API reduced to SEAT_USER_FIELDS; an "item" is one
# wanted seat as the task gives it (ItemSpec); a "target" is a user addressed by one or more items
# with the flags they want (None = keep the current value); a "change" is a seat whose flags differ.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import gc

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._api import CloudflareError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import (
    ConfigError,
    EMAIL_RE,
    UUID_RE,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._zero_trust import (
    find_users_by_email,
    get_user,
    list_users,
    patch_seats,
)

# Up to this many distinct users named by email or user_id (and no seat_uid, no exclusive), the
# module looks them up one by one (GET user by id: 1 read; list filtered by email: 1 read, 2 when
# the API leaves out result_info) instead of listing the account (one read per 1000 users).
# Documented in the module's notes: keep the two in step.
LOOKUP_THRESHOLD = 5

IDENTIFIERS = ('seat_uid', 'email', 'user_id')
FLAGS = ('access_seat', 'gateway_seat')
# The only user fields the module needs; paginate(keep=) drops the rest of each record at once.
SEAT_USER_FIELDS = ('id', 'seat_uid', 'email', 'access_seat', 'gateway_seat')
SEAT_UID_MAX_LENGTH = 36

NOTHING_WRITTEN = 'nothing was written'


def keep_seat_fields(user):
    """A user record reduced to what planning needs (holds less of a 50,000-user account in memory)."""
    get = user.get
    return {'id': get('id'), 'seat_uid': get('seat_uid'), 'email': get('email'),
            'access_seat': get('access_seat') is True, 'gateway_seat': get('gateway_seat') is True}


def _lower(value):
    """``value`` in lower case, as the same object when it already is (50,000 fewer copies of each key)."""
    if not isinstance(value, str):
        return None
    lowered = value.lower()
    return value if lowered == value else lowered


# --- the wanted items -----------------------------------------------------------------------


class ItemSpec(object):
    """One wanted seat: one identifier (kind, value) and the flags it sets (None = keep)."""

    __slots__ = ('index', 'kind', 'value', 'key', 'access_seat', 'gateway_seat')

    def __init__(self, index, kind, value, access_seat=None, gateway_seat=None):
        self.index = index          # position in `seats`, None for the single form
        self.kind = kind            # 'seat_uid', 'email' or 'user_id'
        self.value = value          # as the user wrote it
        self.key = _lower(value)    # what it is matched with (emails and UUIDs ignore case)
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat

    @property
    def label(self):
        ident = '%s %r' % (self.kind, self.value)
        return ident if self.index is None else 'seats[%d] (%s)' % (self.index, ident)

    def flag(self, name):
        return self.access_seat if name == 'access_seat' else self.gateway_seat

    def __repr__(self):
        return 'ItemSpec(%s, access_seat=%r, gateway_seat=%r)' % (self.label, self.access_seat, self.gateway_seat)


def _raw_label(index, raw):
    """Name an item that could not be parsed: its index and whatever identifiers it has."""
    idents = ', '.join('%s %r' % (k, raw.get(k)) for k in IDENTIFIERS if raw.get(k) is not None)
    if index is None:
        return idents or 'the task'
    return 'seats[%d]%s' % (index, ' (%s)' % idents if idents else '')


def _identifier_problem(kind, value):
    if kind == 'email':
        if not EMAIL_RE.match(value):
            return 'email %r is not an e-mail address' % value
    elif kind == 'user_id':
        if not UUID_RE.match(value):
            return 'user_id %r is not a UUID (8-4-4-4-12 hexadecimal digits)' % value
    else:
        if not value or len(value) > SEAT_UID_MAX_LENGTH or any(c.isspace() for c in value):
            return 'seat_uid %r is not a seat identifier (1 to %d characters, no spaces)' % (value, SEAT_UID_MAX_LENGTH)
    return None


def parse_items(raw_items, single=False):
    """Turn the task's items (dicts) into ItemSpecs. Return (items, errors); no request is needed.

    Checks each item on its own (exactly one identifier, well-formed), then items that repeat the
    same identifier with different flags. Every offending item is named, in order.
    """
    items, errors = [], []
    first, repeats = {}, {}     # (kind, key) -> first item; -> every item, for identifiers given twice
    append, email_match = items.append, EMAIL_RE.match
    # This loop runs once per seat of the task (50,000 and more): the usual item, one identifier,
    # is recognised with three lookups and no intermediate list.
    for position, raw in enumerate(raw_items):
        index = None if single else position
        if not isinstance(raw, dict):
            errors.append('%s: must be a dictionary, got %s' % (_raw_label(index, {}), type(raw).__name__))
            continue
        get = raw.get
        seat_uid, email, user_id = get('seat_uid'), get('email'), get('user_id')
        if email is not None and seat_uid is None and user_id is None:
            kind, value = 'email', email
        elif user_id is not None and seat_uid is None and email is None:
            kind, value = 'user_id', user_id
        elif seat_uid is not None and email is None and user_id is None:
            kind, value = 'seat_uid', seat_uid
        else:
            given = [kind for kind, value in zip(IDENTIFIERS, (seat_uid, email, user_id)) if value is not None]
            what = 'none' if not given else ' and '.join(given)
            if single:
                errors.append('give exactly one of seat_uid, email or user_id, got %s' % what)
            else:
                errors.append('%s: give exactly one of seat_uid, email or user_id, got %s' % (_raw_label(index, raw), what))
            continue
        if not isinstance(value, str):
            value = str(value)
        if kind == 'email' and email_match(value):
            problem = None
        else:
            problem = _identifier_problem(kind, value)
        if problem:
            errors.append(problem if single else 'seats[%d]: %s' % (position, problem))
            continue
        item = ItemSpec(index, kind, value, get('access_seat'), get('gateway_seat'))
        append(item)
        ident = (kind, item.key)
        if ident in first:
            repeats.setdefault(ident, [first[ident]]).append(item)
        else:
            first[ident] = item
    errors.extend(_conflicts(repeats.values(), 'repeat the same identifier'))
    return items, errors


def _conflicts(groups, how):
    """Messages for groups of items that address one seat but want different values of a flag."""
    errors = []
    for group in sorted(groups, key=lambda g: min(i.index for i in g)):
        disagree = []
        for flag in FLAGS:
            values = set(item.flag(flag) for item in group) - set([None])
            if len(values) > 1:
                disagree.append(flag)
        if disagree:
            errors.append('%s %s but disagree on %s' % (
                ', '.join(item.label for item in sorted(group, key=lambda i: i.index)), how, ' and '.join(disagree)))
    return errors


def lookup_one_by_one(items, exclusive):
    """True when looking the items up one by one costs less than listing the account.

    Only for up to LOOKUP_THRESHOLD distinct users named by email or user_id: seat_uid has no
    filter in the API, and exclusive needs every seat holder anyway.
    """
    if exclusive or not items:
        return False
    keys = set()
    for item in items:
        if item.kind == 'seat_uid':
            return False
        keys.add((item.kind, item.key))
        if len(keys) > LOOKUP_THRESHOLD:
            return False
    return True


# --- the current state ----------------------------------------------------------------------


# The user field behind each kind of identifier, and how an unknown one is reported.
FIELD_OF = {'seat_uid': 'seat_uid', 'email': 'email', 'user_id': 'id'}
UNKNOWN = {'seat_uid': 'no user has this seat_uid', 'email': 'no user has this email', 'user_id': 'no user has this id'}


class SeatIndex(object):
    """The current users, indexed (lower-cased) by the kinds of identifier the items use.

    A table is built on first use only: 50,000 users named by email need no seat_uid or id table.
    """

    def __init__(self, users):
        self.users = users
        self._tables = {}
        self._ambiguous = {}

    def _table(self, kind):
        if kind not in self._tables:
            table, ambiguous, field = {}, set(), FIELD_OF[kind]
            for user in self.users:
                value = user.get(field)
                if not isinstance(value, str):
                    continue
                key = _lower(value)
                if key in table:
                    ambiguous.add(key)
                else:
                    table[key] = user
            self._tables[kind], self._ambiguous[kind] = table, ambiguous
        return self._tables[kind]

    def find(self, item):
        """(user, None) or (None, why not)."""
        kind = item.kind
        table = self._tables.get(kind)
        if table is None:
            table = self._table(kind)
        user = table.get(item.key)
        if user is None:
            return None, UNKNOWN[kind]
        ambiguous = self._ambiguous[kind]
        if ambiguous and item.key in ambiguous:
            return None, 'matches more than one user'
        return user, None


def user_key(user):
    """What makes two users the same user: the id, else the seat."""
    return user.get('id') or ('seat', user.get('seat_uid'))


# --- the plan -------------------------------------------------------------------------------


class Change(object):
    """A seat whose flags change: the user (current flags) and the flags after."""

    __slots__ = ('user', 'access_seat', 'gateway_seat')

    def __init__(self, user, access_seat, gateway_seat):
        self.user = user
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat

    @property
    def released(self):
        return not self.access_seat and not self.gateway_seat


class Plan(object):
    """What one task does: `changes` (in PATCH order, sorted by email), `addressed` (distinct seats
    the items name), `errors` (non-empty: nothing may be written), and for the single form the one
    addressed user and its flags after (`single`)."""

    def __init__(self, changes, addressed, errors, single=None):
        self.changes = changes
        self.addressed = addressed
        self.errors = errors
        self.single = single

    @property
    def changed(self):
        return bool(self.changes)

    def patch_items(self):
        """The PATCH items one at a time (patch_seats builds the body from them: no second copy)."""
        for c in self.changes:
            yield {'seat_uid': c.user['seat_uid'], 'access_seat': c.access_seat, 'gateway_seat': c.gateway_seat}

    def patch_body(self):
        return list(self.patch_items())

    def summary(self):
        return {'addressed': self.addressed, 'changed': len(self.changes),
                'released': sum(1 for c in self.changes if c.released)}


def _change_sort_key(change):
    """Changes in PATCH order: by email without letter case, then seat_uid."""
    user = change.user
    email = user.get('email')
    return (email.lower() if isinstance(email, str) else '', user.get('seat_uid') or '')


def make_plan(index, items, exclusive=False, single=False):
    """Resolve the items against the current users and compute the changes. Pure.

    A flag an item leaves out keeps its current value; items naming the same user are merged
    (they must not disagree); under ``exclusive`` every other seat holder is released.
    """
    errors = []
    targets, more = {}, {}      # user key -> (user, first item); -> every item, for users named twice
    find = index.find
    # Both loops run once per seat of the task: user_key() and the merge of items are inlined.
    for item in items:
        user, why = find(item)
        if user is None:
            errors.append('%s: %s' % (item.label, why))
            continue
        key = user.get('id') or ('seat', user.get('seat_uid'))
        if key in targets:
            more.setdefault(key, [targets[key][1]]).append(item)
        else:
            targets[key] = (user, item)
    # Items with different identifiers can name the same seat: they must agree too.
    errors.extend(_conflicts(more.values(), 'address the same seat'))

    changes = []
    add_change = changes.append
    single_result = None
    for key, (user, item) in targets.items():
        access, gateway = user.get('access_seat') is True, user.get('gateway_seat') is True
        new_access, new_gateway = access, gateway
        for wanted in (more[key] if more and key in more else (item,)):
            if wanted.access_seat is not None:
                new_access = bool(wanted.access_seat)
            if wanted.gateway_seat is not None:
                new_gateway = bool(wanted.gateway_seat)
        if single:
            single_result = (user, new_access, new_gateway)
        if new_access is not access or new_gateway is not gateway:
            if not user.get('seat_uid'):
                errors.append('%s: the user has no seat_uid, so its seat cannot be changed' % item.label)
                continue
            add_change(Change(user, new_access, new_gateway))

    if exclusive:
        for user in index.users:
            if (user.get('access_seat') is True or user.get('gateway_seat') is True) and user_key(user) not in targets:
                if not user.get('seat_uid'):
                    errors.append('user %r (id %s) holds a seat but has no seat_uid, so exclusive cannot release it' % (
                        user.get('email'), user.get('id')))
                    continue
                changes.append(Change(user, False, False))

    changes.sort(key=_change_sort_key)
    return Plan(changes, len(targets), errors, single_result)


def plan_errors_message(errors):
    return 'Cannot change the seats, %s: %s' % (NOTHING_WRITTEN, '; '.join(errors))


# --- what the task reports ------------------------------------------------------------------


def seat_after(user, access_seat, gateway_seat):
    return {'seat_uid': user.get('seat_uid'), 'user_id': user.get('id'), 'email': user.get('email'),
            'access_seat': access_seat, 'gateway_seat': gateway_seat}


def seat_before(user):
    return seat_after(user, user.get('access_seat') is True, user.get('gateway_seat') is True)


def result_seats(plan, applied=None):
    """The `seats` result: the seats that change (sorted by email); in the single form the addressed seat.

    ``applied`` maps seat_uid -> (access_seat, gateway_seat) as the PATCH answered; where it says
    something else than the plan, the answer wins (it is what Cloudflare holds now).
    """
    applied = applied or {}

    def after(user, access, gateway):
        return seat_after(user, *applied.get(user.get('seat_uid'), (access, gateway)))

    if plan.single is not None:
        return [after(*plan.single)]
    return [after(c.user, c.access_seat, c.gateway_seat) for c in plan.changes]


def plan_diff(plan):
    """Diff mode: before/after lists of the seats that change, sorted by email.

    Each list sits under a ``seats`` key: Ansible's diff display renders mappings, not lists.
    """
    return {
        'before': {'seats': [seat_before(c.user) for c in plan.changes]},
        'after': {'seats': [seat_after(c.user, c.access_seat, c.gateway_seat) for c in plan.changes]},
    }


def applied_flags(response):
    """seat_uid -> (access_seat, gateway_seat) from the PATCH answer, for seats that carry both flags."""
    flags = {}
    for seat in response or []:
        if isinstance(seat, dict) and isinstance(seat.get('access_seat'), bool) and isinstance(seat.get('gateway_seat'), bool):
            flags[seat.get('seat_uid')] = (seat['access_seat'], seat['gateway_seat'])
    return flags


def apply_plan(users, plan):
    """The users as they stand after the plan (for tests: what Cloudflare would hold)."""
    by_key = dict((user_key(c.user), c) for c in plan.changes)
    after = []
    for user in users:
        change = by_key.get(user_key(user))
        if change is None:
            after.append(dict(user))
        else:
            updated = dict(user)
            updated['access_seat'] = change.access_seat
            updated['gateway_seat'] = change.gateway_seat
            after.append(updated)
    return after


# --- the options ----------------------------------------------------------------------------


def wanted_items(params):
    """(raw items, single, exclusive) from the module options; ConfigError for combinations that cannot work."""
    seats = params.get('seats')
    exclusive = bool(params.get('exclusive'))
    if seats is None:
        if exclusive:
            raise ConfigError('exclusive needs seats: list the seats to keep (exclusive releases every other seat)')
        if params.get('allow_release_all'):
            raise ConfigError('allow_release_all only applies to seats with exclusive=true')
        raw = dict((k, params.get(k)) for k in IDENTIFIERS + FLAGS)
        if params.get('access_seat') is None and params.get('gateway_seat') is None:
            raise ConfigError('give access_seat and/or gateway_seat for the seat (both false releases it)')
        return [raw], True, False
    if exclusive and not seats and not params.get('allow_release_all'):
        raise ConfigError('seats is empty and exclusive is true: that would release every seat of the account. '
                          'Set allow_release_all=true if that is what you want; %s' % NOTHING_WRITTEN)
    return seats, False, exclusive


# --- the process ----------------------------------------------------------------------------


@contextlib.contextmanager
def without_cyclic_gc():
    """Run the block with Python's cyclic garbage collector paused.

    A task over 50,000 seats holds about a million objects (the options, the users, the plan) from
    start to exit, and allocating them makes the collector scan all of them again and again: about
    15% of the module's CPU time, for no garbage (reference counting frees what is dropped; nothing
    here builds cycles). The previous state is restored on the way out, exit_json's SystemExit included.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# --- the requests ---------------------------------------------------------------------------


def read_users(client, items, exclusive):
    """The current users the plan needs: a few looked up one by one, or the whole account listed once."""
    if not lookup_one_by_one(items, exclusive):
        return list_users(client, keep=keep_seat_fields)
    users, seen, done = [], set(), set()
    for item in items:
        if (item.kind, item.key) in done:
            continue
        done.add((item.kind, item.key))
        if item.kind == 'user_id':
            found = get_user(client, item.value)
            found = [found] if found is not None else []
        else:
            found = find_users_by_email(client, item.value)
        for user in found:
            user = keep_seat_fields(user)
            if user_key(user) not in seen:
                seen.add(user_key(user))
                users.append(user)
    return users


def run_seats(module, client):
    """The runner of cloudflare_zt_seat (see run_module)."""
    raw, single, exclusive = wanted_items(module.params)
    items, errors = parse_items(raw, single=single)
    if errors:
        raise ConfigError('Invalid seats, %s and no request was sent: %s' % (NOTHING_WRITTEN, '; '.join(errors)))

    result = {'changed': False, 'seats': [], 'summary': {'addressed': 0, 'changed': 0, 'released': 0}}
    if not items and not exclusive:
        if module._diff:
            result['diff'] = {'before': {'seats': []}, 'after': {'seats': []}}
        return result

    plan = make_plan(SeatIndex(read_users(client, items, exclusive)), items, exclusive=exclusive, single=single)
    # From here on only the plan's changed users are held: the rest of the account is freed before the PATCH.
    del items
    if plan.errors:
        raise ConfigError(plan_errors_message(plan.errors))

    applied = None
    if plan.changes and not module.check_mode:
        try:
            applied = applied_flags(patch_seats(client, plan.patch_items()))
        except CloudflareError as exc:
            # Say which request failed and that it was the task's only write; run_module reports the rest.
            exc.message = 'The PATCH of %d seat%s failed (the only write of this task): %s' % (
                len(plan.changes), '' if len(plan.changes) == 1 else 's', exc.message)
            raise

    result['changed'] = plan.changed
    result['seats'] = result_seats(plan, applied)
    result['summary'] = plan.summary()
    if module._diff:
        result['diff'] = plan_diff(plan)
    return result
