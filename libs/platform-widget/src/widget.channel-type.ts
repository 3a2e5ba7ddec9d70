import type { ChannelTypeAdapter, ChannelTypeDescriptor, ConnectionContext, ConnectionInfo, CredentialCheck, GeneratedSecrets } from '@crm/channel-types';
import { generateSecret } from '@crm/secrets';
import { WIDGET_COLOR_PATTERN, WidgetSettings } from './widget.settings';

const MB = 1024 * 1024;

export const WIDGET_DESCRIPTOR: ChannelTypeDescriptor = {
  type: 'widget',
  title: { ru: 'Виджет на сайт', en: 'Website widget' },
  settings: [
    {
      name: 'allowedOrigins',
      label: { ru: 'Сайты', en: 'Websites' },
      required: true,
      secret: false,
      kind: 'string[]',
      format: { ru: 'Адреса сайтов, где стоит виджет: https://shop.example.com (без пути)', en: 'Origins of the sites that embed the widget: https://shop.example.com (no path)' },
      pattern: '^https?://[^/?#]+$',
      example: ['https://shop.example.com'],
    },
    {
      name: 'title',
      label: { ru: 'Заголовок', en: 'Title' },
      required: false,
      secret: false,
      kind: 'string',
      format: { ru: 'До 100 символов', en: 'Up to 100 characters' },
      example: 'Напишите нам',
    },
    {
      name: 'greeting',
      label: { ru: 'Приветствие', en: 'Greeting' },
      required: false,
      secret: false,
      kind: 'string',
      format: { ru: 'До 500 символов', en: 'Up to 500 characters' },
      example: 'Здравствуйте! Чем можем помочь?',
    },
    {
      name: 'color',
      label: { ru: 'Цвет', en: 'Color' },
      required: false,
      secret: false,
      kind: 'string',
      format: { ru: '#rrggbb', en: '#rrggbb' },
      pattern: WIDGET_COLOR_PATTERN.source,
      example: '#2f80ed',
    },
    {
      name: 'preChat',
      label: { ru: 'Анкета перед чатом', en: 'Pre-chat form' },
      required: false,
      secret: false,
      kind: 'object',
      format: {
        ru: '{ fields: [name|phone|email], required?: [...] } — какие поля спросить у посетителя и какие из них обязательны',
        en: '{ fields: [name|phone|email], required?: [...] } — which fields to ask the visitor and which are mandatory',
      },
      example: { fields: ['name', 'phone'], required: ['phone'] },
    },
  ],
  instructionsUrl: 'https://developer.mozilla.org/docs/Web/HTML/Element/script',
  capabilities: {
    canStartConversation: false,
    replyWindowHours: null,
    maxTextLength: 4096,
    // Bounded by the public origin's body limit.
    maxUploadBytes: 4 * MB,
    maxDownloadBytes: 4 * MB,
    canEditSent: false,
    canDeleteSent: false,
    receivesEdits: false,
    receivesDeletes: false,
    deliveryReceipts: true,
    readReceipts: false,
    notes: [
      {
        ru: 'Посетитель видит ответы, пока открыта страница с виджетом; виджет работает только на перечисленных сайтах.',
        en: 'Visitors see replies while a page with the widget is open; the widget works only on the listed sites.',
      },
    ],
  },
};

/** Our own chat widget: no credentials, a generated public key and an embed snippet. */
export class WidgetChannelTypeAdapter implements ChannelTypeAdapter<WidgetSettings> {
  readonly type = 'widget' as const;
  /** Its connector receives the messages: channels of this type can be created and activated. */
  readonly available = true;
  readonly descriptor = WIDGET_DESCRIPTOR;
  readonly settingsClass = WidgetSettings;
  readonly secretKeys = [] as const;

  identity(): null {
    return null;
  }

  async verifyCredentials(): Promise<CredentialCheck> {
    return { outcome: 'valid' };
  }

  generateSecrets(): GeneratedSecrets {
    return { webhookSecret: null, publicKey: `wk_${generateSecret(18)}` };
  }

  connection(context: ConnectionContext): ConnectionInfo {
    const scriptUrl = `${context.publicUrl}/widget/widget.js`;
    const publicKey = context.publicKey ?? '';
    return {
      manual: true,
      values: {
        publicKey,
        scriptUrl,
        embedSnippet: `<script src="${scriptUrl}" data-key="${publicKey}" async></script>`,
      },
      note: {
        ru: 'Вставьте код перед закрывающим тегом </body> на каждой странице сайта.',
        en: 'Paste the snippet before the closing </body> tag of every page of the site.',
      },
    };
  }
}
