"""What a YANG-driven tool does first: list the device's schemas (netconf-state/schemas,
ietf-netconf-monitoring) and fetch some with get-schema, with ncclient. Prints JSON.

Usage: yang_schemas.py HOST PORT USER PASSWORD MODULE...
"""
import json
import sys

from ncclient import manager
from ncclient.operations.rpc import RPCError


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}
    with manager.connect(host=host, port=int(port), username=user, password=password,
                         hostkey_verify=False, allow_agent=False, look_for_keys=False,
                         device_params={'name': 'junos'}, timeout=60) as m:
        out['monitoring'] = any('ietf-netconf-monitoring' in c for c in m.server_capabilities)
        flt = ('subtree', '<netconf-state xmlns="urn:ietf:params:xml:ns:yang:ietf-netconf-monitoring"><schemas/></netconf-state>')
        reply = m.get(filter=flt)
        # The Junos handler's reply is namespace-free (NCElement.xpath).
        out['schemas'] = [{'identifier': s.findtext('identifier'), 'version': s.findtext('version'),
                           'namespace': s.findtext('namespace')} for s in reply.xpath('//schema')]
        out['texts'] = {}
        for name in sys.argv[5:]:
            try:
                reply = m.get_schema(name)
                data = reply.xpath('//data')
                out['texts'][name] = (data[0].text if data else str(reply))[:200]
            except RPCError as err:
                out['texts'][name] = 'RPCError: %s %s' % (err.tag, (err.message or '').strip())
    print(json.dumps(out))


if __name__ == '__main__':
    main()
