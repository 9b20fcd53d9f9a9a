"""Sends raw RPC bodies with ncclient (Junos handler) and prints each reply's XML as JSON.

Usage: raw_rpcs.py HOST PORT USER PASSWORD RPCS_JSON_FILE
"""
import json
import sys

from ncclient import manager
from ncclient.operations import RaiseMode
from ncclient.xml_ import to_ele


def main():
    host, port, user, password, path = sys.argv[1:6]
    with open(path) as f:
        bodies = json.load(f)
    with manager.connect(host=host, port=int(port), username=user, password=password,
                         hostkey_verify=False, allow_agent=False, look_for_keys=False,
                         device_params={'name': 'junos'}, timeout=60) as m:
        m.raise_mode = RaiseMode.NONE
        replies = [str(m.rpc(to_ele(b))) for b in bodies]
    print(json.dumps(replies))


if __name__ == '__main__':
    main()
