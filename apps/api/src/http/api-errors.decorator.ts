import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ErrorCode, errorMessage } from '@crm/domain';
import { ERROR_DETAIL_MODELS, ErrorBody, EXAMPLE_REQUEST_ID } from './error-body';

const errorExample = (code: ErrorCode, details?: unknown) => ({ code, message: errorMessage(code, 'ru'), ...(details !== undefined ? { details } : {}) });

/** The default example of each error status (the Russian message the api really sends for that code). */
const EXAMPLES: Record<number, { code: string; message: string; details?: unknown }> = {
  400: errorExample(ErrorCode.VALIDATION_FAILED, [{ path: 'name', constraints: ['name must be longer than or equal to 1 characters'] }]),
  401: errorExample(ErrorCode.UNAUTHORIZED),
  403: errorExample(ErrorCode.FORBIDDEN),
  404: errorExample(ErrorCode.NOT_FOUND),
  409: errorExample(ErrorCode.CONFLICT),
  413: errorExample(ErrorCode.PAYLOAD_TOO_LARGE),
  422: errorExample(ErrorCode.TELEGRAM_TOKEN_INVALID),
  429: errorExample(ErrorCode.RATE_LIMITED),
  503: errorExample(ErrorCode.DEPENDENCY_UNAVAILABLE),
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
    ApiExtraModels(...ERROR_DETAIL_MODELS),
    ...statuses.map((status) => {
      const { description, ...body } = { ...EXAMPLES[status], ...overrides[status] } as { code: string; message: string; details?: unknown; description?: string };
      return ApiJsonResponse(status, ErrorBody, { statusCode: status, ...body, requestId: EXAMPLE_REQUEST_ID }, { description: description ?? body.code });
    }),
  );
}
