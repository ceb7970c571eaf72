# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# When a seat holder counts as inactive: the one rule behind cloudflare_zt_seat's and cloudflare_zt_users'
# release_inactive and cloudflare_zt_user_info's inactive_days. Pure: "now" is passed in (UTC).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from datetime import datetime, timedelta, timezone

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import UUID_RE, identifier_problem
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import describe

MIN_DAYS, MAX_DAYS = 1, 3650
SEAT_KINDS = ('any', 'access', 'gateway', 'both')
NEVER_LOGGED_IN = ('created_at', 'keep')
POLICY_KEYS = frozenset(('days', 'seats', 'never_logged_in', 'exempt'))
DAY = 86400.0

# RFC 3339 / ISO 8601 date-time: any number of fractional digits, Z or an offset (none: UTC).
TIMESTAMP_RE = re.compile(r'^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d+))?'
                          r'(?:([Zz])|([+-])(\d{2}):?(\d{2}))?\Z')


# How far the controller's clock may be from Cloudflare's before a task says so. Inactivity is judged on
# Cloudflare's clock whatever the difference; beyond this one, the controller's clock is wrong enough to matter.
CLOCK_TOLERANCE = 300.0
# A Date header counts whole seconds and an answer takes a moment to arrive: a difference within this is none.
DATE_RESOLUTION = 2.0


def utc_now():
    return datetime.now(timezone.utc)


def clock_offset(offset):
    """How far Cloudflare's clock is taken to be from the controller's (seconds; None: no Date was read): an offset
    within the Date's resolution is none."""
    if offset is None:
        return None
    return 0.0 if abs(offset) < DATE_RESOLUTION else offset


def judged_now(offset, local):
    """The moment inactivity is judged at: the controller's ``local`` time moved by Cloudflare's ``offset`` (seconds,
    None: no Date was read, the controller's clock is used)."""
    return local + timedelta(seconds=clock_offset(offset) or 0.0)


def clock_report(offset):
    """(the result's ``clock``, a warning or None) for the offset of Cloudflare's clock from the controller's
    (client.ServerClock; None: no answer carried a readable Date, so the controller's clock was used)."""
    offset = clock_offset(offset)
    if offset is None:
        return {'source': 'controller', 'skew_seconds': None}, None
    skew = int(round(offset))
    warning = None
    if abs(offset) > CLOCK_TOLERANCE:
        warning = ("The controller's clock is %s %s Cloudflare's (the Date of its answers): inactivity is judged on "
                   "Cloudflare's clock. Set the controller's clock right (NTP)" % (
                       duration(abs(skew)), 'behind' if skew > 0 else 'ahead of'))
    return {'source': 'cloudflare', 'skew_seconds': skew}, warning


def judged_clock(offset, local):
    """(the moment inactivity is judged at, the result's ``clock``, a warning or None): judged_now and clock_report of
    one reading of the clocks, so that the result names the clock the decisions were made on."""
    return (judged_now(offset, local),) + clock_report(offset)


def duration(seconds):
    """A number of seconds in words: ``365 days 0 h 12 min``, ``7 min 3 s``."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    if days:
        return '%d day%s %d h %d min' % (days, '' if days == 1 else 's', hours, minutes)
    if hours:
        return '%d h %d min' % (hours, minutes)
    return '%d min %d s' % (minutes, secs)


def parse_timestamp(text):
    """An aware UTC datetime from an API timestamp, or None when it cannot be read."""
    if not isinstance(text, str):
        return None
    match = TIMESTAMP_RE.match(text.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, _zulu, sign, off_h, off_m = match.groups()
    try:
        moment = datetime(int(year), int(month), int(day), int(hour), int(minute), int(second), tzinfo=timezone.utc)
    except ValueError:
        return None
    if fraction:
        moment += timedelta(microseconds=int((fraction + '000000')[:6]))
    if sign:
        offset = timedelta(hours=int(off_h), minutes=int(off_m))
        moment -= offset if sign == '+' else -offset
    return moment


class Policy(object):
    """release_inactive as the task gives it: the window in days, which holders count, what "never logged in"
    means, and the exemptions (emails or user ids)."""

    def __init__(self, days, seats='any', never_logged_in='created_at', exempt=()):
        self.days = days
        self.seats = seats
        self.never_logged_in = never_logged_in
        self.exempt = list(exempt)


def parse_policy(raw, option='release_inactive'):
    """A Policy from the option's dict, or (None, problems). No request is needed."""
    if raw is None:
        return None, []
    if not isinstance(raw, dict):
        return None, ['%s must be a dictionary with at least days, got %s' % (option, type(raw).__name__)]
    problems = []
    unknown = sorted(str(k) for k in raw if k not in POLICY_KEYS)
    if unknown:
        problems.append('%s: unsupported key%s %s (supported: %s)' % (
            option, 's' if len(unknown) > 1 else '', ', '.join(unknown), ', '.join(sorted(POLICY_KEYS))))
    days = raw.get('days')
    if isinstance(days, str) and days.strip().isdigit():
        days = int(days.strip())
    if isinstance(days, bool) or not isinstance(days, int) or not MIN_DAYS <= days <= MAX_DAYS:
        problems.append('%s.days must be a whole number of days from %d to %d (the inactivity window), got %s' % (
            option, MIN_DAYS, MAX_DAYS, quoted(days)))
    seats = raw.get('seats') if raw.get('seats') is not None else 'any'
    if seats not in SEAT_KINDS:
        problems.append('%s.seats must be one of %s, got %s' % (option, ', '.join(SEAT_KINDS), quoted(seats)))
    never = raw.get('never_logged_in') if raw.get('never_logged_in') is not None else 'created_at'
    if never not in NEVER_LOGGED_IN:
        problems.append('%s.never_logged_in must be one of %s, got %s' % (option, ', '.join(NEVER_LOGGED_IN),
                                                                          quoted(never)))
    exempt = raw.get('exempt') if raw.get('exempt') is not None else []
    if not isinstance(exempt, list):
        problems.append('%s.exempt must be a list of emails or user ids, got %s' % (option, type(exempt).__name__))
        exempt = []
    for position, entry in enumerate(exempt):
        problem = identifier_problem(exempt_kind(entry), entry) if isinstance(entry, str) else \
            'must be an email or a user id, got %s' % type(entry).__name__
        if problem:
            problems.append('%s.exempt[%d]: %s' % (option, position, problem))
    if problems:
        return None, problems
    return Policy(days, seats, never, exempt), []


def exempt_kind(entry):
    """An exemption is a user id when it looks like a UUID, else an email."""
    return 'user_id' if isinstance(entry, str) and UUID_RE.match(entry) else 'email'


def holds(record, seats):
    """Whether the record holds the seats that the policy's ``seats`` counts."""
    access, gateway = record.get('access_seat') is True, record.get('gateway_seat') is True
    return {'any': access or gateway, 'access': access, 'gateway': gateway, 'both': access and gateway}[seats]


class Activity(object):
    """How long a record has been inactive: ``since`` (the last login, or the creation for someone who never logged
    in), ``never`` (no login), ``days`` (whole days since), and ``problem`` when a timestamp cannot be read."""

    __slots__ = ('since', 'never', 'elapsed', 'problem')

    def __init__(self, since=None, never=False, elapsed=None, problem=None):
        self.since = since
        self.never = never
        self.elapsed = elapsed
        self.problem = problem

    @property
    def days(self):
        return None if self.elapsed is None else int(max(self.elapsed, 0.0) // DAY)


def activity(record, now):
    """The Activity of a record at ``now``."""
    login = record.get('last_successful_login')
    if login is None or login == '':
        created = parse_timestamp(record.get('created_at'))
        if created is None:
            return Activity(never=True, problem='it never logged in and its created_at %s cannot be read' % (
                quoted(record.get('created_at'))))
        return Activity(since=created, never=True, elapsed=(now - created).total_seconds())
    when = parse_timestamp(login)
    if when is None:
        return Activity(problem='its last_successful_login %s cannot be read' % quoted(login))
    return Activity(since=when, elapsed=(now - when).total_seconds())


def evidence(record, act):
    """What the results say about a release for inactivity, in the API's words."""
    found = {'days_inactive': act.days, 'never_logged_in': act.never,
             'last_successful_login': None if act.never else record.get('last_successful_login')}
    if act.never:
        found['created_at'] = record.get('created_at')
    return found


def inactive(record, policy, now):
    """(evidence, warning): evidence when the policy releases this record's seat, a warning when it cannot tell.

    A login exactly ``days`` days ago counts as inactive; a login in the future (a clock that is off) does not.
    """
    if not holds(record, policy.seats):
        return None, None
    act = activity(record, now)
    if act.problem:
        return None, '%s: %s, so its seat is not released for inactivity' % (describe(record), act.problem)
    if act.never and policy.never_logged_in == 'keep':
        return None, None
    if act.elapsed < 0:
        return None, '%s: its %s %s is in the future, so its seat is not released for inactivity' % (
            describe(record), 'created_at' if act.never else 'last_successful_login',
            record.get('created_at') if act.never else record.get('last_successful_login'))
    if act.elapsed >= policy.days * DAY:
        return evidence(record, act), None
    return None, None
