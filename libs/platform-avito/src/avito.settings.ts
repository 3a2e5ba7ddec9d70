import { IsString, Matches } from 'class-validator';

export const AVITO_CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
export const AVITO_CLIENT_SECRET_PATTERN = /^[A-Za-z0-9_-]{8,256}$/;

/** Settings of an Avito Messenger channel (DESIGN §4): the API client credentials (client_credentials grant). */
export class AvitoSettings {
  @IsString()
  @Matches(AVITO_CLIENT_ID_PATTERN, { message: 'clientId must be the Client ID from avito.ru/professionals/api (8–128 letters, digits, "_", "-")' })
  clientId!: string;

  @IsString()
  @Matches(AVITO_CLIENT_SECRET_PATTERN, { message: 'clientSecret must be the Client secret from avito.ru/professionals/api (8–256 letters, digits, "_", "-")' })
  clientSecret!: string;
}
