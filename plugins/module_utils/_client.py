# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The client of the Cloudflare API: authentication, the response envelope, retries within a bounded
# wait, and pagination, over one transport (_transport.py). Its failures are the typed
# CloudflareError kinds of _errors.py, every text of them redacted (_redact.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import json
import math
import random
import time

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._errors import (
    CloudflareAPIError,
    CloudflareError,
    CloudflareLimitError,
    CloudflareNotFoundError,
    CloudflareRateLimitError,
    CloudflareResponseError,
    CloudflareTransportError,
    format_api_errors,
)
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._redact import Redactor
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._transport import IDEMPOTENT_METHODS, Transport, refused_or_unresolved, requests
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION

DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4'
LIST_PAGE_SIZE = 1000

TRANSIENT_STATUSES = frozenset([500, 502, 503, 504])
RATE_LIMIT_STATUS = 429

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# When a 429 carries no Retry-After, Cloudflare's block lasts five minutes at most.
RATE_LIMIT_DEFAULT_WAIT = 60.0
# A Retry-After of 0 or of a past date would otherwise retry at once, for ever, without touching the budget.
RATE_LIMIT_MIN_WAIT = 1.0
# A connection refused or a name that does not resolve is most often a wrong api_base_url: it gets
# this many seconds of retries per task, not the long max_retry_wait sized for Cloudflare's 429 block.
CONNECT_RETRY_WAIT = 10.0
# A listing reads at most ceil(total_count / items on page 1) pages plus this slack (users added
# while it runs); without a total_count on page 1, at most MAX_PAGES_UNBOUNDED pages.
PAGE_SLACK_MIN = 2
PAGE_SLACK_RATIO = 0.1
MAX_PAGES_UNBOUNDED = 200


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


def backoff_delay(attempt, rand=random.random):
    """Exponential backoff with jitter: attempt 0 waits 0.5-1 s, then doubling, capped at 60 s."""
    ceiling = min(BACKOFF_MAX, BACKOFF_FIRST * (2 ** attempt))
    return ceiling * (0.5 + rand() / 2.0)


class CloudflareClient(object):
    """A small client for the account-scoped Zero Trust API.

    ``auth_headers`` is a dict of the authentication headers; the client never puts them anywhere
    but the request to ``base_url``'s origin. ``sleep`` and ``session`` can be replaced in unit tests.
    """

    def __init__(self, account_id, auth_headers, base_url=DEFAULT_BASE_URL, timeout=30, validate_certs=True,
                 max_retry_wait=330, user_agent=None, session=None, sleep=time.sleep, secrets=()):
        self.account_id = account_id
        self.base_url = base_url.rstrip('/')
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self.waited = 0.0
        self.connect_waited = 0.0
        self.redactor = Redactor(secrets)
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
        self._sleep(seconds)
        self.waited += seconds

    def request(self, method, path, params=None, body=None):
        """Send one API call, retrying what is safe to retry; return the decoded envelope (a dict)."""
        method = method.upper()
        attempt = 0
        while True:
            try:
                answer = self.transport.send(method, path, params, body)
            except CloudflareError as exc:
                raise self.redactor.error(exc)
            except requests.exceptions.RequestException as exc:
                reason, retryable = self.transport.describe(method, exc)
                delay = backoff_delay(attempt)
                refused = refused_or_unresolved(exc)
                left = self._connect_budget_left() if refused else self._budget_left()
                if retryable and delay <= left:
                    self._wait(delay)
                    if refused:
                        self.connect_waited += delay
                    attempt += 1
                    continue
                note = self._waited_note(attempt)
                if refused and retryable and self._connect_budget_left() < self._budget_left():
                    note += ('; a connection that is refused or whose host does not resolve is retried for at most '
                             '%d s' % CONNECT_RETRY_WAIT)
                raise self._error(
                    CloudflareTransportError, '%s on %s %s%s' % (reason, method, path, note),
                    method=method, path=path, waited=self.waited)

            status = answer.status
            if status == RATE_LIMIT_STATUS or (status in TRANSIENT_STATUSES and method in IDEMPOTENT_METHODS):
                if status == RATE_LIMIT_STATUS:
                    delay = parse_retry_after(answer.headers.get('Retry-After'))
                    if delay is None:
                        delay = RATE_LIMIT_DEFAULT_WAIT
                    delay = max(delay, RATE_LIMIT_MIN_WAIT)
                else:
                    delay = backoff_delay(attempt)
                if delay <= self._budget_left():
                    self._wait(delay)
                    attempt += 1
                    continue
                raise self._api_failure(method, path, answer, attempt, next_wait=delay)
            return self._decode(method, path, answer, attempt)

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
            elif envelope is None and answer.text:
                message += ', body: %s' % self.redactor.short(answer.text)
            elif envelope is not None and not _is_envelope(envelope):
                # JSON that is not Cloudflare's envelope, e.g. application/problem+json from a proxy.
                message += ', %s' % self._foreign_detail(envelope, answer)
        if chain:
            message += ' (error chain: %s)' % format_api_errors(chain)
        if next_wait is not None:
            message += '; gave up after %d retr%s and %.1f s of waiting: the next wait of %.1f s would exceed max_retry_wait=%s s' % (
                attempt, 'y' if attempt == 1 else 'ies', self.waited, next_wait, self.max_retry_wait)
        else:
            message += self._waited_note(attempt)
        return self._error(cls, message, method=method, path=path, status=status, errors=errors,
                           error_chain=chain, waited=self.waited)

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
        if envelope is None:
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and a body that is not JSON (content-type %s): %s' % (
                    method, path, status, answer.headers.get('Content-Type', 'unknown'), self.redactor.short(answer.text) or '(empty)'),
                method=method, path=path, status=status)
        if not _is_envelope(envelope):
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and JSON that is not the Cloudflare envelope '
                '(no boolean "success"): %s' % (method, path, status, self.redactor.short(answer.text)),
                method=method, path=path, status=status)
        if not envelope['success'] or status >= 400:
            raise self._api_failure(method, path, answer, attempt)
        return envelope

    # --- helpers for the endpoints -----------------------------------------------------

    def result(self, method, path, params=None, body=None, expect=(dict,)):
        """The ``result`` of a call, checked to be of the expected JSON type."""
        envelope = self.request(method, path, params=params, body=body)
        result = envelope.get('result')
        if not isinstance(result, expect):
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with a "result" of type %s where %s was expected' % (
                    method, path, type(result).__name__, ' or '.join(_json_type_name(t) for t in expect)),
                method=method, path=path)
        return result

    def paginate(self, path, params=None, keep=None, key=None):
        """Every item of a ``page``/``per_page`` list, asking for pages of 1000.

        Ends at an empty page, at ``result_info.total_count`` items, or at ``total_pages`` (when
        ``total_count`` does not say items are missing), whichever comes first. A listing that goes
        on past the page bound (from page 1's ``total_count`` and item count, plus slack) fails.

        ``key(raw_item)`` names an item (default: its ``id`` when that is a non-empty string). Items
        seen twice (a record that moved from the end of one page to the start of the next while the
        account changed) are one item: the later copy, which is the fresher, at the first copy's
        position. Items whose key is None are all kept. ``keep`` may reduce each item (to hold less
        of a large account in memory); it sees the raw item, after ``key``.
        """
        key = _default_key if key is None else key
        items = []
        position = {}
        page = 1
        first_keys = set()
        max_pages = None
        while True:
            query = dict(params or {})
            query.update(page=page, per_page=LIST_PAGE_SIZE)
            envelope = self.request('GET', path, params=query)
            result = envelope.get('result')
            if not isinstance(result, list):
                raise self._error(
                    CloudflareResponseError,
                    'The Cloudflare API answered GET %s (page %d) with a "result" that is not a list' % (path, page),
                    method='GET', path=path)
            if not result:
                break
            result_info = envelope.get('result_info')
            total_count = _result_info_number(result_info, 'total_count')
            if max_pages is None:
                first_total, first_size = total_count, len(result)
                max_pages = _page_bound(total_count, len(result))
            # A server that ignores ``page`` would return page 1 forever: stop that early.
            marker = key(result[0])
            if marker is not None:
                if marker in first_keys:
                    raise self._error(
                        CloudflareResponseError,
                        'The Cloudflare API returned the same items for page %d of GET %s as for an earlier page: '
                        'pagination is not advancing' % (page, path),
                        method='GET', path=path)
                first_keys.add(marker)
            for raw in result:
                identity = key(raw)
                item = raw if keep is None else keep(raw)
                if identity is not None and identity in position:
                    items[position[identity]] = item
                    continue
                if identity is not None:
                    position[identity] = len(items)
                items.append(item)
            total_pages = _total_pages(result_info)
            if total_count is not None and len(items) >= total_count:
                break
            # A last page by total_pages while total_count says items are missing is inconsistent:
            # go on to the empty page rather than return a list that is silently short.
            if total_pages is not None and page >= total_pages and total_count is None:
                break
            if page >= max_pages:
                raise self._error(
                    CloudflareLimitError,
                    'The Cloudflare API listing GET %s did not end after %d pages (%d items so far; page 1 held %d '
                    'of total_count=%s): the server keeps announcing more pages' % (
                        path, page, len(items), first_size, 'none' if first_total is None else first_total),
                    method='GET', path=path)
            page += 1
        return items


def _json_type_name(cls):
    return {dict: 'an object', list: 'a list', type(None): 'null'}.get(cls, cls.__name__)


def _default_key(item):
    """Cloudflare names every object it lists by ``id``."""
    if isinstance(item, dict):
        identity = item.get('id')
        return identity if isinstance(identity, str) and identity else None
    return None


def _page_bound(total_count, first_page_size):
    """The most pages a listing may take, from what page 1 said."""
    if total_count is None:
        return MAX_PAGES_UNBOUNDED
    pages = int(math.ceil(float(max(total_count, 1)) / max(first_page_size, 1)))
    return pages + max(PAGE_SLACK_MIN, int(math.ceil(pages * PAGE_SLACK_RATIO)))


def _total_pages(result_info):
    return _result_info_number(result_info, 'total_pages')


def _result_info_number(result_info, key):
    if not isinstance(result_info, dict):
        return None
    value = result_info.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def _is_envelope(data):
    return isinstance(data, dict) and isinstance(data.get('success'), bool)
