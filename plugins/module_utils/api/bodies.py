# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Private to this collection: not a public API, it may change without notice.
#
# The bytes of an answer turned into JSON within bounds (SECURITY.md, "What the client does not trust"):
# content codings are decoded here, layer by layer, so that no layer grows past the size cap whatever
# urllib3 version is installed (urllib3 1.26, which requests>=2.25.0 allows, decodes "gzip, gzip" whole);
# JSON is parsed only after a depth check that does not recurse, and without NaN or Infinity.

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import math
import re
import zlib

# Deeper than any Cloudflare envelope (result -> record -> field: 4 levels; an error chain: 6).
MAX_JSON_DEPTH = 32
# "gzip, gzip" is legal HTTP; more layers than this is no answer Cloudflare gives.
MAX_CODINGS = 2
DECODE_CHUNK = 64 * 1024
CODINGS = ('gzip', 'x-gzip', 'deflate')

# A JSON string (brackets inside it do not count), and what is not a bracket.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKETS = re.compile(r'[^\[\]{}]+')


class BodyError(ValueError):
    """An answer whose body cannot be used; ``str()`` says why, as a phrase ("a body that ...")."""


class BodyTooLarge(BodyError):
    """An answer whose body (after decoding) goes on past the size cap."""


class _Layer(object):
    """One content coding being undone, with a bound on what it may produce."""

    def __init__(self, coding, limit):
        self.coding = coding
        self.limit = limit
        self.produced = 0
        self._fed = False
        self._pending = b''         # the first bytes of a deflate body, until its header can be read
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS) if coding != 'deflate' else None

    def _start_deflate(self, data):
        # "deflate" is meant to be the zlib format, but raw deflate is sent too (urllib3 accepts both).
        data = self._pending + data
        if len(data) < 2:
            self._pending = data
            return b''
        self._pending = b''
        zlib_header = (data[0] & 0x0F) == 8 and (data[0] * 256 + data[1]) % 31 == 0
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)
        return data

    def pieces(self, data):
        """The decoded pieces of ``data`` (each at most DECODE_CHUNK bytes); BodyTooLarge past the limit."""
        self._fed = True
        if self._inflater is None:
            data = self._start_deflate(data)
            if self._inflater is None:
                return
        while True:
            try:
                piece = self._inflater.decompress(data, DECODE_CHUNK)
            except zlib.error as exc:
                raise BodyError('a body that is not valid %s data (%s)' % (self.coding, exc))
            data = self._inflater.unconsumed_tail
            if self._inflater.eof and self._inflater.unused_data:
                rest = self._inflater.unused_data
                if self.coding == 'deflate' or not rest.startswith(b'\x1f\x8b'):
                    data = b''      # what follows the end of the stream is not read (as urllib3 does)
                else:               # another gzip member follows
                    self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
                    data = rest
            if piece:
                self.produced += len(piece)
                if self.produced > self.limit:
                    raise BodyTooLarge('a body that decodes (%s) to more than %d bytes' % (self.coding, self.limit))
                yield piece
            if not data and len(piece) < DECODE_CHUNK:
                return

    def finish(self):
        if self._fed and (self._inflater is None or not self._inflater.eof):
            raise BodyError('a body whose %s data ends early' % self.coding)


class BoundedDecoder(object):
    """Undoes the content codings of a ``Content-Encoding`` header, never holding more than ``limit`` bytes of any
    layer. ``feed`` the raw bytes as they arrive, then ``finish``; ``data`` is the decoded body."""

    def __init__(self, content_encoding, limit):
        codings = [c.strip().lower() for c in (content_encoding or '').split(',')]
        codings = [c for c in codings if c and c != 'identity']
        unknown = [c for c in codings if c not in CODINGS]
        if unknown:
            raise BodyError('a body in a content coding the client does not decode (%s)' % ', '.join(unknown))
        if len(codings) > MAX_CODINGS:
            raise BodyError('a body encoded %d times (%s), more than the %d layers accepted' % (
                len(codings), ', '.join(codings), MAX_CODINGS))
        self.limit = limit
        # The header lists the codings in the order they were applied: the last one is undone first.
        self._layers = [_Layer(c, limit) for c in reversed(codings)]
        self._parts = []
        self.size = 0

    def _push(self, index, data):
        if index == len(self._layers):
            self.size += len(data)
            if self.size > self.limit:
                raise BodyTooLarge('a body that goes on past %d bytes' % self.limit)
            self._parts.append(data)
            return
        for piece in self._layers[index].pieces(data):
            self._push(index + 1, piece)

    def feed(self, data):
        if data:
            self._push(0, data)

    def finish(self):
        for layer in self._layers:
            layer.finish()
        return self.data

    @property
    def data(self):
        return b''.join(self._parts)


def _reject_constant(name):
    raise BodyError('JSON with the number %s, which JSON does not allow' % name)


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise BodyError('JSON with the number %s, too large to be finite' % (text if len(text) <= 40 else text[:40] + '...'))
    return value


def json_depth_exceeds(text, limit=MAX_JSON_DEPTH):
    """True when arrays and objects in ``text`` nest deeper than ``limit`` (a scan, without recursion)."""
    # The regular expressions run in C; the loop sees only the brackets (two per record of a page).
    brackets = _NOT_BRACKETS.sub('', _JSON_STRING.sub('', text))
    depth = 0
    for token in brackets:
        if token in '[{':
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def load_json(text):
    """(data, None) for JSON within bounds; (None, None) for a text that is not JSON; (None, why) for JSON refused:
    nested deeper than MAX_JSON_DEPTH, or holding NaN, Infinity or a number too large to be finite."""
    if json_depth_exceeds(text):
        return None, 'JSON nested deeper than %d levels' % MAX_JSON_DEPTH
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float), None
    except BodyError as exc:
        return None, str(exc)
    except ValueError as exc:
        # A JSON syntax error is "not JSON"; a ValueError of a number (Python's limit on the digits of an int) is not.
        if isinstance(exc, json.JSONDecodeError):
            return None, None
        return None, 'JSON with a number that cannot be read (%s)' % str(exc)[:80]
