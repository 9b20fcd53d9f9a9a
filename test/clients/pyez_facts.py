"""Reads every PyEZ fact from a NETCONF server over SSH and prints them as JSON.

Usage: pyez_facts.py HOST PORT USER PASSWORD

A fact whose gathering raised is listed under "errors" (PyEZ itself would have
turned it into None with a warning); warnings PyEZ emitted are listed too.
"""
import json
import sys
import warnings

from jnpr.junos import Device


def plain(value):
    """JSON form of a fact value (version_info objects become their text)."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def main():
    host, port, user, password = sys.argv[1:5]
    result = {'facts': {}, 'errors': {}, 'warnings': []}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        dev = Device(host=host, port=int(port), user=user, passwd=password, gather_facts=False)
        dev.open()
        # Raise instead of silently blanking a fact, so the test learns why one failed.
        dev.facts._exception_on_failure = True
        for key in sorted(dev.facts.keys()):
            try:
                result['facts'][key] = plain(dev.facts[key])
            except Exception as err:  # report, keep reading the other facts
                result['errors'][key] = '%s: %s' % (type(err).__name__, err)
        result['connected_after'] = dev.connected
        dev.close()
    result['warnings'] = [str(w.message) for w in caught if not issubclass(w.category, (DeprecationWarning, SyntaxWarning))]
    print(json.dumps(result))


if __name__ == '__main__':
    main()
