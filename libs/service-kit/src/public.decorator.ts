import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'crm:isPublic';
/** The route needs no bearer token (health, metrics, docs, public webhooks). */
export const Public = () => SetMetadata(IS_PUBLIC, true);
