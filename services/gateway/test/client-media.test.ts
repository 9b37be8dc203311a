import { describe, expect, it } from 'vitest';
import { dmAlbum, dmMedia, media } from './fixtures/client-messages.ts';
import { client, dmButton, dmText, ticketReads, useTicketsStack } from './tickets-setup.ts';

/** Issue 20 point 3: a photo or file with a caption, and an album, as clients send them in the new-request dialogue. */
const env = useTicketsStack({ forum: true });
const { lastText, created, firstMessage, staffCalls: staffFiles } = ticketReads(env);

describe('a photo, file or album in the new-request dialogue', () => {
  it('takes a photo with a caption as the text and attaches the photo', async () => {
    await env.stack.send(dmText(client, '/new'));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmMedia(client, media.photo('AgAD-caption-photo'), 'Сломалась кнопка, вот скриншот'));
    expect(lastText()).toContain('Можно приложить фото');
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText()).toMatch(/Сломалась кнопка, вот скриншот\nВложений: 1/);
    await env.stack.send(dmButton(client, 'rq:send'));
    const id = created();
    expect(env.stack.sheets.wb.get('Tickets', id)?.text).toBe('Сломалась кнопка, вот скриншот\n[фото]');
    expect((await firstMessage(id)).attachments).toEqual([{ kind: 'photo', fileId: 'AgAD-caption-photo' }]);
    await env.api.waitFor(
      () => staffFiles('sendPhoto').some((c) => c.payload['photo'] === 'AgAD-caption-photo'),
      5000,
      'the photo in the staff topic',
    );
  });

  it('takes a document with a caption the same way', async () => {
    await env.stack.send(dmText(client, '/new'));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmMedia(client, media.document('BQAD-receipt'), 'Чек об оплате, деньги не вернули'));
    await env.stack.send(dmButton(client, 'rq:done'));
    await env.stack.send(dmButton(client, 'rq:send'));
    const message = await firstMessage(created());
    expect(message).toMatchObject({
      text: 'Чек об оплате, деньги не вернули\n[файл]',
      attachments: [{ kind: 'document', fileId: 'BQAD-receipt' }],
    });
  });

  it('makes an album (one media_group_id) one request message with every file, answered once', async () => {
    await env.stack.send(dmText(client, '/new'));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    const before = env.api.textsTo(client.id).length;
    for (const update of dmAlbum(client, ['AgAD-album-1', 'AgAD-album-2', 'AgAD-album-3'], 'Три фото брака'))
      await env.stack.send(update);
    // One reply for the album (the attach step), not one per photo.
    expect(env.api.textsTo(client.id).slice(before)).toHaveLength(1);
    expect(lastText()).toContain('Можно приложить фото');
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText()).toMatch(/Три фото брака\nВложений: 3/);
    await env.stack.send(dmButton(client, 'rq:send'));
    const id = created();
    const message = await firstMessage(id);
    expect(message.text).toBe('Три фото брака\n[фото]\n[фото]\n[фото]');
    expect(message.attachments.map((a) => a.fileId)).toEqual(['AgAD-album-1', 'AgAD-album-2', 'AgAD-album-3']);
    const { messages } = await env.stack.gateway.clients.sheets.tickets.get.query({ ticketId: id });
    expect(messages).toHaveLength(1);
  });

  it('an album sent at the attach step adds every file with one reply', async () => {
    await env.stack.send(dmText(client, '/new'));
    await env.stack.send(dmButton(client, 'rq:c:0'));
    await env.stack.send(dmText(client, 'Фото упаковки ниже'));
    const before = env.api.textsTo(client.id).length;
    for (const update of dmAlbum(client, ['AgAD-more-1', 'AgAD-more-2'], 'подпись к альбому'))
      await env.stack.send(update);
    expect(env.api.textsTo(client.id).slice(before)).toEqual(['Добавлено вложений: 1. Ещё одно — или «Готово».']);
    await env.stack.send(dmButton(client, 'rq:done'));
    expect(lastText()).toMatch(/Фото упаковки ниже\nподпись к альбому\nВложений: 2/);
    await env.stack.send(dmButton(client, 'rq:x'));
  });
});
