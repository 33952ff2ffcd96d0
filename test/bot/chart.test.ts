import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH, chartSvg, renderChart, type RenderedChart } from '../../bot/chart.ts';
import type { ChartSpec } from '../../handlers/reply.ts';
import { requester } from '../helpers/handler-requests.ts';
import { servicesFor } from '../helpers/knowledge.ts';
import { periodKnowledge } from '../fixtures/periods/index.ts';

/** The chart /trend 吉林电信 爱心翼站 asks for, as the handler builds it. */
async function trendChart(): Promise<ChartSpec> {
  const r = await requester(servicesFor(periodKnowledge())).command('/trend 吉林电信 爱心翼站');
  const chart = r.messages.find((m) => m.chart)?.chart;
  if (!chart) throw new Error('no chart in the reply');
  return chart;
}

/** Width and height from the IHDR chunk, and the inflated image data's length. */
function readPng(png: Buffer): { width: number; height: number; colorType: number; dataLength: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let ihdr: Buffer | undefined;
  const idat: Buffer[] = [];
  while (at < png.length) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const data = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') ihdr = data;
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  if (!ihdr) throw new Error('no IHDR');
  return { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4), colorType: ihdr[9]!, dataLength: inflateSync(Buffer.concat(idat)).length };
}

/** Pixels darker than mid-grey inside a box: text and lines; the background is white. */
function darkPixels(img: RenderedChart, box: { x0: number; y0: number; x1: number; y1: number }): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) {
    for (let x = box.x0; x < box.x1; x++) {
      const i = (y * img.width + x) * 4;
      if (img.pixels[i]! + img.pixels[i + 1]! + img.pixels[i + 2]! < 3 * 128) n++;
    }
  }
  return n;
}

const TITLE = { x0: 160, y0: 0, x1: 560, y1: 44 };

describe('chart rendering', () => {
  it('puts the title, periods and values into the SVG as text', async () => {
    const svg = chartSvg(await trendChart());
    for (const label of ['吉林电信 · 爱心翼站', '2023下半年', '2025第一季度', '半年', '季度', '443', '531']) expect(svg).toContain(label);
  });

  it('renders a PNG of the chart’s size that decodes, with the Chinese title drawn', async () => {
    const img = await renderChart(await trendChart());
    const png = readPng(img.png);
    expect({ width: png.width, height: png.height }).toEqual({ width: CHART_WIDTH, height: CHART_HEIGHT });
    const channels = png.colorType === 6 ? 4 : png.colorType === 2 ? 3 : png.colorType === 4 ? 2 : 1;
    expect(png.dataLength).toBe(png.height * (1 + png.width * channels));
    expect(img.png.length).toBeGreaterThan(5_000);
    expect(img.png.length).toBeLessThan(200_000);
    // Not blank: lines and labels cover a real share of the picture.
    expect(darkPixels(img, { x0: 0, y0: 0, x1: img.width, y1: img.height })).toBeGreaterThan(2_000);
    expect(darkPixels(img, TITLE)).toBeGreaterThan(300);
  });

  it('draws almost nothing in the title area without a font: the font is what makes the labels appear', async () => {
    const spec = await trendChart();
    const [withFont, without] = await Promise.all([renderChart(spec), renderChart(spec, { font: false })]);
    expect(darkPixels(without, TITLE)).toBeLessThan(darkPixels(withFont, TITLE) / 10);
  });
});

describe('charts in the terminal chat', () => {
  it('writes the chart to a PNG file and prints its path', async () => {
    const { mkdtemp, readFile, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { PassThrough, Readable } = await import('node:stream');
    const { runTerminalChat } = await import('../../bot/terminal.ts');
    const dir = await mkdtemp(join(tmpdir(), 'carrier-watch-charts-'));
    try {
      const out = new PassThrough();
      let printed = '';
      out.on('data', (d: Buffer) => void (printed += d.toString()));
      await runTerminalChat(servicesFor(periodKnowledge()), Readable.from(['/trend 吉林电信 爱心翼站\n', '/quit\n']), out, dir);
      const path = /🖼 图表:(\S+\.png)/.exec(printed)?.[1];
      expect(path?.startsWith(dir)).toBe(true);
      expect(readPng(await readFile(path!))).toMatchObject({ width: CHART_WIDTH, height: CHART_HEIGHT });
      expect(printed).toContain('2023下半年 443家 → 2024上半年 500家 → 2024下半年 520家 → 2025第一季度 531家');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
