"""Bad configuration through real clients: what PyEZ and ncclient raise.

Usage: schema_errors.py HOST PORT USER PASSWORD

PyEZ: load of `set system foo bar` (set), of an unknown XML leaf, then a commit check with
apply-groups naming a missing group. ncclient: load-configuration of a bad interface name.
Prints each step's exception class, message and bad element as JSON.
"""
import json
import sys

from jnpr.junos import Device
from jnpr.junos.utils.config import Config
from ncclient import manager
from ncclient.operations.rpc import RPCError


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}

    def step(name, fn):
        try:
            fn()
            out[name] = {'ok': True}
        except Exception as err:  # the point is which exception and what it says
            out[name] = {'ok': False, 'type': type(err).__name__, 'message': str(getattr(err, 'message', err)),
                         'bad_element': getattr(err, 'rpc_error', {}).get('bad_element') if hasattr(err, 'rpc_error') else None}

    dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
    dev.open()
    cu = Config(dev)
    step('pyez-set', lambda: cu.load('set system foo bar', format='set'))
    step('pyez-xml', lambda: cu.load('<configuration><system><bogus-leaf/></system></configuration>', format='xml'))
    step('pyez-good', lambda: cu.load('set apply-groups nogroup', format='set'))
    step('pyez-commit-check', lambda: cu.commit_check())
    cu.rollback(0)
    dev.close()

    with manager.connect(host=host, port=int(port), username=user, password=password, hostkey_verify=False,
                         look_for_keys=False, allow_agent=False, device_params={'name': 'junos'}, timeout=60) as m:
        def nc_load():
            m.load_configuration(action='set', config=['set interfaces bogus0 unit 0'])
        step('ncclient-set', nc_load)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
