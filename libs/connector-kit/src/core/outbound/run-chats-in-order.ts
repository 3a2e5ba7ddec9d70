/**
 * Handles a run of messages chat by chat: each chat's messages one after another in their order, different chats
 * concurrently. A failing message stops its own chat (later messages of that chat are not handled: their order must
 * hold) while the other chats run to their end; only when every chat has finished is the first error thrown. So a
 * caller that replays the run after an error never races a send that is still in flight.
 */
export async function runChatsInOrder<M>(messages: readonly M[], chatOf: (m: M) => string, handle: (m: M) => Promise<void>): Promise<void> {
  const chats = new Map<string, M[]>();
  for (const m of messages) {
    const key = chatOf(m);
    const chat = chats.get(key);
    if (chat) chat.push(m);
    else chats.set(key, [m]);
  }
  const results = await Promise.allSettled(
    [...chats.values()].map(async (chat) => {
      for (const m of chat) await handle(m);
    }),
  );
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
