import iconv from 'iconv-lite';

/**
 * A web page's bytes to text. The charset comes from the Content-Type
 * header, then a byte-order mark, then a <meta> in the first 1 KB, then the
 * source's own override; with none of them, UTF-8, and GB18030 when the
 * bytes are not valid UTF-8 (GBK pages that declare nothing are common on
 * government sites).
 */
export interface DecodedPage {
  text: string;
  charset: string;
  /** Where the charset came from, for the log when a page comes out garbled. */
  from: 'header' | 'bom' | 'meta' | 'override' | 'guess';
}

/** GB2312 and GBK pages are read as GB18030, their superset: a stray newer character still decodes. */
function canonical(label: string): string | undefined {
  const name = label.trim().toLowerCase().replace(/^["']|["']$/g, '');
  if (!name) return undefined;
  if (/^(gb2312|gbk|gb_2312-80|x-gbk|cp936|gb18030|euc-cn)$/.test(name)) return 'gb18030';
  if (name === 'utf8') return 'utf-8';
  return iconv.encodingExists(name) ? name : undefined;
}

export function charsetOfContentType(contentType: string | undefined): string | undefined {
  const m = contentType ? /charset\s*=\s*("?)([^";,\s]+)\1/i.exec(contentType) : null;
  return m ? canonical(m[2]!) : undefined;
}

function bomCharset(bytes: Uint8Array): { charset: string; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { charset: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { charset: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { charset: 'utf-16be', length: 2 };
  return undefined;
}

/** <meta charset="gbk"> or <meta http-equiv="Content-Type" content="text/html; charset=gb2312"> in the first 1 KB. */
export function metaCharset(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.length, 1024)).toString('latin1');
  const direct = /<meta[^>]+charset\s*=\s*["']?([\w-]+)/i.exec(head);
  return direct ? canonical(direct[1]!) : undefined;
}

export function decodePage(bytes: Uint8Array, contentType?: string, override?: string): DecodedPage {
  const header = charsetOfContentType(contentType);
  if (header) return { text: decode(bytes, header), charset: header, from: 'header' };
  const bom = bomCharset(bytes);
  if (bom) return { text: decode(bytes.subarray(bom.length), bom.charset), charset: bom.charset, from: 'bom' };
  const meta = metaCharset(bytes);
  if (meta) return { text: decode(bytes, meta), charset: meta, from: 'meta' };
  const own = override ? canonical(override) : undefined;
  if (own) return { text: decode(bytes, own), charset: own, from: 'override' };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), charset: 'utf-8', from: 'guess' };
  } catch {
    return { text: decode(bytes, 'gb18030'), charset: 'gb18030', from: 'guess' };
  }
}

function decode(bytes: Uint8Array, charset: string): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), charset).replace(/^\uFEFF/, '');
}
