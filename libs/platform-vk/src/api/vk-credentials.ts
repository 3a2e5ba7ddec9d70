import type { CredentialCheck } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { VkApiClient, type VkApiOptions } from './vk-api.client';
import type { VkFailure } from './vk-failure';

export interface VkCredentials {
  groupId: number;
  accessToken: string;
  confirmationCode?: string;
}

/**
 * The live check of a VK community on save (issue 12): `groups.getById` with the community token (5/27/28 or any
 * other refusal → 422 VK_TOKEN_INVALID; a token of another community → 422 VK_GROUP_MISMATCH), then
 * `groups.getCallbackConfirmationCode` (the token may lack the "manage" right: then the `confirmationCode` setting is
 * used, and without one → 422 VK_CONFIRMATION_CODE_REQUIRED). VK unreachable or rate limiting → `unavailable`
 * (saved as error, re-checked). Learned: the community's name and screen name, and `callbackConfirmationCode`.
 * The token never appears in what it returns or throws.
 */
export async function checkVkCredentials(settings: VkCredentials, options: VkApiOptions): Promise<CredentialCheck> {
  const api = new VkApiClient(options);
  const groups = await api.getGroupById(settings.accessToken);
  if (!groups.ok) return refusedOrUnavailable(groups.failure, 'groups.getById');
  const group = groups.value[0];
  if (!group) throw tokenInvalid('groups.getById answered no community: the key is not a community access token');
  if (group.id !== settings.groupId) {
    throw new DomainError(ErrorCode.VK_GROUP_MISMATCH, { groupId: String(settings.groupId) }, [
      { path: 'settings.groupId', constraints: [`the access token belongs to community ${group.id}, not ${settings.groupId}`] },
    ]);
  }
  const learned: Record<string, unknown> = {
    ...(group.name ? { groupName: group.name } : {}),
    ...(group.screen_name ? { groupScreenName: group.screen_name } : {}),
  };
  const code = await api.getCallbackConfirmationCode(settings.accessToken, settings.groupId);
  if (code.ok) return { outcome: 'valid', learned: { ...learned, callbackConfirmationCode: code.value } };
  if (code.failure.kind === 'unavailable' || code.failure.kind === 'rate-limited') return unavailable(code.failure, 'groups.getCallbackConfirmationCode');
  // The token works but may not read the code (no "manage" right): the user's confirmation string is the fallback.
  if (settings.confirmationCode) return { outcome: 'valid', learned };
  throw new DomainError(ErrorCode.VK_CONFIRMATION_CODE_REQUIRED, {}, [
    { path: 'settings.confirmationCode', constraints: [`VK answered groups.getCallbackConfirmationCode with ${code.failure.description}`] },
  ]);
}

function refusedOrUnavailable(failure: VkFailure, call: string): CredentialCheck {
  if (failure.kind === 'unavailable' || failure.kind === 'rate-limited') return unavailable(failure, call);
  // 5/27/28, and any other refusal of a call that needs nothing but a community token (e.g. a user token: 100).
  throw tokenInvalid(`VK answered ${call} with ${failure.description}`);
}

function unavailable(failure: VkFailure, call: string): CredentialCheck {
  return { outcome: 'unavailable', detail: `VK ${call}: ${failure.description}` };
}

function tokenInvalid(constraint: string): DomainError {
  return new DomainError(ErrorCode.VK_TOKEN_INVALID, {}, [{ path: 'settings.accessToken', constraints: [constraint] }]);
}
