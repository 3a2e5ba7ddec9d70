import { ErrorCode } from './error-code';

export type Locale = 'ru' | 'en';

type Catalog = Record<ErrorCode, { ru: string; en: string }>;

/** Human messages per code, Russian (default) and English; `{name}` placeholders take DomainError params. */
export const ERROR_MESSAGES: Catalog = {
  [ErrorCode.VALIDATION_FAILED]: { ru: 'Некорректные данные запроса', en: 'The request is invalid' },
  [ErrorCode.UNAUTHORIZED]: { ru: 'Требуется авторизация', en: 'Authentication required' },
  [ErrorCode.FORBIDDEN]: { ru: 'Недостаточно прав для этого действия', en: 'You are not allowed to do this' },
  [ErrorCode.NOT_FOUND]: { ru: 'Не найдено', en: 'Not found' },
  [ErrorCode.PAYLOAD_TOO_LARGE]: { ru: 'Слишком большой запрос', en: 'Request body is too large' },
  [ErrorCode.RATE_LIMITED]: { ru: 'Слишком много запросов, повторите позже', en: 'Too many requests, try again later' },
  [ErrorCode.CONFLICT]: { ru: 'Конфликт с текущим состоянием', en: 'Conflicts with the current state' },
  [ErrorCode.INTERNAL]: { ru: 'Внутренняя ошибка сервера', en: 'Internal server error' },
  [ErrorCode.CHANNEL_NOT_FOUND]: { ru: 'Канал не найден', en: 'Channel not found' },
  [ErrorCode.CHANNEL_ALREADY_CONNECTED]: { ru: 'Этот {what} уже подключён в канале «{channel}»', en: 'This {what} is already connected as channel "{channel}"' },
  [ErrorCode.CHANNEL_SETTINGS_INVALID]: { ru: 'Неверные настройки канала', en: 'Invalid channel settings' },
  [ErrorCode.CHANNEL_TYPE_UNSUPPORTED]: { ru: 'Неизвестный тип канала', en: 'Unknown channel type' },
  [ErrorCode.INTEGRATION_NOT_FOUND]: { ru: 'Интеграция не найдена', en: 'Integration not found' },
  [ErrorCode.INTEGRATION_SETTINGS_INVALID]: { ru: 'Неверные настройки интеграции', en: 'Invalid integration settings' },
  [ErrorCode.INTEGRATION_IN_USE]: { ru: 'Интеграция используется каналами: {channels}', en: 'The integration is used by channels: {channels}' },
  [ErrorCode.FUNNEL_NOT_FOUND]: { ru: 'Воронка не найдена', en: 'Funnel not found' },
  [ErrorCode.STAGE_NOT_FOUND]: { ru: 'Этап воронки не найден', en: 'Funnel stage not found' },
  [ErrorCode.STAGE_NOT_IN_FUNNEL]: { ru: 'Этап не принадлежит выбранной воронке', en: 'The stage does not belong to the funnel' },
  [ErrorCode.FUNNEL_IN_USE]: { ru: 'Воронка используется каналами: {channels}', en: 'The funnel is used by channels: {channels}' },
  [ErrorCode.STAGE_IN_USE]: { ru: 'Этап используется каналами: {channels}', en: 'The stage is used by channels: {channels}' },
  [ErrorCode.TELEGRAM_TOKEN_INVALID]: { ru: 'Telegram отклонил токен бота. Проверьте токен у @BotFather', en: 'Telegram rejected the bot token. Check it with @BotFather' },
  [ErrorCode.WHATSAPP_CREDENTIALS_INVALID]: { ru: 'WhatsApp отклонил данные доступа', en: 'WhatsApp rejected the credentials' },
  [ErrorCode.VK_TOKEN_INVALID]: { ru: 'ВКонтакте отклонил ключ доступа сообщества', en: 'VK rejected the community access token' },
  [ErrorCode.AVITO_CREDENTIALS_INVALID]: { ru: 'Avito отклонил client_id / client_secret', en: 'Avito rejected the client id / secret' },
  [ErrorCode.PLATFORM_UNAVAILABLE]: { ru: 'Платформа {platform} недоступна', en: '{platform} is unavailable' },
  [ErrorCode.DIALOG_NOT_FOUND]: { ru: 'Диалог не найден', en: 'Dialog not found' },
  [ErrorCode.MESSAGE_NOT_FOUND]: { ru: 'Сообщение не найдено', en: 'Message not found' },
  [ErrorCode.ATTACHMENT_NOT_FOUND]: { ru: 'Вложение не найдено', en: 'Attachment not found' },
  [ErrorCode.CLIENT_NOT_FOUND]: { ru: 'Клиент не найден', en: 'Client not found' },
  [ErrorCode.LEAD_NOT_FOUND]: { ru: 'Сделка не найдена', en: 'Lead not found' },
  [ErrorCode.CHANNEL_INACTIVE]: { ru: 'Канал отключён', en: 'The channel is inactive' },
  [ErrorCode.WIDGET_ORIGIN_NOT_ALLOWED]: { ru: 'Виджет не разрешён на этом сайте ({origin})', en: 'The widget is not allowed on this site ({origin})' },
  [ErrorCode.WIDGET_SESSION_INVALID]: { ru: 'Сессия чата недействительна, начните новую', en: 'The chat session is invalid, start a new one' },
  [ErrorCode.DEPENDENCY_UNAVAILABLE]: { ru: 'Сервис временно недоступен, повторите позже', en: 'Service temporarily unavailable, try again later' },
};

export function errorMessage(code: ErrorCode, locale: Locale, params: Record<string, string | number> = {}): string {
  const template = ERROR_MESSAGES[code][locale];
  return template.replace(/\{(\w+)\}/g, (_, key: string) => (params[key] !== undefined ? String(params[key]) : `{${key}}`));
}

/** Picks ru or en from an Accept-Language header; Russian unless English is preferred over it. */
export function localeFrom(acceptLanguage: string | undefined): Locale {
  if (!acceptLanguage) return 'ru';
  const ranked = acceptLanguage
    .split(',')
    .map((part) => {
      const [tag, ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      return { lang: tag.split('-')[0], q: q ? Number(q.slice(2)) || 0 : 1 };
    })
    .filter((l) => l.lang === 'ru' || l.lang === 'en')
    .sort((a, b) => b.q - a.q);
  return (ranked[0]?.lang as Locale | undefined) ?? 'ru';
}
