import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type AsyncApiDocument, buildAsyncApiDocument } from '@crm/asyncapi';
import { Public } from '@crm/service-kit';

/**
 * The AsyncAPI 3.0 document of every Kafka topic (generated from libs/contracts), next to the OpenAPI document and
 * public like it. Not part of the REST contract, so not in the OpenAPI document either.
 */
@ApiExcludeController()
@Public()
@Controller('api/docs')
export class AsyncApiController {
  private readonly document: AsyncApiDocument = buildAsyncApiDocument();

  @Get('asyncapi.json')
  @Header('Cache-Control', 'no-cache')
  asyncApi(): AsyncApiDocument {
    return this.document;
  }
}
