"""Loads each case's set lines with PyEZ, commits, and prints what the commit answered.

Usage: pyez_commit_rules.py HOST PORT USER PASSWORD CASES_JSON_FILE
CASES_JSON_FILE: {"name": ["set ...", ...], ...}. Each case starts from the committed
configuration (rollback 0 after it) and records the CommitError's message, or "committed".
"""
import json
import sys

from jnpr.junos import Device
from jnpr.junos.exception import CommitError
from jnpr.junos.utils.config import Config


def main():
    host, port, user, password, path = sys.argv[1:6]
    with open(path) as f:
        cases = json.load(f)
    out = {}
    with Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False) as dev:
        cu = Config(dev)
        for name, lines in cases.items():
            try:
                cu.load('\n'.join(lines), format='set')
                cu.commit()
                out[name] = 'committed'
            except CommitError as err:
                out[name] = ' | '.join('%s %s %s' % (e.get('edit_path') or '', e.get('bad_element') or '', (e.get('message') or '').strip())
                                       for e in (err.errs or [])) or str(err)
            except Exception as err:
                out[name] = '%s: %s' % (type(err).__name__, err)
            cu.rollback(0)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
