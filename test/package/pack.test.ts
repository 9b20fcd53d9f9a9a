/**
 * The package as users get it: `npm pack`, installed into an empty project, gives a working
 * `npx nc-grpc-device` and an importable library that runs a device against the reference
 * NMS (so the tarball carries the protos and profiles the code reads at run time).
 *
 * No network: the install is `npm install --offline`; when npm's cache lacks the
 * dependencies (a machine that installed from a lockfile), the tarball is unpacked as npm
 * would lay it out, in a project inside dist/ so that the dependencies resolve from the
 * repository's node_modules, and its bin is linked as npm links it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const T = { encoding: 'utf8' as const, timeout: 120_000 };

test('npm pack + install into an empty project: the bin runs and the library starts a device', async (t) => {
  const work = mkdtempSync(path.join(ROOT, 'dist', '.pack-test-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const pack = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { ...T, cwd: ROOT });
  assert.equal(pack.status, 0, pack.stderr);
  const [{ filename, files }] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
  const paths = files.map((f) => f.path);
  for (const must of ['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'proto/nc_grpc.proto', 'fixtures/profiles/mx/profile.json']) {
    assert.ok(paths.includes(must), `tarball lacks ${must}`);
  }
  assert.ok(!paths.some((p) => p.startsWith('dist/test/') || p.startsWith('src/')), 'tarball carries tests or sources');

  const proj = path.join(work, 'proj');
  mkdirSync(path.join(proj, 'node_modules', '.bin'), { recursive: true });
  writeFileSync(path.join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }));
  const tarball = path.join(work, filename);
  const install = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', tarball], { ...T, cwd: proj });
  if (install.status !== 0) {
    t.diagnostic(`npm install --offline unavailable (${(install.stderr.match(/npm error code \w+/) ?? ['?'])[0]}): unpacking the tarball as npm lays it out`);
    const unpack = spawnSync('tar', ['-xzf', tarball, '-C', path.join(proj, 'node_modules')], T);
    assert.equal(unpack.status, 0, unpack.stderr);
    renameSync(path.join(proj, 'node_modules', 'package'), path.join(proj, 'node_modules', 'nc-grpc-device'));
    const pkg = JSON.parse(readFileSync(path.join(proj, 'node_modules', 'nc-grpc-device', 'package.json'), 'utf8')) as { bin: Record<string, string> };
    for (const [name, file] of Object.entries(pkg.bin)) symlinkSync(path.join('..', 'nc-grpc-device', file), path.join(proj, 'node_modules', '.bin', name));
  }
  const installed = path.join(proj, 'node_modules', 'nc-grpc-device');
  const pkg = JSON.parse(readFileSync(path.join(installed, 'package.json'), 'utf8')) as { main: string; types: string };
  assert.ok(existsSync(path.join(installed, pkg.main)), `main ${pkg.main} missing`);
  assert.ok(existsSync(path.join(installed, pkg.types)), `types ${pkg.types} missing`);

  const help = spawnSync('npx', ['--offline', '--no', '--', 'nc-grpc-device', '--help'], { ...T, cwd: proj });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /nc-grpc-device/);
  assert.match(help.stdout, /--fault/);

  const script = `
    import { makeSelfSigned, ReferenceNms, startDevice } from 'nc-grpc-device';
    const pki = await makeSelfSigned({ commonName: 'nms', ipSans: ['127.0.0.1'] });
    const nms = new ReferenceNms({ cert: pki.cert, key: pki.key });
    const port = await nms.start();
    const dev = await startDevice({ nms: { host: '127.0.0.1', port, cert: pki.cert, deviceId: 'lib-1', secret: 's' }, profile: 'ex' });
    const nc = await nms.requestSession('lib-1', 's', 'netconf', { timeoutMs: 20000 });
    const hello = await nc.waitFor((o) => o.includes(']]>]]>'), 20000);
    await dev.close();
    await nms.stop();
    console.log(JSON.stringify({ hello: hello.includes('<session-id>'), host: dev.device.hostname }));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { ...T, cwd: proj });
  assert.equal(run.status, 0, run.stderr);
  const out = JSON.parse(run.stdout.trim().split('\n').pop()!) as { hello: boolean; host: string };
  assert.equal(out.hello, true);
  assert.match(out.host, /^ex/);
});
