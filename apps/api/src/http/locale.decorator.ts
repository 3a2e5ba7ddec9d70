import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { localeFrom, type Locale } from '@crm/domain';

/** The response language from Accept-Language: Russian unless English is preferred (same rule as error messages). */
export const RequestLocale = createParamDecorator((_: unknown, ctx: ExecutionContext): Locale => {
  return localeFrom(ctx.switchToHttp().getRequest<Request>().headers['accept-language']);
});
