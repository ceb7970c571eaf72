# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The failures of the collection's own decisions (the API's failures are in api/client.py). Each one is
# raised in one situation, so that its message can say how much was done:
#   OptionsError      the task's options cannot work; raised before any request is sent;
#   PlanError         the account, as read, does not allow the plan; nothing was written;
#   PartialWriteError a write failed after the plan was accepted; says what was written, what not, and
#                     what was sent without a usable answer (unknown).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

NOTHING_WRITTEN = 'nothing was written'


class OptionsError(Exception):
    """Options that cannot work; raised before any request is sent. ``errors`` lists every problem, if several."""

    def __init__(self, message, errors=None):
        super(OptionsError, self).__init__(message)
        self.errors = list(errors or [])


class PlanError(Exception):
    """The account does not allow the plan. ``errors`` names every offending item; nothing was written. ``extra``:
    result keys that go with the failure (the refused plan's counts and drift, for the removal guard)."""

    def __init__(self, what, errors, extra=None):
        self.errors = list(errors)
        self.extra = extra or {}
        super(PlanError, self).__init__('%s, %s: %s' % (what, NOTHING_WRITTEN, '; '.join(self.errors)))


class PartialWriteError(Exception):
    """A write failed (or its answer contradicted the request) after others may have succeeded.

    ``written``, ``not_written`` and ``unknown`` (sent, but no usable answer tells whether it was applied) are lists
    of write entries; ``cause`` is the CloudflareError behind it, if any. Running the task again converges: it reads
    the account afresh.
    """

    def __init__(self, message, written, not_written, cause=None, extra=None, unknown=None):
        super(PartialWriteError, self).__init__(message)
        self.message = message
        self.written = written
        self.not_written = not_written
        self.unknown = list(unknown or [])
        self.cause = cause
        self.extra = extra or {}


# --- the API's failures ----------------------------------------------------------------


class CloudflareError(Exception):
    """Any failure to get a good answer from the API. ``str()`` is the message for the user.

    ``unconfirmed``: the request was sent and may have been acted on, but no usable answer says whether it was (a
    timeout after sending, an edge or proxy error page, an answer that contradicts the request). For a write, its
    outcome is unknown: only a new read can tell.
    """

    def __init__(self, message, method=None, path=None, status=None, errors=None, error_chain=None, waited=None,
                 unconfirmed=False):
        super(CloudflareError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.errors = errors or []
        self.error_chain = error_chain or []
        self.waited = waited
        self.unconfirmed = unconfirmed

    def as_dict(self):
        """A structured form of the failure for the task result (no credentials are ever in it)."""
        return {
            'method': self.method,
            'path': self.path,
            'status': self.status,
            'errors': self.errors,
            'error_chain': self.error_chain,
            'waited_seconds': self.waited,
        }


class CloudflareAPIError(CloudflareError):
    """The API answered, and the answer is a failure (HTTP status or ``success: false``)."""


class CloudflareRateLimitError(CloudflareAPIError):
    """HTTP 429 until the retry budget ran out."""


class CloudflareTransportError(CloudflareError):
    """No usable HTTP answer: connection, timeout, TLS."""


class CloudflareResponseError(CloudflareError):
    """An answer that is not the Cloudflare envelope (not JSON, or JSON of the wrong shape)."""


class CloudflareNotFoundError(CloudflareAPIError):
    """HTTP 404: the object in the path does not exist."""


class CloudflareRedirectError(CloudflareResponseError):
    """A 3xx answer: redirects are never followed, so that no credential goes anywhere else."""


class CloudflareLimitError(CloudflareResponseError):
    """An answer or a listing beyond the client's bounds: size of one answer, number of pages."""


class CloudflareBudgetError(CloudflareLimitError):
    """Requests that Cloudflare's rate limit cannot carry within max_retry_wait; raised before they are sent."""


class CloudflareListingError(CloudflareResponseError):
    """A listing whose result_info contradicts itself or its pages: it may be incomplete, so no write acts on it.
    ``problems`` names each contradiction."""

    def __init__(self, message, problems=(), **kwargs):
        super(CloudflareListingError, self).__init__(message, **kwargs)
        self.problems = list(problems)


class CloudflareRequestRefused(CloudflareError):
    """A request the client does not send: a path segment (an id from the task or the API) that breaks its rule
    would make it another request. Nothing was sent."""


class SeatsNotConfirmed(CloudflareResponseError):
    """A seat PATCH whose answer does not confirm every seat sent: ``confirmed`` holds the match keys of the seats
    it confirms (as sent); the others are unconfirmed (left out, other flags, other seats)."""

    def __init__(self, message, confirmed=(), **kwargs):
        kwargs.setdefault('unconfirmed', True)
        super(SeatsNotConfirmed, self).__init__(message, **kwargs)
        self.confirmed = frozenset(confirmed)


def format_api_errors(errors):
    """Render ``[{code, message}, ...]`` as ``"7003: Could not route ...; 1000: ..."``.

    An error's own ``error_chain`` (where Cloudflare puts it, e.g. 6003 with 6111) follows it in parentheses.
    """
    parts = []
    for err in errors or []:
        if isinstance(err, dict):
            code = err.get('code')
            text = err.get('message') or ''
            part = '%s: %s' % (code, text) if code is not None else text
            if isinstance(err.get('error_chain'), list) and err['error_chain']:
                part += ' (%s)' % format_api_errors(err['error_chain'])
            parts.append(part)
        else:
            parts.append(str(err))
    return '; '.join(parts)
