import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { verify } from 'jsonwebtoken';
import { DomainError, ErrorCode } from '@crm/domain';
import { IS_PUBLIC, SERVICE_CONFIG } from '@crm/service-kit';
import { ApiConfig } from '../config/api.config';
import { ADMIN_ONLY } from './auth.decorators';
import { AuthUser, ROLES, Role } from './auth-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Global guard: `Authorization: Bearer <JWT>` signed HS256 with AUTH_JWT_SECRET, claims `sub`, `accountId`, `role`.
 * Missing/invalid → 401; `agent` on an @AdminOnly endpoint → 403.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<Request & { user?: AuthUser }>();
    const user = this.authenticate(req.headers.authorization);
    req.user = user;
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && user.role !== 'admin') {
      throw new DomainError(ErrorCode.FORBIDDEN);
    }
    return true;
  }

  private authenticate(header: string | undefined): AuthUser {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new DomainError(ErrorCode.UNAUTHORIZED);
    let claims: Record<string, unknown>;
    try {
      claims = verify(match[1], this.config.AUTH_JWT_SECRET, { algorithms: ['HS256'] }) as Record<string, unknown>;
    } catch {
      throw new DomainError(ErrorCode.UNAUTHORIZED);
    }
    const { sub, accountId, role } = claims;
    if (typeof sub !== 'string' || !sub || typeof accountId !== 'string' || !UUID.test(accountId) || !ROLES.includes(role as Role)) {
      throw new DomainError(ErrorCode.UNAUTHORIZED);
    }
    return { userId: sub, accountId: accountId.toLowerCase(), role: role as Role };
  }
}
