# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The options of the modules: the shared argument specs, and every check made before a request is
# sent (connection, credentials, combinations; list items in domain/items.py). Each check raises
# OptionsError; the options end as typed tasks (Task) that the runners hand to the plan.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re

from urllib.parse import urlsplit

from ansible.module_utils import basic
from ansible.module_utils.basic import _load_params, env_fallback

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._list_files import list_file
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.budget import DEFAULT_RESERVE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import DEFAULT_BASE_URL, LIST_CONCURRENCY, MAX_LIST_CONCURRENCY
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import NOTHING_WRITTEN, OptionsError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.identifiers import ACCOUNT_ID_RE, EMAIL_RE, SEAT_IDENTIFIERS, identifier_problem
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import quoted
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.account import FLAGS
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.inactivity import MAX_DAYS, MIN_DAYS, parse_policy
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.items import parse_seat_items, parse_user_items
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.domain.removals import parse_max_removals

# The most seats one PATCH carries by default (the seat_batch_size option).
SEAT_BATCH_SIZE = 1000
# The range of write_rate, in writes per second: below it a task of a few writes would take hours (and a rate
# near 0 would sleep for ever); above it the rate is no bound at all. The default uses half of Cloudflare's budget.
MIN_WRITE_RATE, MAX_WRITE_RATE = 0.01, 1000.0
DEFAULT_WRITE_RATE = 2.0

# Header values and the base URL: printable ASCII, no space (anything else fails inside requests or http.client,
# where the error text would quote the value).
PRINTABLE_RE = re.compile(r'^[!-~]+\Z')
# The largest timeout and max_retry_wait accepted: one day (larger values overflow the socket and sleep calls).
MAX_SECONDS = 86400
# The largest rate_limit_reserve, in percent of the quota: the collection keeps at least half of the budget usable.
MAX_RESERVE_PERCENT = 50

ENV_TOKEN = 'CLOUDFLARE_API_TOKEN'
ENV_EMAIL = 'CLOUDFLARE_EMAIL'
ENV_KEY = 'CLOUDFLARE_API_KEY'

CREDENTIALS_HINT = ('set api_token (or the environment variable %s), or api_email and api_key '
                    '(or %s and %s)' % (ENV_TOKEN, ENV_EMAIL, ENV_KEY))


# --- how much a result lists (result_detail) -----------------------------------------------------------------------

FULL = 'full'
SUMMARY = 'summary'
AUTO = 'auto'
RESULT_DETAILS = (AUTO, FULL, SUMMARY)
# Up to this many items that change, result_detail=auto lists every one (full); above, the counts only (summary).
# Documented in the cloudflare.result_detail doc fragment: keep the two in step.
RESULT_DETAIL_LIMIT = 1000


def applied_detail(asked, changing):
    """The detail a result gets (full or summary): what result_detail ``asked`` for, auto deciding by the number of
    items that change. A result of 10,000 entries costs more than the task (the module scrubs it for secrets, the
    controller decodes and keeps it): above the limit, the counts say what a playbook acts on."""
    if asked in (None, AUTO):
        return FULL if changing <= RESULT_DETAIL_LIMIT else SUMMARY
    return asked


# --- the connection options ------------------------------------------------------------------


def cloudflare_argument_spec():
    """The connection options of every module; documented by the cloudflare_ops.zero_trust.cloudflare doc fragment."""
    return dict(
        api_token=dict(type='str', no_log=True),
        api_email=dict(type='str'),
        api_key=dict(type='str', no_log=True),
        account_id=dict(type='str', fallback=(env_fallback, ['CLOUDFLARE_ACCOUNT_ID'])),
        api_base_url=dict(type='str', fallback=(env_fallback, ['CLOUDFLARE_BASE_URL']), default=DEFAULT_BASE_URL),
        validate_certs=dict(type='bool', default=True),
        timeout=dict(type='float', default=30),
        max_retry_wait=dict(type='float', default=330),
        rate_limit_reserve=dict(type='float', default=DEFAULT_RESERVE * 100),
        list_concurrency=dict(type='int', default=LIST_CONCURRENCY),
        rate_limit_ledger=dict(type='path'),
    )


def seat_batch_argument_spec():
    """The seat_batch_size option (the cloudflare_ops.zero_trust.cloudflare.seat_batch doc fragment)."""
    return dict(seat_batch_size=dict(type='int', default=SEAT_BATCH_SIZE))


def revoke_argument_spec():
    """The revoke_sessions and revoke_devices options (the cloudflare_ops.zero_trust.cloudflare.revoke_sessions doc
    fragment)."""
    return dict(revoke_sessions=dict(type='bool', default=False), revoke_devices=dict(type='bool', default=False))


def removal_guard_argument_spec():
    """The max_removals and allow_mass_removal options (the cloudflare_ops.zero_trust.cloudflare.removal_guard doc
    fragment); max_removals is a count or a percentage, read by removals.parse_max_removals."""
    return dict(max_removals=dict(type='raw'), allow_mass_removal=dict(type='bool', default=False))


def result_detail_argument_spec():
    """The result_detail option (the cloudflare_ops.zero_trust.cloudflare.result_detail doc fragment)."""
    return dict(result_detail=dict(type='str', choices=list(RESULT_DETAILS), default=AUTO))


def resolve_credentials(params, environ):
    """Pick the authentication scheme. Return (headers, secrets).

    A scheme among the task's own options (module_defaults included) wins over one that
    comes only from environment variables; both schemes among the options is an error.
    """
    token, email, key = params.get('api_token'), params.get('api_email'), params.get('api_key')
    if token and (email or key):
        raise OptionsError('api_token and api_email/api_key are mutually exclusive: use one authentication scheme')
    if not (token or email or key):
        token = environ.get(ENV_TOKEN) or None
        if not token:
            email, key = environ.get(ENV_EMAIL) or None, environ.get(ENV_KEY) or None
            if not (email or key):
                raise OptionsError('No Cloudflare credentials: ' + CREDENTIALS_HINT)
    elif email or key:
        # Half a pair in the options may be completed from the same scheme's environment variable.
        email = email or environ.get(ENV_EMAIL) or None
        key = key or environ.get(ENV_KEY) or None
    if token:
        _check_secret('api_token', ENV_TOKEN, token)
        return {'Authorization': 'Bearer ' + token}, (token,)
    if not email:
        raise OptionsError('api_key is set but api_email is not: set api_email (or %s) too, or use api_token' % ENV_EMAIL)
    if not key:
        raise OptionsError('api_email is set but api_key is not: set api_key (or %s) too, or use api_token' % ENV_KEY)
    _check_secret('api_key', ENV_KEY, key)
    if not (PRINTABLE_RE.match(email) and EMAIL_RE.match(email)):
        raise OptionsError('api_email (or %s) must be an e-mail address of printable ASCII characters' % ENV_EMAIL)
    return {'X-Auth-Email': email, 'X-Auth-Key': key}, (key,)


def refuse_structured_strings(module):
    """Refuse a list or a dict given to a string option (``api_token: [tok]``, ``name: [Ada]``), which ansible-core
    would turn into the text ``['tok']`` and the module would send. The value is never quoted: it may be a secret.

    The module's arguments as they were given: after validation, module.params holds the text only.
    """
    spec_of = getattr(module, 'argument_spec', None)
    if not spec_of:
        return      # not an AnsibleModule (a stand-in of the unit tests): nothing was converted
    given = given_arguments()
    for name, spec in spec_of.items():
        if spec.get('type', 'str') != 'str':
            continue
        for key in [name] + list(spec.get('aliases') or []):
            value = given.get(key)
            if isinstance(value, (list, tuple, dict)):
                raise OptionsError('%s must be a string, got a %s (the value is not shown); %s and no request was '
                                   'sent' % (key, 'dict' if isinstance(value, dict) else 'list', NOTHING_WRITTEN))


def given_arguments():
    """The module's arguments as the task gave them, before ansible-core converted them.

    ansible-core 2.19 and later keep a copy of them (basic._PARSED_MODULE_ARGS) when the module starts; reading them
    again with _load_params (documented for "very dynamic custom modules", and the way on 2.16-2.18) decodes the
    arguments and deep-copies them once more: 0.2 s for 10,000 users (make bench, row (s)).
    """
    kept = getattr(basic, '_PARSED_MODULE_ARGS', None)
    return kept if isinstance(kept, dict) else _load_params()


def _check_secret(option, variable, value):
    """Refuse a credential that cannot be sent as a header; the message never quotes it."""
    if not PRINTABLE_RE.match(value):
        raise OptionsError('%s (or %s) must be printable ASCII characters without spaces; the value is not shown' % (
            option, variable))


def validate_connection(params):
    """Check the non-secret connection options; raise OptionsError naming what to fix."""
    account_id = params.get('account_id')
    if not account_id:
        raise OptionsError('account_id is required: set it, or the environment variable CLOUDFLARE_ACCOUNT_ID')
    if not ACCOUNT_ID_RE.match(account_id):
        raise OptionsError('account_id must be a Cloudflare account identifier of 32 hexadecimal characters, got %s' % quoted(account_id))
    base_url = params.get('api_base_url') or ''
    problem = _base_url_problem(base_url)
    if problem:
        # A URL with an @ may carry a password: it is not quoted.
        shown = '' if '@' in base_url else ', got %s' % quoted(base_url)
        raise OptionsError('api_base_url must be an http:// or https:// URL %s%s' % (problem, shown))
    timeout = params.get('timeout')
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_SECONDS):
        raise OptionsError('timeout must be a number of seconds greater than 0 and at most %d, got %s' % (MAX_SECONDS, timeout))
    wait = params.get('max_retry_wait')
    if wait is not None and not (math.isfinite(wait) and 0 <= wait <= MAX_SECONDS):
        raise OptionsError('max_retry_wait must be a number of seconds from 0 to %d, got %s' % (MAX_SECONDS, wait))
    reserve = params.get('rate_limit_reserve')
    if reserve is not None and not (math.isfinite(reserve) and 0 <= reserve <= MAX_RESERVE_PERCENT):
        raise OptionsError('rate_limit_reserve must be a percentage of the rate limit from 0 to %d, got %s' % (
            MAX_RESERVE_PERCENT, reserve))
    concurrency = params.get('list_concurrency')
    if concurrency is not None and not 1 <= concurrency <= MAX_LIST_CONCURRENCY:
        raise OptionsError('list_concurrency must be a number of pages from 1 to %d, got %s' % (
            MAX_LIST_CONCURRENCY, concurrency))
    ledger = params.get('rate_limit_ledger')
    if ledger and not os.path.isabs(ledger):
        # A relative directory would depend on where the module happens to run: the tasks would not share it.
        raise OptionsError('rate_limit_ledger must be an absolute directory (or start with ~), or an empty string to '
                           'turn the ledger off, got %s' % quoted(ledger))


def _base_url_problem(base_url):
    """Why ``base_url`` cannot be the API's base URL (a short phrase), or None."""
    if not base_url:
        return 'with a host'
    if not PRINTABLE_RE.match(base_url):
        return 'of printable ASCII characters without spaces'
    try:
        parts = urlsplit(base_url)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a port that is not one
    except ValueError:
        return 'with a valid host and port'
    if parts.scheme.lower() not in ('http', 'https') or not parts.hostname:
        return 'with a host'
    if parts.username is not None or parts.password is not None:
        return 'without a user name or password in it (the URL is shown in messages)'
    if parts.query or parts.fragment or base_url.endswith(('?', '#')):
        return 'without a query or fragment'
    return None


# --- the tasks, typed ---------------------------------------------------------------------------


class Task(object):
    """The options of cloudflare_zt_seat or cloudflare_zt_users, checked: the items, whether it is the seat module's
    single form, exclusive_seats, the release_inactive Policy (or None), seat_batch_size, write_rate (None for the
    seat module), result_detail, revoke_sessions and revoke_devices, and the removal guard (``guard``: the
    RemovalLimit and whether it is lifted). report_dir is not here: the report is written for every result, also of
    options refused before a task exists (_runners/users.finish_users)."""

    def __init__(self, params, items, exclusive_seats, policy, revoke, guard, single=False):
        self.items = items
        self.single = single
        self.exclusive_seats = exclusive_seats
        self.policy = policy
        self.batch_size = params['seat_batch_size']
        self.write_rate = params.get('write_rate')
        self.result_detail = params.get('result_detail')
        self.revoke_sessions, self.revoke_devices = revoke
        self.max_removals, self.allow_mass_removal = guard


def _refuse(*found):
    """Refuse the task before any request if the (option, problems) pairs hold a problem: every problem of every
    option given, in one message and in ``errors`` (options in the order given, each one's problems in its order)."""
    named = [option for option, problems in found if problems]
    errors = [problem for _option, problems in found for problem in problems]
    if errors:
        raise OptionsError('Invalid %s, %s and no request was sent: %s' % (
            ' and '.join(named), NOTHING_WRITTEN, '; '.join(errors)), errors=errors)


def check_batch_size(value):
    if value is None or value < 1:
        raise OptionsError('seat_batch_size must be at least 1, got %s; %s' % (value, NOTHING_WRITTEN))


def check_report_dir(path):
    """Refuse, before any request, a report_dir that exists and is not a directory (the report could not be written)."""
    if path and os.path.exists(path) and not os.path.isdir(path):
        raise OptionsError('report_dir %s is not a directory, so the drift report cannot be written there; %s' % (
            path, NOTHING_WRITTEN))


def check_write_rate(value):
    if value is None or not (math.isfinite(value) and MIN_WRITE_RATE <= value <= MAX_WRITE_RATE):
        raise OptionsError('write_rate must be a number of writes per second from %g to %g, got %g; %s' % (
            MIN_WRITE_RATE, MAX_WRITE_RATE, value, NOTHING_WRITTEN))


def revoke_options(params):
    """(revoke_sessions, revoke_devices); the devices are revoked with the sessions, in the same request."""
    sessions, devices = bool(params.get('revoke_sessions')), bool(params.get('revoke_devices'))
    if devices and not sessions:
        raise OptionsError('revoke_devices needs revoke_sessions=true: the devices are revoked with the sessions, in the '
                           'same request; %s' % NOTHING_WRITTEN)
    return sessions, devices


def removal_guard(params):
    """((RemovalLimit, lifted), problems) of max_removals and allow_mass_removal. allow_release_all (an empty list with
    exclusive_seats, said explicitly) is a deliberate mass change too, so it lifts the guard."""
    limit, problem = parse_max_removals(params.get('max_removals'))
    lifted = bool(params.get('allow_mass_removal') or params.get('allow_release_all'))
    return (limit, lifted), [problem] if problem else []


def check_release_all(option, items, exclusive, allow_release_all, exclusive_option='exclusive_seats'):
    """The guard of exclusive_seats: an empty list would release every seat of the account."""
    if exclusive and not items and not allow_release_all:
        raise OptionsError('%s is empty and %s is true: that would release every seat of the account. '
                           'Set allow_release_all=true if that is what you want; %s' % (option, exclusive_option, NOTHING_WRITTEN))
    if allow_release_all and not exclusive:
        raise OptionsError('allow_release_all only applies with %s=true' % exclusive_option)


def given_list(params, option):
    """(items, the option they came from) of a list option given inline (``users``) or in a file (``users_file``);
    (None, option) when neither is given."""
    if params.get(option + '_file') is not None:
        return list_file(option + '_file', params[option + '_file']), option + '_file'
    return params.get(option), option


def seat_task(params):
    """cloudflare_zt_seat's options as a Task; OptionsError for values or combinations that cannot work."""
    seats, seats_option = given_list(params, 'seats')
    exclusive = bool(params.get('exclusive_seats'))
    check_batch_size(params.get('seat_batch_size'))
    revoke = revoke_options(params)
    policy, policy_problems = parse_policy(params.get('release_inactive'))
    guard, guard_problems = removal_guard(params)
    _refuse(('max_removals', guard_problems))
    if seats is None:
        # Without seats, what else the task means depends on the policy: refuse a bad one first.
        _refuse(('release_inactive', policy_problems))
    alone = policy is not None and all(params.get(k) is None for k in SEAT_IDENTIFIERS + FLAGS)
    if seats is None and alone and not exclusive and not params.get('allow_release_all'):
        return Task(params, [], False, policy, revoke, guard)     # release_inactive alone
    if seats is None:
        if exclusive:
            raise OptionsError('exclusive_seats needs seats: list the seats to keep (exclusive_seats releases every '
                               'other seat)')
        if params.get('allow_release_all'):
            raise OptionsError('allow_release_all only applies to seats with exclusive_seats=true')
        if params.get('access_seat') is None and params.get('gateway_seat') is None:
            raise OptionsError('give access_seat and/or gateway_seat for the seat (both false releases it)')
        items, problems = parse_seat_items([dict((k, params.get(k)) for k in SEAT_IDENTIFIERS + FLAGS)], single=True)
        _refuse(('seats', problems))
        return Task(params, items, False, policy, revoke, guard, single=True)
    check_release_all(seats_option, seats, exclusive, params.get('allow_release_all'))
    items, problems = parse_seat_items(seats, list_name=seats_option)
    _refuse((seats_option, problems), ('release_inactive', policy_problems))
    return Task(params, items, exclusive, policy, revoke, guard)


def users_task(params):
    """cloudflare_zt_users' options as a Task; OptionsError for values or combinations that cannot work."""
    users, users_option = given_list(params, 'users')
    users = users or []
    exclusive = bool(params.get('exclusive_seats'))
    check_release_all(users_option, users, exclusive, params.get('allow_release_all'))
    check_batch_size(params.get('seat_batch_size'))
    check_write_rate(params.get('write_rate'))
    check_report_dir(params.get('report_dir'))
    revoke = revoke_options(params)
    policy, policy_problems = parse_policy(params.get('release_inactive'))
    guard, guard_problems = removal_guard(params)
    items, problems = parse_user_items(users, list_name=users_option)
    _refuse((users_option, problems), ('release_inactive', policy_problems), ('max_removals', guard_problems))
    return Task(params, items, exclusive, policy, revoke, guard)


def user_item(params):
    """cloudflare_zt_user's options as the one Item it manages."""
    items, problems = parse_user_items([dict((k, params.get(k)) for k in ('email', 'user_id', 'name', 'state'))],
                                       single=True)
    if problems:
        raise OptionsError('; '.join(problems), errors=problems)
    return items[0]


def check_info_options(params):
    """cloudflare_zt_user_info: refuse filters that cannot work, before any request."""
    for kind in ('user_id', 'email'):
        if params.get(kind) is not None:
            problem = identifier_problem(kind, params[kind])
            if problem:
                raise OptionsError(problem)
    for option in ('name', 'search'):
        if params.get(option) is not None and not params[option].strip():
            raise OptionsError('%s must not be empty' % option)
    days = params.get('inactive_days')
    if days is not None and not MIN_DAYS <= days <= MAX_DAYS:
        raise OptionsError('inactive_days must be a whole number of days from %d to %d, got %s' % (MIN_DAYS, MAX_DAYS, days))
