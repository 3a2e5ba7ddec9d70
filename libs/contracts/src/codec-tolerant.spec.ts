import { randomUUID } from 'node:crypto';
import { decodeEnvelope, decodeKnownEnvelope } from './codec';
import { ContractViolationError } from './errors';
import { InboundMessageData } from './payloads/inbound-message';
import { inboundText } from './test-fixtures';

/** A message.inbound of a newer producer (version 2): new fields in the envelope, in data and in a nested class. */
function newerInbound(): Buffer {
  return Buffer.from(
    JSON.stringify({
      id: randomUUID(),
      type: 'message.inbound',
      version: 2,
      occurredAt: new Date().toISOString(),
      accountId: randomUUID(),
      channelId: randomUUID(),
      traceparent: '00-abc-def-01',
      data: {
        ...inboundText(),
        sender: { ...inboundText().sender, pronouns: 'she' },
        reactions: [{ emoji: '👍' }],
      },
    }),
  );
}

describe('tolerant decoding on consume (DESIGN §6)', () => {
  it('strict by default: fields a newer producer added are rejected', () => {
    expect(() => decodeEnvelope(newerInbound(), InboundMessageData)).toThrow(ContractViolationError);
  });

  it("with unknownFields 'strip' the added fields are dropped and the known ones kept", () => {
    const envelope = decodeEnvelope(newerInbound(), InboundMessageData, { unknownFields: 'strip' });
    expect(envelope.version).toBe(2);
    expect(envelope).not.toHaveProperty('traceparent');
    expect(envelope.data).not.toHaveProperty('reactions');
    expect(envelope.data.sender).not.toHaveProperty('pronouns');
    expect(envelope.data).toMatchObject({ ...inboundText(), sender: inboundText().sender });
    expect(decodeKnownEnvelope(newerInbound(), { unknownFields: 'strip' }).type).toBe('message.inbound');
  });

  it('stripping never excuses a broken known field', () => {
    const broken = JSON.parse(newerInbound().toString());
    broken.data.kind = 'hologram';
    expect(() => decodeEnvelope(Buffer.from(JSON.stringify(broken)), InboundMessageData, { unknownFields: 'strip' })).toThrow(ContractViolationError);
  });
});
