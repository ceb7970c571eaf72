# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Answers parsed within bounds (api/bodies.py): every content-coding layer bounded, JSON depth checked without
recursion, no NaN or Infinity."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import gzip
import json
import zlib

import pytest

from ansible_collections.cloudflare_ops.zero_trust.plugins.module_utils.api import bodies

CAP = 32 * 1024 * 1024
PAGE = json.dumps({'success': True, 'errors': [], 'messages': [], 'result': [
    {'id': '6a8d6ba4-7b66-4b29-8a4a-0e6a2a1d1c11', 'email': 'u%d@example.com' % i, 'name': 'A [b] {c} "]]]"'}
    for i in range(1000)]}).encode('utf-8')


def decode(encoding, data, limit=CAP, step=None):
    decoder = bodies.BoundedDecoder(encoding, limit)
    step = step or len(data) or 1
    for start in range(0, len(data), step):
        decoder.feed(data[start:start + step])
    return decoder.finish()


@pytest.mark.parametrize('encoding, encode', [
    (None, lambda d: d),
    ('identity', lambda d: d),
    ('gzip', gzip.compress),
    ('x-gzip', gzip.compress),
    ('deflate', zlib.compress),
    ('deflate', lambda d: zlib.compress(d)[2:-4]),           # raw deflate, which servers send too
    ('gzip, gzip', lambda d: gzip.compress(gzip.compress(d))),
    ('deflate, gzip', lambda d: gzip.compress(zlib.compress(d))),
])
def test_every_coding_and_layer_decodes_whatever_the_chunks(encoding, encode):
    for step in (None, 1, 7, 4096):
        assert decode(encoding, encode(PAGE), step=step) == PAGE


def test_a_gzip_inside_gzip_bomb_stops_at_the_cap_of_the_layer():
    bomb = gzip.compress(gzip.compress(b' ' * (64 * 1024 * 1024)))
    assert len(bomb) < 2048
    with pytest.raises(bodies.BodyTooLarge) as info:
        decode('gzip, gzip', bomb)
    assert 'more than 33554432 bytes' in str(info.value)


def test_an_intermediate_layer_is_bounded_too():
    # The inner layer stays small once decoded, but the outer one decodes to 2 MB: a limit of 1 MB refuses it.
    inner = gzip.compress(b'x' * (2 * 1024 * 1024), compresslevel=0)
    with pytest.raises(bodies.BodyTooLarge):
        decode('gzip, gzip', gzip.compress(inner), limit=1024 * 1024)


def test_a_plain_body_past_the_cap_is_refused():
    with pytest.raises(bodies.BodyTooLarge) as info:
        decode(None, b'x' * 101, limit=100, step=10)
    assert 'goes on past 100 bytes' in str(info.value)


@pytest.mark.parametrize('encoding, text', [
    ('br', 'content coding the client does not decode (br)'),
    ('gzip, zstd', 'does not decode (zstd)'),
    ('gzip, gzip, gzip', 'encoded 3 times (gzip, gzip, gzip), more than the 2 layers accepted'),
])
def test_codings_it_cannot_bound_are_refused_before_reading(encoding, text):
    with pytest.raises(bodies.BodyError) as info:
        bodies.BoundedDecoder(encoding, CAP)
    assert text in str(info.value)


def test_gzip_that_is_not_gzip_or_ends_early_is_refused():
    with pytest.raises(bodies.BodyError) as info:
        decode('gzip', b'<html>not gzip</html>')
    assert 'not valid gzip data' in str(info.value)
    with pytest.raises(bodies.BodyError) as info:
        decode('gzip', gzip.compress(PAGE)[:-20])
    assert 'ends early' in str(info.value)


def test_concatenated_gzip_members_are_one_body():
    assert decode('gzip', gzip.compress(b'{"a": ') + gzip.compress(b'1}')) == b'{"a": 1}'


def test_json_within_bounds_loads():
    assert bodies.load_json(PAGE.decode('utf-8'))[0]['result'][999]['email'] == 'u999@example.com'
    assert bodies.load_json('[' * 32 + ']' * 32)[1] is None


@pytest.mark.parametrize('text, why', [
    ('[' * 100000 + ']' * 100000, 'JSON nested deeper than 32 levels'),
    ('[' * 33 + ']' * 33, 'JSON nested deeper than 32 levels'),
    ('{"result": [{"active_device_count": NaN}]}', 'the number NaN, which JSON does not allow'),
    ('{"result": [{"active_device_count": Infinity}]}', 'the number Infinity'),
    ('[-Infinity]', 'the number -Infinity'),
    ('[1e999]', 'the number 1e999, too large to be finite'),
    ('[%s]' % ('9' * 5000), 'a number that cannot be read'),
])
def test_json_out_of_bounds_is_refused_with_the_reason_and_without_recursion(text, why):
    data, problem = bodies.load_json(text)
    assert data is None and why in problem


def test_brackets_inside_strings_do_not_count_for_depth():
    text = json.dumps({'name': '[' * 100 + '\\"' + '{' * 100})
    assert bodies.load_json(text) == (json.loads(text), None)


@pytest.mark.parametrize('text', ['<html>502</html>', '', '{"success": tru'])
def test_text_that_is_not_json_is_told_apart_from_json_refused(text):
    assert bodies.load_json(text) == (None, None)


def raw_deflate(data):
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(data) + deflater.flush()


def test_raw_deflate_whose_first_bytes_pass_the_zlib_checksum_alone_is_still_raw():
    # b'SP': (0x53 * 256 + 0x50) % 31 == 0, but the low nibble of 0x53 is not 8 (the deflate method of a zlib header).
    body = raw_deflate(b' ' * 6)
    assert body[:2] == b'SP'
    assert decode('deflate', body) == b' ' * 6
    assert decode('deflate', body, step=1) == b' ' * 6


def test_the_shortest_raw_deflate_body_of_two_bytes_decodes():
    body = raw_deflate(b'')
    assert len(body) == 2
    assert decode('deflate', body) == b''
    assert decode('deflate', body, step=1) == b''


@pytest.mark.parametrize('coding, encode', [('gzip', gzip.compress), ('deflate', zlib.compress)])
def test_a_body_that_ends_early_says_so_word_for_word(coding, encode):
    with pytest.raises(bodies.BodyError) as info:
        decode(coding, encode(PAGE)[:-20])
    assert str(info.value) == 'a body whose %s data ends early' % coding


@pytest.mark.parametrize('number, shown', [
    ('1' + '0' * 35 + 'e999', '1' + '0' * 35 + 'e999'),                # 40 characters: shown whole
    ('1' + '0' * 36 + 'e999', '1' + '0' * 36 + 'e99...'),              # 41: cut to 40
    ('1' + '0' * 60 + 'e999', '1' + '0' * 39 + '...'),
])
def test_a_number_too_large_to_be_finite_is_named_within_40_characters(number, shown):
    assert bodies.load_json('[%s]' % number) == (None, 'JSON with the number %s, too large to be finite' % shown)


def test_a_layer_may_produce_exactly_its_limit():
    assert decode('gzip', gzip.compress(b'x' * 100), limit=100) == b'x' * 100
    with pytest.raises(bodies.BodyTooLarge) as info:
        decode('gzip', gzip.compress(b'x' * 101), limit=100)
    assert str(info.value) == 'a body that decodes (gzip) to more than 100 bytes'


def test_an_empty_body_in_a_coding_is_empty():
    assert decode('gzip', b'') == b''
    assert decode('deflate', b'') == b''


def test_zlib_data_labelled_gzip_is_refused_word_for_word():
    with pytest.raises(bodies.BodyError) as info:
        decode('gzip', zlib.compress(b'{}'))
    assert str(info.value) == 'a body that is not valid gzip data (Error -3 while decompressing data: incorrect header check)'


def test_each_piece_is_at_most_one_chunk_and_a_body_of_whole_chunks_decodes():
    layer = bodies._Layer('gzip', CAP)
    data = b'{"a": "%s"}' % (b' ' * (3 * bodies.DECODE_CHUNK - 9))
    assert len(data) == 3 * bodies.DECODE_CHUNK
    pieces = list(layer.pieces(gzip.compress(data)))
    assert b''.join(pieces) == data and max(len(p) for p in pieces) == bodies.DECODE_CHUNK
    layer.finish()
    assert decode('deflate', zlib.compress(data)) == data


def test_what_follows_the_end_of_a_stream_is_not_read():
    assert decode('deflate', zlib.compress(b'abc') + gzip.compress(b'def')) == b'abc'
    assert decode('gzip', gzip.compress(b'abc') + b'trailing garbage') == b'abc'
