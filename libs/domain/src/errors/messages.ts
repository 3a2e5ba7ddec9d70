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
  [ErrorCode.CHANNEL_TYPE_UNAVAILABLE]: {
    ru: 'Каналы типа «{titleRu}» пока недоступны: их сообщения ещё некому принимать',
    en: '{titleEn} channels are not available yet: nothing receives their messages',
  },
  [ErrorCode.INTEGRATION_TYPE_UNAVAILABLE]: {
    ru: 'Интеграция с {type} пока недоступна: пересылка в эту CRM ещё не работает',
    en: 'The {type} integration is not available yet: forwarding to this CRM does not work yet',
  },
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
  [ErrorCode.WHATSAPP_TOKEN_INVALID]: { ru: 'WhatsApp отклонил токен доступа. Проверьте токен системного пользователя Meta', en: 'WhatsApp rejected the access token. Check the Meta system-user token' },
  [ErrorCode.WHATSAPP_PHONE_NUMBER_NOT_FOUND]: { ru: 'Номер с таким Phone number ID не найден или недоступен этому токену', en: 'No phone number with this Phone number ID is visible to this token' },
  [ErrorCode.WHATSAPP_BUSINESS_ACCOUNT_REQUIRED]: { ru: 'Для шаблонов укажите в настройках канала ID бизнес-аккаунта WhatsApp (businessAccountId)', en: 'Templates need the WhatsApp Business Account ID (businessAccountId) in the channel settings' },
  [ErrorCode.TEMPLATES_NOT_SUPPORTED]: { ru: 'Этот тип канала не поддерживает шаблоны сообщений', en: 'This channel type has no message templates' },
  [ErrorCode.REPLY_WINDOW_CLOSED]: { ru: 'Окно ответа закрыто ({hours} ч после последнего сообщения клиента): отправьте одобренный шаблон', en: 'The reply window is closed ({hours} h after the customer\'s last message): send an approved template' },
  [ErrorCode.IDEMPOTENCY_KEY_REUSED]: { ru: 'Этот Idempotency-Key уже использован для другого запроса', en: 'This Idempotency-Key was already used for another request' },
  [ErrorCode.VK_TOKEN_INVALID]: { ru: 'ВКонтакте отклонил ключ доступа сообщества', en: 'VK rejected the community access token' },
  [ErrorCode.VK_GROUP_MISMATCH]: { ru: 'Ключ доступа принадлежит другому сообществу, не {groupId}', en: 'The access token belongs to another community, not {groupId}' },
  [ErrorCode.VK_CONFIRMATION_CODE_REQUIRED]: {
    ru: 'У ключа нет права «управление сообществом»: укажите строку подтверждения из настроек Callback API',
    en: 'The token lacks the "community management" right: give the confirmation string from the Callback API settings',
  },
  [ErrorCode.BITRIX24_WEBHOOK_INVALID]: {
    ru: 'Bitrix24 отклонил вебхук: он удалён, истёк или указан неверно',
    en: 'Bitrix24 rejected the webhook: it was deleted, expired or mistyped',
  },
  [ErrorCode.BITRIX24_SCOPE_MISSING]: {
    ru: 'У вебхука Bitrix24 нет права «{scope}»: добавьте его в настройках вебхука',
    en: 'The Bitrix24 webhook lacks the "{scope}" scope: add it in the webhook settings',
  },
  [ErrorCode.AMOCRM_AUTH_CODE_INVALID]: {
    ru: 'amoCRM отклонил код авторизации: он уже использован, истёк (код живёт около 20 минут) или не подходит к client_id / client_secret / redirect_uri. Получите новый код и сохраните его сразу',
    en: 'amoCRM rejected the authorization code: it was already used, expired (a code lives about 20 minutes) or does not match the client id / secret / redirect URI. Get a new code and save it right away',
  },
  [ErrorCode.AMOCRM_TOKEN_INVALID]: {
    ru: 'amoCRM отклонил токен: он отозван или истёк. Авторизуйте интеграцию заново (новый код авторизации или долгосрочный токен)',
    en: 'amoCRM rejected the token: it was revoked or expired. Re-authorize the integration (a new authorization code or long-lived token)',
  },
  [ErrorCode.AVITO_CREDENTIALS_INVALID]: { ru: 'Avito отклонил client_id / client_secret', en: 'Avito rejected the client id / secret' },
  [ErrorCode.AVITO_PLAN_REQUIRED]: {
    ru: 'Messenger API Авито доступен только на платном тарифе Авито Pro («Расширенный» или «Максимальный»). Подключите тариф и сохраните канал снова',
    en: 'The Avito Messenger API needs a paid Avito Pro plan ("Extended" or "Maximum"). Upgrade the plan and save the channel again',
  },
  [ErrorCode.PLATFORM_UNAVAILABLE]: { ru: 'Платформа {platform} недоступна', en: '{platform} is unavailable' },
  [ErrorCode.DIALOG_NOT_FOUND]: { ru: 'Диалог не найден', en: 'Dialog not found' },
  [ErrorCode.MESSAGE_NOT_FOUND]: { ru: 'Сообщение не найдено', en: 'Message not found' },
  [ErrorCode.ATTACHMENT_NOT_FOUND]: { ru: 'Вложение не найдено', en: 'Attachment not found' },
  [ErrorCode.CLIENT_NOT_FOUND]: { ru: 'Клиент не найден', en: 'Client not found' },
  [ErrorCode.CLIENT_MERGE_INTO_ITSELF]: { ru: 'Нельзя объединить клиента с самим собой', en: 'A client cannot be merged into itself' },
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
