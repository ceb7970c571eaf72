#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Check recorded API exchanges against the OpenAPI slice with openapi-core (a validator nobody here wrote).

The emulator writes one JSON line per API exchange with ``--contract-log FILE`` (``.ci/with-emulator``
sets it for every emulator-backed run and calls this script when the command is done). For each line:

* the request (method, path, query, headers, body) is validated with openapi-core's request
  validator: the operation must exist, parameters and body must match, the security scheme must be
  present (the log keeps the header names and the ``Bearer`` word; the credentials are redacted);
* the response (status, content type, body) is validated with openapi-core's response validator,
  unless a fault rule of the test shaped it (``fault`` names ``status``, ``raw_body``,
  ``success_false``, ``drop_result_info`` or ``result_info``: those answers are broken on purpose).
  A fault that only delays (``delay``) leaves the real answer, which is validated.

Violations that a test provokes on purpose are listed in ``expected-violations.yml`` beside this
script (method, a regular expression for the path, the part, optionally the status and a message
pattern, and why); they are reported as expected and do not fail. Every other violation fails the
run (exit 1) with the line number, the exchange and openapi-core's messages.

    validate.py [--spec SLICE] [--expected FILE] [--min-exchanges N] LOG...
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import yaml
from openapi_core import OpenAPI
from openapi_core.testing import MockRequest, MockResponse

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from normalise_spec import DEFAULT_SLICE, load_normalised  # noqa: E402  pylint: disable=wrong-import-position

DEFAULT_EXPECTED = HERE / "expected-violations.yml"
#: The server of the slice (``servers[0]``): logged paths already start with /client/v4.
HOST_URL = "https://api.cloudflare.com"
#: Fault behaviours that replace or alter the emulator's answer (see the emulator's fault rules).
SHAPING_FAULTS = frozenset(("status", "raw_body", "success_false", "drop_result_info", "result_info",
                            # the emulator's SHAPING_ANSWER_BEHAVIOURS (its other answer behaviours, omit_fields,
                            # omit_result and success_status, make unusual answers the contract allows: validated)
                            "rewrite_records", "nonfinite", "seats_answer", "empty_result", "result_info_without",
                            "nested_depth"))


def _messages(error: BaseException) -> list:
    """openapi-core's error and the schema errors under it, as short strings."""
    out = []
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        text = f"{type(error).__name__}: {error}"
        out.append(text if len(text) < 400 else text[:397] + "...")
        for schema_error in getattr(error, "schema_errors", None) or ():
            path = "/".join(str(part) for part in schema_error.absolute_path)
            out.append(f"  at /{path}: {schema_error.message[:300]}")
        error = error.__cause__ or error.__context__
    return out


class Expectations:
    """The violations tests provoke on purpose (``expected-violations.yml``)."""

    def __init__(self, rules: list):
        self.rules = []
        for index, rule in enumerate(rules or []):
            if not isinstance(rule, dict) or not rule.get("reason") or rule.get("part") not in ("request", "response"):
                raise ValueError(f"expected violation #{index}: needs 'part' (request or response) and 'reason'")
            self.rules.append({
                "method": str(rule.get("method", "")).upper() or None,
                "path": re.compile(rule.get("path", "")),
                "part": rule["part"],
                "status": rule.get("status"),
                "message": re.compile(rule.get("message", ""), re.S),
                "reason": rule["reason"],
                "used": 0,
            })

    @classmethod
    def load(cls, path: Path | None) -> "Expectations":
        """Read the file (missing file: no expectations)."""
        if path is None or not Path(path).is_file():
            return cls([])
        with open(path, encoding="utf-8") as handle:
            return cls(yaml.safe_load(handle) or [])

    def match(self, exchange: dict, part: str, messages: list):
        """Return the rule that expects this violation, or None."""
        text = "\n".join(messages)
        for rule in self.rules:
            if rule["part"] != part or (rule["method"] and rule["method"] != exchange.get("method")):
                continue
            if rule["status"] is not None and rule["status"] != exchange.get("status"):
                continue
            if rule["path"].search(exchange.get("path", "")) and rule["message"].search(text):
                rule["used"] += 1
                return rule
        return None


class ContractChecker:
    """Validates exchanges with openapi-core against the (normalised) slice."""

    def __init__(self, spec_path: Path | str = DEFAULT_SLICE, expectations: Expectations | None = None):
        document, self.normalised = load_normalised(spec_path)
        self.api = OpenAPI.from_dict(document)
        self.expectations = expectations or Expectations([])
        self.counts = {"exchanges": 0, "requests": 0, "responses": 0, "faulted_responses": 0, "expected": 0}
        self.violations = []

    @staticmethod
    def _request(exchange: dict) -> MockRequest:
        headers = exchange.get("request_headers") or {}
        content_type = next((value for key, value in headers.items() if key.lower() == "content-type"), None)
        body = exchange.get("request_body")
        return MockRequest(
            HOST_URL, exchange["method"], exchange["path"],
            args=parse_qsl(exchange.get("query") or "", keep_blank_values=True),
            headers=headers,
            data=body.encode("utf-8") if body is not None else None,
            content_type=(content_type or "application/json").split(";")[0].strip(),
        )

    @staticmethod
    def _response(exchange: dict) -> MockResponse:
        headers = exchange.get("response_headers") or {}
        content_type = next((value for key, value in headers.items() if key.lower() == "content-type"), "")
        return MockResponse((exchange.get("response_body") or "").encode("utf-8"), status_code=int(exchange["status"]),
                            headers=headers, content_type=content_type.split(";")[0].strip())

    def _report(self, where: str, exchange: dict, part: str, error: BaseException) -> None:
        messages = _messages(error)
        rule = self.expectations.match(exchange, part, messages)
        if rule is not None:
            self.counts["expected"] += 1
            return
        self.violations.append((where, f"{part} of {exchange['method']} {exchange['path']}"
                                       f"{'?' + exchange['query'] if exchange.get('query') else ''} -> {exchange['status']}",
                                messages))

    def check(self, exchange: dict, where: str = "exchange") -> None:
        """Validate one exchange; violations are collected in ``self.violations``."""
        self.counts["exchanges"] += 1
        request = self._request(exchange)
        self.counts["requests"] += 1
        request_result = self.api.unmarshal_request(request)
        if request_result.errors:
            for error in request_result.errors:
                self._report(where, exchange, "request", error)
        if SHAPING_FAULTS.intersection(exchange.get("fault") or ()):
            self.counts["faulted_responses"] += 1
            return
        self.counts["responses"] += 1
        response_result = self.api.unmarshal_response(request, self._response(exchange))
        for error in response_result.errors:
            self._report(where, exchange, "response", error)

    def check_log(self, path: Path | str) -> None:
        """Validate every line of one contract log."""
        with open(path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                where = f"{path}:{number}"
                try:
                    exchange = json.loads(line)
                except ValueError as exc:
                    self.violations.append((where, "log line", [f"not JSON: {exc}"]))
                    continue
                self.check(exchange, where)

    def summary(self) -> str:
        """One line with the counts."""
        counts = self.counts
        return (f"contract (openapi-core): {counts['exchanges']} exchanges, {counts['requests']} requests and "
                f"{counts['responses']} responses validated ({counts['faulted_responses']} answers shaped by fault "
                f"rules not validated), {counts['expected']} expected violations, {len(self.violations)} violations")


def main(argv: list | None = None) -> int:
    """Command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("logs", nargs="+", type=Path, help="contract logs (JSON lines) written by the emulator")
    parser.add_argument("--spec", type=Path, default=DEFAULT_SLICE, help="the OpenAPI slice (normalised in memory)")
    parser.add_argument("--expected", type=Path, default=DEFAULT_EXPECTED, help="violations provoked on purpose")
    parser.add_argument("--min-exchanges", type=int, default=0, help="fail when fewer exchanges were logged")
    args = parser.parse_args(argv)
    checker = ContractChecker(args.spec, Expectations.load(args.expected))
    for log in args.logs:
        if log.is_file():
            checker.check_log(log)
    for where, what, messages in checker.violations[:200]:
        sys.stderr.write(f"{where}: {what}\n")
        for message in messages:
            sys.stderr.write(f"    {message}\n")
    if len(checker.violations) > 200:
        sys.stderr.write(f"... and {len(checker.violations) - 200} more violations\n")
    sys.stdout.write(checker.summary() + "\n")
    if checker.counts["exchanges"] < args.min_exchanges:
        sys.stderr.write(f"contract: expected at least {args.min_exchanges} exchanges, the logs hold {checker.counts['exchanges']}\n")
        return 1
    return 1 if checker.violations else 0


if __name__ == "__main__":
    sys.exit(main())
