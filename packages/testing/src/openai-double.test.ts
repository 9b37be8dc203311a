import OpenAI, { RateLimitError } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiDouble } from './openai-double.ts';

let double: OpenAiDouble;
let client: OpenAI;
beforeAll(async () => {
  double = await new OpenAiDouble().start();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: double.url, maxRetries: 0, timeout: 2000, logLevel: 'off' });
});
afterAll(() => double.close());

/** The double speaks what the official SDK parses: both APIs, plain and streamed, errors and embeddings. */
describe('OpenAiDouble through the openai SDK', () => {
  it('answers the Responses API plain and as SSE events', async () => {
    double.next({ kind: 'text', text: 'Привет, мир', usage: { input: 10, output: 3 } });
    const plain = await client.responses.create({ model: 'm', input: 'hi' });
    expect(plain.output_text).toBe('Привет, мир');
    expect(plain.usage).toMatchObject({ input_tokens: 10, output_tokens: 3 });

    double.next({ kind: 'text', text: 'Привет, мир', chunks: 3 });
    const types: string[] = [];
    let text = '';
    for await (const event of await client.responses.create({ model: 'm', input: 'hi', stream: true })) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    expect(text).toBe('Привет, мир');
    expect(types.filter((t) => t === 'response.output_text.delta')).toHaveLength(3);
    expect(types.at(-1)).toBe('response.completed');
  });

  it('answers Chat Completions plain and as chunks ending with [DONE], with usage when asked', async () => {
    double.next({ kind: 'text', text: 'Hello there' });
    const plain = await client.chat.completions.create({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(plain.choices[0]!.message.content).toBe('Hello there');

    double.next({ kind: 'text', text: 'Hello there', chunks: 2, usage: { input: 5, output: 2 } });
    let text = '';
    let usage: unknown;
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Hello there');
    expect(usage).toMatchObject({ prompt_tokens: 5, completion_tokens: 2 });
    expect(double.requests.at(-1)).toMatchObject({ api: 'chat', body: { stream: true, model: 'm' } });
  });

  it('answers 429 with retry-after, and a stream the SDK cannot parse', async () => {
    double.next({ kind: 'status', status: 429, retryAfter: 7 });
    const error = await client.responses.create({ model: 'm', input: 'hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers.get('retry-after')).toBe('7');

    double.next({ kind: 'malformed' });
    const broken = async () => {
      for await (const _ of await client.responses.create({ model: 'm', input: 'hi', stream: true })) void _;
    };
    await expect(broken()).rejects.toThrow(SyntaxError);
  });

  it('hangs until the client gives up', async () => {
    double.next({ kind: 'hang' });
    await expect(client.responses.create({ model: 'm', input: 'hi' }, { timeout: 200 })).rejects.toThrow(/timed out/i);
  });

  it('answers embeddings, one vector per input, similar spelling similar vector', async () => {
    const result = await client.embeddings.create({
      model: 'e',
      input: ['доставка', 'доставки', 'гарантия'],
      encoding_format: 'float',
    });
    const [a, b, c] = result.data.map((d) => d.embedding);
    const cos = (x: number[], y: number[]) =>
      x.reduce((s, v, i) => s + v * y[i]!, 0) /
      Math.sqrt(x.reduce((s, v) => s + v * v, 0) * y.reduce((s, v) => s + v * v, 0));
    expect(cos(a!, b!)).toBeGreaterThan(cos(a!, c!));
  });
});
