import { Global, Module } from '@nestjs/common';
import { SecretBox } from './secret-box';

/** Encryption of credentials at rest (SECRETS_KEY) for every module of the api. */
@Global()
@Module({ providers: [SecretBox], exports: [SecretBox] })
export class SecurityModule {}
