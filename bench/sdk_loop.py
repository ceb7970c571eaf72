# -*- coding: utf-8 -*-
# Copyright (c) 2026, cloudflare_ops maintainers
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bench/bench.py, scenario (e): the official ``cloudflare`` SDK in a straight per-user loop.

What people write today without this collection: for each wanted seat, look the user up by
email, then edit the seat. Two requests per user, whatever the account holds. Reads the wanted
seats from the JSON file bench.py writes (a list of {email, access_seat, gateway_seat});
the connection from CLOUDFLARE_API_TOKEN, CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_BASE_URL (the SDK's
own variables). The SDK keeps its defaults (2 retries), as a user would.
"""

from __future__ import annotations

import json
import os
import sys

from cloudflare import Cloudflare


def main(seats_file: str) -> int:
    """Set every seat of the file, one look-up and one edit per user."""
    with open(seats_file, encoding="utf-8") as handle:
        wanted = json.load(handle)
    account_id = os.environ["CLOUDFLARE_ACCOUNT_ID"]
    client = Cloudflare(api_token=os.environ["CLOUDFLARE_API_TOKEN"], base_url=os.environ["CLOUDFLARE_BASE_URL"])
    for seat in wanted:
        email = seat["email"].lower()
        user = next(found for found in client.zero_trust.access.users.list(account_id=account_id, email=seat["email"])
                    if (found.email or "").lower() == email)
        client.zero_trust.seats.edit(account_id=account_id, body=[{
            "seat_uid": user.seat_uid, "access_seat": seat["access_seat"], "gateway_seat": seat["gateway_seat"]}])
    print(json.dumps({"users": len(wanted)}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
