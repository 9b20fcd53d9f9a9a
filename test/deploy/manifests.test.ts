/**
 * The Kubernetes manifests (deploy/kubernetes) and the image recipe (deploy/Containerfile),
 * checked offline: every manifest parses (YAML 1.1, as Kubernetes reads it) and validates
 * against the Kubernetes OpenAPI schemas (kubernetes-models), and the invariants that the
 * schemas cannot see hold: NCGD_SHARDS equals the replicas and the shards cover the fleet,
 * the metrics port is the same everywhere, the Secret and the ConfigMap are mounted where the
 * flags read them, the pods run non-root on a read-only root filesystem, the memory request
 * holds the shard's devices, and the flags exist in the CLI. When kubectl is installed, the
 * kustomization is rendered with `kubectl kustomize` (offline) and validated too.
 */
import { GUARD_LOW } from '../../src/device/memory-guard.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { ConfigMap, Namespace, Secret, Service } from 'kubernetes-models/v1';
import { StatefulSet } from 'kubernetes-models/apps/v1';
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { shardFromEnv, shardRange } from '../../src/device/shard.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const k8sDir = path.join(root, 'deploy/kubernetes');

/** The measured memory per device of a fleet polled every minute (~320 KiB, `npm run bench -- --only polled,sustained --fleet 2000 --period 60 --minutes 10`). */
const MEASURED_BYTES_PER_POLLED_DEVICE = 328_000;
/** The process itself: Node, the protos, the profile. */
const PROCESS_BYTES = 100 * 2 ** 20;

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; [k: string]: unknown };

const MODELS: Record<string, { new (data: never): { validate(): void } }> = {
  'v1/Namespace': Namespace,
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/StatefulSet': StatefulSet,
};

/** Every document of a YAML text, read as Kubernetes reads it (YAML 1.1: 0440 is octal). */
function parseYaml(text: string, where: string): unknown[] {
  return parseAllDocuments(text, { version: '1.1', strict: true, uniqueKeys: true }).map((doc, i) => {
    assert.deepEqual(doc.errors.map(String), [], `${where} document ${i + 1} parses`);
    assert.deepEqual(doc.warnings.map(String), [], `${where} document ${i + 1} has no warnings`);
    return doc.toJS();
  }).filter((d) => d !== null);
}

function validate(obj: Obj, where: string): void {
  const Model = MODELS[`${obj.apiVersion}/${obj.kind}`];
  assert.ok(Model, `${where}: ${obj.apiVersion} ${obj.kind} is a kind this test validates`);
  try {
    new Model(obj as never).validate();
  } catch (e) {
    const errors = (e as { errors?: { instancePath: string; message: string }[] }).errors;
    assert.fail(`${where}: ${obj.kind} ${obj.metadata?.name} is not valid: ${errors ? errors.map((x) => `${x.instancePath} ${x.message}`).join('; ') : String(e)}`);
  }
}

function loadManifests(): { files: string[]; objects: Obj[] } {
  const files = readdirSync(k8sDir).filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml').sort();
  const objects: Obj[] = [];
  for (const f of files) {
    for (const doc of parseYaml(readFileSync(path.join(k8sDir, f), 'utf8'), f)) {
      validate(doc as Obj, f);
      objects.push(doc as Obj);
    }
  }
  return { files, objects };
}

function one<K extends string>(objects: Obj[], kind: K): Obj {
  const found = objects.filter((o) => o.kind === kind);
  assert.equal(found.length, 1, `exactly one ${kind}`);
  return found[0];
}

/** `--name=value` and `--name value` arguments as a map (repeated flags keep the last). */
function flagsOf(args: string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(args[i]);
    assert.ok(m, `argument ${JSON.stringify(args[i])} is a --flag`);
    if (m[2] !== undefined) flags.set(m[1], m[2]);
    else if (i + 1 < args.length && !args[i + 1].startsWith('--')) flags.set(m[1], args[++i]);
    else flags.set(m[1], 'true');
  }
  return flags;
}

/** Kubernetes quantities: 1700Mi, 2Gi, 500M, 1. */
function bytes(q: string | number): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(q));
  assert.ok(m, `quantity ${q}`);
  const unit = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * unit;
}

function fleet(objects: Obj[]) {
  const sts = one(objects, 'StatefulSet') as Obj & { spec: { replicas: number; serviceName: string; podManagementPolicy: string; selector: { matchLabels: Record<string, string> }; template: { metadata: Obj['metadata']; spec: { securityContext: Record<string, unknown>; containers: IContainer[]; volumes: IVolume[] } }; volumeClaimTemplates?: { metadata: { name: string } }[] } };
  const pod = sts.spec.template;
  assert.equal(pod.spec.containers.length, 1, 'one container: the device fleet');
  const c = pod.spec.containers[0];
  const flags = flagsOf(c.args ?? []);
  const env = new Map((c.env ?? []).map((e) => [e.name, e]));
  return { sts, pod, c, flags, env };
}

/** Where a volume is mounted in the container, and which volume it is. */
function mountOf(c: IContainer, volumes: IVolume[], dir: string) {
  const mount = (c.volumeMounts ?? []).find((m) => m.mountPath === dir);
  assert.ok(mount, `a volume is mounted at ${dir}`);
  return { mount, volume: volumes.find((v) => v.name === mount.name) };
}

test('every manifest parses and validates against the Kubernetes schemas, and kustomization.yaml lists them all', () => {
  const { files, objects } = loadManifests();
  assert.deepEqual(new Set(objects.map((o) => o.kind)), new Set(['Namespace', 'ConfigMap', 'Secret', 'Service', 'StatefulSet']));
  const kustomization = parseYaml(readFileSync(path.join(k8sDir, 'kustomization.yaml'), 'utf8'), 'kustomization.yaml')[0] as { kind: string; resources: string[]; namespace: string; images: { name: string }[] };
  assert.equal(kustomization.kind, 'Kustomization');
  assert.deepEqual([...kustomization.resources].sort(), files, 'kustomization.yaml lists every manifest, and only those');
  assert.equal(one(objects, 'Namespace').metadata.name, kustomization.namespace);
  assert.deepEqual(kustomization.images.map((i) => i.name), [fleet(objects).c.image], 'the image name kustomize replaces is the one the StatefulSet uses');
});

test('the schema validation catches a malformed StatefulSet (the check can fail)', () => {
  const { objects } = loadManifests();
  const sts = structuredClone(one(objects, 'StatefulSet')) as Obj & { spec: { replicas: unknown; template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } } };
  sts.spec.replicas = 'twenty';
  assert.throws(() => new StatefulSet(sts as never).validate(), /replicas must be integer/);
  const sts2 = structuredClone(one(objects, 'StatefulSet')) as typeof sts;
  delete (sts2.spec as { selector?: unknown }).selector;
  assert.throws(() => new StatefulSet(sts2 as never).validate(), /selector/);
});

test('each pod runs one shard: NCGD_SHARDS is the replica count, the index is the pod ordinal, and the shards cover the fleet', () => {
  const { objects } = loadManifests();
  const { sts, flags, env } = fleet(objects);
  assert.equal(sts.spec.podManagementPolicy, 'Parallel');
  const replicas = sts.spec.replicas;
  assert.equal(env.get('NCGD_SHARDS')?.value, String(replicas), 'NCGD_SHARDS equals spec.replicas');
  assert.equal(env.get('NCGD_SHARD_INDEX')?.valueFrom?.fieldRef?.fieldPath, "metadata.labels['apps.kubernetes.io/pod-index']");
  assert.ok(!flags.has('shard'), 'the shard comes from the pod, not a flag shared by every pod');
  const total = Number(flags.get('devices'));
  assert.ok(Number.isInteger(total), '--devices is the whole fleet');
  let next = 1;
  for (let ordinal = 0; ordinal < replicas; ordinal++) {
    const podName = `${sts.metadata.name}-${ordinal}`;
    // as Kubernetes 1.28+ sets the environment of pod <name>-<ordinal>, and as older ones do
    const withLabel = shardFromEnv({ NCGD_SHARDS: env.get('NCGD_SHARDS')?.value, NCGD_SHARD_INDEX: String(ordinal), HOSTNAME: podName });
    const withoutLabel = shardFromEnv({ NCGD_SHARDS: env.get('NCGD_SHARDS')?.value, NCGD_SHARD_INDEX: '', HOSTNAME: podName });
    assert.deepEqual(withLabel, { index: ordinal, count: replicas });
    assert.deepEqual(withoutLabel, withLabel);
    const r = shardRange(total, withLabel!);
    assert.equal(r.first, next);
    next = r.last + 1;
  }
  assert.equal(next, total + 1, 'the pods run devices 1..--devices, each once');
  assert.equal(total, 100_000, 'the worked example: 100,000 devices');
  assert.equal(replicas, 20, 'on 20 pods');
});

test('the metrics port is one number in the flags, the container, the probes, the headless Service and the scrape annotations', () => {
  const { objects } = loadManifests();
  const { sts, pod, c, flags } = fleet(objects);
  const svc = one(objects, 'Service') as Obj & { spec: { clusterIP: string; selector: Record<string, string>; ports: { name: string; port: number; targetPort: string | number }[] } };
  const port = Number(flags.get('metrics-port'));
  assert.ok(port > 0);
  assert.equal(flags.get('metrics-host'), '0.0.0.0', 'metrics listen on the pod address, where Prometheus and the kubelet reach them');
  const named = (c.ports ?? []).find((p) => p.name === 'metrics');
  assert.equal(named?.containerPort, port);
  for (const probe of [c.startupProbe, c.readinessProbe, c.livenessProbe]) {
    assert.ok(probe, 'startup, readiness and liveness probes');
    assert.equal((probe.httpGet ?? probe.tcpSocket)?.port, 'metrics');
  }
  assert.equal(svc.spec.clusterIP, 'None', 'headless');
  assert.equal(sts.spec.serviceName, svc.metadata.name);
  assert.deepEqual(svc.spec.ports.map((p) => [p.name, p.port, p.targetPort]), [['metrics', port, 'metrics']]);
  for (const [k, v] of Object.entries(svc.spec.selector)) assert.equal(pod.metadata.labels?.[k], v, `the Service selects the pods (${k})`);
  for (const [k, v] of Object.entries(sts.spec.selector.matchLabels)) assert.equal(pod.metadata.labels?.[k], v, `the StatefulSet selects its pods (${k})`);
  for (const a of [pod.metadata.annotations, svc.metadata.annotations]) {
    assert.equal(a?.['prometheus.io/scrape'], 'true');
    assert.equal(a?.['prometheus.io/port'], String(port));
    assert.equal(a?.['prometheus.io/path'], '/metrics');
  }
});

test('the Secret and the ConfigMap are mounted as files where --secret-file and --config read them; no secret in the spec', () => {
  const { objects } = loadManifests();
  const { pod, c, flags } = fleet(objects);
  const secret = one(objects, 'Secret') as Obj & { stringData?: Record<string, string>; data?: Record<string, string> };
  const cm = one(objects, 'ConfigMap') as Obj & { data: Record<string, string> };

  const secretFile = flags.get('secret-file')!;
  const s = mountOf(c, pod.spec.volumes, path.posix.dirname(secretFile));
  assert.equal(s.volume?.secret?.secretName, secret.metadata.name);
  assert.equal(s.mount.readOnly, true);
  const mode = s.volume?.secret?.defaultMode;
  assert.ok(mode !== undefined && (mode & 0o007) === 0 && (mode & 0o222) === 0, `the secret file is read-only and not world-readable (mode ${mode?.toString(8)})`);
  const key = path.posix.basename(secretFile);
  assert.ok(secret.stringData?.[key] ?? secret.data?.[key], `the Secret holds the key ${key}`);
  assert.ok(!flags.has('secret'), 'no --secret on the command line');
  const value = secret.stringData?.[key] ?? Buffer.from(secret.data![key], 'base64').toString();
  const spec = JSON.stringify({ args: c.args, env: c.env, cm: cm.data });
  assert.ok(!spec.includes(value), 'the secret value is nowhere in the pod spec or the ConfigMap');

  const configFile = flags.get('config')!;
  const m = mountOf(c, pod.spec.volumes, path.posix.dirname(configFile));
  assert.equal(m.volume?.configMap?.name, cm.metadata.name);
  assert.equal(m.mount.readOnly, true);
  const conf = cm.data[path.posix.basename(configFile)];
  assert.ok(conf, `the ConfigMap holds ${path.posix.basename(configFile)}`);
  // Junos syntax, as a device shows it: balanced braces, one client, its device-id, a server
  // with a port and a trusted-cert that is a certificate; the secret comes from the Secret.
  const code = conf.replace(/"[^"]*"/g, '""').replace(/#.*$/gm, '');
  assert.equal((code.match(/\{/g) ?? []).length, (code.match(/\}/g) ?? []).length, 'balanced braces');
  assert.match(conf, /^system \{\n {4}services \{\n {8}outbound-https \{\n {12}client \S+ \{$/m);
  assert.match(conf, /^ {16}device-id [a-z][\w-]*;$/m);
  assert.match(conf, /^ {16}servers \S+ \{\n {20}port \d+;\n {20}trusted-cert "[^"]+";$/m);
  assert.doesNotMatch(conf, /\bsecret\b/, 'no secret statement in the ConfigMap');
  const body = /trusted-cert "([^"]+)"/.exec(conf)![1];
  const cert = new X509Certificate(`-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`);
  assert.match(cert.subject, /CN=/);
});

test('the pods run non-root on a read-only root filesystem; state and /tmp are volumes; memory holds the shard', () => {
  const { objects } = loadManifests();
  const { sts, pod, c, flags, env } = fleet(objects);
  const psc = pod.spec.securityContext as { runAsNonRoot: boolean; runAsUser: number; runAsGroup: number; fsGroup: number; seccompProfile: { type: string } };
  assert.equal(psc.runAsNonRoot, true);
  assert.ok(psc.runAsUser > 0 && psc.runAsGroup > 0 && psc.fsGroup === psc.runAsGroup);
  assert.equal(psc.seccompProfile.type, 'RuntimeDefault');
  const csc = c.securityContext!;
  assert.equal(csc.allowPrivilegeEscalation, false);
  assert.equal(csc.readOnlyRootFilesystem, true);
  assert.deepEqual(csc.capabilities?.drop, ['ALL']);
  assert.equal(c.securityContext?.privileged, undefined);

  const stateDir = flags.get('state-dir')!;
  const state = (c.volumeMounts ?? []).find((m) => m.mountPath === stateDir);
  assert.ok(state && !state.readOnly, 'the state directory is a writable volume');
  assert.ok(sts.spec.volumeClaimTemplates?.some((t) => t.metadata.name === state.name), 'state is a per-pod volume claim (the same devices find their state after a restart)');
  const tmp = mountOf(c, pod.spec.volumes, '/tmp');
  assert.ok(tmp.volume?.emptyDir && !tmp.mount.readOnly, '/tmp (run directory, sockets) is a writable emptyDir');

  const devicesPerPod = Math.ceil(Number(flags.get('devices')) / sts.spec.replicas);
  const request = bytes(c.resources!.requests!.memory as string);
  const limit = bytes(c.resources!.limits!.memory as string);
  const needed = devicesPerPod * MEASURED_BYTES_PER_POLLED_DEVICE + PROCESS_BYTES;
  assert.ok(request >= needed, `memory request ${request} holds ${devicesPerPod} polled devices (${needed} bytes)`);
  assert.ok(limit >= request);
  assert.ok(needed <= limit * GUARD_LOW, `a polled shard (${needed} bytes) stays under the memory guard's low mark of the limit ${limit}`);
  const heap = /--max-old-space-size=(\d+)/.exec(env.get('NODE_OPTIONS')?.value ?? '');
  assert.ok(heap && Number(heap[1]) * 2 ** 20 < limit, 'the V8 heap limit is below the memory limit');
});

test('the Containerfile: official Node 20 base, build then runtime stage, the user and state volume of the manifests, the CLI as entry point', () => {
  const text = readFileSync(path.join(root, 'deploy/Containerfile'), 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() && !l.startsWith('#'));
  const base = /^ARG NODE_IMAGE=(\S+)$/m.exec(text)?.[1];
  assert.match(base ?? '', /^node:20(\.\d+)*-(bookworm|bullseye|trixie)(-slim)?$/, 'the official node:20 image');
  assert.deepEqual(lines.filter((l) => l.startsWith('FROM')), ['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
  assert.match(text, /^RUN npm ci .*$/m);
  assert.match(text, /npm run build/);
  assert.match(text, /npm prune --omit=dev/);
  // every path copied from the build context exists in the repository
  for (const l of lines.filter((x) => x.startsWith('COPY') && !x.includes('--from'))) {
    for (const src of l.split(/\s+/).slice(1, -1)) assert.ok(existsSync(path.join(root, src)), `COPY ${src}: it exists`);
  }
  const { objects } = loadManifests();
  const { pod, flags } = fleet(objects);
  const user = /^USER (\d+):(\d+)$/m.exec(text);
  const psc = pod.spec.securityContext as { runAsUser: number; runAsGroup: number };
  assert.deepEqual([Number(user?.[1]), Number(user?.[2])], [psc.runAsUser, psc.runAsGroup], 'the image user is the pod user');
  assert.equal(/^VOLUME \["([^"]+)"\]$/m.exec(text)?.[1], flags.get('state-dir'));
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(text);
  assert.ok(entry);
  assert.equal((JSON.parse(entry[1]) as string[]).at(-1), `/app/${pkg.bin['nc-grpc-device']}`, 'the entry point is the CLI of package.json');
});

test('every flag the manifests pass exists in the CLI', async () => {
  const { objects } = loadManifests();
  const { flags } = fleet(objects);
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
  const cli = path.join(root, pkg.bin['nc-grpc-device']);
  const { stdout } = await run(process.execPath, [cli, '--help'], { timeout: 30_000 });
  const known = new Set([...stdout.matchAll(/^\s+(?:-\w, )?--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]));
  assert.ok(known.has('devices') && known.has('config'), '--help lists the device flags');
  for (const name of flags.keys()) assert.ok(known.has(name), `--${name} is not a flag of the CLI`);
});

async function kubectl(): Promise<string | undefined> {
  try {
    await run('kubectl', ['version', '--client'], { timeout: 30_000 });
    return 'kubectl';
  } catch {
    return undefined;
  }
}

const kubectlPath = await kubectl();

test('kubectl kustomize renders the manifests offline, and the rendering validates', { skip: kubectlPath ? false : 'kubectl is not installed' }, async () => {
  const { stdout } = await run(kubectlPath!, ['kustomize', k8sDir], { timeout: 60_000, maxBuffer: 16 * 2 ** 20 });
  const rendered = parseYaml(stdout, 'kubectl kustomize') as Obj[];
  for (const o of rendered) validate(o, 'kubectl kustomize');
  const kinds = rendered.map((o) => o.kind).sort();
  assert.deepEqual(kinds, ['ConfigMap', 'Namespace', 'Secret', 'Service', 'StatefulSet']);
  for (const o of rendered.filter((x) => x.kind !== 'Namespace')) assert.equal(o.metadata.namespace, 'nc-grpc-device', `${o.kind} is in the namespace`);
  const { c, pod } = fleet(rendered);
  assert.equal(c.image, 'registry.example.net/nc-grpc-device:0.1.0');
  const secretVolume = pod.spec.volumes.find((v) => v.secret);
  assert.equal(secretVolume?.secret?.defaultMode, 0o440, 'kustomize reads 0440 as octal, as this test does');
});
