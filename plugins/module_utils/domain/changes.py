# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The change records: every write a plan (domain/plan.py) makes is one of them, in the results' own words. Each carries
# the action a user sees (create, update, release, release_inactive, delete, revoke_sessions), the user it changes,
# each field it sets (before, after), and the request it is sent as (a name of operations.OPERATIONS). users[],
# drift[], written/not_written/unknown and the diffs (results/report.py) are projections of these records.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import FLAGS, describe

# The actions, as results name them.
CREATE = 'create'
UPDATE = 'update'
RELEASE = 'release'
RELEASE_INACTIVE = 'release_inactive'
DELETE = 'delete'
REVOKE = 'revoke_sessions'

# The request each kind of write is sent as (UsersPlan.steps and SeatPlan.steps name their steps with these).
CREATE_USER = 'create_user'
UPDATE_USER = 'update_user'
EDIT_SEATS = 'edit_seats'
DELETE_USER = 'delete_user'
REVOKE_USER = 'revoke_user'

# What a revocation sets (Revocation.fields).
REVOKED = 'revoked'
REVOCATION_FIELDS = ('sessions', 'devices')


def _answered(answers, write, key):
    """``key`` of the record the API answered for ``write`` (a create's id and seat_uid), or None."""
    answer = answers.get(id(write))
    return answer.get(key) if isinstance(answer, dict) else None


class Change(object):
    """What every change record has: ``action``, ``operation``, the user's ``email`` and ``user_id(answers)`` (those of
    the listed record it changes; a create's id is in the API's answer), ``fields()``: (field, before, after) of each
    field it sets, and the ``evidence`` of a release for inactivity."""

    __slots__ = ()
    evidence = None

    @property
    def email(self):
        return self.record.get('email')

    def user_id(self, answers):
        return self.record.get('id')


class SeatChange(Change):
    """A seat whose flags change: the record (current flags) and the flags after; the action is UPDATE for a seat the
    items address, RELEASE for one exclusive releases, RELEASE_INACTIVE (with its evidence, inactivity.evidence) for
    one the inactivity policy releases."""

    __slots__ = ('record', 'access_seat', 'gateway_seat', 'action', 'evidence')
    operation = EDIT_SEATS

    def __init__(self, record, access_seat, gateway_seat, action=UPDATE, evidence=None):
        self.record = record
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat
        self.action = action
        self.evidence = evidence

    @property
    def released(self):
        return not self.access_seat and not self.gateway_seat

    def seat_uid(self, answers):
        return self.record.get('seat_uid')

    def fields(self):
        return [(flag, self.record.get(flag) is True, after)
                for flag, after in zip(FLAGS, (self.access_seat, self.gateway_seat))
                if (self.record.get(flag) is True) != after]

    def patch_item(self):
        # Exactly as listed: another spelling may be another seat (the identity rule is for matching only).
        return {'seat_uid': self.record['seat_uid'], 'access_seat': self.access_seat,
                'gateway_seat': self.gateway_seat}


class UserWrite(Change):
    """One write to a user record for ``item``: CREATE (record None), UPDATE (its name) or DELETE of ``record``."""

    __slots__ = ('action', 'item', 'record')

    def __init__(self, action, item, record=None):
        self.action = action
        self.item = item
        self.record = record

    @property
    def operation(self):
        return {CREATE: CREATE_USER, UPDATE: UPDATE_USER, DELETE: DELETE_USER}[self.action]

    @property
    def email(self):
        return self.item.email if self.record is None else self.record.get('email')

    def user_id(self, answers):
        return _answered(answers, self, 'id') if self.record is None else self.record.get('id')

    def fields(self):
        if self.action == DELETE:
            return [('state', 'present', 'absent')]
        if self.item.name is None:
            return []
        return [('name', None if self.record is None else self.record.get('name'), self.item.name)]


class NewSeat(Change):
    """The seats of a user the task creates (``create``, a UserWrite): a new user holds none, so only flags set true
    are a change; sent once the create answered, with the seat_uid it gave."""

    __slots__ = ('create', 'access_seat', 'gateway_seat')
    action = UPDATE
    operation = EDIT_SEATS

    def __init__(self, create, access_seat, gateway_seat):
        self.create = create
        self.access_seat = access_seat
        self.gateway_seat = gateway_seat

    @property
    def email(self):
        return self.create.email

    def user_id(self, answers):
        return _answered(answers, self.create, 'id')

    def seat_uid(self, answers):
        return _answered(answers, self.create, 'seat_uid')

    def fields(self):
        return [(flag, False, True) for flag, wanted in zip(FLAGS, (self.access_seat, self.gateway_seat)) if wanted]


class Revocation(Change):
    """The revocation of a user's Access sessions (and with ``devices`` of their devices), caused by ``cause``: the
    SeatChange that releases the user's seat, or the UserWrite that deletes the user. Its fields, sessions (and
    devices), go from unknown (not read) to REVOKED."""

    __slots__ = ('record', 'devices', 'cause')
    action = REVOKE
    operation = REVOKE_USER

    def __init__(self, record, devices, cause):
        self.record = record
        self.devices = devices
        self.cause = cause

    def fields(self):
        return [(field, None, REVOKED) for field in (REVOCATION_FIELDS if self.devices else REVOCATION_FIELDS[:1])]


def revocations(causes, devices, problems):
    """A Revocation for each release or delete in ``causes``; a user without an email cannot be revoked (the API
    names the user by email), which is a problem of the plan."""
    found = []
    for cause in causes:
        if not cause.record.get('email'):
            problems.append('%s has no email, which revoke_sessions must send, so its sessions cannot be revoked' % (
                describe(cause.record)))
            continue
        found.append(Revocation(cause.record, devices, cause))
    return found
