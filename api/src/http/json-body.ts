import { BadRequestException, UnsupportedMediaTypeException } from '@nestjs/common';
import { FIELD_LIMITS, isWellFormedText } from '@taskboard/contracts';
import type { FastifyInstance } from 'fastify';

/**
 * Replaces Fastify's JSON parser, which reads bodies as text with replacement characters
 * (so invalid UTF-8 and a declared latin1 charset were silently changed) and hands any
 * nesting depth to the transformer (a few thousand levels overflowed its stack). Here a body
 * is only accepted when it is exactly representable as what we store:
 * - a charset other than UTF-8 is a 415; bytes that are not valid UTF-8 are a 400;
 * - nesting deeper than FIELD_LIMITS.jsonMaxDepth is a 400, found by a scan *before* parsing;
 * - a string or key holding a lone surrogate (`"\ud800"`) is a 400: UTF-8 cannot store it.
 * Parsing itself stays Fastify's (empty body, syntax errors, __proto__ poisoning all 400).
 */
export function registerStrictJsonBody(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body: Buffer, done) => {
    try {
      const charset = charsetOf(req.headers['content-type']);
      if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
        throw new UnsupportedMediaTypeException({
          message: 'Unsupported charset: send JSON as UTF-8',
          fields: { body: [`charset ${charset} is not supported: send UTF-8`] },
        });
      }
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        throw invalid('body', 'is not valid UTF-8');
      }
      if (nestingDepth(text, FIELD_LIMITS.jsonMaxDepth) > FIELD_LIMITS.jsonMaxDepth) {
        throw invalid('body', `is nested deeper than ${FIELD_LIMITS.jsonMaxDepth} levels`);
      }
      parseJson(req, text, (err, value) => {
        if (err) return done(err, undefined);
        const where = illFormedTextAt(value, '');
        if (where !== null)
          return done(invalid(where || 'body', 'must be valid Unicode text (lone surrogate)'), undefined);
        done(null, value);
      });
    } catch (err) {
      done(err as Error, undefined);
    }
  });
}

const invalid = (field: string, problem: string) =>
  new BadRequestException({ message: 'Validation failed', fields: { [field]: [problem] } });

/** The lower-cased charset parameter of a Content-Type header, if it has one. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (!contentType) return undefined;
  for (const param of contentType.split(';').slice(1)) {
    const eq = param.indexOf('=');
    if (eq < 0) continue;
    if (param.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    return param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

/**
 * The deepest nesting of objects/arrays in JSON text, counting brackets outside strings;
 * stops early once `limit` is exceeded. Linear, no recursion: safe for any input.
 */
export function nestingDepth(text: string, limit = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return max;
}

/** The dotted path of the first string or key that is not well-formed Unicode, or null. */
function illFormedTextAt(value: unknown, path: string): string | null {
  if (typeof value === 'string') return isWellFormedText(value) ? null : path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = illFormedTextAt(value[i], path ? `${path}.${i}` : String(i));
      if (at !== null) return at;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (!isWellFormedText(key)) return path;
      const at = illFormedTextAt(v, path ? `${path}.${key}` : key);
      if (at !== null) return at;
    }
  }
  return null;
}
