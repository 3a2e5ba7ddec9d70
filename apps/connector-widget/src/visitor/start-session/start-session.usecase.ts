import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode } from '@crm/domain';
import {
  cleanProfile,
  missingPreChatFields,
  newVisitorId,
  PreChatField,
  profileProblems,
  VisitorProfile,
  VisitorTokens,
} from '@crm/widget-visitor';
import { VisitorAccess } from '../visitor-access.service';
import { StartSessionCommand } from './start-session.command';

export interface WidgetSession {
  token: string;
  expiresAt: string;
  visitorId: string;
  /** true when the token of an earlier visit was resumed (same visitor, same history). */
  resumed: boolean;
  profile: VisitorProfile;
  channel: {
    name: string;
    title: string | null;
    greeting: string | null;
    color: string | null;
    preChat: { fields: PreChatField[]; required: PreChatField[] } | null;
  };
  /** Required pre-chat fields still missing: the visitor must fill them before the first message. */
  missingFields: PreChatField[];
}

/** Starts or resumes a visitor session: checks the channel and origin, keeps the visitor id, signs a fresh token. */
@Injectable()
export class StartSessionUseCase {
  constructor(
    private readonly access: VisitorAccess,
    private readonly tokens: VisitorTokens,
  ) {}

  async execute(command: StartSessionCommand): Promise<WidgetSession> {
    const channel = await this.access.channel(command.publicKey, command.origin, { originRequired: true });
    const existing = command.token ? this.access.visitor(channel, command.token) : null;
    const form = channel.settings.preChat;
    const given = cleanProfile(command.profile, form);
    const problems = profileProblems(given);
    if (problems.length > 0) throw new DomainError(ErrorCode.VALIDATION_FAILED, {}, problems);
    const profile: VisitorProfile = { ...cleanProfile(existing?.profile, form), ...given };
    const visitorId = existing?.visitorId ?? newVisitorId();
    const issued = this.tokens.issue({ visitorId, channelId: channel.id, accountId: channel.accountId, profile });
    return {
      token: issued.token,
      expiresAt: issued.expiresAt.toISOString(),
      visitorId,
      resumed: existing !== null,
      profile,
      channel: {
        name: channel.name,
        title: channel.settings.title,
        greeting: channel.settings.greeting,
        color: channel.settings.color,
        preChat: form,
      },
      missingFields: missingPreChatFields(profile, form),
    };
  }
}
