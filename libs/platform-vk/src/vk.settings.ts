import { IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

export const VK_ACCESS_TOKEN_PATTERN = /^[A-Za-z0-9_.-]{20,512}$/;

/** A callback server's confirmation string as VK shows it (short letters and digits, e.g. "a1b2c3d4"). */
export const VK_CONFIRMATION_CODE_PATTERN = /^[A-Za-z0-9]{1,64}$/;

/** Settings of a VK community channel (DESIGN §4). */
export class VkSettings {
  /** The community's numeric id (positive, without the minus sign used for community peer ids). */
  @IsInt({ message: 'groupId must be the community id as a number, e.g. 218000000' })
  @Min(1)
  @Max(Number.MAX_SAFE_INTEGER)
  groupId!: number;

  /** A community access token with the "messages" right (and "manage" for the automatic confirmation code). */
  @IsString()
  @Matches(VK_ACCESS_TOKEN_PATTERN, { message: 'accessToken must be a community access token (20–512 letters, digits, "_", ".", "-")' })
  accessToken!: string;

  /** The confirmation string of the callback server, for a token without the "manage" right (else fetched from VK). */
  @IsOptional()
  @IsString()
  @Matches(VK_CONFIRMATION_CODE_PATTERN, { message: 'confirmationCode must be the confirmation string VK shows (letters and digits)' })
  confirmationCode?: string;
}
