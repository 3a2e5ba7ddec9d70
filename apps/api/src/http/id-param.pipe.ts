import { Injectable, PipeTransform } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A path id: anything that is not a UUID cannot name a row, so it answers the resource's 404 — the same answer as an
 * id of another account (never 400, never a database error).
 */
@Injectable()
export class IdParamPipe implements PipeTransform<string, string> {
  constructor(private readonly notFound: ErrorCode) {}

  transform(value: string): string {
    if (typeof value !== 'string' || !UUID.test(value)) throw new DomainError(this.notFound);
    return value.toLowerCase();
  }
}
