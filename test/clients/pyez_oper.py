"""PyEZ against the operational model: commit host-name/interface/static-route changes,
then facts, op tables (EthPortTable, PhyPortTable, PhyPortStatsTable) and RPCs in every format.

Usage: pyez_oper.py HOST PORT USER PASSWORD
Prints one JSON object, one entry per check (its value, or the exception it raised).
"""
import json
import sys

from _pyez_compat import recorder  # first: it lets PyEZ's bundled op tables load under PyYAML 6

from jnpr.junos import Device  # noqa: E402
from jnpr.junos.utils.config import Config  # noqa: E402
from jnpr.junos.op.ethport import EthPortTable  # noqa: E402
from jnpr.junos.op.phyport import PhyPortTable, PhyPortStatsTable  # noqa: E402

CHANGES = """
set system host-name lab-mx
set interfaces ge-0/0/1 description "uplink to core"
set interfaces ge-0/0/1 mtu 9192
set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/2 disable
set routing-options static route 0.0.0.0/0 next-hop 203.0.113.2
"""


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}
    check = recorder(out)

    dev = Device(host=host, port=int(port), user=user, passwd=password)
    dev.open()
    check('hostname-before', lambda: dev.facts['hostname'])

    def commit():
        cu = Config(dev)
        cu.load(CHANGES, format='set')
        return cu.commit()
    check('commit', commit)
    dev.facts_refresh()
    check('hostname-after', lambda: dev.facts['hostname'])

    def table(cls):
        t = cls(dev).get()
        return {k: dict(v) for k, v in t.items()}
    check('ethport', lambda: table(EthPortTable))
    check('phyport', lambda: table(PhyPortTable))
    check('phyport-stats', lambda: table(PhyPortStatsTable))
    check('json', lambda: dev.rpc.get_interface_information({'format': 'json'}, interface_name='ge-0/0/1'))
    check('text', lambda: dev.rpc.get_interface_information({'format': 'text'}, interface_name='ge-0/0/1').text)
    check('route-xml', lambda: [e.text for e in dev.rpc.get_route_information(destination='0.0.0.0/0').findall('.//nh/to')])
    check('route-json', lambda: dev.rpc.get_route_information({'format': 'json'}, destination='0.0.0.0/0'))
    check('cli-version', lambda: dev.cli('show version', warning=False))
    dev.close()
    print(json.dumps(out, default=str))


if __name__ == '__main__':
    main()
