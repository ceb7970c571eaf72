# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# What every module shares: the client built from the connection options (checked in _options.py
# before any request), and the one place where every failure becomes fail_json.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import traceback

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import refuse_structured_strings, resolve_credentials, validate_connection
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.client import LIST_CONCURRENCY, CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareError, OptionsError, PartialWriteError, PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.ledger import ENV_LEDGER, open_ledger
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR


def client_for(module, environ):
    """A client for the module's options; OptionsError, before any request, when they cannot work."""
    params = module.params
    refuse_structured_strings(module)
    validate_connection(params)
    headers, secrets = resolve_credentials(params, environ)
    ledger = params.get('rate_limit_ledger')
    ledger = environ.get(ENV_LEDGER) if ledger is None else ledger
    user_agent = 'cloudflare_ops.zero_trust/%s (ansible-core %s)' % (COLLECTION_VERSION, _ansible_version())
    return CloudflareClient(
        account_id=params['account_id'].lower(),
        auth_headers=headers,
        base_url=params['api_base_url'],
        timeout=params['timeout'],
        validate_certs=params['validate_certs'],
        max_retry_wait=params['max_retry_wait'],
        reserve=params.get('rate_limit_reserve', 10.0) / 100.0,
        list_concurrency=params.get('list_concurrency') or LIST_CONCURRENCY,
        ledger=open_ledger(ledger, headers, params['api_base_url']),
        user_agent=user_agent,
        secrets=secrets,
    )


def _ansible_version():
    try:
        from ansible.module_utils.ansible_release import __version__
        return __version__
    except ImportError:  # pragma: no cover
        return 'unknown'


def run_module(module, runner, report_check_mode=False, finish=None):
    """Build the client, run ``runner(module, client)`` (which returns the result dict), exit.

    The one place where a failure becomes ``fail_json``: the message says what failed and how much was written,
    the other keys carry the details (``failure``, ``errors``, ``written``/``not_written``/``unknown``), and none
    ever holds a credential, nor does the result of a success. ``report_check_mode`` adds ``check_mode`` to every
    result, failures included. Every result once a client exists, failures included, says what the task spent of the
    rate limit (``api_requests``, ``rate_limit_wait``). ``finish(module, result)``, when given, receives every result,
    a failed one with ``failed`` true, and returns it with what it adds: cloudflare_zt_users writes its drift report
    there, also when the task fails.
    """
    result = _outcome(module, runner, {'check_mode': module.check_mode} if report_check_mode else {})
    if finish is not None:
        result = finish(module, result)
    if result.pop('failed', False):
        module.fail_json(**result)
    module.exit_json(**result)


def _outcome(module, runner, extra):
    """The result of the task, or of its failure (``failed`` true, ``msg``, the details), redacted: here, once, for
    every outcome once a client exists (a server may echo a credential in a record, a name or an error; one from the
    environment is no no_log value of Ansible's). The client redacts what it shortens itself, before shortening it:
    a credential cut in two by the limit would escape a later redaction."""
    if not HAS_REQUESTS:
        return dict(extra, failed=True, msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR))
    try:
        client = client_for(module, os.environ)
    except OptionsError as exc:
        return dict(extra, failed=True, msg=str(exc))
    try:
        result = _run(module, runner, client, extra)
    finally:
        for warning in client.ledger.warnings if client.ledger is not None else ():
            module.warn(client.redact(warning))
    result.update(client.spending())
    return client.redact_data(result)


def _run(module, runner, client, extra):
    """The result of ``runner``, or the failure it raised as a result (not yet redacted)."""
    try:
        result = runner(module, client)
    except CloudflareError as exc:
        return dict(extra, failed=True, msg=exc.message, failure=exc.as_dict())
    except OptionsError as exc:
        if exc.errors:
            extra = dict(extra, errors=exc.errors)
        return dict(extra, failed=True, msg=str(exc))
    except PlanError as exc:
        return dict(exc.extra, errors=exc.errors, failed=True, msg=str(exc), **extra)
    except PartialWriteError as exc:
        # Something may have been written before the failure, or by a write whose outcome is unknown: the task may have
        # changed the account then.
        details = dict(exc.extra, written=exc.written, not_written=exc.not_written, unknown=exc.unknown,
                       changed=bool(exc.written or exc.unknown), **extra)
        if exc.cause is not None:
            details['failure'] = exc.cause.as_dict()
        return dict(details, failed=True, msg=exc.message)
    except Exception as exc:  # pylint: disable=broad-except
        # An unexpected bug still gets a message, not a bare traceback, and never a credential.
        return dict(extra, failed=True, msg='Unexpected error: %s: %s' % (type(exc).__name__, exc),
                    exception=traceback.format_exc())
    result.update(extra)
    return result
