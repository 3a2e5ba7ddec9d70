import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { verify } from 'jsonwebtoken';
import { DomainError, ErrorCode } from '@crm/domain';
import { IS_PUBLIC, SERVICE_CONFIG } from '@crm/service-kit';
import { EnsureAccountUseCase } from '../accounts/ensure-account/ensure-account.usecase';
import { ApiConfig } from '../config/api.config';
import { ACCEPTS_TICKET, ADMIN_ONLY } from './auth.decorators';
import { AuthUser, ROLES, Role } from './auth-user';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type AuthRequest = Request & { user?: AuthUser; tokenExpiresAt?: Date };

/**
 * Global guard: `Authorization: Bearer <JWT>` signed HS256 with AUTH_JWT_SECRET, claims `sub`, `accountId`, `role` and
 * `exp` (required: a token that never expires is refused). Missing/invalid → 401; `agent` on an @AdminOnly endpoint
 * → 403. The account of a valid token exists from its first request on (created here if the database has never seen
 * it). Routes marked @AcceptsTicket() opened with `?ticket=` are left to their handler, which redeems the ticket.
 */
@Injectable()
export class JwtAuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(SERVICE_CONFIG) private readonly config: ApiConfig,
    private readonly ensureAccount: EnsureAccountUseCase,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = context.switchToHttp().getRequest<AuthRequest>();
    if (this.reflector.getAllAndOverride<boolean>(ACCEPTS_TICKET, targets) && req.query?.ticket !== undefined) return true;
    const { user, expiresAt } = this.authenticate(req.headers.authorization);
    req.user = user;
    req.tokenExpiresAt = expiresAt;
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_ONLY, targets) && user.role !== 'admin') {
      throw new DomainError(ErrorCode.FORBIDDEN);
    }
    await this.ensureAccount.execute(user.accountId);
    return true;
  }

  private authenticate(header: string | undefined): { user: AuthUser; expiresAt: Date } {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match) throw new DomainError(ErrorCode.UNAUTHORIZED);
    let claims: Record<string, unknown>;
    try {
      claims = verify(match[1], this.config.AUTH_JWT_SECRET, { algorithms: ['HS256'] }) as Record<string, unknown>;
    } catch {
      throw new DomainError(ErrorCode.UNAUTHORIZED);
    }
    const { sub, accountId, role, exp } = claims;
    if (typeof sub !== 'string' || !sub || typeof accountId !== 'string' || !UUID.test(accountId) || !ROLES.includes(role as Role)) {
      throw new DomainError(ErrorCode.UNAUTHORIZED);
    }
    if (typeof exp !== 'number' || !Number.isFinite(exp)) throw new DomainError(ErrorCode.UNAUTHORIZED);
    return { user: { userId: sub, accountId: accountId.toLowerCase(), role: role as Role }, expiresAt: new Date(exp * 1000) };
  }
}
