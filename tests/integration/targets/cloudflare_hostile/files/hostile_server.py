# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Misbehaving HTTP servers on 127.0.0.1 for the cloudflare_hostile target (test code, not shipped in use).

    python hostile_server.py PORT_FILE [--lifetime SECONDS]

Four listeners, their ports written to PORT_FILE as JSON {"main": ..., "elsewhere": ..., "proxy": ..., "proxy407": ...}:

- main: the first part of the path picks a misbehaviour, e.g. http://127.0.0.1:MAIN/redirect301/client/v4
  (redirect301/302/303/307/308, drip_body, drip_headers, huge, huge_declared, pages, shift, problem, errorkey,
  record, gzip, gzip_bomb). Everything after it is the API path.
- elsewhere: another origin, where the redirects point; it records what reaches it.
- proxy: a forward proxy for plain HTTP that records the headers it sees and passes the request on.
- proxy407: a proxy that refuses every request with 407, quoting the Proxy-Authorization it got (the base64,
  the user and the password, decoded and percent-encoded) on its error page.

GET /__hostile__/log on main returns what was recorded (credentials are never recorded: only the
authentication scheme and which headers were present); POST /__hostile__/shutdown stops everything.
The process also ends by itself after --lifetime seconds, so that a failed test never leaves it behind.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import base64
import gzip
import http.client
import json
import os
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOG = []
LOG_LOCK = threading.Lock()
DRIP_INTERVAL = 0.2
STOP = threading.Event()


def record(role, handler):
    authorization = handler.headers.get('Authorization') or ''
    with LOG_LOCK:
        LOG.append({
            'role': role,
            'method': handler.command,
            'path': handler.path,
            'auth_scheme': authorization.split(' ', 1)[0] if authorization else None,
            'x_auth_key': 'X-Auth-Key' in handler.headers,
            'proxy_headers': sorted(h for h in handler.headers if h.lower().startswith('proxy-')),
        })


def user(number):
    return {'id': '0b000000-0000-4000-8000-%012d' % number, 'seat_uid': '5f000000-0000-4000-8000-%012d' % number,
            'email': 'user%05d@example.com' % number, 'name': 'User %d' % number,
            'access_seat': True, 'gateway_seat': False}


def envelope(result, **extra):
    body = {'success': True, 'errors': [], 'messages': [], 'result': result}
    body.update(extra)
    return body


class Handler(BaseHTTPRequestHandler):
    role = 'main'

    def log_message(self, *_args):
        pass

    def send_json(self, status, body, content_type='application/json', headers=()):
        data = json.dumps(body).encode('utf-8')
        self.send_response(status)
        self.send_header('Content-Type', content_type)
        self.send_header('Content-Length', str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_PATCH(self):
        self.handle_any()

    def do_DELETE(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def handle_any(self):
        length = int(self.headers.get('Content-Length') or 0)
        body = self.rfile.read(length) if length else b''
        if self.role == 'proxy407':
            record('proxy407', self)
            return self.refuse_proxy_auth()
        if self.path.startswith('http://'):
            return self.forward(body)
        if self.role == 'elsewhere':
            record('elsewhere', self)
            return self.send_json(200, envelope([]))
        if self.path == '/__hostile__/log':
            with LOG_LOCK:
                return self.send_json(200, {'requests': list(LOG)})
        if self.path == '/__hostile__/shutdown':
            self.send_json(200, {})
            STOP.set()
            return None
        record('main', self)
        scenario, _slash, rest = self.path.lstrip('/').partition('/')
        parsed = urllib.parse.urlsplit('/' + rest)
        query = dict(urllib.parse.parse_qsl(parsed.query))
        method = getattr(self, 'scenario_' + scenario, None)
        if method is None:
            return self.send_json(404, {'success': False, 'errors': [{'code': 7003, 'message': 'no such scenario'}]})
        return method(parsed.path, query)

    # --- proxy ------------------------------------------------------------------------------

    def forward(self, body):
        record('proxy', self)
        target = urllib.parse.urlsplit(self.path)
        connection = http.client.HTTPConnection(target.hostname, target.port or 80, timeout=30)
        headers = dict((k, v) for k, v in self.headers.items()
                       if not k.lower().startswith('proxy-') and k.lower() not in ('connection', 'keep-alive'))
        connection.request(self.command, target.path + ('?' + target.query if target.query else ''), body or None, headers)
        answer = connection.getresponse()
        data = answer.read()
        self.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ('transfer-encoding', 'connection', 'content-length'):
                self.send_header(name, value)
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        connection.close()

    def refuse_proxy_auth(self):
        """A proxy that refuses the credentials it was given, and quotes them in every form on its error page."""
        scheme, _space, token = (self.headers.get('Proxy-Authorization') or '').partition(' ')
        try:
            decoded = base64.b64decode(token).decode('utf-8')
        except ValueError:
            decoded = ''
        user, _colon, password = decoded.partition(':')
        page = ('<html><body><h1>407 Proxy Authentication Required</h1><p>%s %s was refused: user %s, password %s '
                '(%s in the URL)</p></body></html>' % (scheme, token, user, password, urllib.parse.quote(password, safe='')))
        data = page.encode('utf-8')
        self.send_response(407)
        self.send_header('Proxy-Authenticate', 'Basic realm="egress"')
        self.send_header('Content-Type', 'text/html')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    # --- misbehaviours ----------------------------------------------------------------------

    def scenario_gzip_bomb(self, _path, _query):
        """1 KiB on the wire, gzip inside gzip, that decodes to 64 MiB of JSON, twice the cap (a page padded with spaces)."""
        data = gzip_bomb()
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Encoding', 'gzip, gzip')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def scenario_gzip(self, _path, _query):
        """A page compressed twice (gzip, gzip), small once decoded: the client decodes every layer."""
        data = gzip.compress(gzip.compress(json.dumps(envelope([user(1)], result_info={
            'page': 1, 'per_page': 1000, 'count': 1, 'total_count': 1, 'total_pages': 1})).encode('utf-8')))
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Encoding', 'gzip, gzip')
        self.send_header('Content-Length', str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def redirect(self, status, path):
        elsewhere = 'http://127.0.0.1:%d/catch%s' % (self.server.ports['elsewhere'], path)
        self.send_response(status)
        self.send_header('Location', elsewhere)
        self.send_header('Content-Length', '0')
        self.end_headers()

    def scenario_redirect301(self, path, _query):
        self.redirect(301, path)

    def scenario_redirect302(self, path, _query):
        self.redirect(302, path)

    def scenario_redirect303(self, path, _query):
        self.redirect(303, path)

    def scenario_redirect307(self, path, _query):
        self.redirect(307, path)

    def scenario_redirect308(self, path, _query):
        self.redirect(308, path)

    def drip(self, data):
        """Write ``data`` one byte at a time, then keep dripping spaces, until the client leaves."""
        deadline = time.time() + 120
        try:
            for byte in data:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(DRIP_INTERVAL)
            while time.time() < deadline and not STOP.is_set():
                self.wfile.write(b' ')
                self.wfile.flush()
                time.sleep(DRIP_INTERVAL)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def scenario_drip_body(self, _path, _query):
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.flush()
        self.drip(b'{"success": true, "errors": [], "messages": [], "result": [')

    def scenario_drip_headers(self, _path, _query):
        self.wfile.write(b'HTTP/1.1 200 OK\r\n')
        self.wfile.flush()
        self.drip(b'Content-Type: application/json\r\nX-Slow: ' + b'a' * 1000)

    def scenario_huge(self, _path, _query):
        """40 MiB of valid JSON, sent without Content-Length and made as it goes (the server holds 64 KiB)."""
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        chunk = (json.dumps(user(1)) + ',').encode('utf-8') * 256
        try:
            self.wfile.write(b'{"success": true, "errors": [], "messages": [], "result": [')
            sent = 0
            while sent < 40 * 1024 * 1024 and not STOP.is_set():
                self.wfile.write(chunk)
                sent += len(chunk)
            self.wfile.write(json.dumps(user(2)).encode('utf-8') + b']}')
        except (BrokenPipeError, ConnectionResetError):
            pass

    def scenario_huge_declared(self, _path, _query):
        self.send_response(200)
        self.send_header('Content-Type', 'application/json')
        self.send_header('Content-Length', str(200 * 1024 * 1024))
        self.end_headers()
        try:
            self.wfile.write(b'{"success": true')
        except (BrokenPipeError, ConnectionResetError):
            pass

    def scenario_pages(self, _path, query):
        """Says there are a billion pages, and one user more on every page asked for."""
        page = int(query.get('page', 1))
        self.send_json(200, envelope([user(page)], result_info={
            'page': page, 'per_page': 1000, 'count': 1, 'total_count': 4 + page, 'total_pages': 1000000000}))

    def scenario_shift(self, _path, query):
        """Three users served two a page; the account changed between the pages, so user 2 is on both."""
        page = int(query.get('page', 1))
        users = {1: [user(1), user(2)], 2: [user(2), user(3)]}.get(page, [])
        self.send_json(200, envelope(users, result_info={
            'page': page, 'per_page': 2, 'count': len(users), 'total_count': 3, 'total_pages': 2}))

    def scenario_problem(self, _path, _query):
        self.send_json(422, {'type': 'https://proxy.example/problems/blocked', 'title': 'Request blocked',
                             'detail': 'The egress proxy refused the request: destination not allowed', 'status': 422},
                       content_type='application/problem+json')

    def scenario_errorkey(self, _path, _query):
        """A 403 whose error object has the credential it received as a key (not a value)."""
        credential = (self.headers.get('Authorization') or '').split(' ', 1)[-1] or self.headers.get('X-Auth-Key') or ''
        self.send_json(403, {'success': False, 'messages': [], 'result': None, 'errors': [
            {'code': 10000, 'message': 'Authentication error', credential: 'is not allowed here'}]})

    def scenario_record(self, _path, _query):
        self.send_json(200, envelope([user(1)], result_info={
            'page': 1, 'per_page': 1000, 'count': 1, 'total_count': 1, 'total_pages': 1}))


_BOMB = []


def gzip_bomb():
    """The body of scenario_gzip_bomb, made once (a second or so of compression)."""
    if not _BOMB:
        inner = gzip.compress(b'{"success": true, "errors": [], "messages": [], "result": [' + b' ' * (64 * 1024 * 1024) + b']}',
                              compresslevel=9)
        _BOMB.append(gzip.compress(inner, compresslevel=9))
    return _BOMB[0]


def serve(role, ports, servers):
    handler = type('Handler_' + role, (Handler,), {'role': role})
    server = ThreadingHTTPServer(('127.0.0.1', 0), handler)
    server.daemon_threads = True
    server.ports = ports
    ports[role] = server.server_address[1]
    servers.append(server)
    thread = threading.Thread(target=server.serve_forever, kwargs={'poll_interval': 0.2})
    thread.daemon = True
    thread.start()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('port_file')
    parser.add_argument('--lifetime', type=float, default=600)
    args = parser.parse_args()
    ports, servers = {}, []
    for role in ('main', 'elsewhere', 'proxy', 'proxy407'):
        serve(role, ports, servers)
    temporary = args.port_file + '.tmp'
    with open(temporary, 'w') as handle:
        json.dump(ports, handle)
    os.rename(temporary, args.port_file)
    STOP.wait(args.lifetime)
    for server in servers:
        server.shutdown()


if __name__ == '__main__':
    main()
