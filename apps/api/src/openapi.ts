import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** OpenAPI document and UI at /api/docs (JSON at /api/docs-json). */
export function setupOpenApi(app: NestExpressApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('crm-channels API')
      .setDescription('Communication channels section of the CRM: channels wizard, integrations, funnels, dialogs, clients, leads, live events. Errors: { statusCode, code, message, details? }; messages in Russian unless Accept-Language prefers English.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
