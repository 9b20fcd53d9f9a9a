"""Drives ncclient with its Junos handler through the operations NMSs use; prints JSON.

Usage: ncclient_ops.py HOST PORT USER PASSWORD

Two sessions: configuration read/load/commit, a Junos confirmed commit that is then
confirmed, a base confirmed commit left to expire (seconds), CLI commands in text and
XML, and lock contention between the sessions.
"""
import json
import sys
import time

from lxml import etree
from ncclient import manager
from ncclient.operations.rpc import RPCError
from ncclient.xml_ import to_ele


def connect(host, port, user, password):
    return manager.connect(host=host, port=int(port), username=user, password=password,
                           hostkey_verify=False, allow_agent=False, look_for_keys=False,
                           device_params={'name': 'junos'}, timeout=30)


def ok(reply):
    """True when a reply (ncclient's NCElement under the Junos handler) carries <ok/>."""
    return '<ok/>' in str(reply)


def description(m, name):
    rsp = m.get_configuration(format='xml', filter=to_ele(
        '<configuration><interfaces><interface><name>%s</name></interface></interfaces></configuration>' % name))
    found = rsp.xpath('.//interface[name="%s"]/description' % name)
    return found[0].text if found else None


def main():
    host, port, user, password = sys.argv[1:5]
    out = {}

    def step(name, fn):
        try:
            out[name] = {'ok': True, 'value': fn()}
        except RPCError as err:
            out[name] = {'ok': False, 'error': 'RPCError', 'tag': err.tag, 'severity': err.severity,
                         'message': (err.message or '').strip()}
        except Exception as err:
            out[name] = {'ok': False, 'error': '%s: %s' % (type(err).__name__, err)}

    m1 = connect(host, port, user, password)
    m2 = connect(host, port, user, password)
    out['capabilities'] = sorted(m1.server_capabilities)
    out['session_ids'] = [m1.session_id, m2.session_id]

    step('get-configuration', lambda: etree.QName(m1.get_configuration(format='xml').xpath('//*[local-name()="configuration"]')[0]).localname)
    step('get-configuration-text', lambda: m1.get_configuration(format='text').xpath('//*[local-name()="configuration-text"]')[0].text[:2000])
    step('load-configuration', lambda: str(m1.load_configuration(
        action='merge', format='text',
        config='interfaces { ge-0/0/2 { description "ncclient-1"; } }')))
    step('commit', lambda: str(m1.commit()))
    step('committed', lambda: description(m1, 'ge-0/0/2'))
    # Given a <configuration> element, ncclient wraps it in another <configuration>.
    step('load-configuration-element', lambda: ok(m1.load_configuration(action='merge', format='xml', config=to_ele(
        '<configuration><system><location><building>ncclient-xml</building></location></system></configuration>'))))
    step('commit-element', lambda: str(m1.commit()))
    step('committed-element', lambda: m1.get_configuration(format='text').xpath('//*[local-name()="configuration-text"]')[0].text)

    # Junos commit confirmed (minutes), then confirmed by a plain commit.
    step('load-2', lambda: ok(m1.load_configuration(action='merge', format='text',
                                                 config='interfaces { ge-0/0/2 { description "ncclient-2"; } }')))
    step('commit-confirmed', lambda: str(m1.commit(confirmed=True, timeout='60')))
    step('confirm', lambda: str(m1.commit()))
    step('after-confirm', lambda: description(m1, 'ge-0/0/2'))

    # Base confirmed commit with a 2 second timeout, never confirmed: it must roll back.
    step('load-3', lambda: ok(m1.load_configuration(action='merge', format='text',
                                                 config='interfaces { ge-0/0/2 { description "ncclient-3"; } }')))
    step('base-commit-confirmed', lambda: str(m1.dispatch(to_ele(
        '<commit xmlns="urn:ietf:params:xml:ns:netconf:base:1.0"><confirmed/>'
        '<confirm-timeout>2</confirm-timeout></commit>'))))
    step('during-confirm', lambda: description(m2, 'ge-0/0/2'))
    rolled = None
    deadline = time.time() + 20
    while time.time() < deadline:
        rolled = description(m2, 'ge-0/0/2')
        if rolled != 'ncclient-3':
            break
        time.sleep(0.5)
    out['after-expiry'] = {'ok': True, 'value': rolled}

    step('command-text', lambda: m1.command('show version', format='text').xpath('//*[local-name()="output"]')[0].text)
    step('command-xml', lambda: etree.QName(m1.command('show version', format='xml').xpath(
        '//*[local-name()="software-information"]')[0]).localname)

    # Lock contention: the second session is refused while the first holds the lock.
    step('lock-1', lambda: ok(m1.lock('candidate')))
    step('lock-2-denied', lambda: ok(m2.lock('candidate')))
    step('unlock-1', lambda: ok(m1.unlock('candidate')))
    step('lock-2', lambda: ok(m2.lock('candidate')))
    step('unlock-2', lambda: ok(m2.unlock('candidate')))

    m2.close_session()
    m1.close_session()
    print(json.dumps(out))


if __name__ == '__main__':
    main()
