import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { SERVICE_CONFIG } from '@crm/service-kit';
import { WidgetChannelDirectory } from '../channels/widget-channel.port';
import { ConnectorWidgetConfig } from '../config/connector-widget.config';
import { DemoPage } from './demo-page.renderer';
import { WidgetScript } from './widget-script.asset';

/** The embeddable script (`/widget/widget.js`, what the embed snippet loads) and the demo page that embeds it. */
@Controller('widget')
export class WidgetAssetsController {
  constructor(
    private readonly script: WidgetScript,
    private readonly demo: DemoPage,
    private readonly channels: WidgetChannelDirectory,
    @Inject(SERVICE_CONFIG) private readonly config: ConnectorWidgetConfig,
  ) {}

  @Get('widget.js')
  widgetJs(@Headers('if-none-match') ifNoneMatch: string | undefined, @Headers('accept-encoding') acceptEncoding: string | undefined, @Res() res: Response): void {
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.setHeader('ETag', this.script.etag);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Vary', 'Accept-Encoding');
    if (ifNoneMatch === this.script.etag) {
      res.status(304).end();
      return;
    }
    if (/\bgzip\b/.test(acceptEncoding ?? '')) {
      res.setHeader('Content-Encoding', 'gzip');
      res.status(200).end(this.script.gzipped);
      return;
    }
    res.status(200).send(this.script.source);
  }

  @Get('demo')
  async demoPage(@Query('key') key: string | undefined, @Query('lang') lang: string | undefined, @Res() res: Response): Promise<void> {
    const publicKey = typeof key === 'string' ? key.trim() : '';
    const channel = publicKey ? await this.channels.findActiveByPublicKey(publicKey) : null;
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'self'",
    );
    res.status(channel || !publicKey ? 200 : 404).send(
      this.demo.render({ lang: lang === 'en' ? 'en' : 'ru', publicKey, channel, publicUrl: this.config.PUBLIC_URL }),
    );
  }
}
