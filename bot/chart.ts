import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { renderAsync, type ResvgRenderOptions } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import PQueue from 'p-queue';
import type { ChartSpec } from '../handlers/reply.ts';

/**
 * Charts as PNG without a browser: ECharts renders SVG on the server, resvg
 * rasterises it. The CJK font is loaded explicitly from @embedpdf/fonts-sc
 * (installed by npm ci): with no font resvg drops every label silently.
 */
export const CHART_WIDTH = 720;
export const CHART_HEIGHT = 420;
const FONT_FAMILY = 'Noto Sans S Chinese';
const PALETTE = ['#1f6feb', '#d9480f', '#2b8a3e', '#862e9c', '#e67700'];

let fontFile: string | undefined;

/** The regular Noto Sans SC face shipped in node_modules. */
export function chartFont(): string {
  if (!fontFile) {
    const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
    const file = join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf');
    if (!existsSync(file)) throw new Error(`chart font missing: ${file} (run npm ci)`);
    fontFile = file;
  }
  return fontFile;
}

/** The chart as SVG: a line per 口径 (a break in comparability is a separate line, never one joined line). */
export function chartSvg(spec: ChartSpec, width = CHART_WIDTH, height = CHART_HEIGHT): string {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  // Past six periods the labels ("2024第一季度") no longer fit side by side on a phone-sized chart.
  const slanted = spec.categories.length > 6;
  const legend = spec.series.length > 1;
  chart.setOption({
    animation: false,
    backgroundColor: '#ffffff',
    color: PALETTE,
    textStyle: { fontFamily: FONT_FAMILY },
    title: {
      text: spec.title,
      subtext: spec.subtitle ?? '',
      left: 'center',
      textStyle: { fontSize: 20, fontWeight: 'normal', color: '#111111', fontFamily: FONT_FAMILY },
      subtextStyle: { fontSize: 13, color: '#555555', fontFamily: FONT_FAMILY },
    },
    legend: legend ? { bottom: 4, textStyle: { fontFamily: FONT_FAMILY } } : undefined,
    grid: { left: 44, right: 36, top: 78, bottom: legend ? 40 : 16, containLabel: true },
    xAxis: { type: 'category', data: spec.categories, axisLabel: { fontSize: 12, interval: 0, rotate: slanted ? 35 : 0, fontFamily: FONT_FAMILY } },
    yAxis: { type: 'value', name: spec.unit, scale: true, nameTextStyle: { fontFamily: FONT_FAMILY }, axisLabel: { fontFamily: FONT_FAMILY } },
    series: spec.series.map((s) => ({
      name: s.name,
      type: 'line',
      data: s.values,
      // Every point of one series shares its 口径, so a gap (another 口径 in between) is bridged.
      connectNulls: true,
      symbolSize: 8,
      lineStyle: { width: 3 },
      // Values on the points while they fit; a long series is read off the axis and the text reply.
      label: { show: spec.categories.length <= 10, position: 'top', fontSize: 12, fontFamily: FONT_FAMILY },
    })),
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  return svg;
}

export interface RenderedChart {
  png: Buffer;
  width: number;
  height: number;
  /** RGBA, row by row: what tests count dark pixels in. */
  pixels: Buffer;
}

/**
 * SVG → PNG. resvg's `renderAsync` rasterises on libuv's thread pool, so the
 * ~250 ms it takes (mostly re-reading the 8 MB font) never blocks the event
 * loop; `font: false` renders with no font at all, for tests.
 */
export async function rasterise(svg: string, options: { font?: boolean } = {}): Promise<RenderedChart> {
  const font: ResvgRenderOptions['font'] =
    options.font === false
      ? { loadSystemFonts: false }
      : { fontFiles: [chartFont()], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY };
  const image = await renderAsync(svg, { font, background: '#ffffff', fitTo: { mode: 'original' } });
  return { png: image.asPng(), width: image.width, height: image.height, pixels: image.pixels };
}

export function renderChart(spec: ChartSpec, options: { font?: boolean } = {}): Promise<RenderedChart> {
  return rasterise(chartSvg(spec), options);
}

/**
 * Charts wait their turn here, one at a time: a burst of /trend requests
 * queues up instead of filling the thread pool that file and DNS work share,
 * and the adapter does not await the queue on the update path.
 */
export class ChartQueue {
  private readonly queue = new PQueue({ concurrency: 1 });

  render(spec: ChartSpec): Promise<RenderedChart> {
    return this.queue.add(() => renderChart(spec));
  }

  /** Runs `job` after the charts queued before it; for sending a rendered chart in order. */
  run<T>(job: () => Promise<T>): Promise<T> {
    return this.queue.add(job);
  }

  get pending(): number {
    return this.queue.size + this.queue.pending;
  }

  onIdle(): Promise<void> {
    return this.queue.onIdle();
  }
}
