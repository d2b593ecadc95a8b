import { scrubCorpus } from './scrub.js';
const { messages, bytes } = scrubCorpus(10);
const res: Record<string, RegExp> = {
  long: /(?<![A-Za-z0-9_\-])[A-Za-z0-9_\-]{15,}(?:\.[A-Za-z0-9_\-]+){0,2}/g,
  long2: /[A-Za-z0-9_\-]{15,}/g,
  long3: /(?<![\w\-])[\w\-]{15,}/g,
  bearer: /\b[Bb](?:earer|EARER)\s+([A-Za-z0-9\-._~+/]{16,}=*)(?![\w\-.~+/=])/g,
  quoted: /(?:=>|:=|[:=])\s*(["'])([^"'\s]{8,})\1/g,
  aws: /(?:=>|[:=])\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g,
  query: /[?&#;](?:access_token|refresh_token|id_token|auth_token|oauth_token|token|api_key|apikey|api-key|key|secret|client_secret|password|passwd|pwd|sig|signature|auth|session_?id|sessionid|sid|code|jwt|private_token)=([^&#\s"'<>[\]{}()\\|`]+)/gi,
  userinfo: /:\/\/[^\s/?#@:[\]]+:([^\s/?#@[\]]+)@[^\s@]/g,
};
for (const [name, re] of Object.entries(res)) {
  for (let k = 0; k < 2; k++) {
    const t = performance.now();
    let c = 0;
    for (const m of messages) { re.lastIndex = 0; while (re.exec(m) !== null) c++; }
    const s = (performance.now() - t) / 1000;
    if (k === 1) console.log(name.padEnd(14), (bytes / 1e6 / s).toFixed(0).padStart(6), 'MB/s', c);
  }
}
for (const n of ['earer', 'EARER', '=', ':', '://', 'uthorization', 'PRIVATE KEY', 'discord', 'hooks.slack.com']) {
  for (let k = 0; k < 2; k++) {
  const t = performance.now();
  let c = 0;
  for (const m of messages) if (m.includes(n)) c++;
  if (k) console.log(n, c, ((performance.now() - t)).toFixed(1), 'ms');
  }
}
