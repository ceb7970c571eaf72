#!/usr/bin/env python
"""A person in the dashboard: a few requests of the same credential's budget while the jobs run, one every 2.5 s,
until STOP_FILE exists. Whether any was refused is read from the emulator's request log (User-Agent "person")."""

import json
import os
import sys
import time
import urllib.error
import urllib.request


def main(url, token, stop_file):
    with urllib.request.urlopen(f"{url}/__emulator__/accounts", timeout=30) as response:
        account = json.loads(response.read())["accounts"][0]
    while not os.path.exists(stop_file):
        request = urllib.request.Request(f"{url}/client/v4/accounts/{account}/access/users?per_page=5",
                                         headers={"Authorization": f"Bearer {token}", "User-Agent": "person (dashboard)"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                print("person:", response.status, flush=True)
        except urllib.error.HTTPError as exc:
            print("person:", exc.code, flush=True)
        time.sleep(2.5)


if __name__ == "__main__":
    main(*sys.argv[1:])
