import { Writable } from 'node:stream';

/** A log destination for startService that keeps every JSON line, for "no secret in the logs" assertions. */
export function captureLogs(): { lines: string[]; destination: never } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  return { lines, destination: destination as never };
}
