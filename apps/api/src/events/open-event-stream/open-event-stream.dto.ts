import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class EventStreamQueryDto {
  @ApiPropertyOptional({
    example: 'q3Xl0b9sV8mJ2cR1nT6yZ4wK7eH5uA0pD3fG8iL1oM2',
    description: 'A ticket from POST /api/v1/events/tickets, instead of the Authorization header (for `EventSource`). Single use.',
  })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  ticket?: string;

  @ApiPropertyOptional({
    example: '1042',
    description: 'The `id:` of the last event received: the stream first replays everything of the account after it (kept ≥ 10 min), once each. Same as the Last-Event-ID header; this one wins.',
  })
  @IsOptional()
  @IsString()
  @Matches(/^\d{1,18}$/, { message: 'lastEventId must be the id of an event' })
  lastEventId?: string;
}
