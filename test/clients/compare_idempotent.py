"""Idempotent compare as ncclient and PyEZ see it; prints JSON.

Usage: compare_idempotent.py HOST PORT USER PASSWORD

ncclient: the raw configuration-output of get-configuration compare="rollback" rollback="0"
(and of `show configuration | compare rollback 0`) before any change. PyEZ: Config.diff()
after loading a change, after committing it, after loading the identical configuration
again, and after a load that changes something.
"""
import json
import sys

from jnpr.junos import Device
from jnpr.junos.utils.config import Config
from ncclient import manager
from ncclient.xml_ import to_ele

CHANGE = 'set system location building compare-b7'


def raw_output(m, xml):
    rsp = m.rpc(to_ele(xml))
    found = rsp.xpath('.//configuration-output')
    return found[0].text if found else '<no configuration-output>'


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}
    with manager.connect(host=host, port=int(port), username=user, password=password,
                         hostkey_verify=False, allow_agent=False, look_for_keys=False,
                         device_params={'name': 'junos'}, timeout=30) as m:
        out['ncclient_compare'] = raw_output(
            m, '<get-configuration compare="rollback" rollback="0" format="text"/>')
        out['ncclient_command'] = raw_output(
            m, '<command format="text">show configuration | compare rollback 0</command>')

    dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
    dev.open()
    cu = Config(dev)
    cu.lock()
    out['diff_initial'] = cu.diff()
    cu.load(CHANGE, format='set')
    out['diff_change'] = cu.diff()
    cu.commit(comment='compare test')
    out['diff_after_commit'] = cu.diff()
    cu.load(CHANGE, format='set')
    out['diff_identical_set'] = cu.diff()
    cu.load('system {\n    location {\n        building compare-b7;\n    }\n}\n', format='text', merge=True)
    out['diff_identical_text'] = cu.diff()
    cu.load('set system location building compare-b8', format='set')
    out['diff_second_change'] = cu.diff()
    cu.rollback(0)
    out['diff_after_rollback'] = cu.diff()
    cu.unlock()
    dev.close()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
