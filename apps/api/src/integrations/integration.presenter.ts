import { Injectable } from '@nestjs/common';
import { IntegrationVerifierRegistry } from '@crm/integration-types';
import type { IntegrationEntity } from '@crm/persistence';
import { SecretBox } from '../security/secret-box';
import type { IntegrationResponse } from './integration.dto';

/** An integration as the API shows it: secrets only masked. */
@Injectable()
export class IntegrationPresenter {
  constructor(
    private readonly verifiers: IntegrationVerifierRegistry,
    private readonly secrets: SecretBox,
  ) {}

  present(row: IntegrationEntity): IntegrationResponse {
    const verifier = this.verifiers.get(row.type);
    const masked = this.secrets.mask(this.secrets.decryptJson(row.secretsEncrypted), verifier.mask?.bind(verifier));
    return {
      id: row.id,
      type: row.type,
      name: row.name,
      status: row.status,
      statusReason: row.statusReason,
      settings: { ...row.settings, ...masked },
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    };
  }
}
