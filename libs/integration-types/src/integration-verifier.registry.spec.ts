import { ErrorCode, errorMessage } from '@crm/domain';
import { AmocrmVerifier } from './amocrm.verifier';
import { Bitrix24Verifier } from './bitrix24.verifier';
import { IntegrationVerifierRegistry } from './integration-verifier.registry';

describe('IntegrationVerifierRegistry: availability is one property per verifier', () => {
  const registry = new IntegrationVerifierRegistry([new Bitrix24Verifier(), new AmocrmVerifier()]);

  it('bitrix24 forwards (issue 14): available', () => {
    expect(registry.requireAvailable('bitrix24').type).toBe('bitrix24');
  });

  it('amocrm forwards (issue 15): available', () => {
    expect(registry.requireAvailable('amocrm').type).toBe('amocrm');
  });

  it.each([['amocrm', 'amoCRM']])('%s when unavailable: 422 INTEGRATION_TYPE_UNAVAILABLE naming the CRM', (type, title) => {
    const unavailable = new IntegrationVerifierRegistry([Object.assign(new AmocrmVerifier(), { available: false })]);
    let thrown: unknown;
    try {
      unavailable.requireAvailable(type);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toMatchObject({ code: ErrorCode.INTEGRATION_TYPE_UNAVAILABLE, params: { type: title }, details: [{ path: 'type' }] });
    const { code, params } = thrown as { code: ErrorCode; params: Record<string, string> };
    expect(errorMessage(code, 'ru', params)).toContain(title);
    expect(errorMessage(code, 'en', params)).toContain(title);
  });

  it('an available verifier is returned as it is; an unknown type stays a validation error', () => {
    const available = new AmocrmVerifier();
    expect(new IntegrationVerifierRegistry([available]).requireAvailable('amocrm')).toBe(available);
    expect(() => registry.requireAvailable('salesforce')).toThrow(expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED }));
  });
});
