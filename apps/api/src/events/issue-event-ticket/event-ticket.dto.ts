import { ApiProperty } from '@nestjs/swagger';

export class EventTicketResponse {
  @ApiProperty({
    example: 'q3Xl0b9sV8mJ2cR1nT6yZ4wK7eH5uA0pD3fG8iL1oM2',
    description: 'Pass as `?ticket=` to GET /api/v1/events, once, before `expiresAt`',
  })
  ticket!: string;

  @ApiProperty({ example: '2026-03-01T10:16:30.000Z', description: 'Issued + 60 s, or the expiry of your token if sooner' })
  expiresAt!: string;
}
