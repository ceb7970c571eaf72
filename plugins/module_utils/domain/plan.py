# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The one planner of the collection: cloudflare_zt_seat, cloudflare_zt_user and cloudflare_zt_users
# (and through it the reconcile role) turn the wanted items (domain/items.py) and one read of the account
# (domain/account.py) into a plan here. Everything is pure (no HTTP), so it is unit-tested directly.
#
# Vocabulary: a "target" is a record addressed by items, with the flags they want (None = keep); every write is
# a change record of domain/changes.py (SeatChange, NewSeat, UserWrite, Revocation), in the results' words. A plan is
# refused whole when it has problems: nothing of it is sent.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import same_email, seat_uid_problem
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import segment_problem
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import Contradiction, NotFound, describe, email_order, record_key
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.changes import (
    CREATE,
    CREATE_USER,
    DELETE,
    DELETE_USER,
    EDIT_SEATS,
    RELEASE,
    RELEASE_INACTIVE,
    REVOKE_USER,
    UPDATE,
    UPDATE_USER,
    NewSeat,
    SeatChange,
    UserWrite,
    revocations,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import exempt_kind, inactive
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import flag_conflicts, listed_twice
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.removals import DEFAULT_LIMIT, check_removals


def resolve(account, item):
    """The record an item names: (record, None), or (None, a Refusal): NotFound, Ambiguous or Contradiction."""
    if item.user_id is not None:
        record, why = account.find('user_id', item.user_id)
        if record is not None and item.email is not None and not same_email(record.get('email'), item.email):
            return None, Contradiction(
                'email %s does not match the email %s of the user %s: the email of an Access user cannot be changed; '
                'leave email out, or correct it' % (item.email, record.get('email'), item.user_id))
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
                problems.append('release_inactive.exempt[%d] %s matches no user: an exemption must name a user of the '
                                'account' % (position, quoted(entry)))
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
            add(record, target.items[0].label, SeatChange(record, False, False, RELEASE_INACTIVE, released[key]))
        elif (new_access, new_gateway) != (access, gateway):
            add(record, target.items[0].label, SeatChange(record, new_access, new_gateway))
    if exclusive and account.unreadable:
        problems.append('the listing holds %d record%s that %s not objects, so exclusive cannot tell who holds a seat' % (
            account.unreadable, '' if account.unreadable == 1 else 's', 'is' if account.unreadable == 1 else 'are'))
    for record in account.seat_holders():
        key = record_key(record)
        if key in addressed or not (exclusive or key in released):
            continue
        change = SeatChange(record, False, False, RELEASE_INACTIVE, released[key]) if key in released \
            else SeatChange(record, False, False, RELEASE)
        problem = unsendable(record)
        if problem:
            problems.append('%s holds a seat but %s, so %s cannot release it' % (
                describe(record), problem, 'release_inactive' if key in released else 'exclusive'))
            continue
        changes.append(change)
    changes.sort(key=lambda c: email_order(c.email, c.record.get('seat_uid')))
    return changes


def unaddressable(record):
    """Why the user of ``record`` cannot be named in a request path (its id goes there), or None: the rule of the
    path segment (operations.segment_problem), asked here so that the whole plan is refused before the first write."""
    if segment_problem('user_id', record['id']):
        return 'the API lists this user with the id %s, which is not a UUID' % quoted(record['id'])
    return None


def unsendable(record):
    """Why the seat of ``record`` cannot be sent in a seat change (a phrase), or None."""
    seat_uid = record.get('seat_uid')
    if seat_uid is None:
        return 'the user has no seat_uid'
    if seat_uid_problem(seat_uid):
        return 'its seat_uid %s is not one the API accepts in a seat change' % quoted(seat_uid)
    return None


def seat_steps(seat_writes, revoking, batch_size):
    """The seat writes in PATCHes of ``batch_size``, each preceded by the revocations of the users it releases.

    ``revoking`` maps id(SeatChange) to its Revocation. Revoked first, a failed PATCH leaves no leaver signed in, and a
    failed revocation stops before the release, so the next run revokes (idempotent) and releases again. The cost: a
    login between a revocation and its PATCH keeps its session, so each batch's revocations come right before it.
    """
    size = batch_size or max(len(seat_writes), 1)
    steps = []
    for start in range(0, len(seat_writes), size):
        batch = seat_writes[start:start + size]
        revoked = [revoking[id(w)] for w in batch if id(w) in revoking]
        if revoked:
            steps.append((REVOKE_USER, revoked))
        steps.append((EDIT_SEATS, batch))
    return steps


def release_counts(changes, revocations):
    """The counts of a summary for the seats released among ``changes``, by action, and the sessions revoked."""
    released = [c.action for c in changes if c.released]
    return {'seats_released': len(released), 'released_by_exclusive': released.count(RELEASE),
            'released_inactive': released.count(RELEASE_INACTIVE), 'sessions_revoked': len(revocations)}


class SeatPlan(object):
    """What cloudflare_zt_seat does: the changes (PATCH order), the revocations of the users released (with
    revoke_sessions), the distinct seats addressed, and in the single form the addressed seat after the task
    (``single``: (record, access_seat, gateway_seat)), and what the removal guard found (``removals``, a
    RemovalCheck); ``steps()`` says in which order they are sent."""

    def __init__(self, changes, addressed, single=None, warnings=(), revocations=(), removals=None):
        self.changes = changes
        self.addressed = addressed
        self.single = single
        self.warnings = list(warnings)
        self.revocations = list(revocations)
        self.removals = removals

    def steps(self, batch_size):
        """The writes in the order they are sent: (EDIT_SEATS, a PATCH's changes), each preceded by (REVOKE_USER, ...)."""
        return seat_steps(self.changes, dict((id(r.cause), r) for r in self.revocations), batch_size)

    def summary(self):
        counts = release_counts(self.changes, self.revocations)
        # changed and released: 1.0.0's names of seats_changed and seats_released, deprecated (removed in 2.0.0).
        return dict(counts, addressed=self.addressed, seats_changed=len(self.changes), changed=len(self.changes),
                    released=counts['seats_released'])


def plan_seats(account, items, exclusive=False, single=False, inactivity=None, revoke_sessions=False,
               revoke_devices=False, max_removals=DEFAULT_LIMIT, allow_mass_removal=False):
    """Resolve the seat items against the account and compute the changes (and with ``revoke_sessions`` the
    revocations of the users released), and check them against the removal guard (``max_removals``, a RemovalLimit,
    lifted by ``allow_mass_removal``). Return (plan, problems). Pure."""
    problems = []
    targets = seat_targets(account, items, problems)
    changes = seat_changes(account, targets, exclusive=exclusive, problems=problems, inactivity=inactivity)
    revoked = revocations([c for c in changes if c.released], revoke_devices, problems) if revoke_sessions else []
    single_result = None
    if single and targets:
        # The seat after the task: as its change sets it, or as it is (a target without a change keeps its flags).
        record = targets[0].record
        change = next((c for c in changes if c.record is record), None)
        single_result = (record, change.access_seat, change.gateway_seat) if change is not None else (
            record, record.get('access_seat') is True, record.get('gateway_seat') is True)
    removals = check_removals(account, changes, (), max_removals, allow_mass_removal)
    return SeatPlan(changes, len(targets), single_result, inactivity.warnings if inactivity else (), revoked,
                    removals), problems


class UsersPlan(object):
    """What cloudflare_zt_users (and cloudflare_zt_user) does: ``creates``, ``renames``, the seat changes of existing
    users (``seats``) and of the users it creates (``new_seats``, NewSeat), ``deletes``, and with revoke_sessions the
    ``revocations`` of the users released or deleted, its warnings and what the removal guard found (``removals``);
    ``steps()`` says in which order they are sent."""

    def __init__(self, creates, renames, seats, new_seats, deletes, listed, revocations=(), warnings=(), removals=None):
        self.creates = creates
        self.renames = renames
        self.seats = seats
        self.new_seats = new_seats
        self.deletes = deletes
        self.listed = listed
        self.revocations = list(revocations)
        self.warnings = list(warnings)
        self.removals = removals

    @property
    def changed(self):
        return bool(self.creates or self.renames or self.seats or self.new_seats or self.deletes)

    def steps(self, batch_size=None):
        """The writes in the order they are sent, the one list of it: (operation, writes) for CREATE_USER (first: a new
        user's seats need the seat_uid its create answers), UPDATE_USER, EDIT_SEATS (the seat changes, in PATCHes of
        ``batch_size``, None: one) each preceded by REVOKE_USER for the users it releases (see seat_steps), and for each
        user to delete REVOKE_USER then DELETE_USER (last: a user deleted first could not be released by the same task's PATCH, and after
        the delete the email names nobody to revoke). Every revocation comes before the write that removes its user
        (see seat_steps)."""
        revoking = dict((id(r.cause), r) for r in self.revocations)
        steps = [(CREATE_USER, self.creates), (UPDATE_USER, self.renames)]
        steps.extend(seat_steps(self.seats + self.new_seats, revoking, batch_size))
        for delete in self.deletes:
            if id(delete) in revoking:
                steps.append((REVOKE_USER, [revoking[id(delete)]]))
            steps.append((DELETE_USER, [delete]))
        return steps

    def summary(self):
        return dict(release_counts(self.seats, self.revocations), listed=self.listed, created=len(self.creates),
                    renamed=len(self.renames), deleted=len(self.deletes),
                    seats_changed=len(self.seats) + len(self.new_seats))


def plan_users(account, items, exclusive_seats=False, create_needs_name=True, inactivity=None, revoke_sessions=False,
               revoke_devices=False, max_removals=DEFAULT_LIMIT, allow_mass_removal=False):
    """Compare the wanted users with the account. Return (plan, problems); any problem means nothing may be written.

    A user that does not exist is created from its email and name (an id cannot be chosen, a name is needed); a name
    that differs is a rename (the API needs the record's email for it); flags that differ are one seat change each;
    state=absent deletes. Under ``exclusive_seats`` every seat holder not listed is released, except users deleted.
    ``create_needs_name``: in a list, an item without a name names a user to manage, not one to create (a typo in an
    email must not create a user); cloudflare_zt_user, which names one user, may create one from its email alone.
    With ``revoke_sessions`` every user released or deleted has their sessions revoked (``revoke_devices``: and
    their devices). ``max_removals`` and ``allow_mass_removal``: the removal guard (see plan_seats).
    """
    problems = []
    creates, renames, deletes, targets, new_seats = [], [], [], [], []
    seen = {}
    for item in items:
        record, why = resolve(account, item)
        if record is None and not isinstance(why, NotFound):
            problems.append('%s: %s' % (item.label, why))
            continue
        if record is not None:
            key = record_key(record)
            if key in seen:
                problems.append(listed_twice('%s and %s' % (seen[key].label, item.label), 'user ' + describe(record)))
                continue
            seen[key] = item
        if item.state == 'absent':
            if record is None:
                continue
            if record.get('id') is None:
                problems.append('%s: the record has no id, so it cannot be deleted' % item.label)
                continue
            unnamed = unaddressable(record)
            if unnamed:
                problems.append('%s: %s, so it cannot be deleted' % (item.label, unnamed))
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
                    new_seats.append(NewSeat(create, bool(item.access_seat), bool(item.gateway_seat)))
            continue
        if item.name is not None and record.get('name') != item.name:
            missing = [f for f in ('id', 'email') if record.get(f) is None]
            unnamed = None if missing else unaddressable(record)
            if missing:
                problems.append('%s: the record has no %s, which a rename must send, so it cannot be renamed' % (
                    item.label, ' and no '.join(missing)))
            elif unnamed:
                problems.append('%s: %s, so it cannot be renamed' % (item.label, unnamed))
            else:
                renames.append(UserWrite(UPDATE, item, record))
        target = SeatTarget(record, item)
        targets.append(target)
    spared = set(record_key(w.record) for w in deletes)
    seats = seat_changes(account, targets, exclusive=exclusive_seats, spared=spared, problems=problems,
                         inactivity=inactivity)
    creates.sort(key=lambda w: email_order(w.email))
    renames.sort(key=lambda w: email_order(w.email))
    deletes.sort(key=lambda w: email_order(w.email))
    new_seats.sort(key=lambda new: email_order(new.email))
    revoked = revocations([c for c in seats if c.released] + deletes, revoke_devices, problems) if revoke_sessions else []
    return UsersPlan(creates, renames, seats, new_seats, deletes, len(items), revoked,
                     inactivity.warnings if inactivity is not None else (),
                     check_removals(account, seats, deletes, max_removals, allow_mass_removal)), problems
