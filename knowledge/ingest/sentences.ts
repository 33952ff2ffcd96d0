/** Splits running text after 。!?; (with any closing quote), never inside brackets. */
export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '(' || c === '《' || c === '【') depth++;
    else if ((c === ')' || c === '》' || c === '】') && depth > 0) depth--;
    else if (depth === 0 && /[。!?;]/.test(c)) {
      let end = i + 1;
      while (end < text.length && /[”’"」』)]/.test(text[end]!)) end++;
      push(out, text.slice(start, end));
      start = end;
      i = end - 1;
    }
  }
  push(out, text.slice(start));
  return out;
}

function push(out: string[], s: string): void {
  const t = s.trim();
  if (t) out.push(t);
}

/** Splits a sentence at , and ; into clauses, for sentences that speak of several carriers in turn. */
export function splitClauses(sentence: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < sentence.length; i++) {
    const c = sentence[i]!;
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0 && (c === ',' || c === ';' || c === ':')) {
      push(out, sentence.slice(start, i + 1));
      start = i + 1;
    }
  }
  push(out, sentence.slice(start));
  return out;
}

/** A clause and where it sits in its sentence. */
export interface ClauseSpan {
  start: number;
  end: number;
  text: string;
}

/** splitClauses with offsets, so what is found in the whole sentence can be handed to its clause. */
export function clauseSpans(sentence: string): ClauseSpan[] {
  const out: ClauseSpan[] = [];
  let depth = 0;
  let start = 0;
  const cut = (end: number): void => {
    const text = sentence.slice(start, end).trim();
    if (text) out.push({ start, end, text });
    start = end;
  };
  for (let i = 0; i < sentence.length; i++) {
    const c = sentence[i]!;
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    else if (depth === 0 && (c === ',' || c === ';' || c === ':')) cut(i + 1);
  }
  cut(sentence.length);
  return out;
}
