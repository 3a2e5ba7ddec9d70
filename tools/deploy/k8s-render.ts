// Renders a kustomization of deploy/k8s (base or overlay) into its objects: `kubectl kustomize` when kubectl is on PATH,
// else an in-code equivalent of the subset deploy/k8s uses (resources, namespace, labels, config map / secret
// generators with literals, env files and merge/replace, images, replicas, JSON 6902 patches by kind/name). The
// in-code renderer does not append content hashes to generated names. Used by deploy/k8s.spec.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';

export type K8sObject = Record<string, any>;
type Json = Record<string, any>;

export function kubectlAvailable(): boolean {
  const result = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  return result.status === 0;
}

export function renderWithKubectl(dir: string): K8sObject[] {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${result.stderr || result.error?.message}`);
  const objects = parseYamlObjects(result.stdout);
  // kustomize folds long base64 values over lines; the API server's decoder skips the newlines, the schema does not.
  for (const o of objects) {
    if (o.kind === 'Secret' && o.data) o.data = Object.fromEntries(Object.entries(o.data as Record<string, string>).map(([k, v]) => [k, v.replace(/\s+/g, '')]));
  }
  return objects;
}

export function parseYamlObjects(text: string): K8sObject[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0].message}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

/** `kubectl kustomize dir` if possible, else the in-code renderer. */
export function renderKustomization(dir: string): K8sObject[] {
  return kubectlAvailable() ? renderWithKubectl(dir) : renderInCode(dir);
}

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition', 'PersistentVolume', 'StorageClass', 'IngressClass']);

export function renderInCode(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Json;
  const objects: K8sObject[] = [];
  for (const entry of (k.resources ?? []) as string[]) {
    const path = resolve(dir, entry);
    if (statSync(path).isDirectory()) objects.push(...renderInCode(path));
    else objects.push(...parseYamlObjects(readFileSync(path, 'utf8')));
  }
  applyGenerators(objects, dir, 'ConfigMap', k.configMapGenerator ?? []);
  applyGenerators(objects, dir, 'Secret', k.secretGenerator ?? []);
  for (const patch of (k.patches ?? []) as Json[]) applyPatch(objects, dir, patch);
  if (typeof k.namespace === 'string') {
    for (const o of objects) if (!CLUSTER_SCOPED.has(o.kind)) o.metadata.namespace = k.namespace;
  }
  for (const { pairs } of (k.labels ?? []) as Json[]) {
    for (const o of objects) o.metadata.labels = { ...(o.metadata.labels ?? {}), ...pairs };
  }
  for (const image of (k.images ?? []) as Json[]) applyImage(objects, image);
  for (const { name, count } of (k.replicas ?? []) as Json[]) {
    for (const o of objects) if (o.kind === 'Deployment' && o.metadata.name === name) o.spec.replicas = count;
  }
  return objects;
}

function keyValues(dir: string, generator: Json): Record<string, string> {
  const lines = [...((generator.literals ?? []) as string[])];
  for (const file of (generator.envs ?? []) as string[]) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`${path}: no such file (secretGenerator/configMapGenerator envs)`);
    lines.push(...readFileSync(path, 'utf8').split('\n').filter((l) => l.trim() !== '' && !l.trimStart().startsWith('#')));
  }
  return Object.fromEntries(
    lines.map((l) => {
      const i = l.indexOf('=');
      return i < 0 ? [l.trim(), ''] : [l.slice(0, i).trim(), l.slice(i + 1)];
    }),
  );
}

function applyGenerators(objects: K8sObject[], dir: string, kind: 'ConfigMap' | 'Secret', generators: Json[]): void {
  for (const g of generators) {
    const values = keyValues(dir, g);
    const existing = objects.find((o) => o.kind === kind && o.metadata.name === g.name);
    const behavior = g.behavior ?? 'create';
    if (behavior === 'create' && existing) throw new Error(`${kind} ${g.name} exists already (use behavior merge or replace)`);
    if (behavior !== 'create' && !existing) throw new Error(`${kind} ${g.name}: nothing to ${behavior}`);
    const before = existing && behavior === 'merge' ? decodeData(existing) : {};
    const merged = { ...before, ...values };
    // kustomize keeps what the base's transformers put on the object (labels, namespace) when an overlay merges or replaces it.
    const metadata = { ...(existing?.metadata ?? {}), name: g.name };
    const object: K8sObject =
      kind === 'ConfigMap'
        ? { apiVersion: 'v1', kind, metadata, data: merged }
        : { apiVersion: 'v1', kind, metadata, type: 'Opaque', data: Object.fromEntries(Object.entries(merged).map(([key, v]) => [key, Buffer.from(v).toString('base64')])) };
    if (existing) objects.splice(objects.indexOf(existing), 1, object);
    else objects.push(object);
  }
}

/** The string values of a ConfigMap or Secret (Secret data is base64). */
export function decodeData(o: K8sObject): Record<string, string> {
  const data = (o.data ?? {}) as Record<string, string>;
  if (o.kind !== 'Secret') return { ...data };
  return { ...Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...(o.stringData ?? {}) };
}

function applyPatch(objects: K8sObject[], dir: string, patch: Json): void {
  const ops = parse(readFileSync(join(dir, patch.path as string), 'utf8')) as unknown;
  if (!Array.isArray(ops)) throw new Error(`${patch.path}: only JSON 6902 patches (a list of operations) are supported`);
  const target = (patch.target ?? {}) as Json;
  for (const o of objects) {
    if ((target.kind && o.kind !== target.kind) || (target.name && o.metadata.name !== target.name)) continue;
    for (const op of ops as Json[]) applyOperation(o, op);
  }
}

function applyOperation(doc: Json, op: Json): void {
  const parts = String(op.path).split('/').slice(1).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const last = parts.pop()!;
  let parent: any = doc;
  for (const p of parts) {
    parent = Array.isArray(parent) ? parent[Number(p)] : parent?.[p];
    if (parent === undefined) throw new Error(`patch path ${op.path} does not exist`);
  }
  const value = structuredClone(op.value);
  if (op.op === 'remove') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (op.op === 'add' && Array.isArray(parent)) {
    parent.splice(last === '-' ? parent.length : Number(last), 0, value);
  } else if (op.op === 'add' || op.op === 'replace') {
    if (op.op === 'replace' && !(last in parent)) throw new Error(`patch path ${op.path} does not exist`);
    parent[last] = value;
  } else {
    throw new Error(`unsupported patch operation ${String(op.op)}`);
  }
}

export function podSpecOf(o: K8sObject): Json | undefined {
  return o.kind === 'Deployment' || o.kind === 'Job' ? o.spec?.template?.spec : undefined;
}

function applyImage(objects: K8sObject[], image: Json): void {
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    for (const c of [...(pod.initContainers ?? []), ...(pod.containers ?? [])]) {
      const [name, tag] = splitImage(String(c.image));
      if (name !== image.name) continue;
      c.image = `${image.newName ?? name}:${image.newTag ?? tag}`;
    }
  }
}

/** `registry/name:tag` → [registry/name, tag] (a port in the registry host is not a tag). */
export function splitImage(image: string): [string, string] {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? [image.slice(0, colon), image.slice(colon + 1)] : [image, 'latest'];
}
