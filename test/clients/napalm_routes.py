"""NAPALM junos driver's route calls, made with PyEZ as the driver makes them (NAPALM itself
is not packaged in Debian): get_route_to's table (get-route-information extensive, one item
per next hop) for each destination given, after loading and committing set lines.

Usage: napalm_routes.py HOST PORT USER PASSWORD SET_LINES_FILE DEST...
Prints {dest: [route dicts]} as JSON, with `hidden` the `show route hidden` entries.
"""
import json
import sys

import yaml
from jnpr.junos import Device
from jnpr.junos.factory.factory_loader import FactoryLoader
from jnpr.junos.utils.config import Config

VIEWS = """
junos_route_table:
  rpc: get-route-information
  args:
    extensive: True
  item: route-table/rt/rt-entry/nh
  key: to
  view: junos_route_table_view
junos_route_table_view:
  fields:
    destination: ../../rt-destination
    prefix_length: {../../rt-prefix-length: int}
    protocol: ../protocol-name
    current_active: {../current-active: flag}
    last_active: {../last-active: flag}
    age: {../age/@seconds: int}
    next_hop: to
    outgoing_interface: via
    selected_next_hop: {selected-next-hop: flag}
    preference: {../preference: int}
    inactive_reason: ../inactive-reason
    routing_table: ../../../table-name
"""


def main():
    host, port, user, password, lines_file = sys.argv[1:6]
    tables = FactoryLoader().load(yaml.safe_load(VIEWS))
    out = {}
    with Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False) as dev:
        with open(lines_file) as f:
            lines = f.read()
        cu = Config(dev)
        cu.load(lines, format='set')
        cu.commit()
        for dest in sys.argv[6:]:
            t = tables['junos_route_table'](dev)
            t.get(destination=dest)
            out[dest] = [dict(v) for _, v in t.items()]
        hidden = dev.rpc.get_route_information(hidden=True, extensive=True)
        out['hidden'] = [{'destination': rt.findtext('rt-destination'), 'state': rt.findtext('rt-entry/rt-entry-state'),
                          'active_tag': rt.findtext('rt-entry/active-tag')} for rt in hidden.findall('.//rt')]
    print(json.dumps(out))


if __name__ == '__main__':
    main()
