import { foreignKind } from './foreign-kinds';

describe('foreignKind', () => {
  it('an Avito listing becomes a text with title, price and link; the listing stays in context', () => {
    expect(foreignKind('avito', 'item', { title: 'iPhone 15', price: '80 000 ₽', url: 'https://avito.ru/1' })).toEqual({
      kind: 'text',
      text: 'iPhone 15\n80 000 ₽\nhttps://avito.ru/1',
      context: { avitoKind: 'item', item: { title: 'iPhone 15', url: 'https://avito.ru/1', price: '80 000 ₽' } },
    });
  });

  it('an Avito link is its text and url (no repetition when the text is the url)', () => {
    expect(foreignKind('avito', 'link', { text: 'https://x.ru', url: 'https://x.ru' })).toEqual({ kind: 'text', text: 'https://x.ru', context: { avitoKind: 'link', link: { url: 'https://x.ru' } } });
  });

  it('an Avito missed call is unsupported with the call in context', () => {
    expect(foreignKind('avito', 'call', { details: { status: 'missed' } })).toEqual({ kind: 'unsupported', context: { avitoKind: 'call', call: { status: 'missed' } } });
  });

  it('VK wall posts and market items read as text; polls are unsupported', () => {
    expect(foreignKind('vk', 'wall', { text: 'Новый пост', url: 'https://vk.com/wall-1_2' })).toMatchObject({ kind: 'text', text: 'Новый пост\nhttps://vk.com/wall-1_2', context: { vkKind: 'wall' } });
    expect(foreignKind('vk', 'market', { title: 'Торт', price: '900 ₽' })).toMatchObject({ kind: 'text', context: { vkKind: 'market', item: { title: 'Торт', price: '900 ₽' } } });
    expect(foreignKind('vk', 'poll', { title: 'Опрос' })).toMatchObject({ kind: 'unsupported', context: { vkKind: 'poll' } });
  });

  it('a text kind without anything readable is unsupported; unknown kinds are unsupported keeping a caption', () => {
    expect(foreignKind('vk', 'link', {})).toEqual({ kind: 'unsupported', context: { vkKind: 'link' } });
    expect(foreignKind('telegram', 'dice', {})).toEqual({ kind: 'unsupported', context: { telegramKind: 'dice' } });
    expect(foreignKind('telegram', 'something_new', { text: 'подпись' })).toEqual({ kind: 'unsupported', text: 'подпись', context: { telegramKind: 'something_new' } });
  });
});
