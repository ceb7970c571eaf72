#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Normalise the OpenAPI slice for validators: the same contract, written the way every validator reads it.

The slice as shipped (``tests/emulator/openapi-access-users-seats.json``, a copy of
``shared/cloudflare-api/``) says "``result`` is null" in every failure envelope as
``{"type": "object", "nullable": true, "enum": [null]}``: correct OpenAPI 3.0.3, but some validators
compile ``nullable`` into a second ``enum`` and then skip those bodies (Prism's validation proxy does).
This script rewrites exactly that pattern into ``{"type": T, "nullable": true, "not": {"type": T}}``,
which also admits only ``null``.

The path parameter ``user_id`` has the schema of the user's ``id`` property, ``readOnly: true``
included. OpenAPI 3.0.3 gives ``readOnly`` a meaning for schema properties only; openapi-core applies
it to the parameter and refuses every request that names a user ("Tried to write read-only
property"). The script drops ``readOnly`` from the top level of parameter schemas.

Cloudflare's spec writes the response range of some operations as ``4xx`` (``revoke_user`` among them);
OpenAPI 3.0.3 spells the ranges ``1XX`` ... ``5XX``, and openapi-core refuses the whole document over a
lower-case one. The script upper-cases such keys.

Nothing else changes, and the slice itself is never edited by hand.

    python tests/contract/normalise_spec.py [SLICE] OUT      # writes the normalised copy to OUT
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

DEFAULT_SLICE = Path(__file__).resolve().parent.parent / "emulator" / "openapi-access-users-seats.json"


def _only_null(schema: dict) -> bool:
    return schema.get("nullable") is True and schema.get("enum") == [None] and isinstance(schema.get("type"), str)


def normalise(document: dict) -> tuple:
    """Return (normalised deep copy of ``document``, list of JSON pointers that were rewritten)."""
    out = copy.deepcopy(document)
    changed = []

    def walk(node, pointer):
        if isinstance(node, dict):
            if _only_null(node):
                del node["enum"]
                node["not"] = {"type": node["type"]}
                changed.append(pointer)
            for key, value in node.items():
                walk(value, pointer + "/" + str(key).replace("~", "~0").replace("/", "~1"))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, pointer + "/" + str(index))

    walk(out, "")
    for template, item in out.get("paths", {}).items():
        for method, operation in item.items():
            if not isinstance(operation, dict):
                continue
            responses = operation.get("responses", {})
            for status in [key for key in responses if re.fullmatch(r"[1-5]xx", key)]:
                responses[status.upper()] = responses.pop(status)
                changed.append(f"/paths/{template.replace('~', '~0').replace('/', '~1')}/{method}/responses/{status}")
            for index, parameter in enumerate(operation.get("parameters", [])):
                schema = parameter.get("schema")
                if isinstance(schema, dict) and schema.pop("readOnly", None) is not None:
                    changed.append(f"/paths/{template.replace('~', '~0').replace('/', '~1')}/{method}/parameters/{index}/schema/readOnly")
    return out, changed


def load_normalised(path: Path | str = DEFAULT_SLICE) -> tuple:
    """Read the slice at ``path`` and return (normalised document, rewritten pointers)."""
    with open(path, encoding="utf-8") as handle:
        return normalise(json.load(handle))


def main(argv: list) -> int:
    """Command line: [SLICE] OUT."""
    if len(argv) not in (1, 2):
        sys.stderr.write(__doc__.rsplit("\n\n", 1)[-1])
        return 2
    source, target = (DEFAULT_SLICE, argv[0]) if len(argv) == 1 else (argv[0], argv[1])
    document, changed = load_normalised(source)
    with open(target, "w", encoding="utf-8") as handle:
        json.dump(document, handle, indent=2, sort_keys=True)
        handle.write("\n")
    sys.stdout.write(f"{target}: {len(changed)} schemas rewritten:\n" + "".join(f"  {pointer}\n" for pointer in changed))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
