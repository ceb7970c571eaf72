# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# cloudflare_zt_user_info: one GET by id, or the whole list narrowed by the API's filters; the
# filters are then applied exactly here.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import check_info_options
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import match_key, same_email
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import get_user, list_users
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import activity, judged_clock, utc_now
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.results.report import user_record


def seat_matches(user, seat):
    """Whether a user holds the seats that the ``seat`` filter asks for (None: any user)."""
    access, gateway = user.get('access_seat') is True, user.get('gateway_seat') is True
    return {None: True, 'access': access, 'gateway': gateway, 'any': access or gateway,
            'none': not (access or gateway)}[seat]


def info_record(user, now=None):
    """A user as cloudflare_zt_user_info reports it: the API's fields, both seat flags always there, and
    ``days_inactive`` (whole days since the last login, or since the creation for a user who never logged in;
    null when the timestamp cannot be read) with ``never_logged_in``."""
    if not isinstance(user, dict):
        return None
    record = user_record(user)
    record['access_seat'] = user.get('access_seat') is True
    record['gateway_seat'] = user.get('gateway_seat') is True
    act = activity(user, now or utc_now())
    record['days_inactive'] = None if act.problem else act.days
    record['never_logged_in'] = act.never
    return dict((key, record[key]) for key in sorted(record))


def inactive_for(user, days, never_logged_in):
    """The inactive_days filter: inactive for ``days`` days or more (the rule of release_inactive)."""
    if user['days_inactive'] is None or (user['never_logged_in'] and never_logged_in == 'keep'):
        return False
    return user['days_inactive'] >= days


def filter_users(users, user_id=None, email=None, name=None, seat=None):
    """The users that match every given filter exactly, in the order they came.

    ``user_id`` and ``email`` ignore letter case, ``name`` is exact and case-sensitive, ``seat`` is one of the
    choices of the module's ``seat`` option (see seat_matches).
    """
    return [user for user in users
            if user is not None
            and (user_id is None or match_key(user.get('id')) == match_key(user_id))
            and (email is None or same_email(user.get('email'), email))
            and (name is None or user.get('name') == name)
            and seat_matches(user, seat)]


def run_user_info(module, client):
    """The runner of cloudflare_zt_user_info."""
    params = module.params
    check_info_options(params)
    user_id = params.get('user_id')
    # days_inactive is judged on Cloudflare's clock: the Date of the first answer, read once (see judged_clock), and
    # the result names that reading.
    reading = []

    def now():
        if not reading:
            reading.append(judged_clock(client.server_clock.offset, utc_now()))
        return reading[0][0]

    if user_id is not None:
        user = get_user(client, user_id)
        users = [info_record(user, now())] if user is not None else []
    else:
        filters = dict((key, params[key]) for key in ('email', 'name', 'search') if params.get(key) is not None)
        # Each page is reduced to the reported records as it arrives: a large account is held once, not twice.
        users = list_users(client, keep=lambda user: info_record(user, now()), complete=False, **filters)
        if users.problems:
            # A report may go on with what was read; the modules that write refuse such a listing instead.
            module.warn('The Cloudflare API listing GET %s contradicts itself; the users returned may be incomplete: %s' % (
                users.path, '; '.join(users.problems)))
    users = filter_users(users, user_id=user_id, email=params.get('email'), name=params.get('name'),
                         seat=params.get('seat'))
    if params.get('inactive_days') is not None:
        users = [u for u in users if inactive_for(u, params['inactive_days'], params.get('never_logged_in'))]
    now()
    _moment, clock, warning = reading[0]
    if warning:
        module.warn(warning)
    return {'changed': False, 'users': users, 'clock': clock}
