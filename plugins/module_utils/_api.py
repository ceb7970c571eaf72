# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The only place in the collection that speaks HTTP to Cloudflare: authentication, the
# response envelope, retries with a bounded wait, and pagination. Errors are typed so that
# modules can turn them into one clear failure message.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import math
import random
import time

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the target host
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils._version import COLLECTION_VERSION

DEFAULT_BASE_URL = 'https://api.cloudflare.com/client/v4'
LIST_PAGE_SIZE = 1000

# Methods whose repetition cannot do more than the first attempt: PUT user and PATCH seats set
# absolute values, DELETE of a deleted user is a 404 at worst. POST creates, so it is repeated
# only when the request never reached the server.
IDEMPOTENT_METHODS = frozenset(['GET', 'PUT', 'PATCH', 'DELETE'])
TRANSIENT_STATUSES = frozenset([500, 502, 503, 504])
RATE_LIMIT_STATUS = 429

BACKOFF_FIRST = 1.0
BACKOFF_MAX = 60.0
# When a 429 carries no Retry-After, Cloudflare's block lasts five minutes at most.
RATE_LIMIT_DEFAULT_WAIT = 60.0
# A Retry-After of 0 or of a past date would otherwise retry at once, for ever, without touching the budget.
RATE_LIMIT_MIN_WAIT = 1.0


class CloudflareError(Exception):
    """Any failure to get a good answer from the API. ``str()`` is the message for the user."""

    def __init__(self, message, method=None, path=None, status=None, errors=None, error_chain=None, waited=None):
        super(CloudflareError, self).__init__(message)
        self.message = message
        self.method = method
        self.path = path
        self.status = status
        self.errors = errors or []
        self.error_chain = error_chain or []
        self.waited = waited

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


def _short(text, limit=200):
    text = ' '.join(str(text).split())
    return text if len(text) <= limit else text[:limit] + '...'


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
    but the request. ``sleep`` and ``session`` can be replaced in unit tests.
    """

    def __init__(self, account_id, auth_headers, base_url=DEFAULT_BASE_URL, timeout=30, validate_certs=True,
                 max_retry_wait=330, user_agent=None, session=None, sleep=time.sleep, secrets=()):
        self.account_id = account_id
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retry_wait = max_retry_wait
        self.secrets = tuple(s for s in secrets if s)
        self._sleep = sleep
        self.waited = 0.0
        self.request_count = 0
        self.session = session if session is not None else requests.Session()
        self.session.headers.update(auth_headers)
        self.session.headers['User-Agent'] = user_agent or 'cloudflare_ops.zero_trust/%s' % COLLECTION_VERSION
        self.session.headers['Accept'] = 'application/json'

    # --- paths -------------------------------------------------------------------------

    def account_path(self, *parts):
        return '/'.join(['/accounts', self.account_id] + [p.strip('/') for p in parts])

    # --- requests ----------------------------------------------------------------------

    def redact(self, text):
        """Remove any credential from a text that is about to leave the client."""
        text = str(text)
        for secret in self.secrets:
            text = text.replace(secret, '********')
        return text

    def redact_data(self, data):
        """``data`` (JSON-like: dicts, lists, strings) with every credential removed from its strings."""
        if isinstance(data, dict):
            return dict((key, self.redact_data(value)) for key, value in data.items())
        if isinstance(data, list):
            return [self.redact_data(value) for value in data]
        if isinstance(data, str):
            return self.redact(data)
        return data

    def _short(self, text):
        """Redacted first, then shortened: a credential cut in two by the limit would escape redaction."""
        return _short(self.redact(text))

    def _error(self, cls, message, **kwargs):
        return cls(self.redact(message), **kwargs)

    def _budget_left(self):
        return self.max_retry_wait - self.waited

    def _wait(self, seconds):
        self._sleep(seconds)
        self.waited += seconds

    def request(self, method, path, params=None, body=None):
        """Send one API call, retrying what is safe to retry; return the decoded envelope (a dict)."""
        method = method.upper()
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                self.request_count += 1
                response = self.session.request(
                    method, url, params=params, json=body, timeout=self.timeout, verify=self.validate_certs)
            except requests.exceptions.RequestException as exc:
                reason, retryable = self._classify_exception(method, exc)
                delay = backoff_delay(attempt)
                if retryable and delay <= self._budget_left():
                    self._wait(delay)
                    attempt += 1
                    continue
                raise self._error(
                    CloudflareTransportError,
                    '%s on %s %s%s' % (reason, method, path, self._waited_note(attempt)),
                    method=method, path=path, waited=self.waited)

            status = response.status_code
            if status == RATE_LIMIT_STATUS or (status in TRANSIENT_STATUSES and method in IDEMPOTENT_METHODS):
                if status == RATE_LIMIT_STATUS:
                    delay = parse_retry_after(response.headers.get('Retry-After'))
                    if delay is None:
                        delay = RATE_LIMIT_DEFAULT_WAIT
                    delay = max(delay, RATE_LIMIT_MIN_WAIT)
                else:
                    delay = backoff_delay(attempt)
                if delay <= self._budget_left():
                    self._wait(delay)
                    attempt += 1
                    continue
                raise self._api_failure(method, path, response, attempt, next_wait=delay)
            return self._decode(method, path, response, attempt)

    def _classify_exception(self, method, exc):
        """Return (what happened, whether it may be retried) for a requests exception."""
        # The outer texts of requests repeat the URL and are cut by _short before the reason: show the innermost.
        cause = self._short(_innermost(exc))
        if isinstance(exc, requests.exceptions.SSLError):
            if _certificate_not_verified(exc):
                return ('TLS certificate verification failed for %s (%s); set validate_certs=false or point '
                        'REQUESTS_CA_BUNDLE at the CA that signed the server certificate' % (self.base_url, cause), False)
            return ('TLS connection to %s failed (%s)' % (self.base_url, cause), False)
        if isinstance(exc, requests.exceptions.ConnectTimeout):
            return ('Connection to %s timed out after %s s' % (self.base_url, self.timeout), True)
        if isinstance(exc, requests.exceptions.ReadTimeout):
            return ('No answer within timeout=%s s' % self.timeout, method in IDEMPOTENT_METHODS)
        if isinstance(exc, requests.exceptions.ConnectionError):
            never_connected = _never_connected(exc)
            text = 'Cannot connect to %s (%s)' % (self.base_url, cause) if never_connected \
                else 'Connection to %s failed (%s)' % (self.base_url, cause)
            return (text, never_connected or method in IDEMPOTENT_METHODS)
        return ('Request failed (%s)' % self._short(exc), False)

    def _waited_note(self, attempt):
        if not attempt:
            return ''
        return ' (after %d retr%s and %.1f s of waiting; max_retry_wait is %s s)' % (
            attempt, 'y' if attempt == 1 else 'ies', self.waited, self.max_retry_wait)

    def _api_failure(self, method, path, response, attempt, next_wait=None):
        status = response.status_code
        envelope = _json_or_none(response)
        errors, chain = [], []
        if isinstance(envelope, dict):
            errors = envelope.get('errors') if isinstance(envelope.get('errors'), list) else []
            chain = envelope.get('error_chain') if isinstance(envelope.get('error_chain'), list) else []
        detail = format_api_errors(errors)
        if status == RATE_LIMIT_STATUS:
            cls = CloudflareRateLimitError
            message = 'Rate limited by the Cloudflare API (HTTP 429%s) on %s %s' % (
                ', ' + detail if detail else '', method, path)
        else:
            cls = CloudflareNotFoundError if status == 404 else CloudflareAPIError
            message = 'Cloudflare API error on %s %s: HTTP %s' % (method, path, status)
            if detail:
                message += ', ' + detail
            elif envelope is None and response.text:
                message += ', body: %s' % self._short(response.text)
        if chain:
            message += ' (error chain: %s)' % format_api_errors(chain)
        if next_wait is not None:
            message += '; gave up after %d retr%s and %.1f s of waiting: the next wait of %.1f s would exceed max_retry_wait=%s s' % (
                attempt, 'y' if attempt == 1 else 'ies', self.waited, next_wait, self.max_retry_wait)
        else:
            message += self._waited_note(attempt)
        return self._error(cls, message, method=method, path=path, status=status, errors=self.redact_data(errors),
                           error_chain=self.redact_data(chain), waited=self.waited)

    def _decode(self, method, path, response, attempt):
        status = response.status_code
        envelope = _json_or_none(response)
        if envelope is None:
            if status >= 400:
                raise self._api_failure(method, path, response, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and a body that is not JSON (content-type %s): %s' % (
                    method, path, status, response.headers.get('Content-Type', 'unknown'), self._short(response.text) or '(empty)'),
                method=method, path=path, status=status)
        if not isinstance(envelope, dict) or not isinstance(envelope.get('success'), bool):
            if status >= 400:
                raise self._api_failure(method, path, response, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and JSON that is not the Cloudflare envelope '
                '(no boolean "success"): %s' % (method, path, status, self._short(response.text)),
                method=method, path=path, status=status)
        if not envelope['success'] or status >= 400:
            raise self._api_failure(method, path, response, attempt)
        return envelope

    # --- helpers for the endpoints -----------------------------------------------------

    def get(self, path, params=None):
        return self.request('GET', path, params=params)

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

    def paginate(self, path, params=None, keep=None):
        """Every item of a ``page``/``per_page`` list, asking for pages of 1000.

        Ends at ``result_info.total_pages`` or at an empty page, whichever comes first, so a
        server without ``result_info`` costs one extra request. ``keep`` may reduce each item
        (to hold less of a large account in memory).
        """
        items = []
        page = 1
        first_ids = set()
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
            # A server that ignores ``page`` would return page 1 forever: stop that early.
            marker = _item_marker(result[0])
            if marker is not None:
                if marker in first_ids:
                    raise self._error(
                        CloudflareResponseError,
                        'The Cloudflare API returned the same items for page %d of GET %s as for an earlier page: '
                        'pagination is not advancing' % (page, path),
                        method='GET', path=path)
                first_ids.add(marker)
            if keep is None:
                items.extend(result)
            else:
                items.extend(keep(item) for item in result)
            result_info = envelope.get('result_info')
            total_pages = _total_pages(result_info)
            # A last page by total_pages while total_count says items are missing is inconsistent:
            # go on to the empty page rather than return a list that is silently short.
            total_count = _result_info_number(result_info, 'total_count')
            if total_pages is not None and page >= total_pages and (total_count is None or len(items) >= total_count):
                break
            page += 1
        return items


def _json_type_name(cls):
    return {dict: 'an object', list: 'a list', type(None): 'null'}.get(cls, cls.__name__)


def _item_marker(item):
    if isinstance(item, dict):
        marker = item.get('id') or item.get('seat_uid') or item.get('email')
        return marker if isinstance(marker, str) else None
    return None


def _total_pages(result_info):
    return _result_info_number(result_info, 'total_pages')


def _result_info_number(result_info, key):
    if not isinstance(result_info, dict):
        return None
    value = result_info.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return int(value)


def _json_or_none(response):
    try:
        return response.json()
    except ValueError:
        return None


def _causes(exc):
    """``exc`` and the exceptions behind it (urllib3's ``reason``, ``__cause__``, ``__context__``), outermost first."""
    seen = set()
    current = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        following = getattr(current, 'reason', None)
        if not isinstance(following, BaseException):
            args = getattr(current, 'args', None)
            following = args[0] if args and isinstance(args[0], BaseException) else None
        current = following or current.__cause__ or current.__context__


def _innermost(exc):
    """The text of the deepest exception behind ``exc`` that has one (e.g. "[Errno 111] Connection refused")."""
    text = str(exc)
    for cause in _causes(exc):
        if str(cause):
            text = str(cause)
    return text


def _certificate_not_verified(exc):
    return any(type(cause).__name__ == 'SSLCertVerificationError' or 'certificate verify failed' in str(cause).lower()
               for cause in _causes(exc))


_NOT_CONNECTED_ERRORS = frozenset(['NewConnectionError', 'ConnectTimeoutError', 'NameResolutionError', 'ConnectionRefusedError'])


def _never_connected(exc):
    """True when a ConnectionError happened before any byte of the request was sent."""
    return any(type(cause).__name__ in _NOT_CONNECTED_ERRORS for cause in _causes(exc))
