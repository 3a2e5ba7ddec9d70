import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import { ADMIN_ONLY, IS_PUBLIC } from '../../auth/auth.decorators';

/** What the app itself says about one HTTP route: its access rules, read from the decorators the guard reads. */
export interface RouteAccess {
  /** `POST /api/v1/funnels/{id}/stages`, as the OpenAPI document names it. */
  name: string;
  adminOnly: boolean;
  isPublic: boolean;
}

/** Every HTTP route of every controller of the running app, with @AdminOnly() / @Public() as JwtAuthGuard sees them. */
export function routeAccessOf(app: INestApplication): RouteAccess[] {
  const discovery = new DiscoveryService(app.get(ModulesContainer));
  const reflector = app.get(Reflector);
  return discovery.getControllers().flatMap(({ metatype }) => {
    if (!metatype) return [];
    const controller = metatype as new (...args: never[]) => object;
    const prefix = pathOf(Reflect.getMetadata(PATH_METADATA, controller));
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((key) => {
      const handler = prototype[key];
      if (key === 'constructor' || typeof handler !== 'function') return [];
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined || Reflect.getMetadata(PATH_METADATA, handler) === undefined) return [];
      const targets = [handler, controller];
      return [
        {
          name: `${RequestMethod[method]} ${openApiPath(prefix, pathOf(Reflect.getMetadata(PATH_METADATA, handler)))}`,
          adminOnly: reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) === true,
          isPublic: reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets) === true,
        },
      ];
    });
  });
}

function pathOf(metadata: unknown): string {
  if (Array.isArray(metadata)) {
    if (metadata.length !== 1) throw new Error(`route with several paths (${metadata.join(', ')}): the sweep cannot name it`);
    return String(metadata[0]);
  }
  return typeof metadata === 'string' ? metadata : '';
}

/** `api/v1/funnels` + `:id/stages/:stageId` → `/api/v1/funnels/{id}/stages/{stageId}`. */
function openApiPath(prefix: string, path: string): string {
  const joined = `/${[prefix, path].map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`;
  return joined.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}
