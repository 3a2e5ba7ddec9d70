import { Injectable } from '@nestjs/common';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WidgetChannel } from '../channels/widget-channel.port';
import { ASSETS_DIR } from './widget-script.asset';

export interface DemoPageInput {
  lang: 'ru' | 'en';
  publicKey: string;
  channel: WidgetChannel | null;
  publicUrl: string;
}

const TEXT = {
  ru: {
    title: 'Демо-страница виджета',
    lead: 'Это обычная страница сайта со вставленным кодом виджета. Напишите в чат справа внизу — сообщение придёт в CRM как диалог канала',
    steps: [
      'Напишите сообщение в виджете.',
      'Диалог появится в API: <code>GET /api/v1/dialogs</code> (токен разработчика печатает <code>npm start</code>).',
      'Ответьте: <code>POST /api/v1/dialogs/&lt;id&gt;/messages</code> с <code>{"text": "…"}</code> — ответ сразу появится в виджете.',
      'Перезагрузите страницу — история сохранится.',
    ],
    noKey: 'Укажите публичный ключ виджет-канала: <code>/widget/demo?key=&lt;publicKey&gt;</code>. Ключ есть в коде вставки канала (<code>data-key</code>).',
    unknown: 'Активный виджет-канал с таким ключом не найден.',
    origin: 'Адрес этой страницы должен быть в allowedOrigins канала:',
    keyLabel: 'Ключ',
    go: 'Открыть',
    other: 'English',
  },
  en: {
    title: 'Widget demo page',
    lead: 'An ordinary site page with the widget snippet pasted in. Write in the chat at the bottom right — the message reaches the CRM as a dialog of the channel',
    steps: [
      'Write a message in the widget.',
      'The dialog shows up in the API: <code>GET /api/v1/dialogs</code> (<code>npm start</code> prints a developer token).',
      'Reply: <code>POST /api/v1/dialogs/&lt;id&gt;/messages</code> with <code>{"text": "…"}</code> — the answer appears in the widget at once.',
      'Reload the page — the history stays.',
    ],
    noKey: 'Give the public key of a widget channel: <code>/widget/demo?key=&lt;publicKey&gt;</code>. It is the <code>data-key</code> of the channel\'s embed snippet.',
    unknown: 'No active widget channel has this key.',
    origin: 'This page\'s address must be in the channel\'s allowedOrigins:',
    keyLabel: 'Key',
    go: 'Open',
    other: 'Русский',
  },
} as const;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The demo page: a plain "site" with the embed snippet, for trying the widget with `npm start` and in the browser test. */
@Injectable()
export class DemoPage {
  private readonly template = readFileSync(join(ASSETS_DIR, 'demo.html'), 'utf8');

  render(input: DemoPageInput): string {
    const t = TEXT[input.lang];
    const key = escapeHtml(input.publicKey);
    let body: string;
    if (input.channel) {
      body =
        `<p class="lead">${t.lead} «${escapeHtml(input.channel.name)}».</p>` +
        `<ol>${t.steps.map((s) => `<li>${s}</li>`).join('')}</ol>` +
        `<p class="hint">${t.origin} <code>${escapeHtml(input.publicUrl)}</code></p>` +
        // The embed snippet, exactly as a site owner pastes it (same-origin path here: the page is served by us).
        `<script src="/widget/widget.js" data-key="${key}" async></script>`;
    } else {
      body = `<p class="lead">${input.publicKey ? t.unknown : t.noKey}</p>`;
    }
    const form =
      `<form method="get" action="/widget/demo"><label>${t.keyLabel} <input name="key" value="${key}" size="40" autocomplete="off"></label>` +
      `<input type="hidden" name="lang" value="${input.lang}"> <button type="submit">${t.go}</button></form>`;
    const switchLang = `<a href="/widget/demo?key=${encodeURIComponent(input.publicKey)}&amp;lang=${input.lang === 'ru' ? 'en' : 'ru'}">${t.other}</a>`;
    return this.template
      // Function replacers: a `$&` in a channel name must stay text.
      .replace(/{{LANG}}/g, () => input.lang)
      .replace(/{{TITLE}}/g, () => t.title)
      .replace('{{SWITCH}}', () => switchLang)
      .replace('{{BODY}}', () => body)
      .replace('{{FORM}}', () => form);
  }
}
