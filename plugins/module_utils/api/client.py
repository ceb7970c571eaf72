# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The client of the Cloudflare API: authentication, the response envelope, retries within a bounded
# wait, and pagination, over one transport (api/transport.py). Its failures are the typed
# CloudflareError kinds of api/errors.py, every text of them redacted (api/redact.py). Every request it
# sends, retries included, first waits for the rate limit's budget (api/budget.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import random
import threading
import time
from datetime import timezone

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.budget import DEFAULT_RESERVE, Budget
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import (
    CloudflareAPIError,
    CloudflareBudgetError,
    CloudflareError,
    CloudflareNotFoundError,
    CloudflareRateLimitError,
    CloudflareRedirectError,
    CloudflareRequestRefused,
    CloudflareResponseError,
    CloudflareTransportError,
    format_api_errors,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.listing import Paginator
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.operations import documented_operation, permission_hint
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.redact import Redactor
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.transport import (
    IDEMPOTENT_METHODS,
    Transport,
    may_have_arrived,
    refused_or_unresolved,
    requests,
)

DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4'

# Cloudflare's own edge errors: 520 unknown error, 521 web server down, 522 connection timed out, 523 origin
# unreachable, 524 a timeout occurred. Transient, and the origin may or may not have acted on the request.
EDGE_STATUSES = frozenset([520, 521, 522, 523, 524])
TRANSIENT_STATUSES = frozenset([500, 502, 503, 504]) | EDGE_STATUSES
RATE_LIMIT_STATUS = 429

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# When a 429 carries no Retry-After, Cloudflare's block lasts five minutes at most.
RATE_LIMIT_DEFAULT_WAIT = 60.0
# A Retry-After of 0 or of a past date would otherwise retry at once, for ever, without touching the budget.
RATE_LIMIT_MIN_WAIT = 1.0
# Waits for the budget shorter than this are not worth a sleep.
BUDGET_WAIT_FLOOR = 0.001
# A connection refused or a name that does not resolve is most often a wrong api_base_url: it gets
# this many seconds of retries per task, not the long max_retry_wait sized for Cloudflare's 429 block.
CONNECT_RETRY_WAIT = 10.0
# How many pages of a listing are read at once by default (the list_concurrency option), and at most.
LIST_CONCURRENCY = 4
MAX_LIST_CONCURRENCY = 16


def parse_retry_after(value, now=None):
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date); None if absent or unreadable."""
    if value is None:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def http_date(value):
    """The moment (seconds since the epoch) of an HTTP ``Date`` header, or None when it is absent or unreadable."""
    if not isinstance(value, str) or len(value) > 64:
        return None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    return (when if when.tzinfo else when.replace(tzinfo=timezone.utc)).timestamp()


class ServerClock(object):
    """Cloudflare's time as the ``Date`` of its answers tells it: how far the controller's clock is from it
    (``offset``, seconds; None until an answer carried a readable Date). The latest answer's Date counts."""

    def __init__(self, clock=time.time):
        self.offset = None
        self._clock = clock

    def observe(self, date_header):
        moment = http_date(date_header)
        if moment is not None:
            self.offset = moment - self._clock()


def backoff_delay(attempt, rand=random.random):
    """Exponential backoff with jitter: attempt 0 waits 0.5-1 s, then doubling, capped at 60 s."""
    ceiling = min(BACKOFF_MAX, BACKOFF_FIRST * (2 ** attempt))
    return ceiling * (0.5 + rand() / 2.0)


class CloudflareClient(Paginator):
    """A small client for the account-scoped Zero Trust API.

    ``auth_headers`` is a dict of the authentication headers; the client never puts them anywhere
    but the request to ``base_url``'s origin. ``sleep`` and ``session`` can be replaced in unit tests.
    ``list_concurrency``: how many pages of a listing may be read at once (1: one after the other). Requests sent
    side by side share the budget, the counters and the waits under one lock; each thread has its own HTTP session.
    ``ledger``: the ledger.Ledger every request is reserved in, shared by the tasks of this host (None: not shared).
    """

    def __init__(self, account_id, auth_headers, base_url=DEFAULT_BASE_URL, timeout=30, validate_certs=True,
                 max_retry_wait=330, user_agent=None, session=None, sleep=time.sleep, secrets=(), documented_only=True,
                 reserve=DEFAULT_RESERVE, clock=time.monotonic, list_concurrency=1, ledger=None):
        self.account_id = account_id
        # Only the documented operations (api/operations.py) are sent; off only in the unit tests of the client's mechanics.
        self.documented_only = documented_only
        self.base_url = base_url.rstrip('/')
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self._clock = clock
        self.list_concurrency = list_concurrency
        # The budget, the counters and the waits, shared by the requests of a listing read side by side.
        self._lock = threading.RLock()
        self._waiting = 0              # waits under way (in other threads)
        self._waits_end = 0.0          # when the last of them ends (clock)
        self._answered_sent_at = None  # when the request of the latest answer the budget learnt from was sent
        self.waited = 0.0
        self.connect_waited = 0.0
        self.budget = Budget(reserve, clock)
        self.ledger = ledger           # the host's ledger of this credential (_ledger.py), or None: the headers alone
        if ledger is not None:
            ledger.clock = clock       # its times are the budget's
        self.api_requests = {}         # requests sent, by method (every attempt)
        self.rate_limit_wait = 0.0     # seconds waited for the budget (part of ``waited``)
        self.redactor = Redactor(secrets)
        self.server_clock = ServerClock()
        headers = dict(auth_headers)
        headers['User-Agent'] = user_agent or 'cloudflare_ops.zero_trust/%s' % COLLECTION_VERSION
        headers['Accept'] = 'application/json'
        self.transport = Transport(self.base_url, headers, timeout=timeout, validate_certs=validate_certs,
                                   session=session, redactor=self.redactor)
        self.redactor.add(self.transport.secrets())

    def redact(self, text):
        """Remove any credential from a text that is about to leave the client."""
        return self.redactor.text(text)

    def redact_data(self, data):
        """``data`` (JSON-like) with every credential removed from its strings, keys included."""
        return self.redactor.data(data)

    def _error(self, cls, message, **kwargs):
        # Every structured part of an error is redacted here, so that no caller can forget one.
        return self.redactor.error(cls(message, **kwargs))

    def _budget_left(self):
        return self.max_retry_wait - self.waited

    def _connect_budget_left(self):
        return min(self._budget_left(), CONNECT_RETRY_WAIT - self.connect_waited)

    def _wait(self, seconds):
        """Sleep ``seconds``, counted in ``waited``; return the seconds counted. Waits of requests sent side by side (a
        listing's pages) count once where they overlap: max_retry_wait bounds the task's time spent waiting."""
        with self._lock:
            start = self._clock()
            counted = max(0.0, start + seconds - max(start, self._waits_end)) if self._waiting else seconds
            self._waits_end = max(self._waits_end, start + seconds) if self._waiting else start + seconds
            self._waiting += 1
            self.waited += counted
        try:
            self._sleep(seconds)
        finally:
            with self._lock:
                self._waiting -= 1
        return counted

    def request(self, method, path, params=None, body=None):
        """Send one API call, retrying what is safe to retry; return the decoded envelope (a dict).

        Only a documented operation is sent (see api/operations.py); anything else is CloudflareRequestRefused.
        A failure of a write whose outcome cannot be known is ``unconfirmed`` (see CloudflareError).
        """
        method = method.upper()
        if self.documented_only and documented_operation(method, path) is None:
            raise self._error(
                CloudflareRequestRefused, 'Refusing to send %s %s: it is not one of the documented operations this '
                'collection uses; nothing was sent' % (method, self.redactor.short(path)), method=method)
        attempt = 0
        while True:
            sent_at = self._spend(method, path)
            try:
                answer = self.transport.send(method, path, params, body)
            except CloudflareError as exc:
                # A body that could not be read or used (too large, badly encoded): a write may have been done.
                exc.unconfirmed = method != 'GET' and not isinstance(exc, CloudflareRedirectError)
                self._answered({}, sent_at)
                raise self.redactor.error(exc)
            except requests.exceptions.RequestException as exc:
                # No answer: the request is over all the same, and the host's other tasks no longer wait for it.
                self._answered({}, sent_at)
                reason, retryable = self.transport.describe(method, exc)
                delay = backoff_delay(attempt)
                refused = refused_or_unresolved(exc)
                left = self._connect_budget_left() if refused else self._budget_left()
                if retryable and delay <= left:
                    counted = self._wait(delay)
                    if refused:
                        with self._lock:
                            self.connect_waited += counted
                    attempt += 1
                    continue
                note = self._waited_note(attempt)
                if refused and retryable and self._connect_budget_left() < self._budget_left():
                    note += ('; a connection that is refused or whose host does not resolve is retried for at most '
                             '%d s' % CONNECT_RETRY_WAIT)
                raise self._error(
                    CloudflareTransportError, '%s on %s %s%s' % (reason, method, path, note),
                    method=method, path=path, waited=self.waited, unconfirmed=method != 'GET' and may_have_arrived(exc))

            status = answer.status
            refused_for = None
            if status == RATE_LIMIT_STATUS:
                refused_for = parse_retry_after(answer.headers.get('Retry-After'))
                refused_for = max(RATE_LIMIT_DEFAULT_WAIT if refused_for is None else refused_for, RATE_LIMIT_MIN_WAIT)
            self._answered(answer.headers, sent_at, refused_for)
            self.server_clock.observe(answer.headers.get('Date'))
            if status == RATE_LIMIT_STATUS or (status in TRANSIENT_STATUSES and method in IDEMPOTENT_METHODS):
                delay = refused_for if status == RATE_LIMIT_STATUS else backoff_delay(attempt)
                if delay <= self._budget_left():
                    self._wait(delay)
                    attempt += 1
                    continue
                raise self._api_failure(method, path, answer, attempt, next_wait=delay)
            return self._decode(method, path, answer, attempt)

    # --- the rate limit's budget -------------------------------------------------------

    def _spend(self, method, path):
        """Wait until the budget allows one more request, count it, and return when it goes (for ``answered``).

        The wait counts in max_retry_wait; a wait beyond what is left of it fails before the request is sent. The
        decision and the reservation are one step under the lock, so that requests sent side by side each reserve
        their own place in the budget, and in the host's ledger (reserved there when it may go, under its file lock).
        """
        while True:
            with self._lock:
                if self.ledger is not None and self.ledger.usable:
                    delay, now = self.ledger.reserve(self.budget, BUDGET_WAIT_FLOOR)
                else:
                    delay, now = self.budget.delay(), None
                if delay <= BUDGET_WAIT_FLOOR:
                    self.api_requests[method] = self.api_requests.get(method, 0) + 1
                    return self.budget.sending(now)
                if delay > self._budget_left():
                    raise self._error(
                        CloudflareBudgetError,
                        'Cloudflare\'s rate limit would make %s %s wait %.1f s, more than max_retry_wait=%s s leaves '
                        '(%.1f s waited already); it was not sent. The budget: %s%s' % (
                            method, path, delay, self.max_retry_wait, self.waited, self.budget.describe(),
                            self.ledger.hold_note() if self.ledger is not None and self.ledger.usable else ''),
                        method=method, path=path, waited=self.waited)
            counted = self._wait(delay)
            with self._lock:
                self.rate_limit_wait += counted

    def _answered(self, headers, sent_at, refused_for=None):
        """Let the budget learn from an answer, unless a request sent after this one was answered first (side by side,
        answers come in any order): the later answer knows more. With a ledger, the host's freshest answer counts, and a
        429 (``refused_for`` seconds) holds every task of the host."""
        with self._lock:
            if self.ledger is not None and self.ledger.usable and self.ledger.answered(self.budget, headers, sent_at,
                                                                                       refused_for):
                return
            if self._answered_sent_at is not None and sent_at < self._answered_sent_at:
                return
            if self.budget.answered(headers, sent_at):
                self._answered_sent_at = sent_at

    def check_affordable(self, count, what, own_interval=0.0):
        """Fail before sending ``count`` requests (for ``what``) that the budget cannot carry within max_retry_wait.

        ``own_interval``: the least spacing the task itself keeps between them (1 / write_rate for writes).
        """
        wait = self.budget.wait_for(count, own_interval)
        if wait > self._budget_left():
            raise self._error(
                CloudflareBudgetError,
                '%s needs %d request%s: Cloudflare\'s rate limit makes them wait at least %.0f s, more than '
                'max_retry_wait=%s s leaves (%.0f s waited already); nothing of it was sent. The budget: %s' % (
                    what, count, '' if count == 1 else 's', wait, self.max_retry_wait, self.waited,
                    self.budget.describe()),
                waited=self.waited)

    def spending(self):
        """What the task spent of the rate limit, for its result: requests by method, seconds waited for the budget."""
        return {'api_requests': dict(self.api_requests), 'rate_limit_wait': round(self.rate_limit_wait, 3)}

    def _waited_note(self, attempt):
        if not attempt:
            return ''
        return ' (after %d retr%s and %.1f s of waiting; max_retry_wait is %s s)' % (
            attempt, 'y' if attempt == 1 else 'ies', self.waited, self.max_retry_wait)

    def _api_failure(self, method, path, answer, attempt, next_wait=None):
        status = answer.status
        envelope = answer.data
        errors, chain = [], []
        if isinstance(envelope, dict):
            errors = envelope.get('errors') if isinstance(envelope.get('errors'), list) else []
            chain = envelope.get('error_chain') if isinstance(envelope.get('error_chain'), list) else []
        detail = self.redact(format_api_errors(errors))
        if status == RATE_LIMIT_STATUS:
            cls = CloudflareRateLimitError
            message = 'Rate limited by the Cloudflare API (HTTP 429%s) on %s %s' % (
                ', ' + detail if detail else '', method, path)
        else:
            cls = CloudflareNotFoundError if status == 404 else CloudflareAPIError
            message = 'Cloudflare API error on %s %s: HTTP %s' % (method, path, status)
            if detail:
                message += ', ' + detail
            elif envelope is None and answer.refused:
                message += ', a body that cannot be used: %s' % answer.refused
            elif envelope is None and answer.text:
                message += ', body: %s' % self.redactor.short(answer.text)
            elif envelope is not None and not _is_envelope(envelope):
                # JSON that is not Cloudflare's envelope, e.g. application/problem+json from a proxy.
                message += ', %s' % self._foreign_detail(envelope, answer)
        if chain:
            message += ' (error chain: %s)' % format_api_errors(chain)
        # Cloudflare answers a missing permission and a bad token alike (10000): say what this request needs.
        hint = permission_hint(method, path) if status == 403 else ''
        if hint:
            message += '. ' + hint
        if next_wait is not None:
            message += '; gave up after %d retr%s and %.1f s of waiting: the next wait of %.1f s would exceed max_retry_wait=%s s' % (
                attempt, 'y' if attempt == 1 else 'ies', self.waited, next_wait, self.max_retry_wait)
        else:
            message += self._waited_note(attempt)
        # An edge error, or a server error page that is not Cloudflare's envelope (a proxy's): the request may
        # have been acted on behind it.
        unconfirmed = method != 'GET' and (status in EDGE_STATUSES or (status >= 500 and not _is_envelope(envelope)))
        return self._error(cls, message, method=method, path=path, status=status, errors=errors,
                           error_chain=chain, waited=self.waited, unconfirmed=unconfirmed)

    def _foreign_detail(self, data, answer):
        """The readable part of a JSON error body that is not the envelope (RFC 9457 fields first)."""
        parts = []
        if isinstance(data, dict):
            for name in ('title', 'detail', 'message', 'error', 'error_description'):
                if isinstance(data.get(name), str) and data[name].strip() and data[name] not in parts:
                    parts.append(data[name])
        text = ': '.join(parts) if parts else json.dumps(data, sort_keys=True)
        return '%s (%s)' % (self.redactor.short(text), answer.headers.get('Content-Type', 'unknown content-type'))

    def _decode(self, method, path, answer, attempt):
        status = answer.status
        envelope = answer.data
        # A success status whose body cannot be used: a write may have been done all the same.
        unconfirmed = method != 'GET'
        if envelope is None:
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            if answer.refused:
                raise self._error(
                    CloudflareResponseError, 'The Cloudflare API answered %s %s with HTTP %s and a body that cannot be '
                    'used: %s' % (method, path, status, answer.refused), method=method, path=path, status=status,
                    unconfirmed=unconfirmed)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and a body that is not JSON (content-type %s): %s' % (
                    method, path, status, answer.headers.get('Content-Type', 'unknown'), self.redactor.short(answer.text) or '(empty)'),
                method=method, path=path, status=status, unconfirmed=unconfirmed)
        if not _is_envelope(envelope):
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and JSON that is not the Cloudflare envelope '
                '(no boolean "success"): %s' % (method, path, status, self.redactor.short(answer.text)),
                method=method, path=path, status=status, unconfirmed=unconfirmed)
        if not envelope['success'] or status >= 400:
            raise self._api_failure(method, path, answer, attempt)
        return envelope

    # --- helpers for the endpoints -----------------------------------------------------

    def result(self, method, path, params=None, body=None, expect=(dict,), absent=NotImplemented):
        """The ``result`` of a call, checked to be of the expected JSON type; ``absent`` when the answer has no
        ``result`` at all, if given (the API makes it optional in every success answer)."""
        envelope = self.request(method, path, params=params, body=body)
        if 'result' not in envelope and absent is not NotImplemented:
            return absent
        result = envelope.get('result')
        if not isinstance(result, expect):
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with a "result" of type %s where %s was expected' % (
                    method, path, type(result).__name__, ' or '.join(_json_type_name(t) for t in expect)),
                method=method, path=path, unconfirmed=method != 'GET')
        return result

    def contradiction(self, method, path, what):
        """The failure of an answer that contradicts its request (the endpoints' checks): nothing acts on it, and for
        a write its outcome is unknown."""
        return self._error(CloudflareResponseError, 'The Cloudflare API answered %s %s with %s; nothing was done with '
                           'that answer' % (method, path, what), method=method, path=path, unconfirmed=method != 'GET')


def _json_type_name(cls):
    return {dict: 'an object', list: 'a list', type(None): 'null'}.get(cls, cls.__name__)


def _is_envelope(data):
    return isinstance(data, dict) and isinstance(data.get('success'), bool)
