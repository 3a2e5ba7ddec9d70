import { Injectable } from '@nestjs/common';
import { type WebhookAuth, type WebhookPort, WebhookRejection, type WebhookRequest, type WebhookResult } from '@crm/connector-kit';
import { ErrorCode } from '@crm/domain';
import { isVkCallback, vkSecretMatches, type VkCallback, type VkChannelState } from '@crm/platform-vk';
import { ReceiveCallbackUseCase } from '../receive-callback/receive-callback.usecase';

/**
 * WebhookPort of `POST /webhooks/vk/:channelId` (DESIGN §5): the body's `secret` must be the channel's callback secret
 * (constant time; mismatch → 403 "Bad Secret" as vksdk answers, nothing produced) and its `group_id` the channel's
 * community. A `confirmation` without a secret is let through (VK may confirm a server before its secret key is
 * saved; the answer only reveals the confirmation string). A body that is no Callback API call → 400.
 */
@Injectable()
export class VkWebhookAdapter implements WebhookPort<VkChannelState> {
  readonly bodyLimitBytes = 512 * 1024;
  private readonly bodies = new WeakMap<WebhookRequest, unknown>();

  constructor(private readonly receive: ReceiveCallbackUseCase) {}

  authenticate(channel: VkChannelState, request: WebhookRequest): WebhookAuth {
    const body = this.body(request);
    // Not a Callback API call: nothing to authenticate, and handle() refuses it without producing anything.
    if (!isVkCallback(body)) return { ok: true };
    if (!(body.type === 'confirmation' && body.secret === undefined) && !vkSecretMatches(channel.callbackSecret, body.secret)) {
      return { ok: false, status: 403, reason: 'Bad Secret' };
    }
    if (body.group_id !== undefined && body.group_id !== channel.groupId) return { ok: false, status: 403, reason: `group_id ${String(body.group_id)} is not the channel's community` };
    return { ok: true };
  }

  async handle(channel: VkChannelState, request: WebhookRequest): Promise<WebhookResult> {
    const body = this.body(request);
    if (!isVkCallback(body)) throw new WebhookRejection(400, ErrorCode.VALIDATION_FAILED, 'the body is not a VK Callback API call');
    const retry = Number(request.headers['x-retry-counter']);
    const response = await this.receive.execute({
      channel,
      body: body as VkCallback & { type: string },
      retryCounter: Number.isSafeInteger(retry) && retry > 0 ? retry : 0,
      receivedAt: new Date(),
      ...(request.correlationId ? { correlationId: request.correlationId } : {}),
    });
    return { response };
  }

  private body(request: WebhookRequest): unknown {
    if (!this.bodies.has(request)) this.bodies.set(request, parseJson(request.rawBody));
    return this.bodies.get(request);
  }
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    return undefined;
  }
}
