import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorBody } from './error-body';

const EXAMPLES: Record<number, { code: string; message: string; details?: unknown }> = {
  400: { code: 'VALIDATION_FAILED', message: 'Некорректные данные запроса', details: [{ path: 'name', constraints: ['name must be longer than or equal to 1 characters'] }] },
  401: { code: 'UNAUTHORIZED', message: 'Требуется авторизация' },
  403: { code: 'FORBIDDEN', message: 'Недостаточно прав для этого действия' },
  404: { code: 'NOT_FOUND', message: 'Не найдено' },
  409: { code: 'CONFLICT', message: 'Конфликт с текущим состоянием' },
  413: { code: 'PAYLOAD_TOO_LARGE', message: 'Слишком большой запрос' },
  422: { code: 'TELEGRAM_TOKEN_INVALID', message: 'Telegram отклонил токен бота. Проверьте токен у @BotFather' },
};

/**
 * A JSON response in the OpenAPI document with its schema and an example (or several named examples).
 * (@nestjs/swagger drops `content` when `type` is given, hence the explicit $ref.)
 */
export function ApiJsonResponse(status: number, model: Type<unknown>, example: unknown, options: { description?: string; named?: boolean } = {}) {
  const sample = options.named ? { examples: Object.fromEntries(Object.entries(example as Record<string, unknown>).map(([k, v]) => [k, { value: v }])) } : { example };
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status,
      description: options.description ?? (status === 201 ? 'Created' : 'OK'),
      content: { 'application/json': { schema: { $ref: getSchemaPath(model) }, ...sample } },
    }),
  );
}

/**
 * The error answers of an endpoint in the OpenAPI document, each with an example body. `overrides` replaces the
 * example of a status (e.g. 404 CHANNEL_NOT_FOUND, 409 FUNNEL_IN_USE).
 */
export function ApiErrors(statuses: number[], overrides: Record<number, { code: string; message: string; details?: unknown; description?: string }> = {}) {
  return applyDecorators(
    ...statuses.map((status) => {
      const { description, ...body } = { ...EXAMPLES[status], ...overrides[status] } as { code: string; message: string; details?: unknown; description?: string };
      return ApiJsonResponse(status, ErrorBody, { statusCode: status, ...body }, { description: description ?? body.code });
    }),
  );
}
