"""Shared by the PyEZ client scripts (imported from the script's own folder, which Python
puts first on sys.path): a PyYAML shim for Debian's PyEZ, and a recorder of named checks.
"""
import yaml

# Debian's PyEZ loads its bundled op tables with yaml.load(stream), which PyYAML 6 refuses
# without a Loader; give it the safe loader so the tables load exactly as shipped.
# Import this module before jnpr.junos.op.* so the tables see the shim.
_yaml_load = yaml.load
yaml.load = lambda stream, Loader=yaml.SafeLoader: _yaml_load(stream, Loader=Loader)


def recorder(out):
    """A check(name, fn) that stores fn()'s value under name in out, or the exception it raised."""

    def check(name, fn):
        try:
            out[name] = {'ok': True, 'value': fn()}
        except Exception as err:
            out[name] = {'ok': False, 'error': type(err).__name__, 'message': str(err)}

    return check
