import { SetMetadata } from '@nestjs/common';
import { DECORATORS } from '@nestjs/swagger/dist/constants';

/**
 * Leaves a controller out of the api's OpenAPI document — what `@ApiExcludeController()` does, through the metadata key
 * @nestjs/swagger reads — without loading @nestjs/swagger's entry point (≈125 modules, ≈7 MB RSS) into every service
 * that serves /health and /metrics.
 */
export const InternalRoutes = () => SetMetadata(DECORATORS.API_EXCLUDE_CONTROLLER, [true]);
