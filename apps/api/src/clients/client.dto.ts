import { ApiProperty } from '@nestjs/swagger';
import { CHANNEL_TYPES, CLIENT_MATCH_RULES } from '@crm/persistence';

/** A platform user linked to the client, and why routing linked it. */
export class ClientIdentityResponse {
  @ApiProperty({ enum: CHANNEL_TYPES, example: 'telegram' }) channelType!: string;
  @ApiProperty({ format: 'uuid', example: '5d2f8e3a-1c4b-4a6d-8e9f-0a1b2c3d4e5f' }) channelId!: string;
  @ApiProperty({ example: '123456789' }) externalUserId!: string;
  @ApiProperty({ type: String, nullable: true, example: 'ivan_p' }) username!: string | null;
  @ApiProperty({ type: String, nullable: true, example: '+79001234567', description: 'E.164' }) phone!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'Иван Петров' }) displayName!: string | null;
  @ApiProperty({
    enum: CLIENT_MATCH_RULES,
    example: 'phone',
    description: 'Match reason: created (new client from this identity), phone or username (auto-matched to an existing client), identity',
  })
  matchRule!: string;
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

export class ClientResponse {
  @ApiProperty({ format: 'uuid', example: '3fa85f64-5717-4562-b3fc-2c963f66afa6' }) id!: string;
  @ApiProperty({ example: 'Иван Петров' }) name!: string;
  @ApiProperty({ type: String, nullable: true, example: '+79001234567' }) phone!: string | null;
  @ApiProperty({
    example: true,
    description: 'The platform vouched for the phone (WhatsApp sender, Telegram contact shared by its owner); a phone typed by a widget visitor is not verified and matches no other sender',
  })
  phoneVerified!: boolean;
  @ApiProperty({ type: String, nullable: true, example: null }) email!: string | null;
  @ApiProperty({ type: [ClientIdentityResponse] }) identities!: ClientIdentityResponse[];
  @ApiProperty({ format: 'date-time', example: '2026-03-01T10:15:30.000Z' }) createdAt!: string;
}

/** Another client of the account that may be the same person; never merged automatically (DESIGN §7.2). */
export class PossibleDuplicateResponse {
  @ApiProperty({ format: 'uuid', example: '7c9e6679-7425-40de-944b-e07fc1f90ae7' }) clientId!: string;
  @ApiProperty({ example: 'Иван' }) name!: string;
  @ApiProperty({ enum: ['same_phone'], example: 'same_phone', description: 'same_phone: that client has a phone this client or one of its identities has' })
  reason!: 'same_phone';
  @ApiProperty({ example: '+79001234567', description: 'E.164' }) phone!: string;
}

/** GET /clients/:id: the client with its possible duplicates. */
export class ClientDetailResponse extends ClientResponse {
  @ApiProperty({ type: [PossibleDuplicateResponse] }) possibleDuplicates!: PossibleDuplicateResponse[];
}

export class ClientListResponse {
  @ApiProperty({ type: [ClientResponse] }) items!: ClientResponse[];
  @ApiProperty({ type: String, nullable: true, example: null }) nextCursor!: string | null;
}
