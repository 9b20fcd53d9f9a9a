"""PyEZ's commit comment, commit confirmed and rescue against the commit history.

Usage: pyez_history.py HOST PORT USER PASSWORD
Prints JSON: the newest commit-history entries after each step, and the rescue results.
"""
import json
import sys

from jnpr.junos import Device
from jnpr.junos.utils.config import Config


def history(dev):
    info = dev.rpc.get_commit_information()
    return [{k: h.findtext(k) for k in ('sequence-number', 'user', 'client', 'comment', 'log')}
            for h in info.findall('commit-history')][:2]


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}
    with Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False) as dev:
        cu = Config(dev)
        cu.load('set system location building pyez-1', format='set')
        out['commit'] = cu.commit(comment='pyez change')
        out['after_commit'] = history(dev)
        cu.load('set system location building pyez-2', format='set')
        out['commit_confirm'] = cu.commit(confirm=4)
        out['after_confirm'] = history(dev)
        out['rescue_get_none'] = cu.rescue('get')
        out['rescue_save'] = cu.rescue('save')
        out['rescue_get'] = cu.rescue('get')
        out['rescue_reload'] = cu.rescue('reload') is not False
        out['diff'] = cu.diff()
        out['rescue_delete'] = cu.rescue('delete')
        out['rescue_reload_none'] = cu.rescue('reload')
    print(json.dumps(out))


main()
