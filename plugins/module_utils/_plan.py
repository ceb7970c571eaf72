# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The one planner of the collection: cloudflare_zt_seat, cloudflare_zt_user and cloudflare_zt_users
# (and through it the reconcile role) turn the wanted state and one read of the account into a plan
# here. Everything is pure (no HTTP), so it is unit-tested directly.
#
# Vocabulary: a "record" is a user as the API listed it; an "item" is one entry of the task (Item);
# a "target" is a record addressed by items, with the flags they want (None = keep); a "change" is a
# seat whose flags differ (SeatChange); user writes are UserWrite objects (create, rename, delete).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import NOTHING_WRITTEN, OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._inactivity import exempt_kind, inactive
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._identifiers import (
    SEAT_IDENTIFIERS,
    identifier_problem,
    lower,
    same_email,
    seat_uid_problem,
)

FLAGS = ('access_seat', 'gateway_seat')
# The text fields a plan reads (with FLAGS); paginate(keep=plan_record) drops the rest of each record at once.
PLAN_TEXT_FIELDS = ('id', 'email', 'name', 'seat_uid', 'created_at', 'last_successful_login')
# Which record field each kind of identifier is matched with.
FIELD_OF = {'seat_uid': 'seat_uid', 'email': 'email', 'user_id': 'id'}
UNKNOWN = {'seat_uid': 'no user has this seat_uid', 'email': 'no user has this email', 'user_id': 'no user has this id'}


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
        return record['id'].lower()
    if record.get('seat_uid'):
        return ('seat', record['seat_uid'])
    return ('record', id(record))


# --- the account as read --------------------------------------------------------------------


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
                key = lower(record.get(field))
                if key is None:
                    continue
                if key in table:
                    ambiguous.setdefault(key, [table[key]]).append(record)
                else:
                    table[key] = record
            self._tables[kind] = (table, ambiguous)
        return self._tables[kind]

    def find(self, kind, value):
        """(record, None), or (None, why not) when no record or more than one has this identifier."""
        table, ambiguous = self._table(kind)
        key = lower(value)
        if key in ambiguous:
            ids = sorted(str(r.get('id')) for r in ambiguous[key])
            return None, 'matches more than one user (ids %s)' % ', '.join(ids)
        record = table.get(key)
        if record is None:
            return None, UNKNOWN[kind]
        return record, None

    def find_all(self, kind, value):
        """Every record with this identifier (an exemption covers all the records an email names)."""
        table, ambiguous = self._table(kind)
        key = lower(value)
        if key in ambiguous:
            return list(ambiguous[key])
        return [table[key]] if key in table else []

    def seat_holders(self):
        return [r for r in self.records if r.get('access_seat') is True or r.get('gateway_seat') is True]


# --- the wanted items -----------------------------------------------------------------------


class Item(object):
    """One entry of the task: its identifiers and what it wants (None = not managed)."""

    __slots__ = ('index', 'list_name', 'email', 'user_id', 'seat_uid', 'name', 'state', 'access_seat', 'gateway_seat')

    def __init__(self, index=None, list_name='users', email=None, user_id=None, seat_uid=None, name=None,
                 state='present', access_seat=None, gateway_seat=None):
        self.index = index              # position in the task's list, None for a single-form task
        self.list_name = list_name      # the option the item came from, for messages
        self.email = email
        self.user_id = user_id.lower() if isinstance(user_id, str) else user_id
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
        idents = ', '.join('%s %r' % ident for ident in self.identifiers)
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
    idents = ', '.join('%s %r' % (k, raw.get(k)) for k in SEAT_IDENTIFIERS if isinstance(raw, dict) and raw.get(k) is not None)
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
            unknown.append(str(key))
        elif value is None:
            continue
        elif key in FLAGS:
            try:
                values[key] = _flag(value)
            except TypeError:
                problems.append('%s must be a boolean (true or false), got %r' % (key, value))
        elif key == 'state':
            if value in ('present', 'absent'):
                values[key] = value
            else:
                problems.append('state must be present or absent, got %r' % (value,))
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


def parse_seat_items(raw_items, single=False):
    """The ``seats`` of cloudflare_zt_seat (or its single form) as Items. Return (items, problems); no request needed.

    Each item has exactly one identifier; items that repeat an identifier must agree on the flags.
    """
    items, problems = [], []
    for position, raw in enumerate(raw_items):
        index = None if single else position
        item, item_problems = read_item(raw, index, 'seats', SEAT_ITEM_KEYS, SEAT_IDENTIFIERS, single=single)
        if item is not None and len(item.identifiers) != 1:
            given = ' and '.join(kind for kind, _value in item.identifiers)
            what = 'give exactly one of seat_uid, email or user_id, got %s' % given
            item, item_problems = None, [what if single else '%s: %s' % (item.label, what)]
        if item is None:
            problems.extend(item_problems)
            continue
        items.append(item)
    groups = {}
    for item in items:
        kind, value = item.identifiers[0]
        groups.setdefault((kind, lower(value)), []).append(item)
    problems.extend(flag_conflicts([g for g in groups.values() if len(g) > 1], 'repeat the same identifier'))
    return items, problems


def parse_user_items(raw_items, single=False):
    """The ``users`` of cloudflare_zt_users (or cloudflare_zt_user's options) as Items. Return (items, problems).

    An item names its user by email and/or user_id; state=absent takes no name and no seat; two items that name
    the same email or the same user_id are refused (which of them is meant cannot be known).
    """
    items, problems = [], []
    for position, raw in enumerate(raw_items):
        index = None if single else position
        item, item_problems = read_item(raw, index, 'users', USER_ITEM_KEYS, ('email', 'user_id'), single=single)
        if item is None:
            problems.extend(item_problems)
            continue
        if item.state == 'absent' and (item.name is not None or item.wants_seat):
            what = ' and '.join(f for f in ('name',) + FLAGS if getattr(item, f) is not None)
            text = '%s cannot be used with state=absent: a user that is deleted has no name or seat to manage' % what
            problems.append(text if single else '%s: %s' % (item.label, text))
            continue
        items.append(item)
    seen = {}
    for item in items:
        for kind, value in item.identifiers:
            seen.setdefault((kind, lower(value)), []).append(item)
    for (kind, _key), group in sorted(seen.items(), key=lambda kv: kv[1][0].index or 0):
        if len(group) > 1:
            problems.append('%s name the same %s: list each user once' % (', '.join(i.label for i in group), kind))
    return items, problems


# --- resolving items against the account ----------------------------------------------------


def resolve(account, item):
    """The record an item names: (record, None), or (None, why not) — unknown, ambiguous or contradictory."""
    if item.user_id is not None:
        record, why = account.find('user_id', item.user_id)
        if record is not None and item.email is not None and not same_email(record.get('email'), item.email):
            return None, ('email %s does not match the email %s of the user %s: the email of an Access user cannot be '
                          'changed; leave email out, or correct it' % (item.email, record.get('email'), item.user_id))
        return record, why
    kind, value = item.identifiers[0]
    return account.find(kind, value)


class SeatTarget(object):
    """A record addressed by one or more items, and the flags they want (None = keep)."""

    __slots__ = ('record', 'items', 'access_seat', 'gateway_seat')

    def __init__(self, record, item):
        self.record = record
        self.items = [item]
        self.access_seat = item.access_seat
        self.gateway_seat = item.gateway_seat


def seat_targets(account, items, problems):
    """Resolve seat items; items naming the same record are merged, and must agree. Unresolvable ones go to problems."""
    targets, order = {}, []
    for item in items:
        record, why = resolve(account, item)
        if record is None:
            problems.append('%s: %s' % (item.label, why))
            continue
        key = record_key(record)
        target = targets.get(key)
        if target is None:
            targets[key] = SeatTarget(record, item)
            order.append(key)
        else:
            target.items.append(item)
    problems.extend(flag_conflicts([t.items for t in targets.values() if len(t.items) > 1], 'address the same seat'))
    for target in targets.values():
        for item in target.items[1:]:
            if item.access_seat is not None:
                target.access_seat = item.access_seat
            if item.gateway_seat is not None:
                target.gateway_seat = item.gateway_seat
    return [targets[key] for key in order]


def flag_conflicts(groups, how):
    """Messages for groups of items that address one seat but want different values of a flag."""
    problems = []
    for group in sorted(groups, key=lambda g: min(i.index or 0 for i in g)):
        disagree = [flag for flag in FLAGS if len(set(i.flag(flag) for i in group) - set([None])) > 1]
        if disagree:
            problems.append('%s %s but disagree on %s' % (
                ', '.join(i.label for i in sorted(group, key=lambda i: i.index or 0)), how, ' and '.join(disagree)))
    return problems


# --- seat changes ---------------------------------------------------------------------------

WANTED = 'wanted'
EXCLUSIVE = 'exclusive'
INACTIVE = 'inactive'


class SeatChange(object):
    """A seat whose flags change: the record (current flags), the flags after, why (WANTED, EXCLUSIVE or INACTIVE),
    and for INACTIVE the evidence (see _inactivity.evidence)."""

    __slots__ = ('record', 'access_seat', 'gateway_seat', 'reason', 'evidence')

    def __init__(self, record, access_seat, gateway_seat, reason=WANTED, evidence=None):
        self.record = record
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat
        self.reason = reason
        self.evidence = evidence

    @property
    def released(self):
        return not self.access_seat and not self.gateway_seat

    @property
    def email(self):
        return self.record.get('email')

    def patch_item(self):
        return {'seat_uid': self.record['seat_uid'].lower(), 'access_seat': self.access_seat,
                'gateway_seat': self.gateway_seat}


class Inactivity(object):
    """A release_inactive policy at a moment: the Policy (see _inactivity), ``now`` (UTC), and the warnings it
    gives for records whose timestamps cannot be read."""

    def __init__(self, policy, now):
        self.policy = policy
        self.now = now
        self.warnings = []

    def releases(self, account, protected, problems):
        """record key -> evidence for every holder the policy releases, but the protected and the exempt."""
        exempt = set()
        for position, entry in enumerate(self.policy.exempt):
            found = account.find_all(exempt_kind(entry), entry)
            if not found:
                problems.append('release_inactive.exempt[%d] %r matches no user: an exemption must name a user of the '
                                'account' % (position, entry))
            exempt.update(record_key(r) for r in found)
        released = {}
        for record in account.seat_holders():
            key = record_key(record)
            if key in protected or key in exempt:
                continue
            found, warning = inactive(record, self.policy, self.now)
            if warning:
                self.warnings.append(warning)
            if found is not None:
                released[key] = found
        return released


def seat_view(record, access_seat, gateway_seat):
    """A seat in the result's words."""
    return {'seat_uid': record.get('seat_uid'), 'user_id': record.get('id'), 'email': record.get('email'),
            'access_seat': access_seat, 'gateway_seat': gateway_seat}


def email_order(email, tie=''):
    """Sort key: by email without letter case (records without one first), then ``tie``."""
    return (email.lower() if isinstance(email, str) else '', tie or '')


def seat_changes(account, targets, exclusive=False, spared=(), problems=None, inactivity=None):
    """The seat changes for resolved targets, sorted by email; under ``exclusive`` every other holder is released.

    ``spared`` holds record keys that exclusive leaves alone (users this task deletes). With ``inactivity`` (an
    Inactivity), holders it finds inactive are released too, except targets that want a flag true. A seat that
    exclusive and inactivity both release is reported as released for inactivity (with its evidence). A change that
    cannot be sent (no seat_uid, or one the request schema refuses) is a problem, not a change.
    """
    problems = [] if problems is None else problems
    protected = set(spared)
    protected.update(record_key(t.record) for t in targets if t.access_seat or t.gateway_seat)
    released = inactivity.releases(account, protected, problems) if inactivity is not None else {}
    changes, addressed = [], set(spared)

    def add(record, label, change):
        problem = unsendable(record)
        if problem:
            problems.append('%s: %s, so its seat cannot be changed' % (label, problem))
        else:
            changes.append(change)

    for target in targets:
        record = target.record
        key = record_key(record)
        addressed.add(key)
        access, gateway = record.get('access_seat') is True, record.get('gateway_seat') is True
        new_access = access if target.access_seat is None else bool(target.access_seat)
        new_gateway = gateway if target.gateway_seat is None else bool(target.gateway_seat)
        if key in released and (new_access or new_gateway):
            add(record, target.items[0].label, SeatChange(record, False, False, INACTIVE, released[key]))
        elif (new_access, new_gateway) != (access, gateway):
            add(record, target.items[0].label, SeatChange(record, new_access, new_gateway))
    if exclusive and account.unreadable:
        problems.append('the listing holds %d record%s that %s not objects, so exclusive cannot tell who holds a seat' % (
            account.unreadable, '' if account.unreadable == 1 else 's', 'is' if account.unreadable == 1 else 'are'))
    for record in account.seat_holders():
        key = record_key(record)
        if key in addressed or not (exclusive or key in released):
            continue
        change = SeatChange(record, False, False, INACTIVE, released[key]) if key in released \
            else SeatChange(record, False, False, EXCLUSIVE)
        problem = unsendable(record)
        if problem:
            problems.append('%s holds a seat but %s, so %s cannot release it' % (
                describe(record), problem, 'release_inactive' if key in released else 'exclusive'))
            continue
        changes.append(change)
    changes.sort(key=lambda c: email_order(c.email, c.record.get('seat_uid')))
    return changes


def unsendable(record):
    """Why the seat of ``record`` cannot be sent in a seat change (a phrase), or None."""
    seat_uid = record.get('seat_uid')
    if seat_uid is None:
        return 'the user has no seat_uid'
    if seat_uid_problem(seat_uid):
        return 'its seat_uid %r is not one the API accepts in a seat change' % seat_uid
    return None


class SeatPlan(object):
    """What cloudflare_zt_seat does: the changes (PATCH order), the distinct seats addressed, and in the single
    form the addressed seat after the task (``single``: (record, access_seat, gateway_seat))."""

    def __init__(self, changes, addressed, single=None, warnings=()):
        self.changes = changes
        self.addressed = addressed
        self.single = single
        self.warnings = list(warnings)

    def summary(self):
        return {'addressed': self.addressed, 'changed': len(self.changes),
                'released': sum(1 for c in self.changes if c.released),
                'released_inactive': sum(1 for c in self.changes if c.reason == INACTIVE)}


def plan_seats(account, items, exclusive=False, single=False, inactivity=None):
    """Resolve the seat items against the account and compute the changes. Return (plan, problems). Pure."""
    problems = []
    targets = seat_targets(account, items, problems)
    changes = seat_changes(account, targets, exclusive=exclusive, problems=problems, inactivity=inactivity)
    single_result = None
    if single and targets:
        target = targets[0]
        record = target.record
        single_result = (record,
                         record.get('access_seat') is True if target.access_seat is None else bool(target.access_seat),
                         record.get('gateway_seat') is True if target.gateway_seat is None else bool(target.gateway_seat))
    if single_result is not None:
        by_key = dict((record_key(c.record), c) for c in changes)
        change = by_key.get(record_key(single_result[0]))
        if change is not None:
            single_result = (single_result[0], change.access_seat, change.gateway_seat)
    return SeatPlan(changes, len(targets), single_result, inactivity.warnings if inactivity else ()), problems


def seat_options(params):
    """(raw items, single, exclusive) from cloudflare_zt_seat's options; OptionsError for combinations that cannot work."""
    seats = params.get('seats')
    exclusive = bool(params.get('exclusive'))
    alone = params.get('release_inactive') is not None and all(params.get(k) is None for k in SEAT_IDENTIFIERS + FLAGS)
    if seats is None and alone and not exclusive and not params.get('allow_release_all'):
        return [], False, False     # release_inactive alone: no seat is named
    if seats is None:
        if exclusive:
            raise OptionsError('exclusive needs seats: list the seats to keep (exclusive releases every other seat)')
        if params.get('allow_release_all'):
            raise OptionsError('allow_release_all only applies to seats with exclusive=true')
        if params.get('access_seat') is None and params.get('gateway_seat') is None:
            raise OptionsError('give access_seat and/or gateway_seat for the seat (both false releases it)')
        return [dict((k, params.get(k)) for k in SEAT_IDENTIFIERS + FLAGS)], True, False
    check_release_all('seats', seats, exclusive, params.get('allow_release_all'), 'exclusive')
    return seats, False, exclusive


def check_release_all(option, items, exclusive, allow_release_all, exclusive_option):
    """The guard of both exclusive options: an empty list would release every seat of the account."""
    if exclusive and not items and not allow_release_all:
        raise OptionsError('%s is empty and %s is true: that would release every seat of the account. '
                           'Set allow_release_all=true if that is what you want; %s' % (option, exclusive_option, NOTHING_WRITTEN))
    if allow_release_all and not exclusive:
        raise OptionsError('allow_release_all only applies with %s=true' % exclusive_option)


# --- user writes ----------------------------------------------------------------------------

CREATE = 'create'
RENAME = 'rename'
DELETE = 'delete'


class UserWrite(object):
    """One write to a user record: CREATE (record None), RENAME or DELETE of ``record``, for ``item``."""

    __slots__ = ('action', 'item', 'record')

    def __init__(self, action, item, record=None):
        self.action = action
        self.item = item
        self.record = record

    @property
    def email(self):
        return self.item.email if self.record is None else self.record.get('email')

    def done(self):
        """How the result lists it in ``written``/``not_written``."""
        return {'action': self.action, 'email': self.email, 'user_id': None if self.record is None else self.record.get('id')}


class UsersPlan(object):
    """What cloudflare_zt_users (and cloudflare_zt_user) does, in the order it is sent:
    ``creates``, ``renames``, the seat changes of existing users (``seats``) and of the users it creates
    (``new_seats``: (create, access_seat, gateway_seat), sent once the create answered), ``deletes``."""

    def __init__(self, creates, renames, seats, new_seats, deletes, listed):
        self.creates = creates
        self.renames = renames
        self.seats = seats
        self.new_seats = new_seats
        self.deletes = deletes
        self.listed = listed

    @property
    def changed(self):
        return bool(self.creates or self.renames or self.seats or self.new_seats or self.deletes)

    def summary(self):
        released = [c for c in self.seats if c.released]
        return {
            'listed': self.listed,
            'created': len(self.creates),
            'renamed': len(self.renames),
            'deleted': len(self.deletes),
            'seats_changed': len(self.seats) + len(self.new_seats),
            'seats_released': len(released),
            'released_by_exclusive': sum(1 for c in released if c.reason == EXCLUSIVE),
            'released_inactive': sum(1 for c in released if c.reason == INACTIVE),
        }


def plan_users(account, items, exclusive_seats=False, create_needs_name=True, inactivity=None):
    """Compare the wanted users with the account. Return (plan, problems); any problem means nothing may be written.

    A user that does not exist is created from its email and name (an id cannot be chosen, a name is needed); a name
    that differs is a rename (the API needs the record's email for it); flags that differ are one seat change each;
    state=absent deletes. Under ``exclusive_seats`` every seat holder not listed is released, except users deleted.
    ``create_needs_name``: in a list, an item without a name names a user to manage, not one to create (a typo in an
    email must not create a user); cloudflare_zt_user, which names one user, may create one from its email alone.
    """
    problems = []
    creates, renames, deletes, targets, new_seats = [], [], [], [], []
    seen = {}
    for item in items:
        record, why = resolve(account, item)
        if record is None and why != UNKNOWN['user_id'] and why != UNKNOWN['email']:
            problems.append('%s: %s' % (item.label, why))
            continue
        if record is not None:
            key = record_key(record)
            if key in seen:
                problems.append('%s and %s name the same user %s: list each user once' % (
                    seen[key].label, item.label, describe(record)))
                continue
            seen[key] = item
        if item.state == 'absent':
            if record is None:
                continue
            if record.get('id') is None:
                problems.append('%s: the record has no id, so it cannot be deleted' % item.label)
                continue
            deletes.append(UserWrite(DELETE, item, record))
            continue
        if record is None:
            if item.user_id is not None:
                problems.append('%s: no user has this id, and an id cannot be chosen on create: give the email '
                                'without user_id to create the user' % item.label)
            elif item.name is None and create_needs_name:
                problems.append('%s: the user does not exist and has no name, so it cannot be created' % item.label)
            else:
                create = UserWrite(CREATE, item)
                creates.append(create)
                if item.access_seat or item.gateway_seat:
                    # A new user holds no seat: only a flag set true is a change.
                    new_seats.append((create, bool(item.access_seat), bool(item.gateway_seat)))
            continue
        if item.name is not None and record.get('name') != item.name:
            missing = [f for f in ('id', 'email') if record.get(f) is None]
            if missing:
                problems.append('%s: the record has no %s, which a rename must send, so it cannot be renamed' % (
                    item.label, ' and no '.join(missing)))
            else:
                renames.append(UserWrite(RENAME, item, record))
        target = SeatTarget(record, item)
        targets.append(target)
    spared = set(record_key(w.record) for w in deletes)
    seats = seat_changes(account, targets, exclusive=exclusive_seats, spared=spared, problems=problems,
                         inactivity=inactivity)
    creates.sort(key=lambda w: email_order(w.email))
    renames.sort(key=lambda w: email_order(w.email))
    deletes.sort(key=lambda w: email_order(w.email))
    new_seats.sort(key=lambda entry: email_order(entry[0].email))
    plan = UsersPlan(creates, renames, seats, new_seats, deletes, len(items))
    plan.warnings = inactivity.warnings if inactivity is not None else []
    return plan, problems


def users_options(params):
    """(raw items, exclusive_seats) from cloudflare_zt_users' options; OptionsError for combinations that cannot work."""
    users = params.get('users') or []
    exclusive = bool(params.get('exclusive_seats'))
    check_release_all('users', users, exclusive, params.get('allow_release_all'), 'exclusive_seats')
    return users, exclusive


# --- what the users task reports ------------------------------------------------------------

# The order of a user's fields in drift entries and diffs.
USER_FIELDS = ('state', 'name') + FLAGS
RELEASE = 'release'
RELEASE_INACTIVE = 'release_inactive'
UPDATE = 'update'
ACTION_OF = {WANTED: UPDATE, EXCLUSIVE: RELEASE, INACTIVE: RELEASE_INACTIVE}


class UserView(object):
    """One user that changes, in the user's words: email, id, action, and each changing field before/after."""

    __slots__ = ('email', 'user_id', 'action', 'fields', 'evidence')

    def __init__(self, email, user_id, action):
        self.email = email
        self.user_id = user_id
        self.action = action
        self.fields = {}
        self.evidence = None

    def set(self, field, before, after):
        self.fields[field] = (before, after)

    def after(self):
        entry = {'email': self.email, 'user_id': self.user_id, 'action': self.action}
        for field in USER_FIELDS[1:]:
            if field in self.fields:
                entry[field] = self.fields[field][1]
        if self.evidence is not None:
            entry['inactivity'] = dict(self.evidence)
        return entry


def user_views(plan, created=None):
    """The users that change, sorted by email. ``created`` maps a create to the record the API answered (its id)."""
    created = created or {}
    views = {}

    def view(record, email, action):
        key = ('record', id(record)) if record is not None else ('new', email)
        if key not in views:
            views[key] = UserView(email, record.get('id') if record is not None else None, action)
        return views[key]

    for write in plan.creates:
        answer = created.get(id(write))
        v = view(None, write.email, CREATE)
        v.user_id = answer.get('id') if isinstance(answer, dict) else None
        v.set('name', None, write.item.name)
        for flag in FLAGS:
            if write.item.flag(flag) is not None:
                v.set(flag, None, bool(write.item.flag(flag)))
    for write in plan.renames:
        view(write.record, write.email, UPDATE).set('name', write.record.get('name'), write.item.name)
    for change in plan.seats:
        v = view(change.record, change.email, ACTION_OF[change.reason])
        if change.reason == INACTIVE:
            v.action, v.evidence = RELEASE_INACTIVE, change.evidence
        for flag in FLAGS:
            before, after = change.record.get(flag) is True, getattr(change, flag)
            if before != after:
                v.set(flag, before, after)
    for write in plan.deletes:
        view(write.record, write.email, DELETE).set('state', 'present', 'absent')
    return sorted(views.values(), key=lambda v: email_order(v.email, v.user_id))


def drift_entries(views):
    """One entry per changing field (the rows of the reconcile role's report), sorted by email then field."""
    entries = []
    for v in views:
        for field in USER_FIELDS:
            if field in v.fields:
                before, after = v.fields[field]
                entry = {'email': v.email, 'action': v.action, 'field': field, 'before': before, 'after': after}
                if v.evidence is not None:
                    entry.update(v.evidence)
                entries.append(entry)
    return entries


def _shown(value):
    if value is None:
        return '(none)'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return str(value).replace('\n', ' ')


def evidence_text(found):
    """The evidence of a release for inactivity in words: the last login and how long ago, or never."""
    if found.get('never_logged_in'):
        return 'never logged in, created %s (%s days ago)' % (found.get('created_at'), found.get('days_inactive'))
    return 'last login %s (%s days ago)' % (found.get('last_successful_login'), found.get('days_inactive'))


def _cell(value):
    """A value in a Markdown table cell: '–' for none, true/false, text with | and \\ escaped, on one line."""
    if value is None:
        return '\u2013'
    if isinstance(value, bool):
        return 'true' if value else 'false'
    return ' '.join(str(value).replace('\\', '\\\\').replace('|', '\\|').split())


def drift_table(entries):
    """The drift entries as the rows of a Markdown table (the reconcile role's drift.md), built in linear time."""
    if not entries:
        return ''
    lines = ['| email | action | field | before | after | evidence |', '|---|---|---|---|---|---|']
    for e in entries:
        found = evidence_text(e) if 'days_inactive' in e else ''
        lines.append('| %s | %s | %s | %s | %s | %s |' % (
            _cell(e['email']), e['action'], e['field'], _cell(e['before']), _cell(e['after']), found))
    return '\n'.join(lines) + '\n'


def prepared_diff(views):
    """The diff as text, one block per user in the user's words: built once, in linear time.

    Ansible renders a before/after diff with difflib, whose cost grows with the square of the changes (14 s for
    3,333 seats); a prepared text is printed as it is.
    """
    lines = []
    for v in views:
        lines.append('%s %s (%s%s)' % ('+' if v.action == CREATE else '-' if v.action == DELETE else '~',
                                       v.email or '(no email, id %s)' % v.user_id, v.action,
                                       ': ' + evidence_text(v.evidence) if v.evidence is not None else ''))
        for field in USER_FIELDS:
            if field in v.fields:
                before, after = v.fields[field]
                if before is not None:
                    lines.append('-   %s: %s' % (field, _shown(before)))
                if after is not None:
                    lines.append('+   %s: %s' % (field, _shown(after)))
    return '\n'.join(lines) + '\n' if lines else ''


def seat_diff(changes):
    """cloudflare_zt_seat's diff: the seats that change, sorted by email, as text (see prepared_diff)."""
    lines = []
    for change in changes:
        why = '; released for inactivity: ' + evidence_text(change.evidence) if change.reason == INACTIVE else ''
        lines.append('~ %s (seat %s%s)' % (change.email or '(no email)', change.record.get('seat_uid'), why))
        for flag in FLAGS:
            before = change.record.get(flag) is True
            after = getattr(change, flag)
            if before != after:
                lines.append('-   %s: %s' % (flag, _shown(before)))
                lines.append('+   %s: %s' % (flag, _shown(after)))
    return '\n'.join(lines) + '\n' if lines else ''
