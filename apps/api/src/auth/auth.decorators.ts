import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { AuthUser } from './auth-user';

export const ADMIN_ONLY = 'crm:adminOnly';
export const ACCEPTS_TICKET = 'crm:acceptsTicket';

export { IS_PUBLIC, Public } from '@crm/service-kit';
/** Only `admin` may call it; `agent` gets 403. */
export const AdminOnly = () => SetMetadata(ADMIN_ONLY, true);
/**
 * The route may also be opened with `?ticket=` (POST /api/v1/events/tickets) instead of the Authorization header — for
 * a browser `EventSource`, which cannot send headers. With a ticket the guard lets the request through and the
 * handler redeems the ticket (the ticket is then the credential).
 */
export const AcceptsTicket = () => SetMetadata(ACCEPTS_TICKET, true);

export const CurrentUser = createParamDecorator((_: unknown, ctx: ExecutionContext): AuthUser => {
  return ctx.switchToHttp().getRequest<{ user: AuthUser }>().user;
});

/** When the caller's bearer token expires (its `exp`); set by JwtAuthGuard. */
export const TokenExpiry = createParamDecorator((_: unknown, ctx: ExecutionContext): Date => {
  return ctx.switchToHttp().getRequest<{ tokenExpiresAt: Date }>().tokenExpiresAt;
});
