# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The transport: one HTTP exchange with the API's origin, nothing more. What comes back over the wire
# is not trusted (SECURITY.md): redirects are never followed, nothing in the environment can replace
# the credentials (netrc), one deadline covers connect, headers and body, an answer has a size cap.
# Retrying, the envelope and pagination are the client's (api/client.py).

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import io
import os
import socket
import threading
import time

from urllib.parse import unquote

try:
    import requests
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - depends on the target host
    requests = None
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.bodies import BodyError, BodyTooLarge, BoundedDecoder, load_json
from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api.errors import CloudflareLimitError, CloudflareRedirectError, CloudflareResponseError

# Methods whose repetition cannot do more than the first attempt: PUT user and PATCH seats set
# absolute values, DELETE of a deleted user is a 404 at worst. POST creates, so it is repeated
# only when the request never reached the server.
IDEMPOTENT_METHODS = frozenset(['GET', 'PUT', 'PATCH', 'DELETE'])
# The largest answer read (after content decoding): a page of 1000 users is about 0.5 MB.
MAX_ANSWER_BYTES = 32 * 1024 * 1024
READ_CHUNK = 64 * 1024


class Transport(object):
    """Requests sessions to ``base_url``, one per thread that sends (requests does not promise that a session is safe
    to share between threads; a listing reads its pages side by side): sends a request and reads its answer within
    the bounds.

    ``session`` can be replaced in unit tests (a stand-in gets no deadline adapter, and is shared by every thread).
    Failures of the exchange are requests exceptions (see ``describe``) or CloudflareRedirectError/
    CloudflareLimitError, whose texts the client redacts.
    """

    def __init__(self, base_url, headers, timeout=30, validate_certs=True, session=None, redactor=None):
        self.base_url = base_url
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.redactor = redactor
        self._clock = _Deadline()
        self._headers = dict(headers)
        self._given = None if session is None else self._set_up(session)
        self._local = threading.local()
        if session is None:
            self._local.session = self._set_up(requests.Session())   # the calling thread's, made at once
        self.proxies = requests.utils.get_environ_proxies(self.base_url)

    @property
    def session(self):
        """The session of the calling thread (the stand-in given, if one was)."""
        if self._given is not None:
            return self._given
        session = getattr(self._local, 'session', None)
        if session is None:
            session = self._local.session = self._set_up(requests.Session())
        return session

    @session.setter
    def session(self, stand_in):
        """A stand-in of the unit tests, from now on shared by every thread."""
        self._given = stand_in

    def _set_up(self, session):
        # With trust_env, requests would take ~/.netrc or $NETRC and replace the credentials with
        # Basic auth. Off; the environment's proxies and CA bundle are applied by hand (send, _verify).
        session.trust_env = False
        if isinstance(session, requests.sessions.Session):  # not a stand-in of the unit tests
            adapter = _deadline_adapter(self._clock)
            session.mount('https://', adapter)
            session.mount('http://', adapter)
        session.headers.update(self._headers)
        # The codings _read_body decodes itself, layer by layer within the size cap (never br or zstd, which
        # urllib3 would ask for when their modules are installed).
        session.headers['Accept-Encoding'] = 'gzip, deflate'
        return session

    def secrets(self):
        """What of the transport's settings is secret: a proxy URL may carry a password, and a text may quote it."""
        return _proxy_passwords(self.proxies)

    def _verify(self):
        """requests' own reading of the CA bundle variables, which trust_env=False turns off."""
        if not self.validate_certs:
            return False
        return os.environ.get('REQUESTS_CA_BUNDLE') or os.environ.get('CURL_CA_BUNDLE') or True

    def send(self, method, path, params=None, body=None):
        """One attempt: the request, then its whole body, within one deadline and the size cap."""
        self._clock.start(self.timeout)
        try:
            response = self.session.request(
                method, self.base_url + path, params=params, json=body, timeout=self.timeout, verify=self._verify(),
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
        return CloudflareRedirectError(
            'The Cloudflare API answered %s %s with HTTP %s, a redirect to %s: redirects are not followed, so that '
            'the credentials go nowhere but %s (check api_base_url)' % (
                method, path, response.status_code, self.redactor.short(location) if location else '(no Location)',
                _origin(self.base_url)),
            method=method, path=path, status=response.status_code)

    def _read_body(self, method, path, response):
        """The text of the answer, read in chunks: no more than MAX_ANSWER_BYTES on the wire and after each content
        coding is undone (by BoundedDecoder, whatever urllib3 would do), and within the deadline."""
        status = response.status_code
        declared = _int_or_none(response.headers.get('Content-Length'))
        if declared is not None and declared > MAX_ANSWER_BYTES:
            raise self._too_large(method, path, status, 'a body that announces %d bytes' % declared)
        try:
            decoder = BoundedDecoder(response.headers.get('Content-Encoding'), MAX_ANSWER_BYTES)
            received = 0
            for chunk in _raw_chunks(response):
                received += len(chunk)
                if received > MAX_ANSWER_BYTES:
                    raise BodyTooLarge('a body that goes on past %d bytes' % MAX_ANSWER_BYTES)
                decoder.feed(chunk)
                if self._clock.expired():
                    # The socket deadline covers reads; this covers a body that arrives fast but endlessly.
                    raise requests.exceptions.ReadTimeout(_DEADLINE_TEXT)
            data = decoder.finish()
        except BodyTooLarge as exc:
            raise self._too_large(method, path, status, str(exc))
        except BodyError as exc:
            raise CloudflareResponseError(
                'The Cloudflare API answered %s %s with HTTP %s and %s' % (method, path, status, exc),
                method=method, path=path, status=status)
        encoding = getattr(response, 'encoding', None) or 'utf-8'
        try:
            return data.decode(encoding, 'replace')
        except LookupError:
            return data.decode('utf-8', 'replace')

    def _too_large(self, method, path, status, what):
        return CloudflareLimitError(
            'The Cloudflare API answered %s %s with HTTP %s and %s, more than the %d MiB one answer may '
            'have' % (method, path, status, what, MAX_ANSWER_BYTES // (1024 * 1024)),
            method=method, path=path, status=status)

    def describe(self, method, exc):
        """(what happened, whether it may be retried) for a requests exception of ``send``."""
        # The outer texts of requests repeat the URL and are cut by _short before the reason: show the innermost.
        cause = self.redactor.short(_innermost(exc))
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
        return ('Request failed (%s)' % self.redactor.short(exc), False)


def may_have_arrived(exc):
    """Whether the request of a failed exchange (a requests exception of ``send``) may have reached the server and
    been acted on: yes unless the connection was never made or its TLS handshake failed."""
    return not isinstance(exc, requests.exceptions.SSLError) and not _never_connected(exc)


def _proxy_passwords(proxies):
    """Every form in which a proxy's password may come back in a text: as written in the URL, percent-decoded,
    percent-encoded, and inside the base64 of ``user:password`` that requests sends as Basic Proxy-Authorization
    (a proxy's 407 page may quote any of them)."""
    found = []
    for url in (proxies or {}).values():
        try:
            parts = requests.utils.urlparse(url)
            user, password = parts.username, parts.password
        except ValueError:
            user = password = None
        if not password:
            continue
        decoded = unquote(password)
        found.extend([password, decoded, requests.utils.quote(decoded, safe='')])
        basic = '%s:%s' % (unquote(user or ''), decoded)
        for charset in ('latin-1', 'utf-8'):      # requests encodes latin-1 where it can
            try:
                found.append(base64.b64encode(basic.encode(charset)).decode('ascii'))
            except UnicodeEncodeError:
                pass
    # The longest first: a secret that holds another is replaced whole.
    return tuple(sorted(set(found), key=len, reverse=True))


def _raw_chunks(response):
    """The bytes of the body as they came over the wire, content codings left for BoundedDecoder; a stand-in of the
    unit tests without a urllib3 response gives its content as it is. urllib3's failures are raised as requests
    raises them from iter_content, so that describe() tells them apart the same way."""
    raw = getattr(response, 'raw', None)
    if raw is None or not hasattr(raw, 'stream'):
        yield from response.iter_content(READ_CHUNK)
        return
    from urllib3.exceptions import ProtocolError, ReadTimeoutError, SSLError
    try:
        yield from raw.stream(READ_CHUNK, decode_content=False)
    except ProtocolError as exc:
        raise requests.exceptions.ChunkedEncodingError(exc)
    except ReadTimeoutError as exc:
        raise requests.exceptions.ConnectionError(exc)
    except SSLError as exc:
        raise requests.exceptions.SSLError(exc)


def _int_or_none(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _origin(url):
    """scheme://host[:port] of a URL, as the browser's same-origin rule sees it."""
    parts = url.split('/', 3)
    return '/'.join(parts[:3])


class _Answer(object):
    """What the client keeps of a response: status, headers, the text read within the limits, its JSON (None when
    the text is not JSON, or is JSON refused: then ``refused`` says why, see bodies.load_json)."""

    def __init__(self, status, headers, text):
        self.status = status
        self.headers = headers
        self.text = text
        self.data, self.refused = load_json(text)


# The text of the socket timeout raised when a request's deadline has passed.
_DEADLINE_TEXT = 'the deadline of the request passed'


class _Deadline(threading.local):
    """The deadline of the request under way in the calling thread (monotonic clock), shared with the connections'
    sockets (a socket is read by the thread whose request it carries)."""

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


def refused_or_unresolved(exc):
    """True for a connection refused or a host name that does not resolve (not for a connect timeout)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return False
    return any(type(cause).__name__ in _REFUSED_ERRORS for cause in _causes(exc))


def _timed_out(exc):
    """True when a read timed out, also where requests calls it a ConnectionError (inside the body)."""
    return any(type(cause).__name__ == 'ReadTimeoutError' for cause in _causes(exc))
