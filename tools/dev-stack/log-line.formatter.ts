interface LogEntry {
  level?: string;
  msg?: string;
  context?: string;
  err?: { type?: string; name?: string; message?: string; stack?: string; code?: unknown };
}

/**
 * One service log line as `npm start` prints it: "[service] level context: message", followed by the error's type,
 * message and stack when the entry carries one (a 500's cause must be visible, not only "request failed").
 * Lines that are not JSON pass through as they are.
 */
export function formatLogLine(service: string, line: string): string {
  let entry: LogEntry;
  try {
    entry = JSON.parse(line) as LogEntry;
  } catch {
    return `[${service}] ${line}`;
  }
  if (entry === null || typeof entry !== 'object') return `[${service}] ${line}`;
  const head = `[${service}] ${entry.level ?? ''} ${entry.context ? `${entry.context}: ` : ''}${entry.msg ?? line}`;
  const err = entry.err;
  if (!err || typeof err !== 'object') return head;
  const kind = err.type ?? err.name ?? 'Error';
  const code = err.code !== undefined ? ` [${String(err.code)}]` : '';
  const stack = typeof err.stack === 'string' ? err.stack.split('\n').slice(1).map((l) => `[${service}]     ${l.trim()}`) : [];
  return [`${head} — ${kind}${code}: ${err.message ?? ''}`, ...stack].join('\n');
}
