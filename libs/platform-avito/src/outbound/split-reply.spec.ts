import { AVITO_TEXT_LIMIT, splitReply } from './split-reply';

describe('splitReply', () => {
  it('keeps a short reply whole', () => {
    expect(splitReply('Добрый день!')).toEqual(['Добрый день!']);
    expect(splitReply('x'.repeat(AVITO_TEXT_LIMIT))).toEqual(['x'.repeat(AVITO_TEXT_LIMIT)]);
    expect(splitReply('   ')).toEqual([]);
  });

  it('splits a long reply in order, each part within the limit, at the best boundary', () => {
    const sentences = Array.from({ length: 60 }, (_, i) => `Предложение номер ${i + 1} про доставку.`);
    const text = sentences.join(' ');
    const parts = splitReply(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(AVITO_TEXT_LIMIT);
      expect(p.endsWith('.')).toBe(true);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('prefers a paragraph break, then a line break', () => {
    const a = 'а'.repeat(700);
    const b = 'б'.repeat(700);
    expect(splitReply(`${a}\n\n${b} в г`)).toEqual([a, `${b} в г`]);
    expect(splitReply(`${'x'.repeat(650)} ${'y'.repeat(10)}\n${'z'.repeat(600)}`)).toEqual([`${'x'.repeat(650)} ${'y'.repeat(10)}`, 'z'.repeat(600)]);
  });

  it('cuts hard without a boundary, never inside a surrogate pair', () => {
    const parts = splitReply(`${'x'.repeat(999)}😀${'y'.repeat(10)}`);
    expect(parts).toEqual(['x'.repeat(999), `😀${'y'.repeat(10)}`]);
    expect(splitReply('q'.repeat(2500), 1000).map((p) => p.length)).toEqual([1000, 1000, 500]);
  });
});
