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

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._client import CloudflareClient
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import CloudflareError, OptionsError, PartialWriteError, PlanError
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._options import refuse_structured_strings, resolve_credentials, validate_connection
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._transport import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION


def build_client(module, environ=None, fail_extra=None):
    """A client for the module's options, or fail_json (with ``fail_extra``) before any request is sent."""
    fail_extra = fail_extra or {}
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib('requests'), exception=str(REQUESTS_IMPORT_ERROR), **fail_extra)
    params = module.params
    try:
        refuse_structured_strings(module)
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
    the other keys carry the details (``failure``, ``errors``, ``written``/``not_written``/``unknown``), and none
    ever holds a credential, nor does the result of a success. ``report_check_mode`` adds ``check_mode`` to every result, failures included.
    """
    extra = {'check_mode': module.check_mode} if report_check_mode else {}
    client = build_client(module, fail_extra=extra)
    try:
        result = runner(module, client)
    except CloudflareError as exc:
        module.fail_json(msg=client.redact(exc.message), failure=client.redact_data(exc.as_dict()), **extra)
    except OptionsError as exc:
        if exc.errors:
            extra = dict(extra, errors=client.redact_data(exc.errors))
        module.fail_json(msg=client.redact(exc), **extra)
    except PlanError as exc:
        module.fail_json(msg=client.redact(exc), errors=client.redact_data(exc.errors), **extra)
    except PartialWriteError as exc:
        # Something may have been written before the failure, or by a write whose outcome is unknown: the task may have
        # changed the account then.
        details = dict(exc.extra, written=exc.written, not_written=exc.not_written, unknown=exc.unknown,
                       changed=bool(exc.written or exc.unknown), **extra)
        if exc.cause is not None:
            details['failure'] = exc.cause.as_dict()
        module.fail_json(msg=client.redact(exc.message), **client.redact_data(details))
    except Exception as exc:  # pylint: disable=broad-except
        # An unexpected bug still gets a message, not a bare traceback, and never a credential.
        module.fail_json(msg=client.redact('Unexpected error: %s: %s' % (type(exc).__name__, exc)),
                         exception=client.redact(traceback.format_exc()), **extra)
    result.update(extra)
    # A server may echo a credential in a record (a name); one from the environment is no no_log value of Ansible's.
    module.exit_json(**client.redact_data(result))
