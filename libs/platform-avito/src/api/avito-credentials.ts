import type { CredentialCheck } from '@crm/channel-types';
import { DomainError, ErrorCode } from '@crm/domain';
import { AvitoApiClient, type AvitoApiOptions } from './avito-api.client';
import { type AvitoFailure, describeAvitoFailure } from './avito-failure';

const PATHS = [{ path: 'settings.clientId' }, { path: 'settings.clientSecret' }];

/**
 * The live check of saved credentials: `/token` → `accounts/self` → `POST /messenger/v1/subscriptions`.
 * Refused credentials → AVITO_CREDENTIALS_INVALID, 402 on the Messenger call → AVITO_PLAN_REQUIRED (both 422, nothing
 * saved); Avito unreachable → `unavailable` (saved as error, re-checked). The token and the secret never appear in
 * what it returns or throws.
 */
export async function checkAvitoCredentials(settings: { clientId: string; clientSecret: string }, options: AvitoApiOptions): Promise<CredentialCheck> {
  const api = new AvitoApiClient(options);
  const token = await api.requestToken(settings.clientId, settings.clientSecret);
  if (!token.ok) return outcomeOf(token.failure, '/token');
  const self = await api.getSelf(token.value.accessToken);
  if (!self.ok) return outcomeOf(self.failure, 'accounts/self');
  const messenger = await api.listSubscriptions(token.value.accessToken);
  if (!messenger.ok) {
    if (messenger.failure.kind === 'permanent' && messenger.failure.status === 402) {
      throw new DomainError(ErrorCode.AVITO_PLAN_REQUIRED, {}, [
        { path: 'settings.clientId', constraints: [`Avito answered the Messenger API with 402 ${messenger.failure.message}`] },
      ]);
    }
    return outcomeOf(messenger.failure, 'messenger/v1/subscriptions');
  }
  return { outcome: 'valid', learned: { userId: self.value.id, ...(self.value.name ? { profileName: self.value.name } : {}) } };
}

function outcomeOf(failure: AvitoFailure, call: string): CredentialCheck {
  if (failure.kind === 'rejected') {
    throw new DomainError(
      ErrorCode.AVITO_CREDENTIALS_INVALID,
      {},
      PATHS.map(({ path }) => ({ path, constraints: [`Avito answered ${call} with ${failure.status} ${failure.message}`] })),
    );
  }
  return { outcome: 'unavailable', detail: `Avito ${call}: ${describeAvitoFailure(failure)}` };
}
