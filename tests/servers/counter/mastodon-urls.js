// The links Mastodon's StatusLengthValidator counts as characters_reserved_per_url.
//
// Mastodon extracts them with the twitter-text gem's extract_urls_with_indices(text,
// extract_url_without_protocol: false), after its config/initializers/twitter_regex.rb has
// redefined the gem's valid_url. What that redefinition changes, rebuilt here on the
// twitter-text package's own pieces (preceding character, domain with its TLD list, port, t.co):
//   - schemes: http, https, dat, dweb, ipfs, ipns, ssb, gopher, gemini;
//   - path characters: anything but White_Space, < > ( ) ?;
//   - a path must end in a character other than White_Space ( ) ? ! * " ' 「 」 < > ; : = , . $ % [ ] ~ & | @,
//     or in twitter-text's own balanced parentheses (Mastodon reads that pattern before replacing it);
//   - query characters and the query's last character also allow every non-ASCII character in
//     U+00A0-U+D7FF, U+E000-U+F8FF, U+F900-U+FDCF, U+FDF0-U+FFEF and the planes 1-16 (less each
//     plane's last two code points and U+E0000-U+E0FFF).
// With extract_url_without_protocol false a match without a scheme is no link at all.
// Indices are UTF-16 offsets, as JavaScript strings have them.
'use strict';

const twitter = require('twitter-text');
const idna = require('twitter-text/dist/lib/idna');

const R = twitter.regexen;
const MAX_URL_LENGTH = 4096; // twitter-text's limit on a link, after punycode
const MAX_TCO_SLUG_LENGTH = 40;

// No 'u' flag: twitter-text's patterns are written for UTF-16 code units. So White_Space is
// spelled out and astral ranges become surrogate pairs.
const WHITE_SPACE = '\\t-\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';

function hex(unit) {
  return '\\u' + unit.toString(16).toUpperCase().padStart(4, '0');
}

// A pattern matching one code point in [lo, hi] (both astral) as a surrogate pair.
function astral(lo, hi) {
  const high = (cp) => 0xD800 + ((cp - 0x10000) >> 10);
  const low = (cp) => 0xDC00 + ((cp - 0x10000) & 0x3FF);
  const [h1, l1, h2, l2] = [high(lo), low(lo), high(hi), low(hi)];
  if (h1 === h2) return `${hex(h1)}[${hex(l1)}-${hex(l2)}]`;
  const parts = [`${hex(h1)}[${hex(l1)}-\\uDFFF]`];
  if (h2 - h1 > 1) parts.push(`[${hex(h1 + 1)}-${hex(h2 - 1)}][\\uDC00-\\uDFFF]`);
  parts.push(`${hex(h2)}[\\uDC00-${hex(l2)}]`);
  return parts.join('|');
}

const PLANES = [];
for (let plane = 1; plane <= 16; plane++) {
  const first = plane === 14 ? 0xE1000 : plane * 0x10000;
  PLANES.push(astral(first, plane * 0x10000 + 0xFFFD));
}
const UCHARS_BMP = '\\xA0-\\uD7FF\\uE000-\\uF8FF\\uF900-\\uFDCF\\uFDF0-\\uFFEF';
const UCHARS_ASTRAL = PLANES.join('|');

const PATH_CHAR = `[^${WHITE_SPACE}<>()?]`;
const PARENS = `\\((?:${PATH_CHAR}+|${PATH_CHAR}*\\(${PATH_CHAR}+\\)${PATH_CHAR}*)\\)`;
const PATH_END = `(?:[^${WHITE_SPACE}()?!*"'\\u300C\\u300D<>;:=,.$%\\[\\]~&|@]|${R.validUrlBalancedParens.source})`;
const PATH = `(?:${PATH_CHAR}*(?:${PARENS}${PATH_CHAR}*)*${PATH_END}|${PATH_CHAR}+\\/)`;
const QUERY_CHAR = `(?:[a-z0-9!?*'();:&=+$/%#\\[\\]\\-_.,~|@^${UCHARS_BMP}]|${UCHARS_ASTRAL})`;
const QUERY_END = `(?:[a-z0-9_&=#/\\-${UCHARS_BMP}]|${UCHARS_ASTRAL})`;

const VALID_URL = new RegExp(
  `(${R.validUrlPrecedingChars.source})` + // 1: the character before
  '(' + // 2: the link
  '((?:https?|dat|dweb|ipfs|ipns|ssb|gopher|gemini):\\/\\/)?' + // 3: scheme
  `(${R.validDomain.source})` + // 4: host
  `(?::${R.validPortNumber.source})?` +
  `(?:\\/${PATH}*)?` +
  `(?:\\?${QUERY_CHAR}*${QUERY_END})?` +
  ')', 'gi');

function codePoints(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0xD800 || unit > 0xDBFF || i + 1 === text.length) n++;
  }
  return n;
}

// The gem's is_valid_domain: the link, its host in punycode, at most 4096 characters.
function validLength(url, domain) {
  const ascii = idna.toAscii(domain);
  if (!ascii) return false;
  return codePoints(url) + Math.max(0, ascii.length - domain.length) <= MAX_URL_LENGTH;
}

function mastodonUrls(text) {
  if (!text || text.indexOf(':') < 0) return [];
  const found = [];
  const pattern = new RegExp(VALID_URL.source, VALID_URL.flags); // own lastIndex: no shared state
  let match;
  while ((match = pattern.exec(text)) !== null) {
    let [, before, url, scheme, domain] = match;
    if (!scheme) continue;
    const start = match.index + before.length;
    const tco = url.match(R.validTcoUrl);
    if (tco) {
      if (tco[1] && tco[1].length > MAX_TCO_SLUG_LENGTH) continue;
      url = tco[0];
    }
    if (!validLength(url, domain)) continue;
    found.push({ url, indices: [start, start + url.length] });
  }
  return found;
}

module.exports = { mastodonUrls };
