import { describe, expect, it } from 'vitest';
import { dmButtonUnder, dmMedia, media } from './fixtures/client-messages.ts';
import { fileRequest, knownMessageId } from './fixtures/client-requests.ts';
import { botMessage, buttonsOf, client, dmButton, dmText, ticketReads, useTicketsStack } from './tickets-setup.ts';

/**
 * Issue 20 point 3: photos, files, audio, video, voice notes and places a signed-in user sends outside a request get an
 * offer to open one with it attached (a file of its own: the staff chat allows 20 sends a minute per test stack).
 */
const PROMPT_ID = 99_500;
const env = useTicketsStack({
  forum: true,
  // The "reply to this" prompt of "✍️ Дописать" gets a known id, so the user can reply to it.
  script: knownMessageId(PROMPT_ID, (payload) => JSON.stringify(payload['reply_markup'] ?? '').includes('force_reply')),
});
const { lastText, created, firstMessage, staffCalls: staffFiles } = ticketReads(env);

describe('media from a signed-in user outside a request', () => {
  const kinds = [
    ['photo', media.photo('AgAD-outside-photo'), { kind: 'photo', fileId: 'AgAD-outside-photo' }],
    ['document', media.document('BQAD-outside-doc'), { kind: 'document', fileId: 'BQAD-outside-doc' }],
    ['audio', media.audio('CQAD-outside-audio'), { kind: 'audio', fileId: 'CQAD-outside-audio' }],
    ['video', media.video('BAAD-outside-video'), { kind: 'video', fileId: 'BAAD-outside-video' }],
    ['voice', media.voice('AwAD-outside-voice'), { kind: 'voice', fileId: 'AwAD-outside-voice' }],
  ] as const;

  for (const [kind, content, attachment] of kinds)
    it(`offers a request with the ${kind} attached; the button opens it, and it goes to staff with the file`, async () => {
      const sent = dmMedia(client, content);
      await env.stack.send(sent);
      const offer = env.api.callsTo('sendMessage').at(-1)!;
      expect(offer.payload['text']).toBe(
        'Открыть обращение с этим вложением? Нажмите кнопку — оно будет приложено к обращению.',
      );
      expect(offer.payload['reply_parameters']).toMatchObject({ message_id: sent.message.message_id });
      expect(buttonsOf(env.api, client.id)).toEqual(['rq:nw']);

      await env.stack.send(dmButtonUnder(client, 'rq:nw', 99_001, sent.message));
      expect(lastText()).toContain('Выберите тему');
      await env.stack.send(dmButton(client, 'rq:c:0'));
      await env.stack.send(dmText(client, `Про этот файл (${kind})`));
      await env.stack.send(dmButton(client, 'rq:done'));
      expect(lastText()).toMatch(/Вложений: 1/);
      await env.stack.send(dmButton(client, 'rq:send'));
      const id = created();
      expect((await firstMessage(id)).attachments).toEqual([attachment]);
      const method = `send${kind[0]!.toUpperCase()}${kind.slice(1)}`;
      await env.api.waitFor(
        () => staffFiles(method).some((c) => c.payload[kind] === attachment.fileId),
        5000,
        `${method} in the staff topic`,
      );
    });

  it('offers a request with a shared location; the button adds the point to the request text', async () => {
    const sent = dmMedia(client, media.location(55.751244, 37.618423));
    await env.stack.send(sent);
    expect(lastText()).toBe('Открыть обращение с этим местом? Нажмите кнопку — точка будет добавлена к обращению.');
    await env.stack.send(dmButtonUnder(client, 'rq:nw', 99_002, sent.message));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmText(client, 'Курьер не нашёл адрес'));
    await env.stack.send(dmButton(client, 'rq:done'));
    await env.stack.send(dmButton(client, 'rq:send'));
    expect(env.stack.sheets.wb.get('Tickets', created())?.text).toBe('Курьер не нашёл адрес\n📍 55.751244, 37.618423');
  });

  it('a voice note replying to a request is added to it, not offered as a new one', async () => {
    const id = await fileRequest(env, client, 'Перезвоните мне');
    await env.stack.send(dmButton(client, `rq:a:${id}`));
    await env.stack.send(
      dmMedia(client, media.voice('AwAD-reply-voice'), undefined, {
        reply_to_message: botMessage({ id: client.id, type: 'private' }, PROMPT_ID),
      }),
    );
    expect(lastText()).toContain(id);
    expect(lastText()).not.toContain('Открыть обращение');
    const { messages } = await env.stack.gateway.clients.sheets.tickets.get.query({ ticketId: id });
    expect(messages.at(-1)?.attachments).toEqual([{ kind: 'voice', fileId: 'AwAD-reply-voice' }]);
  });
});
