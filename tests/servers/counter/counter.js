// Post lengths for the local test servers, counted by the official implementations rather than
// by statement-bot: X with the twitter-text package, grapheme clusters with ICU (Intl.Segmenter).
//
// One JSON request per line on stdin, one JSON answer per line on stdout, in order. A request
// is {"op": ..., "text": ...}; a line may also hold an array of requests, answered by an array.
// Answers are {"ok": value} or {"error": message}. Offsets in answers count code points (what
// Python's str indexes), not UTF-16 units.
//   x              {text, config: "v3" | "v2"} -> {weightedLength, valid, permillage}   (parseTweet)
//   urls           {text, scheme_only: bool}   -> [[start, end], ...]  (extractUrlsWithIndices)
//   mastodon_urls  {text}                      -> [[start, end], ...]  (see mastodon-urls.js)
//   graphemes      {text}                      -> number of extended grapheme clusters
//   version        {}                          -> {twitterText, node, icu, unicode}
'use strict';

const readline = require('readline');
const twitter = require('twitter-text');
const { mastodonUrls } = require('./mastodon-urls');

const CONFIGS = { v2: twitter.configs.version2, v3: twitter.configs.version3 };
const SEGMENTER = new Intl.Segmenter('und', { granularity: 'grapheme' });
const VERSION = require('twitter-text/package.json').version;

function graphemes(text) {
  let n = 0;
  for (const _ of SEGMENTER.segment(text)) n++; // eslint-disable-line no-unused-vars
  return n;
}

// Entities' UTF-16 [start, end] as code point offsets. (twitter-text's own
// modifyIndicesFromUTF16ToUnicode converts only the start and keeps the UTF-16 length.)
function spans(text, entities) {
  if (!/[\uD800-\uDFFF]/.test(text)) return entities.map((e) => e.indices);
  const points = new Int32Array(text.length + 1); // UTF-16 offset -> code point offset
  for (let i = 0, n = 0; i <= text.length; i++) {
    points[i] = n;
    const unit = text.charCodeAt(i);
    const pairs = unit >= 0xD800 && unit <= 0xDBFF && (text.charCodeAt(i + 1) & 0xFC00) === 0xDC00;
    if (!pairs) n++;
  }
  return entities.map(({ indices: [start, end] }) => [points[start], points[end]]);
}

function text(request) {
  if (typeof request.text !== 'string') throw new Error('"text" must be a string');
  return request.text;
}

const OPS = {
  x(request) {
    const config = CONFIGS[request.config || 'v3'];
    if (!config) throw new Error(`unknown config ${JSON.stringify(request.config)}`);
    const { weightedLength, valid, permillage } = twitter.parseTweet(text(request), config);
    return { weightedLength, valid, permillage };
  },
  urls(request) {
    const source = text(request);
    return spans(source, twitter.extractUrlsWithIndices(source, { extractUrlsWithoutProtocol: !request.scheme_only }));
  },
  mastodon_urls(request) {
    const source = text(request);
    return spans(source, mastodonUrls(source));
  },
  graphemes(request) {
    return graphemes(text(request));
  },
  version() {
    return { twitterText: VERSION, node: process.versions.node, icu: process.versions.icu,
      unicode: process.versions.unicode };
  },
};

function answer(request) {
  try {
    const op = request && OPS[request.op];
    if (!op) throw new Error(`unknown op ${JSON.stringify(request && request.op)}`);
    return { ok: op(request) };
  } catch (error) {
    return { error: String(error && error.message ? error.message : error) };
  }
}

const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  let reply;
  try {
    const request = JSON.parse(line);
    reply = Array.isArray(request) ? request.map(answer) : answer(request);
  } catch (error) {
    reply = { error: `bad request line: ${error.message}` };
  }
  process.stdout.write(JSON.stringify(reply) + '\n');
});
lines.on('close', () => process.exit(0));
