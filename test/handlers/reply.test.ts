import { describe, expect, it } from 'vitest';
import { encode, decode } from '../../handlers/callback-data.ts';
import { escapeHtml, finalize, MAX_MESSAGE_CHARS, splitHtml } from '../../handlers/reply.ts';

describe('message splitting', () => {
  it('keeps short messages whole', () => {
    expect(splitHtml('<b>a</b>\nb')).toEqual(['<b>a</b>\nb']);
  });

  it('splits on line boundaries under the limit and loses nothing', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `${i}. <b>吉林电信</b> 爱心翼站已拓展到443家`);
    const parts = splitHtml(lines.join('\n'));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
      expect(p.split('<b>').length).toBe(p.split('</b>').length);
    }
    expect(parts.join('\n')).toBe(lines.join('\n'));
  });

  it('cuts a single over-long line outside tags, entities and surrogate pairs', () => {
    const line = `${'😀'.repeat(1500)}&amp;${'x'.repeat(2000)}<b>y</b>`;
    const parts = splitHtml(line, 100);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(100);
      expect(p).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      expect(p).not.toMatch(/&am$|&a$|<b$|<$/);
    }
    expect(parts.join('')).toBe(line);
  });

  it('puts buttons on the last part only', () => {
    const r = finalize({ messages: [{ html: 'x\n'.repeat(3000), buttons: [[{ text: 'ok', data: 'c:ct-jl' }]] }] });
    expect(r.messages.length).toBe(2);
    expect(r.messages[0]!.buttons).toBeUndefined();
    expect(r.messages[1]!.buttons).toHaveLength(1);
  });

  it('escapes the three HTML metacharacters', () => {
    expect(escapeHtml('0431-12300 <a> & "q"')).toBe('0431-12300 &lt;a&gt; &amp; "q"');
  });
});

describe('callback data', () => {
  it('round-trips every action within 64 bytes', () => {
    const actions = [
      { kind: 'carrier', carrierId: 'cbn-xj-bayinguoleng' },
      { kind: 'facts', carrierId: 'cbn-xj-bayinguoleng', category: 'province_appeals', page: 9999 },
      { kind: 'search', queryId: 'AbCdEfGhIj', page: 12 },
      { kind: 'bulletins', page: 3 },
      { kind: 'bulletin', bulletinId: 'cbn-xj-bayinguoleng-2024q3-news-ab12' },
      { kind: 'regionFacts', bulletinId: 'cbn-xj-bayinguoleng-2024q3-news-ab12', page: 2 },
      { kind: 'carriers', page: 1 },
    ] as const;
    for (const a of actions) {
      const data = encode(a);
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(64);
      expect(decode(data)).toEqual(a);
    }
  });
});
