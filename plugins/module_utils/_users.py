# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The decisions of cloudflare_zt_user and cloudflare_zt_user_info: validate the options,
# identify the user, compare, plan, diff, filter. Everything here but the two runners is a pure
# function of its arguments, so it can be tested without HTTP; the runners only fetch, call the
# pure functions and send what the plan says.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._module import (
    EMAIL_RE,
    UUID_RE,
    ConfigError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._zero_trust import (
    create_user,
    delete_user,
    find_users_by_email,
    get_user,
    list_users,
    same_email,
    update_user_name,
    user_record,
)


# --- validation ----------------------------------------------------------------------------

def _check_user_id(user_id):
    if user_id is not None and not UUID_RE.match(user_id):
        raise ConfigError('user_id must be a UUID such as f174e90a-fafe-4643-bbbc-4a0ed4fc8415, got %r' % user_id)


def _check_email(email):
    if email is not None and not EMAIL_RE.match(email):
        raise ConfigError('email must be an e-mail address such as jdoe@example.com, got %r' % email)


def _check_not_empty(option, value):
    if value is not None and not value.strip():
        raise ConfigError('%s must not be empty' % option)


def validate_user_options(params):
    """Refuse options of cloudflare_zt_user that cannot work; raise ConfigError before any request."""
    user_id, email, name, state = params.get('user_id'), params.get('email'), params.get('name'), params.get('state')
    if user_id is None and email is None:
        raise ConfigError('one of user_id or email is required to identify the user')
    _check_user_id(user_id)
    _check_email(email)
    if state == 'absent' and name is not None:
        raise ConfigError('name cannot be used with state=absent: a user that is deleted has no name to manage')
    _check_not_empty('name', name)


def validate_info_options(params):
    """Refuse filters of cloudflare_zt_user_info that cannot work; raise ConfigError before any request."""
    _check_user_id(params.get('user_id'))
    _check_email(params.get('email'))
    _check_not_empty('name', params.get('name'))
    _check_not_empty('search', params.get('search'))


# --- identify ------------------------------------------------------------------------------

def identify_user(account_id, user_id=None, email=None, by_id=None, by_email=None):
    """The current user named by the options, or None if there is none.

    ``by_id`` is the user fetched by ``user_id`` (None when it does not exist); ``by_email`` the
    users whose email matches ``email`` exactly (used only when ``user_id`` is not set).
    Raise ConfigError when the options do not name one user unambiguously.
    """
    if user_id is not None:
        if by_id is not None and email is not None and not same_email(by_id.get('email'), email):
            raise ConfigError(
                'email %s does not match the email %s of the user %s in account %s: the email of an Access user '
                'cannot be changed; leave email out, or correct it' % (email, by_id.get('email'), user_id, account_id))
        return by_id
    matches = by_email or []
    if len(matches) > 1:
        raise ConfigError(
            '%d Access users in account %s have the email %s (ids %s): set user_id to say which one' % (
                len(matches), account_id, email, ', '.join(sorted(str(u.get('id')) for u in matches))))
    return matches[0] if matches else None


# --- plan ----------------------------------------------------------------------------------

def sorted_record(record):
    """A copy of the record with its keys in sorted order (for stable diffs and results)."""
    return dict((key, record[key]) for key in sorted(record))


def predicted_new_user(email, name=None):
    """What a create is expected to return, as far as it can be known beforehand (no id)."""
    record = {'email': email, 'access_seat': False, 'gateway_seat': False}
    if name is not None:
        record['name'] = name
    return sorted_record(record)


def plan_user(account_id, current, state='present', user_id=None, email=None, name=None):
    """Decide what cloudflare_zt_user does.

    ``current`` is the user as it stands (an API object) or None. Return a dict:
    ``action`` (None, ``create``, ``update`` or ``delete``), ``before`` and ``after`` (records in
    the module's vocabulary, ``{}`` for no user), and ``request`` (what to send: the keyword
    arguments of the _zero_trust function for the action).
    """
    before = sorted_record(user_record(current)) if current is not None else {}
    if state == 'absent':
        if current is None:
            return {'action': None, 'before': {}, 'after': {}, 'request': None}
        return {'action': 'delete', 'before': before, 'after': {}, 'request': {'user_id': current['id']}}
    if current is None:
        if user_id is not None:
            raise ConfigError(
                'No Access user with id %s in account %s; an id cannot be chosen on create: to create a user, '
                'give its email without user_id' % (user_id, account_id))
        return {'action': 'create', 'before': {}, 'after': predicted_new_user(email, name),
                'request': {'email': email, 'name': name}}
    if name is not None and current.get('name') != name:
        after = dict(before)
        after['name'] = name
        return {'action': 'update', 'before': before, 'after': sorted_record(after),
                'request': {'user_id': current['id'], 'current_email': current.get('email'), 'name': name}}
    return {'action': None, 'before': before, 'after': before, 'request': None}


def user_result(plan, sent=None, check_mode=False, diff_mode=False):
    """The module's result for a plan; ``sent`` is what the API answered to the write, if any.

    ``user`` is the record after the task: the API's answer to a create or update, the
    prediction in check mode, ``{}`` when the user does not exist (any more).
    """
    action = plan['action']
    if action in ('create', 'update') and not check_mode and isinstance(sent, dict):
        user = sorted_record(user_record(sent))
    else:
        user = plan['after']
    result = {'changed': action is not None, 'user': user}
    if diff_mode:
        after = plan['after']
        if action == 'create' and not check_mode:
            after = user
        result['diff'] = {'before': plan['before'], 'after': after}
    return result


# --- info filters --------------------------------------------------------------------------

def seat_matches(user, seat):
    """Whether a user holds the seats that the ``seat`` filter asks for (None: any user)."""
    access, gateway = bool(user.get('access_seat')), bool(user.get('gateway_seat'))
    if seat is None:
        return True
    if seat == 'access':
        return access
    if seat == 'gateway':
        return gateway
    if seat == 'any':
        return access or gateway
    if seat == 'none':
        return not (access or gateway)
    raise ValueError('unknown seat filter %r' % (seat,))


def list_filters(params):
    """The query filters to send to the list endpoint (the API narrows, the client decides)."""
    return dict((key, params[key]) for key in ('email', 'name', 'search') if params.get(key) is not None)


def info_record(user):
    """A user as cloudflare_zt_user_info reports it: the API's fields, both seat flags always there."""
    record = user_record(user)
    record['access_seat'] = bool(user.get('access_seat'))
    record['gateway_seat'] = bool(user.get('gateway_seat'))
    return sorted_record(record)


def filter_users(users, user_id=None, email=None, name=None, seat=None):
    """The users that match every given filter exactly, in the order they came.

    ``user_id`` ignores letter case, ``email`` ignores letter case, ``name`` is exact and
    case-sensitive, ``seat`` is one of the choices of the module's ``seat`` option (see seat_matches).
    """
    kept = []
    for user in users:
        if user_id is not None and str(user.get('id', '')).lower() != user_id.lower():
            continue
        if email is not None and not same_email(user.get('email'), email):
            continue
        if name is not None and user.get('name') != name:
            continue
        if not seat_matches(user, seat):
            continue
        kept.append(user)
    return kept


# --- runners (the only code here that talks to the API) ------------------------------------

def run_user(module, client):
    """The runner of cloudflare_zt_user: identify, plan, send (unless in check mode), report."""
    params = module.params
    validate_user_options(params)
    user_id = params['user_id'].lower() if params.get('user_id') else None
    email, name, state = params.get('email'), params.get('name'), params['state']

    if user_id is not None:
        current = identify_user(client.account_id, user_id=user_id, email=email, by_id=get_user(client, user_id))
    else:
        current = identify_user(client.account_id, email=email, by_email=find_users_by_email(client, email))

    plan = plan_user(client.account_id, current, state=state, user_id=user_id, email=email, name=name)
    sent = None
    if plan['action'] and not module.check_mode:
        request = plan['request']
        if plan['action'] == 'create':
            sent = create_user(client, **request)
        elif plan['action'] == 'update':
            sent = update_user_name(client, **request)
        else:
            delete_user(client, **request)
    return user_result(plan, sent=sent, check_mode=module.check_mode, diff_mode=module._diff)


def run_user_info(module, client):
    """The runner of cloudflare_zt_user_info: one GET by id, or the whole list; then the filters."""
    params = module.params
    validate_info_options(params)
    user_id = params['user_id'].lower() if params.get('user_id') else None
    if user_id is not None:
        user = get_user(client, user_id)
        users = [info_record(user)] if user is not None else []
    else:
        # Each page is reduced to the reported records as it arrives: a large account is held once, not twice.
        users = list_users(client, keep=info_record, **list_filters(params))
    users = filter_users(users, user_id=user_id, email=params.get('email'), name=params.get('name'),
                         seat=params.get('seat'))
    return {'changed': False, 'users': users}
