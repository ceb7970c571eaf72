# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The removal guard: the one rule that stops a task which would take seats or user records away from many people
# at once (a list truncated by a bad merge, given with exclusive_seats; a wrong release_inactive; a state: absent
# list). Releasing a seat also removes the person's device registrations, so this is data loss, not billing.
# Used by cloudflare_zt_seat, cloudflare_zt_users and through it the reconcile role. Pure.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import FLAGS, email_order, record_key

# The default bound: a task is refused when it removes more than this many people AND more than this share of the
# account's seat holders, so that an ordinary leaver, and any change in a small account, is never stopped.
DEFAULT_PEOPLE = 10
DEFAULT_PERCENT = 10
# How many of the people a refusal names (the result lists them all).
NAMED = 5

PERCENT_RE = re.compile(r'^\s*(\d+(?:\.\d+)?)\s*%\s*\Z')
COUNT_RE = re.compile(r'^\s*(\d+)\s*\Z')


class RemovalLimit(object):
    """max_removals: a number of people, a percentage of the account's seat holders, or both (the default). A task is
    refused when its removals exceed every bound that is set."""

    def __init__(self, people=None, percent=None):
        self.people = people
        self.percent = percent

    @property
    def needs_account(self):
        """Whether judging the bound needs every seat holder of the account (a percentage alone does)."""
        return self.people is None

    def exceeded(self, removals, holders):
        over_people = self.people is None or removals > self.people
        over_percent = self.percent is None or removals * 100.0 > self.percent * holders
        return removals > 0 and over_people and over_percent

    def describe(self, holders):
        parts = []
        if self.people is not None:
            parts.append('%d %s' % (self.people, 'person' if self.people == 1 else 'people'))
        if self.percent is not None:
            parts.append('%g %% of the %d user%s who hold a seat' % (self.percent, holders, '' if holders == 1 else 's'))
        return ' and '.join(parts)

    def text(self):
        """The bound in the option's own words (the result's ``max_removals``)."""
        parts = ([str(self.people)] if self.people is not None else []) + \
            (['%g%%' % self.percent] if self.percent is not None else [])
        return ' and '.join(parts)


DEFAULT_LIMIT = RemovalLimit(DEFAULT_PEOPLE, DEFAULT_PERCENT)


def parse_max_removals(raw):
    """(RemovalLimit, problem): the option as a count (``25``) or a percentage (``'20%'``); None is the default."""
    if raw is None:
        return DEFAULT_LIMIT, None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return RemovalLimit(people=raw), None
    if isinstance(raw, str):
        count, percent = COUNT_RE.match(raw), PERCENT_RE.match(raw)
        if count:
            return RemovalLimit(people=int(count.group(1))), None
        if percent and float(percent.group(1)) <= 100:
            return RemovalLimit(percent=float(percent.group(1))), None
    return None, ('max_removals must be a number of people (such as 25) or a percentage of the users who hold a seat '
                  '(such as "20%%", at most 100%%), got %s' % quoted(raw))


def removed(record, access_seat, gateway_seat):
    """Whether a seat change takes a seat away from its holder (a flag from true to false)."""
    return any(record.get(flag) is True and not after for flag, after in zip(FLAGS, (access_seat, gateway_seat)))


class RemovalCheck(object):
    """What the guard found for a plan: the people it removes (their records, by email), the account's seat holders,
    the bound, and whether it was lifted (allow_mass_removal)."""

    def __init__(self, people, holders, limit, lifted):
        self.people = people
        self.holders = holders
        self.limit = limit
        self.lifted = lifted

    @property
    def refused(self):
        return not self.lifted and self.limit.exceeded(len(self.people), self.holders)

    def result(self):
        """The result's ``removal_guard``."""
        return {'removals': len(self.people), 'seat_holders': self.holders, 'max_removals': self.limit.text(),
                'allow_mass_removal': self.lifted, 'refused': self.refused}

    def message(self, what):
        named = ', '.join(r.get('email') or '(id %s)' % r.get('id') for r in self.people[:NAMED])
        more = len(self.people) - NAMED
        return ('%s would remove %d people (take their seats away or delete their records), more than max_removals '
                'allows: %s. Among them: %s%s. If this is a deliberate mass change, set allow_mass_removal=true, or '
                'raise max_removals (in the reconcile role: reconcile_allow_mass_removal, reconcile_max_removals); '
                'check mode shows the whole plan' % (
                    what, len(self.people), self.limit.describe(self.holders), named,
                    ' and %d more' % more if more > 0 else ''))


def check_removals(account, seat_changes, deletes, limit, lifted):
    """The RemovalCheck of a plan: each person once, whether their seats are taken away (``seat_changes``: objects
    with ``record``, ``access_seat``, ``gateway_seat``) or their record is deleted (``deletes``: objects with
    ``record``); the base is the account's seat holders as listed."""
    people = {}
    for change in seat_changes:
        if removed(change.record, change.access_seat, change.gateway_seat):
            people[record_key(change.record)] = change.record
    for delete in deletes:
        people[record_key(delete.record)] = delete.record
    ordered = sorted(people.values(), key=lambda r: email_order(r.get('email'), r.get('id')))
    return RemovalCheck(ordered, len(account.seat_holders()), limit, lifted)
