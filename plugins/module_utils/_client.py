# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The only place in the collection that speaks HTTP to Cloudflare: authentication, the
# response envelope, retries with a bounded wait, and pagination. Errors are typed so that
# modules can turn them into one clear failure message.
#
# What comes back over the wire is not trusted (SECURITY.md): redirects are never followed,
# nothing in the environment can replace the credentials (netrc), each request has one deadline
# for connect, headers and body, an answer has a size cap, and a listing has a page bound.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import email.utils
import io
import json
import math
import os
import random
import socket
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
# A connection refused or a name that does not resolve is most often a wrong api_base_url: it gets
# this many seconds of retries per task, not the long max_retry_wait sized for Cloudflare's 429 block.
CONNECT_RETRY_WAIT = 10.0
# The largest answer read (after content decoding): a page of 1000 users is about 0.5 MB.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
READ_CHUNK = 64 * 1024
# A listing reads at most ceil(total_count / items on page 1) pages plus this slack (users added
# while it runs); without a total_count on page 1, at most MAX_PAGES_UNBOUNDED pages.
PAGE_SLACK_MIN = 2
PAGE_SLACK_RATIO = 0.1
MAX_PAGES_UNBOUNDED = 200


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


class CloudflareRedirectError(CloudflareResponseError):
    """A 3xx answer: redirects are never followed, so that no credential goes anywhere else."""


class CloudflareLimitError(CloudflareResponseError):
    """An answer or a listing beyond the client's bounds: size of one answer, number of pages."""


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
    but the request to ``base_url``'s origin. ``sleep`` and ``session`` can be replaced in unit tests.
    """

    def __init__(self, account_id, auth_headers, base_url=DEFAULT_BASE_URL, timeout=30, validate_certs=True,
                 max_retry_wait=330, user_agent=None, session=None, sleep=time.sleep, secrets=()):
        self.account_id = account_id
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retry_wait = max_retry_wait
        self._sleep = sleep
        self.waited = 0.0
        self.connect_waited = 0.0
        self.request_count = 0
        self._clock = _Deadline()
        self.session = session if session is not None else requests.Session()
        # With trust_env, requests would take ~/.netrc or $NETRC and replace the credentials with
        # Basic auth. Off; the environment's proxies and CA bundle are applied by hand below.
        self.session.trust_env = False
        if isinstance(self.session, requests.sessions.Session):  # not a stand-in of the unit tests
            adapter = _deadline_adapter(self._clock)
            self.session.mount('https://', adapter)
            self.session.mount('http://', adapter)
        self.proxies = requests.utils.get_environ_proxies(self.base_url)
        # A proxy URL may carry a password; an error text may quote the proxy URL.
        self.secrets = tuple(s for s in tuple(secrets) + _proxy_passwords(self.proxies) if s)
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
        """``data`` (JSON-like: dicts, lists, strings) with every credential removed from its strings, keys included."""
        if isinstance(data, dict):
            return dict((self.redact(key) if isinstance(key, str) else key, self.redact_data(value))
                        for key, value in data.items())
        if isinstance(data, (list, tuple)):
            return [self.redact_data(value) for value in data]
        if isinstance(data, str):
            return self.redact(data)
        return data

    def _short(self, text):
        """Redacted first, then shortened: a credential cut in two by the limit would escape redaction."""
        return _short(self.redact(text))

    def _error(self, cls, message, **kwargs):
        # Every structured part of an error is redacted here, so that no caller can forget one.
        for name in ('errors', 'error_chain'):
            if kwargs.get(name):
                kwargs[name] = self.redact_data(kwargs[name])
        return cls(self.redact(message), **kwargs)

    def _budget_left(self):
        return self.max_retry_wait - self.waited

    def _connect_budget_left(self):
        return min(self._budget_left(), CONNECT_RETRY_WAIT - self.connect_waited)

    def _wait(self, seconds):
        self._sleep(seconds)
        self.waited += seconds

    def _verify(self):
        """requests' own reading of the CA bundle variables, which trust_env=False turns off."""
        if not self.validate_certs:
            return False
        return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True

    def request(self, method, path, params=None, body=None):
        """Send one API call, retrying what is safe to retry; return the decoded envelope (a dict)."""
        method = method.upper()
        url = self.base_url + path
        attempt = 0
        while True:
            try:
                self.request_count += 1
                answer = self._send(method, url, path, params, body)
            except requests.exceptions.RequestException as exc:
                reason, retryable = self._classify_exception(method, exc)
                delay = backoff_delay(attempt)
                refused = _refused_or_unresolved(exc)
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

    def _send(self, method, url, path, params, body):
        """One attempt: the request, then its whole body, within one deadline and the size cap."""
        self._clock.start(self.timeout)
        try:
            response = self.session.request(
                method, url, params=params, json=body, timeout=self.timeout, verify=self._verify(),
                proxies=self.proxies, allow_redirects=False, stream=True)
            try:
                if 300 <= response.status_code < 400:
                    raise self._redirect_error(method, path, response)
                return _Answer(response.status_code, response.headers, self._read_body(method, path, response))
            finally:
                close = getattr(response, 'close', None)
                if close is not None:
                    close()
        finally:
            self._clock.stop()

    def _redirect_error(self, method, path, response):
        location = response.headers.get('Location')
        return self._error(
            CloudflareRedirectError,
            'The Cloudflare API answered %s %s with HTTP %s, a redirect to %s: redirects are not followed, so that '
            'the credentials go nowhere but %s (check api_base_url)' % (
                method, path, response.status_code, self._short(location) if location else '(no Location)',
                _origin(self.base_url)),
            method=method, path=path, status=response.status_code)

    def _read_body(self, method, path, response):
        """The text of the answer, read in chunks: no more than MAX_ANSWER_BYTES, and within the deadline."""
        declared = _int_or_none(response.headers.get('Content-Length'))
        if declared is not None and declared > MAX_ANSWER_BYTES:
            raise self._too_large(method, path, response.status_code, 'announces %d bytes' % declared)
        data = io.BytesIO()
        for chunk in response.iter_content(READ_CHUNK):
            data.write(chunk)
            if data.tell() > MAX_ANSWER_BYTES:
                raise self._too_large(method, path, response.status_code, 'goes on past %d bytes' % MAX_ANSWER_BYTES)
            if self._clock.expired():
                # The socket deadline covers reads; this covers a body that arrives fast but endlessly.
                raise requests.exceptions.ReadTimeout(_DEADLINE_TEXT)
        encoding = getattr(response, 'encoding', None) or 'utf-8'
        try:
            return data.getvalue().decode(encoding, 'replace')
        except LookupError:
            return data.getvalue().decode('utf-8', 'replace')

    def _too_large(self, method, path, status, what):
        return self._error(
            CloudflareLimitError,
            'The Cloudflare API answered %s %s with HTTP %s and a body that %s, more than the %d MiB one answer may '
            'have' % (method, path, status, what, MAX_ANSWER_BYTES // (1024 * 1024)),
            method=method, path=path, status=status)

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
        # requests reports a read that timed out inside the body as a ConnectionError: a timeout all the same.
        # timeout is one deadline for connecting, the headers and the whole body: "no answer" is an incomplete one too.
        if isinstance(exc, requests.exceptions.ReadTimeout) or _timed_out(exc):
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
                message += ', body: %s' % self._short(answer.text)
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
        return '%s (%s)' % (self._short(text), answer.headers.get('Content-Type', 'unknown content-type'))

    def _decode(self, method, path, answer, attempt):
        status = answer.status
        envelope = answer.data
        if envelope is None:
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and a body that is not JSON (content-type %s): %s' % (
                    method, path, status, answer.headers.get('Content-Type', 'unknown'), self._short(answer.text) or '(empty)'),
                method=method, path=path, status=status)
        if not _is_envelope(envelope):
            if status >= 400:
                raise self._api_failure(method, path, answer, attempt)
            raise self._error(
                CloudflareResponseError,
                'The Cloudflare API answered %s %s with HTTP %s and JSON that is not the Cloudflare envelope '
                '(no boolean "success"): %s' % (method, path, status, self._short(answer.text)),
                method=method, path=path, status=status)
        if not envelope['success'] or status >= 400:
            raise self._api_failure(method, path, answer, attempt)
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


def _json_or_none(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _origin(url):
    """scheme://host[:port] of a URL, as the browser's same-origin rule sees it."""
    parts = url.split('/', 3)
    return '/'.join(parts[:3])


def _proxy_passwords(proxies):
    found = []
    for url in (proxies or {}).values():
        try:
            password = requests.utils.urlparse(url).password
        except ValueError:
            password = None
        if password:
            found.extend([password, requests.utils.quote(password, safe='')])
    return tuple(found)


class _Answer(object):
    """What the client keeps of a response: status, headers, the text read within the limits, its JSON."""

    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text
        self.data = _json_or_none(text)


# The text of the socket timeout raised when a request's deadline has passed.
_DEADLINE_TEXT = 'the deadline of the request passed'


class _Deadline(object):
    """The deadline of the request under way (monotonic clock), shared with the connections' sockets."""

    def __init__(self):
        self.at = None

    def start(self, seconds):
        self.at = time.monotonic() + seconds

    def stop(self):
        self.at = None

    def left(self):
        return None if self.at is None else self.at - time.monotonic()

    def expired(self):
        left = self.left()
        return left is not None and left <= 0


class _DeadlineSocket(object):
    """A connected socket whose every read waits no longer than what is left of the request's deadline.

    requests' ``timeout`` bounds each read, so a server that drips a byte at a time (headers or body)
    would never time out; this makes the timeout one deadline for the whole answer.
    """

    def __init__(self, sock, clock):
        self._sock = sock
        self._clock = clock
        self._timeout = sock.gettimeout()

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def settimeout(self, value):
        self._timeout = value
        self._sock.settimeout(value)

    def gettimeout(self):
        return self._timeout

    def _arm(self):
        left = self._clock.left()
        if left is None:
            self._sock.settimeout(self._timeout)
            return
        if left <= 0:
            raise socket.timeout(_DEADLINE_TEXT)
        self._sock.settimeout(left if self._timeout is None else min(left, self._timeout))

    def recv(self, *args):
        self._arm()
        return self._sock.recv(*args)

    def recv_into(self, *args):
        self._arm()
        return self._sock.recv_into(*args)

    def makefile(self, mode='rb', buffering=-1, **_kwargs):
        # http.client reads the status line, headers and body through this file: its reads must come here.
        raw = socket.SocketIO(self, 'rb')
        # As socket.makefile does: the socket stays open while the file is (http.client closes the
        # connection right after the headers of a "Connection: close" answer and reads on from the file).
        self._sock._io_refs += 1
        return io.BufferedReader(raw, io.DEFAULT_BUFFER_SIZE if buffering in (None, -1, 0) else buffering)


def _deadline_adapter(clock):
    """A requests adapter whose connections read through _DeadlineSocket."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def connection_class(base):
        class DeadlineConnection(base):
            def connect(self):
                super(DeadlineConnection, self).connect()
                # Other socket types (pyOpenSSL's, TLS inside a TLS proxy) keep the per-read timeout;
                # _read_body still checks the deadline between chunks of the body.
                if isinstance(self.sock, socket.socket):
                    self.sock = _DeadlineSocket(self.sock, clock)
        return DeadlineConnection

    pools = {
        'http': type('DeadlineHTTPConnectionPool', (HTTPConnectionPool,), {'ConnectionCls': connection_class(HTTPConnection)}),
        'https': type('DeadlineHTTPSConnectionPool', (HTTPSConnectionPool,), {'ConnectionCls': connection_class(HTTPSConnection)}),
    }

    class DeadlineAdapter(requests.adapters.HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs):
            super(DeadlineAdapter, self).init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy, **proxy_kwargs):
            manager = super(DeadlineAdapter, self).proxy_manager_for(proxy, **proxy_kwargs)
            if hasattr(manager, 'pool_classes_by_scheme'):
                manager.pool_classes_by_scheme = pools
            return manager

    return DeadlineAdapter()


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
# Nothing answered at all: most often a wrong address, which retries for minutes will not fix.
_REFUSED_ERRORS = frozenset(['NewConnectionError', 'NameResolutionError', 'ConnectionRefusedError', 'gaierror'])


def _never_connected(exc):
    """True when a ConnectionError happened before any byte of the request was sent."""
    return any(type(cause).__name__ in _NOT_CONNECTED_ERRORS for cause in _causes(exc))


def _refused_or_unresolved(exc):
    """True for a connection refused or a host name that does not resolve (not for a connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    return any(type(cause).__name__ in _REFUSED_ERRORS for cause in _causes(exc))


def _timed_out(exc):
    """True when a read timed out, also where requests calls it a ConnectionError (inside the body)."""
    return any(type(cause).__name__ == 'ReadTimeoutError' for cause in _causes(exc))
