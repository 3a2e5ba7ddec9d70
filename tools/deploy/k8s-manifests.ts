// Renders deploy/k8s/base/apps.generated.yaml — the Kubernetes objects that repeat the list of deployables — from
// deploy/services.json, each app's config class (which variables it reads) and the keys of the shared ConfigMap and
// Secret of deploy/k8s/base/kustomization.yaml. Pure functions: tools/deploy/generate.ts writes the file,
// deploy/k8s.spec.ts fails when the file differs from what these render.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { declaredVariables } from '@crm/config';
import type { AppDefinition } from './deploy-files';
import type { ServiceEntry } from './service-catalog';

type Json = Record<string, unknown>;

export const K8S_APPS_FILE = 'deploy/k8s/base/apps.generated.yaml';
export const K8S_BASE_KUSTOMIZATION = 'deploy/k8s/base/kustomization.yaml';

/** Names of the shared objects (kustomize appends a content hash and rewrites the references). */
export const CONFIG_MAP = 'crm-config';
export const SECRET = 'crm-secrets';
export const PART_OF = 'crm-channels';
/** The migrate CLI inside every app image (the Dockerfile's runtime stage copies dist/libs into each). */
export const MIGRATE_CLI = 'dist/libs/persistence/src/cli/migrate.js';
/** The public host of the base; the production overlay replaces it. */
export const BASE_HOST = 'crm.example.com';

/**
 * Public routes nginx.conf has by hand (not from services.json): Server-Sent Events under /api/. They need the
 * streaming Ingress (unbuffered, long reads) although their app's other routes do not.
 */
export const EXTRA_STREAMING_ROUTES: ReadonlyArray<{ path: string; service: string }> = [{ path: '/api/v1/events', service: 'api' }];

/** nginx-ingress annotations of the public routes: the body limit of deploy/proxy/nginx.conf (DESIGN §8). */
const INGRESS_ANNOTATIONS = { 'nginx.ingress.kubernetes.io/proxy-body-size': '4m' };
/** …plus, for WebSocket/SSE routes, no buffering and hour-long reads/writes (nginx.conf: proxy_buffering off, 1h). */
const STREAMING_ANNOTATIONS = {
  ...INGRESS_ANNOTATIONS,
  'nginx.ingress.kubernetes.io/proxy-buffering': 'off',
  'nginx.ingress.kubernetes.io/proxy-request-buffering': 'off',
  'nginx.ingress.kubernetes.io/proxy-read-timeout': '3600',
  'nginx.ingress.kubernetes.io/proxy-send-timeout': '3600',
};

const HEADER = [
  '# Generated from deploy/services.json by tools/deploy/generate.ts — do not edit by hand:',
  '#   node tools/build.js && node dist/tools/deploy/generate.js',
  '# Per app: Deployment (init container waiting for the migrations, probes, resources), Service, PodDisruptionBudget;',
  '# and the public Ingresses. Each container gets exactly the variables its config class declares that the crm-config',
  '# ConfigMap or the crm-secrets Secret (deploy/k8s/base/kustomization.yaml) provides; deploy/k8s.spec.ts checks it.',
].join('\n');

/** The keys of the base's shared ConfigMap and Secret (their generators in the base kustomization). */
export interface SharedKeys {
  config: string[];
  secret: string[];
}

function literalKeys(kustomization: Json, generator: string, name: string): string[] {
  const entries = Array.isArray(kustomization[generator]) ? (kustomization[generator] as Json[]) : [];
  const entry = entries.find((e) => e.name === name);
  if (!entry || !Array.isArray(entry.literals)) throw new Error(`${K8S_BASE_KUSTOMIZATION}: no ${generator} "${name}" with literals`);
  return (entry.literals as string[]).map((l) => String(l).split('=')[0]);
}

export function sharedKeysOf(kustomizationText: string): SharedKeys {
  const doc = parse(kustomizationText) as Json;
  return { config: literalKeys(doc, 'configMapGenerator', CONFIG_MAP), secret: literalKeys(doc, 'secretGenerator', SECRET) };
}

export function loadSharedKeys(root: string): SharedKeys {
  return sharedKeysOf(readFileSync(join(root, K8S_BASE_KUSTOMIZATION), 'utf8'));
}

export function imageOf(app: string): string {
  return `${PART_OF}/${app}:local`;
}

function labelsOf(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app, 'app.kubernetes.io/part-of': PART_OF };
}

function selectorOf(app: string): Record<string, string> {
  return { 'app.kubernetes.io/name': app };
}

function fromSecret(name: string, key: string, optional = false): Json {
  return { name, valueFrom: { secretKeyRef: { name: SECRET, key, ...(optional ? { optional: true } : {}) } } };
}

/**
 * Secret variables an app may read but a deployment may well not have: referenced from the Secret as `optional`, so a
 * Secret without the key (the base's placeholders, a secrets.env for a plaintext Kafka) still starts the pods.
 */
export const OPTIONAL_SECRET_KEYS: readonly string[] = ['KAFKA_SASL_PASSWORD'];

/**
 * The PEM files KAFKA_SSL_CA_FILE / KAFKA_SSL_CERT_FILE / KAFKA_SSL_KEY_FILE name: every Kafka client mounts the Secret
 * KAFKA_TLS_SECRET here, read-only and optional (no such Secret → an empty directory, fine for a plaintext Kafka).
 */
export const KAFKA_TLS_SECRET = 'crm-kafka-tls';
export const KAFKA_TLS_DIR = '/etc/crm/kafka-tls';
const KAFKA_TLS_VOLUME = 'kafka-tls';

/** The container's environment: PORT, the pod name as instance id, then every declared variable the shared objects provide. */
function containerEnv(s: ServiceEntry, def: AppDefinition, keys: SharedKeys): Json[] {
  const declared = declaredVariables(def.configClass).filter((v) => v !== 'PORT' && v !== 'SERVICE_INSTANCE_ID').sort();
  const env: Json[] = [{ name: 'PORT', value: String(s.port) }, ...(s.nodeOptions ? [{ name: 'NODE_OPTIONS', value: s.nodeOptions }] : [])];
  if (declaredVariables(def.configClass).includes('SERVICE_INSTANCE_ID')) {
    env.push({ name: 'SERVICE_INSTANCE_ID', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
  }
  for (const variable of declared) {
    if (keys.secret.includes(variable)) env.push(fromSecret(variable, variable));
    else if (OPTIONAL_SECRET_KEYS.includes(variable)) env.push(fromSecret(variable, variable, true));
    else if (keys.config.includes(variable)) env.push({ name: variable, valueFrom: { configMapKeyRef: { name: CONFIG_MAP, key: variable } } });
  }
  return env;
}

const CONTAINER_SECURITY = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };

/** The prometheus.io/* convention for Prometheus' kubernetes_sd pod discovery (docs/kubernetes.md has the scrape config). */
function scrapeAnnotations(port: number): Record<string, string> {
  return { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(port), 'prometheus.io/path': '/metrics' };
}

function probe(path: string, periodSeconds: number, failureThreshold: number): Json {
  return { httpGet: { path, port: 'http' }, periodSeconds, timeoutSeconds: 4, failureThreshold };
}

/** Whether the app is a Kafka client (its config class reads the TLS settings), so it gets the TLS files' volume. */
function usesKafkaTls(def: AppDefinition): boolean {
  return declaredVariables(def.configClass).includes('KAFKA_SSL_CA_FILE');
}

function deployment(s: ServiceEntry, def: AppDefinition, keys: SharedKeys): Json {
  const image = imageOf(s.name);
  const kafkaTls = usesKafkaTls(def);
  const podSpec = {
    automountServiceAccountToken: false,
    // SHUTDOWN_GRACE_MS (readiness red before the server stops) + draining consumers and requests fit in this.
    terminationGracePeriodSeconds: 45,
    securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, fsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    topologySpreadConstraints: [
      { maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selectorOf(s.name) } },
    ],
    initContainers: [
      {
        // Nothing orders the migration Job before the Deployments: start only once the schema is what this image expects.
        name: 'wait-for-migrations',
        image,
        command: ['node', MIGRATE_CLI, 'wait', '--timeout=600'],
        env: [fromSecret('DATABASE_URL', 'DATABASE_URL')],
        resources: { requests: { cpu: '20m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } },
        securityContext: CONTAINER_SECURITY,
      },
    ],
    containers: [
      {
        name: 'app',
        image,
        ports: [{ name: 'http', containerPort: s.port, protocol: 'TCP' }],
        env: containerEnv(s, def, keys),
        resources: { requests: { cpu: '100m', memory: '192Mi' }, limits: { cpu: '1', memory: '512Mi' } },
        startupProbe: probe('/health/live', 2, 30),
        livenessProbe: probe('/health/live', 10, 3),
        readinessProbe: probe('/health/ready', 5, 3),
        securityContext: CONTAINER_SECURITY,
        ...(kafkaTls ? { volumeMounts: [{ name: KAFKA_TLS_VOLUME, mountPath: KAFKA_TLS_DIR, readOnly: true }] } : {}),
      },
    ],
    ...(kafkaTls ? { volumes: [{ name: KAFKA_TLS_VOLUME, secret: { secretName: KAFKA_TLS_SECRET, optional: true, defaultMode: 0o440 } }] } : {}),
  };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, labels: labelsOf(s.name) },
    spec: {
      replicas: 1,
      revisionHistoryLimit: 5,
      selector: { matchLabels: selectorOf(s.name) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
      template: { metadata: { labels: labelsOf(s.name), annotations: scrapeAnnotations(s.port) }, spec: podSpec },
    },
  };
}

function service(s: ServiceEntry): Json {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, labels: labelsOf(s.name) },
    spec: { type: 'ClusterIP', selector: selectorOf(s.name), ports: [{ name: 'http', port: s.port, targetPort: 'http', protocol: 'TCP' }] },
  };
}

function disruptionBudget(s: ServiceEntry): Json {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name: s.name, labels: labelsOf(s.name) },
    // maxUnavailable, not minAvailable: a one-replica app must not block node drains forever.
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorOf(s.name) } },
  };
}

/** Every public route: path → Service, and whether it streams (WebSocket/SSE). */
export function publicRoutes(services: readonly ServiceEntry[]): Array<{ path: string; service: string; port: number; streaming: boolean }> {
  const portOf = new Map(services.map((s) => [s.name, s.port]));
  return [
    ...services.flatMap((s) => s.routes.map((path) => ({ path, service: s.name, port: s.port, streaming: s.streaming === true }))),
    ...EXTRA_STREAMING_ROUTES.map((r) => ({ ...r, port: portOf.get(r.service) ?? 0, streaming: true })),
  ];
}

function ingress(name: string, annotations: Record<string, string>, routes: ReturnType<typeof publicRoutes>): Json {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': PART_OF }, annotations },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: BASE_HOST,
          http: {
            paths: routes.map((r) => ({ path: r.path, pathType: 'Prefix', backend: { service: { name: r.service, port: { number: r.port } } } })),
          },
        },
      ],
    },
  };
}

/** The objects of apps.generated.yaml, in file order. */
export function k8sAppObjects(services: readonly ServiceEntry[], definitions: readonly AppDefinition[], keys: SharedKeys): Json[] {
  const byName = new Map(definitions.map((d) => [d.service, d]));
  const perApp = services.flatMap((s) => {
    const def = byName.get(s.name);
    if (!def) throw new Error(`${s.name}: no ServiceDefinition`);
    return [deployment(s, def, keys), service(s), disruptionBudget(s)];
  });
  const routes = publicRoutes(services);
  return [
    ...perApp,
    ingress('crm-public', INGRESS_ANNOTATIONS, routes.filter((r) => !r.streaming)),
    ingress('crm-public-streaming', STREAMING_ANNOTATIONS, routes.filter((r) => r.streaming)),
  ];
}

/** The text of deploy/k8s/base/apps.generated.yaml. */
export function renderK8sApps(services: readonly ServiceEntry[], definitions: readonly AppDefinition[], keys: SharedKeys): string {
  const docs = k8sAppObjects(services, definitions, keys).map((o) => stringify(o, { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' }).trimEnd());
  return `${HEADER}\n---\n${docs.join('\n---\n')}\n`;
}
