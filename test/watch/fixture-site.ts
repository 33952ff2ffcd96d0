import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What one path answers; change it between checks to "publish" or break things. */
export interface Route {
  status?: number;
  body?: string | Uint8Array;
  /** Content-Type as sent; omit to send none (a GBK page declaring its charset only in <meta>). */
  contentType?: string;
  headers?: Record<string, string>;
  etag?: string;
  lastModified?: string;
  /** Answer only after this long (a server slower than the watcher's timeout). */
  delayMs?: number;
  /** Answers the status with a Location header instead of a body. */
  redirectTo?: string;
}

export interface LoggedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  status: number;
}

/**
 * A web site on 127.0.0.1 for the watcher's tests: routes set per test,
 * conditional GET answered as servers do (304 on a matching ETag or
 * Last-Modified), every request logged. Unknown paths are 404, robots.txt
 * included unless set.
 */
export class FixtureSite {
  readonly routes = new Map<string, Route>();
  readonly log: LoggedRequest[] = [];
  private server: Server | undefined;
  origin = '';

  static async start(host = '127.0.0.1'): Promise<FixtureSite> {
    const site = new FixtureSite();
    await site.listen(host);
    return site;
  }

  private listen(host: string): Promise<void> {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('#')[0]!;
      const route = this.routes.get(path);
      const finish = (status: number, headers: Record<string, string>, body?: string | Uint8Array): void => {
        this.log.push({ path, headers: req.headers, status });
        if (res.destroyed) return;
        res.writeHead(status, headers);
        res.end(body);
      };
      const answer = (): void => {
        if (!route) return finish(404, { 'content-type': 'text/html; charset=utf-8' }, '<html><body>页面不存在</body></html>');
        const headers: Record<string, string> = { ...(route.headers ?? {}) };
        if (route.contentType) headers['content-type'] = route.contentType;
        if (route.etag) headers['etag'] = route.etag;
        if (route.lastModified) headers['last-modified'] = route.lastModified;
        if (route.redirectTo) return finish(route.status ?? 301, { ...headers, location: route.redirectTo });
        const status = route.status ?? 200;
        if (status === 200 && route.etag && req.headers['if-none-match'] === route.etag) return finish(304, headers);
        if (status === 200 && route.lastModified && req.headers['if-modified-since'] === route.lastModified) return finish(304, headers);
        finish(status, headers, route.body ?? '');
      };
      if (route?.delayMs) setTimeout(answer, route.delayMs);
      else answer();
    });
    return new Promise((resolve) => {
      this.server!.listen(0, host, () => {
        const { port } = this.server!.address() as AddressInfo;
        this.origin = `http://${host}:${port}`;
        resolve();
      });
    });
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  set(path: string, route: Route): void {
    this.routes.set(path, route);
  }

  html(path: string, body: string, extra: Omit<Route, 'body'> = {}): void {
    this.routes.set(path, { contentType: 'text/html; charset=utf-8', body, ...extra });
  }

  requestsTo(path: string): LoggedRequest[] {
    return this.log.filter((r) => r.path === path);
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}
