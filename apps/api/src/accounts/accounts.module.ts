import { Module } from '@nestjs/common';
import { EnsureAccountUseCase } from './ensure-account/ensure-account.usecase';

/** Tenants come into being on their first authenticated request (used by the global JwtAuthGuard). */
@Module({ providers: [EnsureAccountUseCase], exports: [EnsureAccountUseCase] })
export class AccountsModule {}
