import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Where the script and the demo page template live (copied next to the compiled code by tools/build.js). */
export const ASSETS_DIR = join(__dirname, '..', 'assets');

/** The embeddable widget script, read once at boot (plain JS, no build step). */
@Injectable()
export class WidgetScript {
  readonly source: string = readFileSync(join(ASSETS_DIR, 'widget.js'), 'utf8');
  readonly etag: string = `"${createHash('sha256').update(this.source).digest('base64url').slice(0, 22)}"`;
  /** What most browsers download (a third of the size). */
  readonly gzipped: Buffer = gzipSync(this.source, { level: 9 });
}
