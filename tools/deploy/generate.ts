// Regenerates the parts of docker-compose.yml and deploy/proxy/nginx.conf that list the deployables, and the whole of
// deploy/k8s/base/apps.generated.yaml, from deploy/services.json:   node tools/build.js && node dist/tools/deploy/generate.js
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';
import { loadDefinitions, renderComposeServices, renderNginxLocations, replaceGenerated } from './deploy-files';
import { K8S_APPS_FILE, loadSharedKeys, renderK8sApps } from './k8s-manifests';
import { loadServices } from './service-catalog';

function main(): void {
  const root = repoRoot();
  const services = loadServices(root);
  const definitions = loadDefinitions(services);
  // [file, generated text, whole file (else the marked region)]
  const files: Array<[string, string, boolean]> = [
    ['docker-compose.yml', renderComposeServices(services, definitions), false],
    ['deploy/proxy/nginx.conf', renderNginxLocations(services), false],
    [K8S_APPS_FILE, renderK8sApps(services, definitions, loadSharedKeys(root)), true],
  ];
  for (const [file, text, whole] of files) {
    const path = join(root, file);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const after = whole ? text : replaceGenerated(before, text);
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${file}: ${after === before ? 'up to date' : 'regenerated'}\n`);
  }
}

main();
