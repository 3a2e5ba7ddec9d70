import { vkSecretMatches } from './callback-secret';

describe('vkSecretMatches', () => {
  it('matches the exact secret only', () => {
    expect(vkSecretMatches('Ab12Cd34Ef56Gh78Ij90Kl12', 'Ab12Cd34Ef56Gh78Ij90Kl12')).toBe(true);
    expect(vkSecretMatches('Ab12Cd34Ef56Gh78Ij90Kl12', 'Ab12Cd34Ef56Gh78Ij90Kl13')).toBe(false);
    expect(vkSecretMatches('Ab12Cd34Ef56Gh78Ij90Kl12', 'ab12cd34ef56gh78ij90kl12')).toBe(false);
    expect(vkSecretMatches('Ab12Cd34Ef56Gh78Ij90Kl12', 'Ab12Cd34Ef56Gh78Ij90Kl12 ')).toBe(false);
  });

  it('never matches a missing, non-string, empty or over-long secret, nor a channel without one', () => {
    for (const received of [undefined, null, 42, ['s'], '', 'x'.repeat(2000)]) expect(vkSecretMatches('secret', received)).toBe(false);
    expect(vkSecretMatches(null, '')).toBe(false);
    expect(vkSecretMatches('', '')).toBe(false);
    expect(vkSecretMatches(undefined, 'secret')).toBe(false);
  });
});
