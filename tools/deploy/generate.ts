// Regenerates the parts of docker-compose.yml and deploy/proxy/nginx.conf that list the deployables, and the whole of
// deploy/k8s/base/apps.generated.yaml, from deploy/services.json:   node tools/build.js && node dist/tools/deploy/generate.js
import 'reflect-metadata';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@crm/testing';
import { loadDefinitions, renderComposeServices, renderNginxLocations, renderNginxUpstreams, replaceGenerated, UPSTREAMS_BEGIN, UPSTREAMS_END } from './deploy-files';
import { K8S_APPS_FILE, loadSharedKeys, renderK8sApps } from './k8s-manifests';
import { loadServices } from './service-catalog';

function main(): void {
  const root = repoRoot();
  const services = loadServices(root);
  const definitions = loadDefinitions(services);
  // [file, how the file's text is made from what it holds now]
  const files: Array<[string, (before: string) => string]> = [
    ['docker-compose.yml', (before) => replaceGenerated(before, renderComposeServices(services, definitions))],
    ['deploy/proxy/nginx.conf', (before) => replaceGenerated(replaceGenerated(before, renderNginxLocations(services)), renderNginxUpstreams(services), { begin: UPSTREAMS_BEGIN, end: UPSTREAMS_END })],
    [K8S_APPS_FILE, () => renderK8sApps(services, definitions, loadSharedKeys(root))],
  ];
  for (const [file, render] of files) {
    const path = join(root, file);
    const before = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const after = render(before);
    if (after !== before) writeFileSync(path, after);
    process.stdout.write(`${file}: ${after === before ? 'up to date' : 'regenerated'}\n`);
  }
}

main();
