"""PyEZ's bundled protocol op tables against the operational model: commit BGP, OSPF,
IS-IS, LLDP, LACP and a new subnet, then read ArpTable, NdTable, LLDPNeighborTable,
bgpTable, OspfNeighborTable, OspfInterfaceTable, IsisAdjacencyTable, LacpPortTable and
PhyPortDiagTable (and, on a switch, VLANs with an L2NG table as napalm defines it).

Usage: pyez_protocols.py HOST PORT USER PASSWORD mx|qfx
Prints one JSON object, one entry per check (its value, or the exception it raised).
"""
import json
import sys

import yaml

from _pyez_compat import recorder  # first: it lets PyEZ's bundled op tables load under PyYAML 6

from jnpr.junos import Device  # noqa: E402
from jnpr.junos.factory.factory_loader import FactoryLoader  # noqa: E402
from jnpr.junos.utils.config import Config  # noqa: E402
from jnpr.junos.op.arp import ArpTable  # noqa: E402
from jnpr.junos.op.nd import NdTable  # noqa: E402
from jnpr.junos.op.lldp import LLDPNeighborTable  # noqa: E402
from jnpr.junos.op.bgp import bgpTable  # noqa: E402
from jnpr.junos.op.ospf import OspfNeighborTable, OspfInterfaceTable  # noqa: E402
from jnpr.junos.op.isis import IsisAdjacencyTable  # noqa: E402
from jnpr.junos.op.lacp import LacpPortTable  # noqa: E402
from jnpr.junos.op.intopticdiag import PhyPortDiagTable  # noqa: E402

MX = """
set interfaces ge-0/0/1 unit 0 family inet address 203.0.113.1/30
set interfaces ge-0/0/1 unit 0 family inet6 address 2001:db8:1::1/64
set interfaces ge-0/0/1 unit 0 family iso
set routing-options autonomous-system 65000
set routing-options router-id 198.51.100.1
set protocols bgp group ext type external
set protocols bgp group ext peer-as 65001
set protocols bgp group ext neighbor 203.0.113.2
set protocols ospf area 0.0.0.0 interface ge-0/0/1.0
set protocols isis interface ge-0/0/1.0
set protocols lldp interface all
set interfaces ge-0/0/0 gigether-options ieee-802.3ad bundle ae0
set interfaces ae0 aggregated-ether-options lacp active
set chassis aggregated-devices ethernet device-count 1
"""

QFX = """
set vlans v10 vlan-id 10
set interfaces xe-0/0/1 unit 0 family ethernet-switching interface-mode trunk
set interfaces xe-0/0/1 unit 0 family ethernet-switching vlan members v10
"""

# napalm's table for ELS switches (junos_views.yml, junos_vlans_table_switch_l2ng).
L2NG = """
VlanL2ngTable:
  rpc: get-vlan-information
  item: l2ng-l2ald-vlan-instance-group
  key: l2ng-l2rtb-vlan-name
  view: VlanL2ngView
VlanL2ngView:
  fields:
    vlan_id: l2ng-l2rtb-vlan-tag
    members: .//l2ng-l2rtb-vlan-member-interface
"""


def main():
    host, port, user, password, kind = sys.argv[1:6]
    out = {}
    check = recorder(out)

    def table(cls, **kw):
        t = cls(dev).get(**kw)
        return {('|'.join(k) if isinstance(k, tuple) else str(k)): dict(v) for k, v in t.items()}

    dev = Device(host=host, port=int(port), user=user, passwd=password)
    dev.open()
    if kind == 'mx':
        check('bgp-before', lambda: table(bgpTable))
        check('ospf-before', lambda: table(OspfNeighborTable))

        def commit():
            cu = Config(dev)
            cu.load(MX, format='set')
            return cu.commit()
        check('commit', commit)
        check('arp', lambda: table(ArpTable))
        check('nd', lambda: table(NdTable))
        check('lldp', lambda: table(LLDPNeighborTable))
        check('bgp', lambda: table(bgpTable))
        check('ospf-neighbor', lambda: table(OspfNeighborTable))
        check('ospf-interface', lambda: table(OspfInterfaceTable))
        check('isis', lambda: {'|'.join(k): {f: dict(v)[f] for f in ('level', 'adjacency_state', 'ip_address')} for k, v in IsisAdjacencyTable(dev).get().items()})
        check('lacp', lambda: {v.name: {'state': {'|'.join(sk): dict(sv) for sk, sv in v.state.items()}, 'proto': {pk: dict(pv) for pk, pv in v.proto.items()}} for v in LacpPortTable(dev).get()})
        check('optics', lambda: table(PhyPortDiagTable))
        check('bgp-json', lambda: dev.rpc.get_bgp_summary_information({'format': 'json'}))
        check('ospf-text', lambda: dev.rpc.get_ospf_neighbor_information({'format': 'text'}).text)
        check('cli-arp', lambda: dev.cli('show arp no-resolve', warning=False))
    else:
        def commit():
            cu = Config(dev)
            cu.load(QFX, format='set')
            return cu.commit()
        check('commit', commit)
        tables = FactoryLoader().load(yaml.safe_load(L2NG))
        check('vlans', lambda: {k: dict(v) for k, v in tables['VlanL2ngTable'](dev).get().items()})
        check('cli-vlans', lambda: dev.cli('show vlans', warning=False))
    dev.close()
    print(json.dumps(out, default=str))


if __name__ == '__main__':
    main()
