import { describe, expect, it } from 'vitest';
import { renderDigest } from '../../../handlers/digest-format.ts';
import { composeDigest } from '../../../knowledge/digests/compose.ts';
import { NO_FILTER, type DigestFilter } from '../../../knowledge/digests/subscription-filter.ts';
import { periodKnowledge } from '../../fixtures/periods/index.ts';

const kb = periodKnowledge();

function digestOf(bulletinId: string, filter: DigestFilter = NO_FILTER): string {
  const b = kb.bulletin(bulletinId)!;
  return renderDigest(composeDigest(kb, b.seq - 1, b.seq, filter), kb, '全部新通告')
    .map((m) => m.html)
    .join('\n');
}

describe('digests lead with changes', () => {
  it('opens a new half-year bulletin with its biggest moves, what appeared or went, and the carrier that is missing', () => {
    const html = digestOf('jl-2024h2-official');
    const lines = html.split('\n');
    const at = lines.indexOf('📈 <b>与上一期相比变化最大</b>');
    expect(at).toBe(5);
    expect(lines.slice(at, at + 9)).toEqual([
      '📈 <b>与上一期相比变化最大</b>',
      '• 吉林移动 · 骚扰电话投诉中被举报号码处置 1702个(2024上半年 1986个,-284)',
      '• 吉林移动 · 违规骚扰号码关停 1.4万个(2024上半年 1.6万个,-0.2万)',
      '• 吉林电信 · 策划组织 3105场(2024上半年 2968场,+137)',
      '• 吉林电信 · 爱心翼站 520家(2024上半年 500家,+20)',
      '• 吉林全省 · 固定电话用户数 349.04万户(2024上半年 353.83万户,-4.79万)',
      '🆕 吉林全省 首次报告:申告率',
      '➖ 吉林全省 本期未再报告(2024上半年有):电话咨询、和解',
      '⚠️ 吉林联通 未出现在本期通告中(上一期 2024上半年 有)',
    ]);
    // The changes come before the ordinary highlights.
    expect(html.indexOf('与上一期相比')).toBeLessThan(html.indexOf('<b>吉林全省</b>'));
  });

  it('never lists a move across 口径: the quarterly bulletin after a half-year has no computed moves for it', () => {
    const html = digestOf('jl-2025q1-official');
    expect(html).not.toContain('爱心翼站 531家(');
    expect(html).not.toContain('一键接入人工服务 19.8万人次(');
  });

  it('keeps to the chat’s filter', () => {
    const html = digestOf('jl-2024h2-official', { provinces: [], carriers: ['ct-jl'], categories: [] });
    expect(html).toContain('• 吉林电信 · 爱心翼站 520家(2024上半年 500家,+20)');
    expect(html).not.toContain('吉林移动 ·');
    expect(html).not.toContain('吉林联通 未出现');
  });
});
