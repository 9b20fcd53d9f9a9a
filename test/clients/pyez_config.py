"""Drives PyEZ's Config utility through a full edit cycle and prints each step as JSON.

Usage: pyez_config.py HOST PORT USER PASSWORD

Steps: lock, load (text, set, xml), diff, commit check, commit, rollback, an invalid
load, unlock. Each step records its result or the exception it raised.
"""
import json
import sys

from lxml import etree
from jnpr.junos import Device
from jnpr.junos.utils.config import Config


def description(dev, name):
    """The committed description of one interface, read back with get-config."""
    flt = etree.XML('<configuration><interfaces><interface><name>%s</name>'
                    '<description/></interface></interfaces></configuration>' % name)
    rsp = dev.rpc.get_config(filter_xml=flt, options={'database': 'committed'})
    return rsp.findtext('.//interface[name="%s"]/description' % name)


def main():
    host, port, user, password = sys.argv[1:5]
    steps = []

    def step(name, fn):
        try:
            value = fn()
            if value is not None and not isinstance(value, (bool, int, str)):
                value = etree.tostring(value, encoding='unicode') if hasattr(value, 'tag') else str(value)
            steps.append({'step': name, 'ok': True, 'value': value})
        except Exception as err:
            steps.append({'step': name, 'ok': False, 'error': '%s: %s' % (type(err).__name__, err)})

    dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
    dev.open()
    cu = Config(dev)
    step('lock', cu.lock)
    step('load-text', lambda: cu.load('interfaces {\n    ge-0/0/1 {\n        description "pyez-text";\n    }\n}\n', format='text'))
    step('diff-text', cu.diff)
    step('commit-check', cu.commit_check)
    step('commit-text', lambda: cu.commit(comment='pyez text load'))
    step('committed-text', lambda: description(dev, 'ge-0/0/1'))
    step('diff-clean', cu.diff)
    step('load-set', lambda: cu.load('set interfaces ge-0/0/1 description pyez-set', format='set'))
    step('diff-set', cu.diff)
    step('commit-set', cu.commit)
    step('load-xml', lambda: cu.load('<configuration><interfaces><interface><name>ge-0/0/1</name>'
                                     '<description>pyez-xml</description></interface></interfaces></configuration>',
                                     format='xml'))
    step('diff-xml', cu.diff)
    step('commit-xml', cu.commit)
    step('committed-xml', lambda: description(dev, 'ge-0/0/1'))
    step('rollback-1', lambda: cu.rollback(1))
    step('diff-rollback', cu.diff)
    step('commit-rollback', cu.commit)
    step('committed-rollback', lambda: description(dev, 'ge-0/0/1'))
    step('load-invalid', lambda: cu.load('interfaces {\n    ge-0/0/1 {\n        description "unterminated;\n', format='text'))
    step('rollback-0', lambda: cu.rollback(0))
    step('diff-after-discard', cu.diff)
    step('unlock', cu.unlock)
    dev.close()
    print(json.dumps({'steps': steps}))


if __name__ == '__main__':
    main()
