"""PyEZ's inventory tables over NETCONF: ModuleTable and XcvrTable (get-chassis-inventory).

Usage: pyez_inventory.py HOST PORT USER PASSWORD
Prints {"modules": [[name, description], ...], "xcvrs": [[fpc, pic, xcvr, description], ...]}.
"""
import json
import sys

from _pyez_compat import recorder  # noqa: F401  first: lets PyEZ's bundled op tables load under PyYAML 6

from jnpr.junos import Device  # noqa: E402
from jnpr.junos.op.inventory import ModuleTable  # noqa: E402
from jnpr.junos.op.xcvr import XcvrTable  # noqa: E402


def main():
    host, port, user, password = sys.argv[1:5]
    with Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False) as dev:
        modules = [[m.jname, m.type] for m in ModuleTable(dev).get()]
        xcvrs = [list(x.key) + [x.type] for x in XcvrTable(dev).get()]
    print(json.dumps({'modules': modules, 'xcvrs': xcvrs}))


if __name__ == '__main__':
    main()
