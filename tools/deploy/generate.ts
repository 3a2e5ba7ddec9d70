// Regenerates the parts of docker-compose.yml and deploy/proxy/nginx.conf that list the deployables, from
// deploy/services.json:   node tools/build.js && node dist/tools/deploy/generate.js
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';
import { loadDefinitions, renderComposeServices, renderNginxLocations, replaceGenerated } from './deploy-files';
import { loadServices } from './service-catalog';

function main(): void {
  const root = repoRoot();
  const services = loadServices(root);
  const files: Array<[string, string]> = [
    ['docker-compose.yml', renderComposeServices(services, loadDefinitions(services))],
    ['deploy/proxy/nginx.conf', renderNginxLocations(services)],
  ];
  for (const [file, block] of files) {
    const path = join(root, file);
    const before = readFileSync(path, 'utf8');
    const after = replaceGenerated(before, block);
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${file}: ${after === before ? 'up to date' : 'regenerated'}\n`);
  }
}

main();
