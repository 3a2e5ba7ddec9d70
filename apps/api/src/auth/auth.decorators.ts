import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser } from './auth-user';

export const IS_PUBLIC = 'crm:isPublic';
export const ADMIN_ONLY = 'crm:adminOnly';

/** No bearer token needed (health, docs). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
/** Only `admin` may call it; `agent` gets 403. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});
