/**
 * The deferred child logger of a fleet's devices and clients (src/log.ts deferredChild):
 * it writes what a pino child writes, with its bindings, redacted as the root redacts;
 * until it first writes at a level that is on, no pino child exists.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger, deferredChild } from '../src/log.js';

function capture(level: string): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const logger = createLogger({ level, format: 'json', destination: { write: (line: string) => void out.push(line) } });
  return { logger, lines: () => out.join('').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

test('a deferred child writes its bindings, and a child of it both bindings, as pino children do', () => {
  const { logger, lines } = capture('info');
  const device = deferredChild(logger, { device: 7 });
  const client = device.child({ client: 'nms-1', deviceId: 'lab-7' });
  device.info({ state: 'up' }, 'device booted');
  client.warn('NMS is down');
  logger.child({ device: 7 }).child({ client: 'nms-1', deviceId: 'lab-7' }).warn('NMS is down');
  const got = lines();
  assert.equal(got.length, 3);
  assert.equal(got[0].device, 7);
  assert.equal(got[0].state, 'up');
  assert.equal(got[0].msg, 'device booted');
  const strip = (r: Record<string, unknown>) => ({ ...r, time: 0 });
  // The deferred chain writes the very record a chain of pino children writes.
  assert.deepEqual(strip(got[1]), strip(got[2]));
  assert.equal(got[1].client, 'nms-1');
  assert.equal(got[1].device, 7);
});

test('a deferred child makes no pino child while its lines are below the level, and follows its parent\'s level until made', () => {
  const { logger, lines } = capture('warn');
  const device = deferredChild(logger, { device: 3 });
  const made = () => (device as unknown as { made?: unknown }).made;
  device.info('not written');
  device.debug({ a: 1 }, 'not written');
  assert.equal(made(), undefined, 'lines below the level made a pino child');
  assert.equal(device.level, 'warn');
  assert.equal(device.isLevelEnabled('info'), false);
  logger.level = 'info';
  assert.equal(device.level, 'info', 'the level is the parent\'s until the child is made');
  device.info('written');
  assert.notEqual(made(), undefined);
  assert.deepEqual(
    lines().map((l) => [l.msg, l.device]),
    [['written', 3]],
  );
});

test('a deferred child redacts secrets as the root does', () => {
  const { logger, lines } = capture('info');
  deferredChild(logger, { device: 1 }).error({ secret: 'hunter2', password: 'p' }, 'bad login');
  const [line] = lines();
  assert.equal(line.secret, '[redacted]');
  assert.equal(line.password, '[redacted]');
  assert.ok(!JSON.stringify(lines()).includes('hunter2'));
});
