"""An upgrade as NMS automation runs it with PyEZ: SW.install() (storage cleanup, SCP of the
package, checksum, package add), SW.reboot(), wait for the device to come back, reconnect,
read the version fact. Prints JSON.

Usage: pyez_upgrade.py PORT USER PASSWORD PACKAGE [BAD_PACKAGE]

The device is dialled as 'localhost', so PyEZ's SCP uses the same port (it uses 22 for any
other host name).
"""
import json
import sys
import time

from jnpr.junos import Device
from jnpr.junos.utils.sw import SW


def main():
    port, user, password, package = sys.argv[1:5]
    bad = sys.argv[5] if len(sys.argv) > 5 else None
    out = {}
    dev = Device(host='localhost', port=int(port), user=user, passwd=password)
    dev.open()
    out['before'] = dev.facts['version']
    out['multi_re'] = bool(dev.facts.get('2RE'))
    sw = SW(dev)
    if bad:
        out['bad_install'] = sw.install(package=bad)
    out['install'] = sw.install(package=package)
    out['pending_version'] = dev.rpc.get_software_information().findtext('.//junos-version')
    out['reboot'] = sw.reboot()
    # The device goes away; wait for it to come back (bounded).
    deadline = time.time() + 90
    while dev.connected and time.time() < deadline:
        try:
            dev.rpc.get_system_uptime_information()
        except Exception:
            break
        time.sleep(0.2)
    try:
        dev.close()
    except Exception:
        pass
    last = None
    while time.time() < deadline:
        try:
            dev = Device(host='localhost', port=int(port), user=user, passwd=password)
            dev.open()
            break
        except Exception as err:
            last = str(err)
            time.sleep(0.5)
    else:
        out['reconnect_error'] = last
        print(json.dumps(out))
        return
    out['after'] = dev.facts['version']
    out['reboot_reason'] = dev.rpc.get_route_engine_information().findtext('.//last-reboot-reason')
    dev.close()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
