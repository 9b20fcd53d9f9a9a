"""PyEZ beyond facts: dev.cli, RPCs by name, an unknown RPC, a wrong password, a key login, the log of logins.

Usage: pyez_misc.py HOST PORT USER PASSWORD KEYFILE
Prints one JSON object, one entry per check (its value, or the exception it raised).
"""
import json
import sys

from jnpr.junos import Device

from _pyez_compat import recorder


def main():
    host, port, user, password, keyfile = sys.argv[1:6]
    out = {}
    check = recorder(out)

    dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
    dev.open()
    check('cli-text', lambda: dev.cli('show version', warning=False))
    check('rpc-software', lambda: dev.rpc.get_software_information().findtext('.//host-name'))
    check('rpc-interfaces-terse', lambda: dev.rpc.get_interface_information(terse=True).tag)
    check('rpc-unknown', lambda: dev.rpc.get_no_such_thing_information().tag)
    check('display-xml-rpc', lambda: dev.display_xml_rpc('show interfaces terse', format='text'))
    dev.close()
    check('wrong-password', lambda: Device(host=host, port=int(port), user=user, passwd='not-' + password,
                                           gather_facts=False).open() and 'opened')

    def key_login():
        kdev = Device(host=host, port=int(port), user='keyuser', ssh_private_key_file=keyfile, gather_facts=False)
        kdev.open()
        name = kdev.rpc.get_software_information().findtext('.//host-name')
        kdev.close()
        return name
    check('key-login', key_login)

    def log_messages():
        # Three more sessions, then the log as a reader sees it: a login and a logout each, in order.
        for _ in range(3):
            sdev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
            sdev.open()
            sdev.close()
        ldev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
        ldev.open()
        text = ldev.rpc.get_log(filename='messages').text or ''
        ldev.close()
        return [line.split(': ', 1)[1] for line in text.splitlines() if 'UI_LOGIN_EVENT' in line or 'UI_LOGOUT_EVENT' in line]
    check('log-messages', log_messages)
    print(json.dumps(out))


if __name__ == '__main__':
    main()
