import { classifyGraphResponse } from '../graph-api/graph-client';
import { classifyWhatsappFailure, GraphCallError } from './send-outcome';

const graph = (status: number, code?: number, retryAfter?: string) =>
  new GraphCallError(classifyGraphResponse(status, code === undefined ? undefined : { error: { message: `(#${code}) x`, code } }, retryAfter));

describe('classifyWhatsappFailure', () => {
  it('131056 pauses only the chat; 130429 and 80007 the whole number; Retry-After wins', () => {
    expect(classifyWhatsappFailure(graph(400, 131056))).toMatchObject({ action: 'retry-after', retryAfterMs: 6000, scope: 'chat' });
    expect(classifyWhatsappFailure(graph(400, 130429))).toMatchObject({ action: 'retry-after', retryAfterMs: 1000, scope: 'channel' });
    expect(classifyWhatsappFailure(graph(429, 130429, '7'))).toMatchObject({ action: 'retry-after', retryAfterMs: 7000, scope: 'channel' });
    expect(classifyWhatsappFailure(graph(400, 80007))).toMatchObject({ action: 'retry-after', scope: 'channel' });
  });

  it('outages retry; 131047 / 190 / others fail with stable codes', () => {
    expect(classifyWhatsappFailure(graph(503))).toMatchObject({ action: 'retry' });
    expect(classifyWhatsappFailure(new Error('socket hang up'))).toMatchObject({ action: 'retry' });
    expect(classifyWhatsappFailure(graph(400, 131047))).toMatchObject({ action: 'fail', errorCode: 'WHATSAPP_WINDOW_CLOSED' });
    expect(classifyWhatsappFailure(graph(401, 190))).toMatchObject({ action: 'fail', errorCode: 'WHATSAPP_TOKEN_INVALID' });
    expect(classifyWhatsappFailure(graph(400, 132001))).toMatchObject({ action: 'fail', errorCode: 'WHATSAPP_TEMPLATE_INVALID' });
    expect(classifyWhatsappFailure(graph(400, 131026))).toMatchObject({ action: 'fail', errorCode: 'WHATSAPP_UNDELIVERABLE' });
    expect(classifyWhatsappFailure(graph(400, 135000))).toMatchObject({ action: 'fail', errorCode: 'WHATSAPP_ERROR_135000' });
  });
});
