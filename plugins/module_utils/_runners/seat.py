# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_seat: check the wanted seats, read the account once (or a few users), plan, PATCH the
# changes in batches of seat_batch_size.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import NOTHING_WRITTEN, OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._identifiers import lower
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._inactivity import parse_policy, utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._plan import (
    INACTIVE,
    Account,
    Inactivity,
    parse_seat_items,
    plan_record,
    plan_seats,
    record_key,
    seat_diff,
    seat_options,
    seat_view,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._runners.writes import (
    WriteLog,
    accept,
    seat_entry,
    send_seat_changes,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import (
    find_users_by_email,
    get_user,
    list_users,
)

# Up to this many distinct users named by email or user_id (and no seat_uid, no exclusive), the module looks them up
# one by one (GET by id: 1 read; list filtered by email: 1 read) instead of listing the account (1 read per 1000
# users). Documented in the module's notes: keep the two in step.
LOOKUP_THRESHOLD = 5


def lookup_one_by_one(items, exclusive):
    """True when looking the items up one by one costs less than listing the account.

    Only for up to LOOKUP_THRESHOLD distinct users named by email or user_id: seat_uid has no filter in the API,
    and exclusive needs every seat holder anyway.
    """
    if exclusive or not items or any(item.seat_uid is not None for item in items):
        return False
    return len(set(lower(value) for item in items for _kind, value in item.identifiers)) <= LOOKUP_THRESHOLD


def read_records(client, items, whole_account):
    """The records the plan needs: a few looked up one by one, or the whole account listed once."""
    if not lookup_one_by_one(items, whole_account):
        return list_users(client, keep=plan_record)
    records, seen, asked = [], set(), {}
    for item in items:
        kind, value = item.identifiers[0]
        asked.setdefault((kind, lower(value)), value)    # the first spelling, as typed, goes to the API's filter
    for (kind, _key), value in sorted(asked.items()):
        if kind == 'user_id':
            found = get_user(client, value)
            found = [found] if found is not None else []
        else:
            found = find_users_by_email(client, value)
        for record in found:
            record = plan_record(record)
            if record_key(record) not in seen:
                seen.add(record_key(record))
                records.append(record)
    return records


def inactivity_option(params):
    """The release_inactive policy at the moment of the task (an Inactivity), or None; OptionsError if it is bad."""
    policy, problems = parse_policy(params.get('release_inactive'))
    if problems:
        raise OptionsError('Invalid release_inactive, %s and no request was sent: %s' % (NOTHING_WRITTEN, '; '.join(problems)))
    return Inactivity(policy, utc_now()) if policy is not None else None


def check_batch_size(value):
    if value is None or value < 1:
        raise OptionsError('seat_batch_size must be at least 1, got %s; %s' % (value, NOTHING_WRITTEN))


def run_seat(module, client):
    """The runner of cloudflare_zt_seat (see _module.run_module)."""
    params = module.params
    raw, single, exclusive = seat_options(params)
    check_batch_size(params.get('seat_batch_size'))
    inactivity = inactivity_option(params)
    items, problems = parse_seat_items(raw, single=single)
    if problems:
        raise OptionsError('Invalid seats, %s and no request was sent: %s' % (NOTHING_WRITTEN, '; '.join(problems)))

    result = {'changed': False, 'seats': [],
              'summary': {'addressed': 0, 'changed': 0, 'released': 0, 'released_inactive': 0}}
    if items or exclusive or inactivity:
        records = read_records(client, items, exclusive or inactivity is not None)
        plan, problems = plan_seats(Account(records), items, exclusive=exclusive, single=single, inactivity=inactivity)
        accept(module, 'Cannot change the seats of account %s' % client.account_id, plan, problems)
        applied = {}
        if plan.changes and not module.check_mode:
            log = WriteLog(client, [seat_entry(c) for c in plan.changes])
            applied = send_seat_changes(log, plan.changes, params['seat_batch_size'])

        def after(record, access, gateway):
            # Where the PATCH answer says something else than the plan, the answer wins: it is what Cloudflare holds.
            return seat_view(record, *applied.get(lower(record.get('seat_uid')), (access, gateway)))

        def reported(change):
            seat = after(change.record, change.access_seat, change.gateway_seat)
            if change.reason == INACTIVE:
                seat['inactivity'] = dict(change.evidence)
            return seat

        if plan.single is not None:
            result['seats'] = [after(*plan.single)]
        else:
            result['seats'] = [reported(c) for c in plan.changes]
        result['changed'] = bool(plan.changes)
        result['summary'] = plan.summary()
        changes = plan.changes
    else:
        changes = []
    if module._diff:
        result['diff'] = {'prepared': seat_diff(changes)}
    return result
