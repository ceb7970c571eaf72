#!/usr/bin/env python
"""The emulator's control API for the cloudflare_budget target (standard library only).

    emulator.py URL setup INVENTORY          eight accounts of 20 people, the rate limit at 40 per 10 s, and an
                                             inventory with one host per account
    emulator.py URL fresh-window             the same limit, nothing spent
    emulator.py URL reset                    back to the emulator's start-up state
"""

import json
import sys
import urllib.request

ACCOUNTS = 8
PEOPLE = 20
LIMIT = {"quota": 40, "window": 10, "block": 10}


def control(url, method, name, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(f"{url}/__emulator__/{name}", data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def main(url, command, *args):
    if command == "setup":
        (inventory,) = args
        control(url, "POST", "reset", {"generate": PEOPLE, "accounts": ACCOUNTS})
        control(url, "POST", "budget", LIMIT)
        accounts = control(url, "GET", "accounts")["accounts"]
        lines = ["[accounts]"] + [f"account{index} account_id={account}" for index, account in enumerate(accounts, 1)]
        lines += ["", "[accounts:vars]", "ansible_connection=local", "ansible_python_interpreter={{ ansible_playbook_python }}"]
        with open(inventory, "w", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    elif command == "fresh-window":
        control(url, "POST", "budget", LIMIT)
    elif command == "reset":
        control(url, "POST", "reset", {})
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(*sys.argv[1:])
