"""PyEZ reads the facts Ansible's junos_facts reports, once as XML and once as JSON
(`{'format': 'json'}`), so a test can check that both formats say the same and that
Ansible agrees with the device.

Usage: pyez_formats.py HOST PORT USER PASSWORD
Prints one JSON object: {"xml": FACTS, "json": FACTS, "text": {...}}.
"""
import json
import sys

from jnpr.junos import Device


def one(items):
    """Junos JSON: every element is a list of objects; a value is its "data"."""
    return items[0] if isinstance(items, list) else items


def jtext(obj, key):
    v = obj.get(key)
    return None if v is None else one(v).get('data')


def from_xml(dev):
    sw = dev.rpc.get_software_information()
    inv = dev.rpc.get_chassis_inventory()
    mem = dev.rpc.get_system_memory_information().find('.//system-memory-summary-information')
    ifs = dev.rpc.get_interface_information(terse=True)
    addrs = {}
    for lif in ifs.findall('.//logical-interface'):
        a = [x.text.strip() for x in lif.findall('.//address-family/interface-address/ifa-local')]
        if a:
            addrs[lif.findtext('name').strip()] = a
    phys = {}
    for pif in dev.rpc.get_interface_information(detail=True).findall('physical-interface'):
        phys[pif.findtext('name').strip()] = {
            'oper': pif.findtext('oper-status').strip(),
            'mtu': (pif.findtext('mtu') or '').strip(),
            'mac': (pif.findtext('hardware-physical-address') or '').strip() or None,
        }
    res = dev.rpc.get_route_engine_information()
    return {
        'hostname': sw.findtext('host-name'),
        'model': sw.findtext('product-model'),
        'version': sw.findtext('junos-version'),
        'serial': inv.findtext('.//chassis/serial-number'),
        'memtotal': int(mem.findtext('system-memory-total')),
        'memfree': int(mem.findtext('system-memory-free')),
        're_installed': [r.findtext('memory-installed-size') for r in res.findall('.//route-engine')],
        'addresses': addrs,
        'physical': phys,
    }


def from_json(dev):
    fmt = {'format': 'json'}
    sw = one(dev.rpc.get_software_information(fmt)['software-information'])
    inv = one(dev.rpc.get_chassis_inventory(fmt)['chassis-inventory'])
    mem = one(one(dev.rpc.get_system_memory_information(fmt)['system-memory-information'])['system-memory-summary-information'])
    ifs = one(dev.rpc.get_interface_information(fmt, terse=True)['interface-information'])
    addrs = {}
    for pif in ifs.get('physical-interface', []):
        for lif in pif.get('logical-interface', []):
            a = [jtext(ia, 'ifa-local') for af in lif.get('address-family', []) for ia in af.get('interface-address', [])]
            if a:
                addrs[jtext(lif, 'name')] = a
    phys = {}
    det = one(dev.rpc.get_interface_information(fmt, detail=True)['interface-information'])
    for pif in det.get('physical-interface', []):
        phys[jtext(pif, 'name')] = {
            'oper': jtext(pif, 'oper-status'),
            'mtu': jtext(pif, 'mtu') or '',
            'mac': jtext(pif, 'hardware-physical-address'),
        }
    res = one(dev.rpc.get_route_engine_information(fmt)['route-engine-information'])
    return {
        'hostname': jtext(sw, 'host-name'),
        'model': jtext(sw, 'product-model'),
        'version': jtext(sw, 'junos-version'),
        'serial': jtext(one(inv['chassis']), 'serial-number'),
        'memtotal': int(jtext(mem, 'system-memory-total')),
        'memfree': int(jtext(mem, 'system-memory-free')),
        're_installed': [jtext(r, 'memory-installed-size') for r in res['route-engine']],
        'addresses': addrs,
        'physical': phys,
    }


def main():
    host, port, user, password = sys.argv[1:5]
    dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False, timeout=60)
    dev.open()
    try:
        out = {'xml': from_xml(dev), 'json': from_json(dev)}
        cfg = dev.rpc.get_config(options={'format': 'text'})
        out['text'] = {
            'config': cfg.text if cfg.tag == 'configuration-text' else cfg.findtext('.//configuration-text'),
            'version': dev.rpc.get_software_information({'format': 'text'}).text,
        }
    finally:
        dev.close()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
