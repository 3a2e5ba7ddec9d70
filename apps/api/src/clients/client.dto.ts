import { ApiProperty } from '@nestjs/swagger';
import { CHANNEL_TYPES, CLIENT_MATCH_RULES } from '@crm/persistence';

/** A platform user linked to the client, and why routing linked it. */
export class ClientIdentityResponse {
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' }) channelType!: string;
  @ApiProperty({ example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) channelId!: string;
  @ApiProperty({ example: '123456789' }) externalUserId!: string;
  @ApiProperty({ nullable: true, example: 'ivan_p' }) username!: string | null;
  @ApiProperty({ nullable: true, example: '+79001234567', description: 'E.164' }) phone!: string | null;
  @ApiProperty({ nullable: true, example: 'Иван Петров' }) displayName!: string | null;
  @ApiProperty({
    enum: CLIENT_MATCH_RULES,
    example: 'phone',
    description: 'Match reason: created (new client from this identity), phone or username (auto-matched to an existing client), identity',
  })
  matchRule!: string;
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class ClientResponse {
  @ApiProperty({ example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) id!: string;
  @ApiProperty({ example: 'Иван Петров' }) name!: string;
  @ApiProperty({ nullable: true, example: '+79001234567' }) phone!: string | null;
  @ApiProperty({ nullable: true, example: null }) email!: string | null;
  @ApiProperty({ type: [ClientIdentityResponse] }) identities!: ClientIdentityResponse[];
  @ApiProperty({ example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class ClientListResponse {
  @ApiProperty({ type: [ClientResponse] }) items!: ClientResponse[];
  @ApiProperty({ nullable: true, example: null }) nextCursor!: string | null;
}
