# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# What every module shares: the connection options, their validation before any request, the
# client built from them, and the one place where API errors become fail_json.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re
import traceback

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._client import DEFAULT_BASE_URL, CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import (
    CloudflareError,
    OptionsError,
    PartialWriteError,
    PlanError,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._identifiers import ACCOUNT_ID_RE, EMAIL_RE
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._endpoints import SEAT_BATCH_SIZE

# Header values and the base URL: printable ASCII, no space (anything else fails inside requests or http.client,
# where the error text would quote the value).
PRINTABLE_RE = re.compile(r'^[!-~]+\Z')
# The largest timeout and max_retry_wait accepted: one day (larger values overflow the socket and sleep calls).
MAX_SECONDS = 86400

ENV_TOKEN = 'CLOUDFLARE_API_TOKEN'
ENV_EMAIL = 'CLOUDFLARE_EMAIL'
ENV_KEY = 'CLOUDFLARE_API_KEY'

CREDENTIALS_HINT = ('set api_token (or the environment variable %s), or api_email and api_key '
                    '(or %s and %s)' % (ENV_TOKEN, ENV_EMAIL, ENV_KEY))


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
    )


def seat_batch_argument_spec():
    """The seat_batch_size option (the cloudflare_ops.zero_trust.cloudflare.seat_batch doc fragment)."""
    return dict(seat_batch_size=dict(type='int', default=SEAT_BATCH_SIZE))


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
        raise OptionsError('account_id must be a Cloudflare account identifier of 32 hexadecimal characters, got %r' % account_id)
    base_url = params.get('api_base_url') or ''
    problem = _base_url_problem(base_url)
    if problem:
        # A URL with an @ may carry a password: it is not quoted.
        shown = '' if '@' in base_url else ', got %r' % base_url
        raise OptionsError('api_base_url must be an http:// or https:// URL %s%s' % (problem, shown))
    timeout = params.get('timeout')
    if timeout is not None and not (math.isfinite(timeout) and 0 < timeout <= MAX_SECONDS):
        raise OptionsError('timeout must be a number of seconds greater than 0 and at most %d, got %s' % (MAX_SECONDS, timeout))
    wait = params.get('max_retry_wait')
    if wait is not None and not (math.isfinite(wait) and 0 <= wait <= MAX_SECONDS):
        raise OptionsError('max_retry_wait must be a number of seconds from 0 to %d, got %s' % (MAX_SECONDS, wait))


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


def build_client(module, environ=None, fail_extra=None):
    """A client for the module's options, or fail_json (with ``fail_extra``) before any request is sent."""
    fail_extra = fail_extra or {}
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR), **fail_extra)
    params = module.params
    try:
        validate_connection(params)
        headers, secrets = resolve_credentials(params, os.environ if environ is None else environ)
    except OptionsError as exc:
        module.fail_json(msg=str(exc), **fail_extra)
    user_agent = 'cloudflare_ops.zero_trust/%s (ansible-core %s)' % (COLLECTION_VERSION, _ansible_version())
    return CloudflareClient(
        account_id=params['account_id'].lower(),
        auth_headers=headers,
        base_url=params['api_base_url'],
        timeout=params['timeout'],
        validate_certs=params['validate_certs'],
        max_retry_wait=params['max_retry_wait'],
        user_agent=user_agent,
        secrets=secrets,
    )


def _ansible_version():
    try:
        from ansible.module_utils.ansible_release import __version__
        return __version__
    except ImportError:  # pragma: no cover
        return 'unknown'


def run_module(module, runner, report_check_mode=False):
    """Build the client, run ``runner(module, client)`` (which returns the result dict), exit.

    The one place where a failure becomes ``fail_json``: the message says what failed and how much was written,
    the other keys carry the details (``failure``, ``errors``, ``written``/``not_written``), and none ever holds a
    credential. ``report_check_mode`` adds ``check_mode`` to every result, failures included.
    """
    extra = {'check_mode': module.check_mode} if report_check_mode else {}
    client = build_client(module, fail_extra=extra)
    try:
        result = runner(module, client)
    except CloudflareError as exc:
        module.fail_json(msg=client.redact(exc.message), failure=client.redact_data(exc.as_dict()), **extra)
    except OptionsError as exc:
        module.fail_json(msg=client.redact(exc), **extra)
    except PlanError as exc:
        module.fail_json(msg=client.redact(exc), errors=client.redact_data(exc.errors), **extra)
    except PartialWriteError as exc:
        # Something may have been written before the failure: the task changed the account then.
        details = dict(exc.extra, written=exc.written, not_written=exc.not_written, changed=bool(exc.written), **extra)
        if exc.cause is not None:
            details['failure'] = exc.cause.as_dict()
        module.fail_json(msg=client.redact(exc.message), **client.redact_data(details))
    except Exception as exc:  # pylint: disable=broad-except
        # An unexpected bug still gets a message, not a bare traceback, and never a credential.
        module.fail_json(msg=client.redact('Unexpected error: %s: %s' % (type(exc).__name__, exc)),
                         exception=client.redact(traceback.format_exc()), **extra)
    result.update(extra)
    module.exit_json(**result)
