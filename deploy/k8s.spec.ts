// Consistency of the Kubernetes manifests (deploy/k8s, docs/kubernetes.md) with the apps themselves, the way
// deploy/compose.spec.ts checks docker-compose.yml: the base and the production overlay are rendered
// (`kubectl kustomize`, or the in-code equivalent of tools/deploy/k8s-render.ts without kubectl), every rendered object
// is validated against the Kubernetes schemas (kubernetes-models; a kind it does not know fails), and checked against
// deploy/services.json, the apps' config classes and the public routes of deploy/proxy/nginx.conf.
//
//   npx jest --selectProjects deploy deploy/k8s.spec.ts
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse, stringify } from 'yaml';
import { declaredVariables, loadConfig, requiredVariables } from '@crm/config';
import { kafkaSecurity, type KafkaSecuritySettings } from '@crm/messaging';
import { selfSignedCertificate } from '@crm/testing';
import { loadDefinitions, type AppDefinition } from '../tools/deploy/deploy-files';
import { CONFIG_MAP, K8S_APPS_FILE, KAFKA_TLS_DIR, KAFKA_TLS_SECRET, loadSharedKeys, MIGRATE_CLI, renderK8sApps, SECRET } from '../tools/deploy/k8s-manifests';
import { decodeData, kubectlAvailable, podSpecOf, renderInCode, renderKustomization, renderWithKubectl, splitImage, type K8sObject } from '../tools/deploy/k8s-render';
import { loadServices, type ServiceEntry } from '../tools/deploy/service-catalog';

const ROOT = path.resolve(__dirname, '..');
const K8S = path.join(ROOT, 'deploy/k8s');
const SERVICES = loadServices(ROOT);
const DEFINITIONS = loadDefinitions(SERVICES);
/** Variables that are secrets: only ever from a Secret, never a literal or a ConfigMap (the first three always exist). */
const SECRET_VARIABLES = ['SECRETS_KEY', 'AUTH_JWT_SECRET', 'DATABASE_URL', 'KAFKA_SASL_PASSWORD'];
const BASE_SECRET_KEYS = SECRET_VARIABLES.slice(0, 3);
const PRODUCTION_NAMESPACE = 'crm-channels';

// ---------------------------------------------------------------------------------------------------------------------
// Rendering and schema validation

/** A copy of deploy/k8s whose overlay has the secrets.env it needs (from secrets.env.example), so it renders. */
function renderableCopy(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'crm-k8s-'));
  cpSync(K8S, path.join(dir, 'k8s'), { recursive: true });
  const overlay = path.join(dir, 'k8s/overlays/production');
  cpSync(path.join(overlay, 'secrets.env.example'), path.join(overlay, 'secrets.env'));
  return path.join(dir, 'k8s');
}

/** Validates an object against the Kubernetes schema of its apiVersion/kind; throws for kinds kubernetes-models lacks. */
export function validateObject(o: K8sObject): void {
  const where = `${String(o.kind)} ${String(o.metadata?.name)}`;
  let model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    model = (require(`kubernetes-models/${String(o.apiVersion)}`) as Record<string, typeof model>)[String(o.kind)];
  } catch {
    model = undefined;
  }
  if (typeof model !== 'function') throw new Error(`${where}: unknown kind ${String(o.apiVersion)}/${String(o.kind)} (no schema to validate it against)`);
  try {
    new model(o).validate();
  } catch (err) {
    throw new Error(`${where}: ${(err as Error).message}`, { cause: err });
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// The checker

type Env = Array<Record<string, any>>;

function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata?.name === name);
}

/** kubectl appends a content hash to generated ConfigMap/Secret names: the object a reference means. */
function generated(objects: K8sObject[], kind: 'ConfigMap' | 'Secret', ref: string | undefined, base: string): K8sObject | undefined {
  if (ref === undefined || !(ref === base || new RegExp(`^${base}-[a-z0-9]{10}$`).test(ref))) return undefined;
  return find(objects, kind, ref);
}

/** Where an env var's value comes from, or the problem with its source. */
function envSource(objects: K8sObject[], entry: Record<string, any>): { from: 'value' | 'config' | 'secret' | 'field'; key?: string; ref?: string; optional?: boolean; value?: string } | string {
  const cm = entry.valueFrom?.configMapKeyRef;
  const sec = entry.valueFrom?.secretKeyRef;
  if (entry.value !== undefined) return { from: 'value' };
  if (entry.valueFrom?.fieldRef) return { from: 'field' };
  if (cm) {
    const o = generated(objects, 'ConfigMap', cm.name, CONFIG_MAP);
    if (!o) return `ConfigMap ${String(cm.name)} does not exist`;
    const data = decodeData(o);
    return cm.key in data ? { from: 'config', key: cm.key, ref: cm.name, value: data[cm.key] } : `ConfigMap ${String(cm.name)} has no key ${String(cm.key)}`;
  }
  if (sec) {
    const o = generated(objects, 'Secret', sec.name, SECRET);
    if (!o) return `Secret ${String(sec.name)} does not exist`;
    // An optional reference to a key the Secret lacks leaves the variable unset (a setting not used), which is fine.
    return sec.key in decodeData(o) || sec.optional === true ? { from: 'secret', key: sec.key, ref: sec.name, optional: sec.optional === true } : `Secret ${String(sec.name)} has no key ${String(sec.key)}`;
  }
  return 'no value';
}

/** Variables naming a file the app reads at boot: the path must lie in one of the container's mounts. */
const FILE_VARIABLES = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'];

function checkEnv(objects: K8sObject[], name: string, def: AppDefinition, env: Env, port: number, mounts: string[] = []): string[] {
  const problems: string[] = [];
  const required = new Set(requiredVariables(def.configClass));
  const declared = new Set(declaredVariables(def.configClass));
  const provided = new Set<string>();
  const nodeOptions = env.find((e) => e.name === 'NODE_OPTIONS')?.value;
  const wanted = SERVICES.find((s) => s.name === name)?.nodeOptions;
  if (nodeOptions !== wanted) problems.push(`${name}: NODE_OPTIONS must be the nodeOptions of deploy/services.json (${wanted ?? 'none'}), got "${String(nodeOptions ?? '')}"`);
  for (const entry of env.filter((e) => e.name !== 'NODE_OPTIONS')) {
    const source = envSource(objects, entry);
    if (typeof source === 'string') problems.push(`${name}: env ${String(entry.name)}: ${source}`);
    else provided.add(entry.name);
    if (!declared.has(entry.name)) problems.push(`${name}: ${String(entry.name)} is not a variable of its config class`);
    if (SECRET_VARIABLES.includes(entry.name) && (typeof source === 'string' || source.from !== 'secret')) problems.push(`${name}: ${String(entry.name)} must come from the Secret`);
    if (typeof source !== 'string' && source.optional && required.has(entry.name)) problems.push(`${name}: required variable ${String(entry.name)} must not be an optional reference`);
    const file = typeof source === 'string' ? undefined : (source.value ?? entry.value);
    if (FILE_VARIABLES.includes(entry.name) && file && !mounts.some((m) => file.startsWith(`${m.replace(/\/$/, '')}/`))) {
      problems.push(`${name}: ${String(entry.name)}=${String(file)} is in none of the container's mounts (${mounts.join(', ') || 'none'})`);
    }
  }
  for (const variable of requiredVariables(def.configClass)) {
    if (!provided.has(variable)) problems.push(`${name}: required variable ${variable} is not provided`);
  }
  const portValue = env.find((e) => e.name === 'PORT')?.value;
  if (portValue !== String(port)) problems.push(`${name}: PORT must be ${port}, got "${String(portValue ?? '')}"`);
  return problems;
}

function checkProbe(name: string, container: Record<string, any>, probe: string, pathExpected: string, port: number): string[] {
  const get = container[probe]?.httpGet;
  if (!get) return [`${name}: no ${probe}`];
  const problems: string[] = [];
  if (get.path !== pathExpected) problems.push(`${name}: ${probe} must GET ${pathExpected}, got ${String(get.path)}`);
  const ports = container.ports ?? [];
  if (!(get.port === port || ports.some((p: any) => p.name === get.port && p.containerPort === port))) problems.push(`${name}: ${probe} is not on port ${port}`);
  return problems;
}

function matches(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** Migration wait before the app: same image, the CLI's `wait`, DATABASE_URL from the Secret. */
function checkInitContainer(objects: K8sObject[], name: string, pod: Record<string, any>, image: string): string[] {
  const init = (pod.initContainers ?? []).find((c: any) => [...(c.command ?? []), ...(c.args ?? [])].join(' ').includes(`${MIGRATE_CLI} wait`));
  if (!init) return [`${name}: no init container running "node ${MIGRATE_CLI} wait"`];
  const problems: string[] = [];
  if (init.image !== image) problems.push(`${name}: the migration wait must use the app's image ${image}, got ${String(init.image)}`);
  const db = (init.env ?? []).find((e: any) => e.name === 'DATABASE_URL');
  const source = db ? envSource(objects, db) : 'missing';
  if (typeof source === 'string' || source.from !== 'secret') problems.push(`${name}: the migration wait needs DATABASE_URL from the Secret`);
  return problems;
}

function checkApp(objects: K8sObject[], s: ServiceEntry, def: AppDefinition): string[] {
  const deployment = find(objects, 'Deployment', s.name);
  if (!deployment) return [`${s.name}: no Deployment`];
  const problems: string[] = [];
  const pod = podSpecOf(deployment)!;
  const podLabels = deployment.spec.template.metadata?.labels;
  if (!matches(deployment.spec.selector?.matchLabels, podLabels)) problems.push(`${s.name}: Deployment selector does not select its pods`);
  const container = (pod.containers ?? [])[0];
  if (!container) return [...problems, `${s.name}: no container`];
  const ports = (container.ports ?? []).map((p: any) => p.containerPort);
  if (ports.length !== 1 || ports[0] !== s.port) problems.push(`${s.name}: container ports must be [${s.port}], got [${ports.join(', ')}]`);
  problems.push(...checkProbe(s.name, container, 'livenessProbe', '/health/live', s.port), ...checkProbe(s.name, container, 'readinessProbe', '/health/ready', s.port));
  for (const kind of ['requests', 'limits']) {
    for (const resource of ['cpu', 'memory']) if (!container.resources?.[kind]?.[resource]) problems.push(`${s.name}: no ${resource} ${kind}`);
  }
  const mounts = (container.volumeMounts ?? []).map((m: any) => String(m.mountPath));
  problems.push(...checkEnv(objects, s.name, def, container.env ?? [], s.port, mounts), ...checkInitContainer(objects, s.name, pod, container.image));
  problems.push(...checkKafkaTlsVolume(s.name, def, pod, container));

  const service = find(objects, 'Service', s.name);
  if (!service) problems.push(`${s.name}: no Service`);
  else {
    if (!matches(service.spec.selector, podLabels)) problems.push(`${s.name}: Service selector does not select the Deployment's pods`);
    const p = (service.spec.ports ?? [])[0];
    if (!p || p.port !== s.port || !(p.targetPort === s.port || p.targetPort === (container.ports ?? [])[0]?.name)) problems.push(`${s.name}: Service must expose ${s.port} onto the container port`);
  }
  const pdb = find(objects, 'PodDisruptionBudget', s.name);
  if (!pdb) problems.push(`${s.name}: no PodDisruptionBudget`);
  else if (!matches(pdb.spec.selector?.matchLabels, podLabels)) problems.push(`${s.name}: PodDisruptionBudget does not select the Deployment's pods`);
  return problems;
}

/** A Kafka client mounts the optional Secret of the TLS files read-only at KAFKA_TLS_DIR, readable by the app's group. */
function checkKafkaTlsVolume(name: string, def: AppDefinition, pod: Record<string, any>, container: Record<string, any>): string[] {
  if (!declaredVariables(def.configClass).includes('KAFKA_SSL_CA_FILE')) return [];
  const volume = (pod.volumes ?? []).find((v: any) => v.secret?.secretName === KAFKA_TLS_SECRET);
  const mount = volume && (container.volumeMounts ?? []).find((m: any) => m.name === volume.name);
  if (!volume || !mount || mount.mountPath !== KAFKA_TLS_DIR || mount.readOnly !== true) return [`${name}: the Secret ${KAFKA_TLS_SECRET} must be mounted read-only at ${KAFKA_TLS_DIR} (Kafka TLS files)`];
  const problems: string[] = [];
  if (volume.secret.optional !== true) problems.push(`${name}: the ${KAFKA_TLS_SECRET} volume must be optional (a plaintext Kafka has no such Secret)`);
  if (pod.securityContext?.fsGroup === undefined) problems.push(`${name}: no fsGroup: the non-root app cannot read the ${KAFKA_TLS_SECRET} files`);
  return problems;
}

function checkJob(objects: K8sObject[]): string[] {
  const jobs = objects.filter((o) => o.kind === 'Job');
  const job = jobs.find((j) => (podSpecOf(j)?.containers ?? []).some((c: any) => [...(c.command ?? []), ...(c.args ?? [])].join(' ').includes(`${MIGRATE_CLI} up`)));
  if (!job) return [`no Job running "node ${MIGRATE_CLI} up"`];
  const problems: string[] = [];
  const pod = podSpecOf(job)!;
  if (!['Never', 'OnFailure'].includes(pod.restartPolicy)) problems.push(`Job ${String(job.metadata.name)}: restartPolicy must be Never or OnFailure`);
  const container = pod.containers[0];
  const appImages = objects.filter((o) => o.kind === 'Deployment').map((d) => podSpecOf(d)!.containers[0].image);
  if (!appImages.includes(container.image)) problems.push(`Job ${String(job.metadata.name)}: must run an app image of this release, got ${String(container.image)}`);
  const db = (container.env ?? []).find((e: any) => e.name === 'DATABASE_URL');
  const source = db ? envSource(objects, db) : 'missing';
  if (typeof source === 'string' || source.from !== 'secret') problems.push(`Job ${String(job.metadata.name)}: needs DATABASE_URL from the Secret`);
  return problems;
}

/** The proxying locations of deploy/proxy/nginx.conf: path → { upstream host:port, unbuffered }. */
export function nginxRoutes(text: string): Map<string, { upstream: string; streaming: boolean }> {
  const routes = new Map<string, { upstream: string; streaming: boolean }>();
  // upstream <group> { … server <host:port> …; }
  const groups = new Map([...text.matchAll(/upstream\s+(\w+)\s*\{[^}]*?server\s+([\w.-]+:\d+)[^}]*\}/g)].map((m) => [m[1], m[2]]));
  for (const m of text.matchAll(/location\s+(?:\^~\s+)?(\/[^\s{]*)\s*\{([^}]*)\}/g)) {
    const pass = /proxy_pass\s+http:\/\/(\w+);/.exec(m[2]);
    const upstream = pass && groups.get(pass[1]);
    if (!upstream) continue;
    routes.set(m[1], { upstream, streaming: /proxy_buffering\s+off;/.test(m[2]) });
  }
  return routes;
}

function checkIngress(objects: K8sObject[], nginx: Map<string, { upstream: string; streaming: boolean }>): string[] {
  const problems: string[] = [];
  const seen = new Map<string, { upstream: string; ingress: K8sObject }>();
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    for (const rule of ingress.spec.rules ?? []) {
      for (const p of rule.http?.paths ?? []) {
        const backend = p.backend?.service;
        const svc = find(objects, 'Service', backend?.name);
        if (!svc || !(svc.spec.ports ?? []).some((sp: any) => sp.port === backend?.port?.number)) problems.push(`Ingress ${String(ingress.metadata.name)}: ${String(p.path)} goes to no Service port (${String(backend?.name)}:${String(backend?.port?.number)})`);
        if (p.pathType !== 'Prefix') problems.push(`Ingress ${String(ingress.metadata.name)}: ${String(p.path)} must be pathType Prefix like its nginx location`);
        seen.set(p.path, { upstream: `${String(backend?.name)}:${String(backend?.port?.number)}`, ingress });
      }
    }
  }
  for (const [route, { upstream, streaming }] of nginx) {
    const got = seen.get(route);
    if (!got) {
      problems.push(`Ingress: no path ${route} (nginx.conf sends it to ${upstream})`);
      continue;
    }
    if (got.upstream !== upstream) problems.push(`Ingress: ${route} goes to ${got.upstream}, nginx.conf sends it to ${upstream}`);
    const a = got.ingress.metadata.annotations ?? {};
    if (streaming && (a['nginx.ingress.kubernetes.io/proxy-buffering'] !== 'off' || Number(a['nginx.ingress.kubernetes.io/proxy-read-timeout'] ?? 60) < 300)) {
      problems.push(`Ingress: ${route} streams (WebSocket/SSE): its Ingress needs proxy-buffering "off" and a long proxy-read-timeout`);
    }
  }
  for (const route of seen.keys()) if (!nginx.has(route)) problems.push(`Ingress: ${route} is not a public route of nginx.conf`);
  return problems;
}

/** Every problem of rendered manifests with respect to the apps; [] when they are consistent. Pure. */
export function checkManifests(objects: K8sObject[], services: readonly ServiceEntry[], definitions: readonly AppDefinition[], nginx: Map<string, { upstream: string; streaming: boolean }>): string[] {
  const byName = new Map(definitions.map((d) => [d.service, d]));
  return [
    ...services.flatMap((s) => checkApp(objects, s, byName.get(s.name)!)),
    ...objects.filter((o) => o.kind === 'Deployment' && !services.some((s) => s.name === o.metadata.name)).map((o) => `Deployment ${String(o.metadata.name)} is not an app of deploy/services.json`),
    ...checkJob(objects),
    ...checkIngress(objects, nginx),
  ];
}

/** What the production overlay must add: namespace, one pinned release tag, replicas, TLS for a real host. */
export function checkProduction(objects: K8sObject[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    if (o.kind !== 'Namespace' && o.metadata.namespace !== PRODUCTION_NAMESPACE) problems.push(`${String(o.kind)} ${String(o.metadata.name)}: not in namespace ${PRODUCTION_NAMESPACE}`);
  }
  const images = objects.flatMap((o) => [...(podSpecOf(o)?.initContainers ?? []), ...(podSpecOf(o)?.containers ?? [])].map((c: any) => String(c.image)));
  const tags = new Set(images.map((i) => splitImage(i)[1]));
  if (tags.size !== 1 || tags.has('latest') || tags.has('local')) problems.push(`images must share one pinned release tag, got ${[...tags].join(', ')}`);
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    if (!(d.spec.replicas >= 2)) problems.push(`Deployment ${String(d.metadata.name)}: fewer than 2 replicas`);
  }
  for (const ingress of objects.filter((o) => o.kind === 'Ingress')) {
    const tls = new Set((ingress.spec.tls ?? []).flatMap((t: any) => t.hosts ?? []));
    for (const rule of ingress.spec.rules ?? []) if (!tls.has(rule.host)) problems.push(`Ingress ${String(ingress.metadata.name)}: no TLS for ${String(rule.host)}`);
  }
  return problems;
}

/** The environment the app container of `deployment` gets (ConfigMap and Secret keys resolved; a missing optional key unset). */
function podEnv(objects: K8sObject[], deployment: K8sObject): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const entry of podSpecOf(deployment)!.containers[0].env as Env) {
    const source = envSource(objects, entry);
    if (typeof source === 'string') throw new Error(`${String(deployment.metadata.name)}: ${source}`);
    if (source.from === 'value') env[entry.name] = entry.value;
    else if (source.from === 'config') env[entry.name] = source.value;
    else if (source.from === 'secret') {
      const secret = generated(objects, 'Secret', source.ref, SECRET)!;
      const value = decodeData(secret)[source.key!];
      if (value !== undefined) env[entry.name] = value;
    }
  }
  return env;
}

// ---------------------------------------------------------------------------------------------------------------------

/** What secrets.env holds instead of the example's placeholders (which the apps refuse at boot, as they should). */
const REAL_SECRETS = { SECRETS_KEY: Buffer.alloc(32, 1).toString('base64'), AUTH_JWT_SECRET: 'a-jwt-secret-of-32-characters-xx' };

const copyOf = (objects: K8sObject[]): K8sObject[] => structuredClone(objects);
const deploymentOf = (objects: K8sObject[], name: string) => find(objects, 'Deployment', name)!;

describe('deploy/k8s (Kubernetes manifests)', () => {
  const NGINX = nginxRoutes(readFileSync(path.join(ROOT, 'deploy/proxy/nginx.conf'), 'utf8'));
  let dir: string;
  let base: K8sObject[];
  let production: K8sObject[];

  beforeAll(() => {
    dir = renderableCopy();
    base = renderKustomization(path.join(dir, 'base'));
    production = renderKustomization(path.join(dir, 'overlays/production'));
  });
  afterAll(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it(`apps.generated.yaml is what deploy/services.json renders (else run: node tools/build.js && node dist/tools/deploy/generate.js)`, () => {
    expect(readFileSync(path.join(ROOT, K8S_APPS_FILE), 'utf8')).toBe(renderK8sApps(SERVICES, DEFINITIONS, loadSharedKeys(ROOT)));
  });

  it('every rendered object of the base and the overlay is valid against the Kubernetes schemas', () => {
    for (const objects of [base, production]) {
      expect(objects.length).toBeGreaterThan(SERVICES.length * 3);
      for (const o of objects) expect(() => validateObject(o)).not.toThrow();
    }
  });

  it('validation rejects a broken object and a kind it has no schema for', () => {
    const broken = copyOf(base);
    deploymentOf(broken, 'api').spec.template.spec.containers[0].ports[0].containerPort = 'three thousand';
    expect(() => validateObject(deploymentOf(broken, 'api'))).toThrow(/containerPort must be integer/);
    expect(() => validateObject({ apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'x' } })).toThrow(/unknown kind/);
    expect(() => validateObject({ apiVersion: 'v1', kind: 'Frobnicator', metadata: { name: 'x' } })).toThrow(/unknown kind/);
  });

  it('base and production are consistent with every app, the migration Job and the public routes', () => {
    expect([...NGINX.keys()].sort()).toEqual([...SERVICES.flatMap((s) => s.routes), '/api/v1/events'].sort());
    expect(checkManifests(base, SERVICES, DEFINITIONS, NGINX)).toEqual([]);
    expect(checkManifests(production, SERVICES, DEFINITIONS, NGINX)).toEqual([]);
  });

  it('production: namespace, one pinned image tag, replicas, TLS on a real host', () => {
    expect(checkProduction(production)).toEqual([]);
    expect(checkProduction(base).length).toBeGreaterThan(0);
    const hosts = production.filter((o) => o.kind === 'Ingress').flatMap((i) => i.spec.rules.map((r: any) => r.host));
    expect(hosts.length).toBe(2);
  });

  it('keeps real secrets out of git: base placeholders only, the overlay reads a git-ignored file', () => {
    const secret = base.find((o) => o.kind === 'Secret')!;
    const values = decodeData(secret);
    expect(Object.keys(values)).toEqual(expect.arrayContaining(BASE_SECRET_KEYS));
    for (const v of Object.values(values)) expect(v).toMatch(/REPLACE-ME/);
    expect(readFileSync(path.join(K8S, '.gitignore'), 'utf8')).toMatch(/^overlays\/\*\/secrets\.env$/m);
    expect(existsSync(path.join(K8S, 'overlays/production/secrets.env.example'))).toBe(true);
    const exampleKeys = readFileSync(path.join(K8S, 'overlays/production/secrets.env.example'), 'utf8').split('\n').filter((l) => /^[A-Z]/.test(l)).map((l) => l.split('=')[0]);
    expect(exampleKeys.sort()).toEqual(Object.keys(values).sort());
  });

  it('the in-code renderer agrees with kubectl kustomize (names without the content hash)', () => {
    const inCode = (d: string) => normalize(renderInCode(d));
    if (kubectlAvailable()) {
      for (const d of [path.join(dir, 'base'), path.join(dir, 'overlays/production')]) expect(inCode(d)).toEqual(normalize(renderWithKubectl(d)));
    } else {
      expect(checkManifests(renderInCode(path.join(dir, 'base')), SERVICES, DEFINITIONS, NGINX)).toEqual([]);
    }
  });

  it('an overlay turning Kafka TLS + SASL on is config only, and every app boots its Kafka client from what the pod gets', async () => {
    // The production overlay of a copy, as docs/kubernetes.md says: the settings merged into crm-config, the password
    // in secrets.env, the CA in the Secret crm-kafka-tls (mounted by the base; here a local directory stands in for it).
    const overlay = path.join(dir, 'overlays/production');
    const kustomization = parse(readFileSync(path.join(overlay, 'kustomization.yaml'), 'utf8')) as { configMapGenerator: Array<{ literals: string[] }> };
    kustomization.configMapGenerator[0].literals.push('KAFKA_SSL=true', `KAFKA_SSL_CA_FILE=${KAFKA_TLS_DIR}/ca.crt`, 'KAFKA_SASL_MECHANISM=scram-sha-512', 'KAFKA_SASL_USERNAME=crm');
    const secure = mkdtempSync(path.join(tmpdir(), 'crm-k8s-secure-'));
    try {
      cpSync(overlay, path.join(secure, 'production'), { recursive: true });
      cpSync(path.join(dir, 'base'), path.join(secure, 'base'), { recursive: true });
      writeFileSync(path.join(secure, 'production/kustomization.yaml'), stringify(kustomization).replace('../../base', '../base'));
      appendFileSync(path.join(secure, 'production/secrets.env'), '\nKAFKA_SASL_PASSWORD=s3cret-of-the-crm-user\n');
      const objects = renderKustomization(path.join(secure, 'production'));
      expect(checkManifests(objects, SERVICES, DEFINITIONS, NGINX)).toEqual([]);
      const ca = await selfSignedCertificate(secure, 'kafka-ca', 'changeit');
      for (const def of DEFINITIONS.filter((d) => declaredVariables(d.configClass).includes('KAFKA_SSL_CA_FILE'))) {
        const env: NodeJS.ProcessEnv = { ...podEnv(objects, deploymentOf(objects, def.service)), ...REAL_SECRETS };
        expect(env.KAFKA_SSL_CA_FILE).toBe(`${KAFKA_TLS_DIR}/ca.crt`);
        env.KAFKA_SSL_CA_FILE = ca.pemFile; // the mounted Secret's file, here
        const config = loadConfig(def.configClass, env, def.service) as unknown as KafkaSecuritySettings;
        const security = kafkaSecurity(config);
        expect({ app: def.service, ca: security.ssl?.ca?.toString(), sasl: security.sasl }).toEqual({
          app: def.service,
          ca: readFileSync(ca.pemFile, 'utf8'),
          sasl: { mechanism: 'scram-sha-512', username: 'crm', password: 's3cret-of-the-crm-user' },
        });
      }
    } finally {
      rmSync(secure, { recursive: true, force: true });
    }
  });

  it('without those settings (no crm-kafka-tls Secret, no password in secrets.env) every app boots with a plaintext Kafka client', () => {
    for (const def of DEFINITIONS.filter((d) => declaredVariables(d.configClass).includes('KAFKA_SSL_CA_FILE'))) {
      const env = { ...podEnv(production, deploymentOf(production, def.service)), ...REAL_SECRETS };
      expect(kafkaSecurity(loadConfig(def.configClass, env, def.service) as unknown as KafkaSecuritySettings)).toEqual({});
    }
  });

  describe('checkManifests reports exactly the problem planted in a copy', () => {
    const check = (objects: K8sObject[]) => checkManifests(objects, SERVICES, DEFINITIONS, NGINX);

    it('an app without Deployment, Service or PodDisruptionBudget', () => {
      const bad = copyOf(production).filter((o) => !(o.metadata.name === 'lead-routing' && ['Deployment', 'Service', 'PodDisruptionBudget'].includes(o.kind)));
      expect(check(bad)).toEqual(['lead-routing: no Deployment']);
      const noPdb = copyOf(production).filter((o) => !(o.metadata.name === 'integrations' && o.kind === 'PodDisruptionBudget'));
      expect(check(noPdb)).toEqual(['integrations: no PodDisruptionBudget']);
    });

    it('a required variable missing from an app', () => {
      const bad = copyOf(production);
      const container = deploymentOf(bad, 'connector-vk').spec.template.spec.containers[0];
      container.env = container.env.filter((e: any) => e.name !== 'KAFKA_BROKERS');
      expect(check(bad)).toEqual(['connector-vk: required variable KAFKA_BROKERS is not provided']);
    });

    it('a variable referencing a key the ConfigMap does not have, and a secret as a literal', () => {
      const bad = copyOf(production);
      const env = deploymentOf(bad, 'integrations').spec.template.spec.containers[0].env;
      env.find((e: any) => e.name === 'KAFKA_BROKERS').valueFrom.configMapKeyRef.key = 'KAFKA_BROKER';
      env.splice(env.findIndex((e: any) => e.name === 'SECRETS_KEY'), 1, { name: 'SECRETS_KEY', value: 'in-git' });
      expect(check(bad)).toEqual([
        expect.stringMatching(/^integrations: env KAFKA_BROKERS: ConfigMap crm-config\S* has no key KAFKA_BROKER$/),
        'integrations: SECRETS_KEY must come from the Secret',
        'integrations: required variable KAFKA_BROKERS is not provided',
      ]);
    });

    it('Kafka TLS/SASL: no TLS volume, a CA file outside it, a required variable as an optional reference', () => {
      const bad = copyOf(production);
      const pod = deploymentOf(bad, 'lead-routing').spec.template.spec;
      pod.volumes = [];
      expect(check(bad)).toEqual([`lead-routing: the Secret ${KAFKA_TLS_SECRET} must be mounted read-only at ${KAFKA_TLS_DIR} (Kafka TLS files)`]);
      const bad2 = copyOf(production);
      const env = deploymentOf(bad2, 'api').spec.template.spec.containers[0].env;
      env.splice(env.findIndex((e: any) => e.name === 'KAFKA_SSL_CA_FILE'), 1, { name: 'KAFKA_SSL_CA_FILE', value: '/tmp/ca.crt' });
      env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.optional = true;
      expect(check(bad2)).toEqual([
        'api: required variable DATABASE_URL must not be an optional reference',
        `api: KAFKA_SSL_CA_FILE=/tmp/ca.crt is in none of the container's mounts (${KAFKA_TLS_DIR})`,
      ]);
      // The password is an optional reference: a Secret without the key (plaintext Kafka) is consistent.
      const password = deploymentOf(copyOf(production), 'integrations').spec.template.spec.containers[0].env.find((e: any) => e.name === 'KAFKA_SASL_PASSWORD');
      expect(password.valueFrom.secretKeyRef).toMatchObject({ key: 'KAFKA_SASL_PASSWORD', optional: true });
    });

    it('a wrong port, a wrong probe path, no limits', () => {
      const bad = copyOf(base);
      const container = deploymentOf(bad, 'connector-widget').spec.template.spec.containers[0];
      container.ports[0].containerPort = 3000;
      expect(check(bad)).toEqual(expect.arrayContaining(['connector-widget: container ports must be [3105], got [3000]']));
      const bad2 = copyOf(base);
      const c2 = deploymentOf(bad2, 'api').spec.template.spec.containers[0];
      c2.readinessProbe.httpGet.path = '/health';
      delete c2.resources.limits;
      expect(check(bad2)).toEqual(['api: readinessProbe must GET /health/ready, got /health', 'api: no cpu limits', 'api: no memory limits']);
    });

    it('an app that does not wait for the migrations, and no migration Job', () => {
      const bad = copyOf(production);
      delete deploymentOf(bad, 'connector-telegram').spec.template.spec.initContainers;
      expect(check(bad)).toEqual([`connector-telegram: no init container running "node ${MIGRATE_CLI} wait"`]);
      expect(check(copyOf(production).filter((o) => o.kind !== 'Job'))).toEqual([`no Job running "node ${MIGRATE_CLI} up"`]);
    });

    it('a route missing from the Ingress, one to the wrong Service, a streaming route buffered', () => {
      const bad = copyOf(production);
      const publicIngress = find(bad, 'Ingress', 'crm-public')!;
      const paths = publicIngress.spec.rules[0].http.paths;
      paths.splice(paths.findIndex((p: any) => p.path === '/webhooks/avito/'), 1);
      paths.find((p: any) => p.path === '/webhooks/vk/').backend.service = { name: 'connector-whatsapp', port: { number: 3102 } };
      delete find(bad, 'Ingress', 'crm-public-streaming')!.metadata.annotations['nginx.ingress.kubernetes.io/proxy-buffering'];
      expect(check(bad)).toEqual([
        'Ingress: /api/v1/events streams (WebSocket/SSE): its Ingress needs proxy-buffering "off" and a long proxy-read-timeout',
        'Ingress: /webhooks/vk/ goes to connector-whatsapp:3102, nginx.conf sends it to connector-vk:3103',
        'Ingress: no path /webhooks/avito/ (nginx.conf sends it to connector-avito:3104)',
        'Ingress: /widget/ streams (WebSocket/SSE): its Ingress needs proxy-buffering "off" and a long proxy-read-timeout',
      ]);
    });

    it('a new app in services.json without manifests', () => {
      const extra: ServiceEntry = { name: 'connector-max', port: 3106, routes: ['/webhooks/max/'] };
      const definition = { service: 'connector-max', configClass: class MaxConfig { PORT = 3106; DATABASE_URL!: string } };
      expect(checkManifests(production, [...SERVICES, extra], [...DEFINITIONS, definition], NGINX)).toEqual(['connector-max: no Deployment']);
      // …and rendered from the list, it has them (the generator wires what its config class declares).
      const rendered = renderK8sApps([...SERVICES, extra], [...DEFINITIONS, definition], loadSharedKeys(ROOT));
      expect(rendered).toContain('name: connector-max');
      expect(rendered).toMatch(/path: \/webhooks\/max\/\n\s+pathType: Prefix\n\s+backend:\n\s+service:\n\s+name: connector-max/);
    });
  });
});

/** Generated names without kubectl's hash suffix, and objects in a stable order, for comparing renderers. */
function normalize(objects: K8sObject[]): K8sObject[] {
  const text = JSON.stringify(objects).replace(new RegExp(`"(${CONFIG_MAP}|${SECRET})-[a-z0-9]{10}"`, 'g'), '"$1"');
  return (JSON.parse(text) as K8sObject[]).sort((a, b) => `${a.kind}/${a.metadata.name}`.localeCompare(`${b.kind}/${b.metadata.name}`));
}

