// The credentials scan of a chaos run (issue 17): every log line, every response body and every Kafka record of the
// run must be free of the plaintext credentials it created — as they are, URL-encoded, JSON-escaped or base64-encoded.
// A secret inside our AES-GCM ciphertext is not plaintext and is not found, by construction.
import { readFileSync } from 'node:fs';
import { Kafka, logLevel } from 'kafkajs';

export interface NamedSecret {
  /** What it is, e.g. `vk accessToken` (never the value). */
  name: string;
  value: string;
}

export interface SecretScanInput {
  secrets: Array<string | NamedSecret>;
  logFiles: string[];
  responses: Array<{ path: string; body: unknown }>;
  /** Every record (key, value, headers) of every topic whose name starts with `topicPrefix` (DLQs included). */
  kafka?: { brokers: string[]; topicPrefix: string; timeoutMs?: number };
}

export interface SecretFinding {
  /** `log <file>:<line>`, `response <path>`, `kafka <topic>/<partition>@<offset> <key|value|header name>`. */
  where: string;
  /** The secret's name and a masked form of it (`vk accessToken ab…yz (48 chars)`). */
  secret: string;
  encoding: SecretEncoding;
  /** The text around it, every known secret masked. */
  snippet: string;
  /** Occurrences in this place (the snippet shows the first). */
  count: number;
}

export type SecretEncoding = 'plain' | 'url-encoded' | 'json-escaped' | 'base64' | 'base64url';

export interface SecretScanResult {
  findings: SecretFinding[];
  scanned: { logFiles: number; logBytes: number; responses: number; kafkaTopics: number; kafkaRecords: number; kafkaComplete: boolean };
}

/** Shorter values are not scanned for (they would match by chance). */
const MIN_SECRET_LENGTH = 8;
const SNIPPET_CONTEXT = 60;

interface Needle {
  label: string;
  encoding: SecretEncoding;
  bytes: Buffer;
}

export async function scanForSecrets(input: SecretScanInput): Promise<SecretScanResult> {
  const needles = needlesOf(input.secrets);
  const findings: SecretFinding[] = [];
  let logBytes = 0;
  for (const file of input.logFiles) {
    const content = readLogFile(file);
    logBytes += content.length;
    findings.push(...scanLog(file, content, needles));
  }
  for (const response of input.responses) {
    const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? null);
    findings.push(...scanBuffer(`response ${response.path}`, Buffer.from(text), needles));
  }
  const kafka = input.kafka ? await scanKafka(input.kafka, needles, findings) : { topics: 0, records: 0, complete: true };
  return {
    findings: mergeFindings(findings),
    scanned: { logFiles: input.logFiles.length, logBytes, responses: input.responses.length, kafkaTopics: kafka.topics, kafkaRecords: kafka.records, kafkaComplete: kafka.complete },
  };
}

/** `ab…yz (32 chars)`: enough to tell secrets apart in a report, not enough to use one. */
export function maskedLabel(value: string): string {
  return value.length <= 12 ? `•••• (${value.length} chars)` : `${value.slice(0, 2)}…${value.slice(-2)} (${value.length} chars)`;
}

/** Each secret in every encoding it could be written in (duplicates of the plain form dropped). */
function needlesOf(secrets: SecretScanInput['secrets']): Needle[] {
  const needles: Needle[] = [];
  const seen = new Set<string>();
  for (const secret of secrets) {
    const { name, value } = typeof secret === 'string' ? { name: 'secret', value: secret } : secret;
    if (value.length < MIN_SECRET_LENGTH) continue;
    const label = `${name} ${maskedLabel(value)}`;
    const forms: Array<[SecretEncoding, string]> = [
      ['plain', value],
      ['url-encoded', encodeURIComponent(value)],
      ['json-escaped', JSON.stringify(value).slice(1, -1)],
      ...base64Forms(value).map((form): [SecretEncoding, string] => ['base64', form]),
      ...base64Forms(value).map((form): [SecretEncoding, string] => ['base64url', form.replace(/\+/g, '-').replace(/\//g, '_')]),
    ];
    for (const [encoding, form] of forms) {
      if (form.length < MIN_SECRET_LENGTH || seen.has(form)) continue;
      seen.add(form);
      needles.push({ label, encoding, bytes: Buffer.from(form) });
    }
  }
  return needles;
}

/**
 * The characters of base64 that depend on the secret's bytes only, for each of the three alignments the secret can
 * have inside a longer encoded value (`Basic base64(id:secret)`, a base64 JSON document…).
 */
function base64Forms(value: string): string[] {
  const bytes = Buffer.from(value);
  const forms: string[] = [];
  for (let lead = 0; lead < 3; lead++) {
    const encoded = Buffer.concat([Buffer.alloc(lead), bytes]).toString('base64');
    const start = Math.ceil((lead * 4) / 3);
    const end = Math.floor(((lead + bytes.length) * 4) / 3);
    forms.push(encoded.slice(start, end));
  }
  return forms;
}

function readLogFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return Buffer.alloc(0);
    throw err;
  }
}

function scanLog(file: string, content: Buffer, needles: Needle[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const needle of needles) {
    for (let at = content.indexOf(needle.bytes); at !== -1; at = content.indexOf(needle.bytes, at + needle.bytes.length)) {
      const line = lineNumberAt(content, at);
      findings.push(findingAt(`log ${file}:${line}`, content, at, needle, needles));
    }
  }
  return findings;
}

function scanBuffer(where: string, content: Buffer, needles: Needle[]): SecretFinding[] {
  const findings: SecretFinding[] = [];
  for (const needle of needles) {
    for (let at = content.indexOf(needle.bytes); at !== -1; at = content.indexOf(needle.bytes, at + needle.bytes.length)) {
      findings.push(findingAt(where, content, at, needle, needles));
    }
  }
  return findings;
}

function lineNumberAt(content: Buffer, at: number): number {
  let line = 1;
  for (let i = content.indexOf(10); i !== -1 && i < at; i = content.indexOf(10, i + 1)) line++;
  return line;
}

function findingAt(where: string, content: Buffer, at: number, needle: Needle, needles: Needle[]): SecretFinding {
  let start = Math.max(0, at - SNIPPET_CONTEXT);
  let end = Math.min(content.length, at + needle.bytes.length + SNIPPET_CONTEXT);
  const lineStart = content.lastIndexOf(10, at);
  const lineEnd = content.indexOf(10, at);
  if (lineStart >= start) start = lineStart + 1;
  if (lineEnd !== -1 && lineEnd < end) end = lineEnd;
  return { where, secret: needle.label, encoding: needle.encoding, snippet: maskAll(content.subarray(start, end).toString('utf8').replace(/^\uFFFD+|\uFFFD+$/g, ''), needles), count: 1 };
}

function maskAll(text: string, needles: Needle[]): string {
  let out = text;
  for (const needle of [...needles].sort((a, b) => b.bytes.length - a.bytes.length)) out = out.split(needle.bytes.toString('utf8')).join(`[${needle.label}]`);
  return out;
}

/** One finding per place, secret and encoding (log lines stay apart), with the number of occurrences. */
function mergeFindings(findings: SecretFinding[]): SecretFinding[] {
  const merged = new Map<string, SecretFinding>();
  for (const finding of findings) {
    const key = `${finding.where}\u0000${finding.secret}\u0000${finding.encoding}`;
    const existing = merged.get(key);
    if (existing) existing.count += finding.count;
    else merged.set(key, { ...finding });
  }
  return [...merged.values()];
}

interface KafkaScan {
  topics: number;
  records: number;
  complete: boolean;
}

/** Reads every partition of every topic under the prefix from its start up to the high watermark taken first. */
async function scanKafka(options: NonNullable<SecretScanInput['kafka']>, needles: Needle[], findings: SecretFinding[]): Promise<KafkaScan> {
  const kafka = new Kafka({ brokers: options.brokers, clientId: 'chaos-secret-scan', logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const pending = new Map<string, bigint>();
  let topics: string[];
  try {
    topics = (await admin.listTopics()).filter((t) => t.startsWith(options.topicPrefix));
    for (const topic of topics) {
      for (const o of await admin.fetchTopicOffsets(topic)) if (BigInt(o.high) > BigInt(o.low)) pending.set(`${topic}/${o.partition}`, BigInt(o.high) - 1n);
    }
  } finally {
    await admin.disconnect();
  }
  if (pending.size === 0) return { topics: topics.length, records: 0, complete: true };
  let records = 0;
  const consumer = kafka.consumer({ groupId: `chaos-secret-scan-${Date.now()}-${Math.random().toString(36).slice(2)}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: topics.filter((t) => [...pending.keys()].some((k) => k.startsWith(`${t}/`))), fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, options.timeoutMs ?? 60_000);
      void consumer.run({
        autoCommit: false,
        eachBatch: async ({ batch }) => {
          const key = `${batch.topic}/${batch.partition}`;
          const last = pending.get(key);
          for (const message of batch.messages) {
            if (last === undefined || BigInt(message.offset) > last) break;
            records++;
            const where = `kafka ${batch.topic}/${batch.partition}@${message.offset}`;
            if (message.key) findings.push(...scanBuffer(`${where} key`, message.key, needles));
            if (message.value) findings.push(...scanBuffer(`${where} value`, message.value, needles));
            for (const [name, header] of Object.entries(message.headers ?? {})) {
              for (const part of [header].flat()) if (part !== undefined) findings.push(...scanBuffer(`${where} header ${name}`, Buffer.from(part), needles));
            }
            if (BigInt(message.offset) >= last) pending.delete(key);
          }
          if (pending.size === 0) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return { topics: topics.length, records, complete: pending.size === 0 };
}
