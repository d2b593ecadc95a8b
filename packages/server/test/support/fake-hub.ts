import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type FakeHubRepoType = 'model' | 'dataset' | 'space';

export interface FakeHubCommit {
  oid: string;
  title: string;
  description: string | undefined;
  branch: string;
  /** Every file this commit added or replaced, with the bytes that arrived (inline or through LFS). */
  files: Map<string, Buffer>;
  /** The paths of `files` that were committed as LFS pointers (their bytes came by the LFS upload). */
  lfsPaths: Set<string>;
}

export interface FakeHubRepo {
  type: FakeHubRepoType;
  private: boolean;
  commits: FakeHubCommit[];
}

export interface FakeHubRequest {
  method: string;
  /** The path without the query string, e.g. `/api/repos/create`. */
  path: string;
  /** Whether it carried `Authorization: Bearer <the configured token>`. */
  authorized: boolean;
  status: number;
}

export interface FakeHub {
  /** What to pass as `hubUrl`. */
  url: string;
  token: string;
  /** Keyed by `owner/name`. */
  repos: Map<string, FakeHubRepo>;
  /** Every request received, in order, including refused ones. */
  requests: FakeHubRequest[];
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** The only token accepted (`hf_…`: the library refuses others before sending anything). */
  token?: string;
  /**
   * Files at least this large are sent through LFS (the Hub's limit for regular files is 10 MB); so
   * are binary files (a NUL byte in the first 512 bytes) and the extensions the Hub's default
   * `.gitattributes` tracks with LFS (`.parquet`, `.arrow`, `.gz` …).
   */
  lfsThresholdBytes?: number;
  /**
   * Hand out the Hub's multipart transfer (a `chunk_size` header, one pre-signed PUT per part and a
   * completion URL) for LFS objects larger than this, instead of one basic PUT.
   */
  multipartChunkBytes?: number;
  /** Print each request to stderr (for finding out what the library sends). */
  log?: boolean;
}

const LFS_EXTENSIONS = /\.(7z|arrow|bin|bz2|ftz|gz|h5|joblib|lz4|mds|model|msgpack|npy|npz|onnx|ot|parquet|pb|pickle|pkl|pt|pth|safetensors|tar|tflite|tgz|wasm|xz|zip|zst)$/i;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Reply {
  status: number;
  body: unknown;
  contentType?: string;
  headers?: Record<string, string>;
}

/**
 * A local stand-in for the parts of the Hugging Face Hub that `@huggingface/hub` 2.17.5 calls to
 * create a dataset repo and commit files to it without Xet (`useXet: false`):
 *
 * - `GET  /api/{models|datasets|spaces}/{owner}/{name}` (repoExists, repo info) → 200 or 404
 * - `POST /api/repos/create` (createRepo) → 200 `{ url, name, id }`, 409 if it exists
 * - `POST /api/{type}s/{owner}/{name}/preupload/{branch}` → `{ files: [{ path, uploadMode }] }`
 * - `POST /{datasets/|spaces/|}{owner}/{name}.git/info/lfs/objects/batch` → basic transfer:
 *   an upload href per object not stored yet, none for objects the repo already has
 * - `PUT  /lfs-upload/{id}` (the href; no Authorization, like a pre-signed S3 URL) → stores the
 *   bytes after checking their size and sha256 against the batch request
 * - with `multipartChunkBytes`: `PUT /lfs-upload/{id}/part/{n}` → an ETag per part, then
 *   `POST /lfs-upload/{id}/complete` `{ oid, parts: [{ partNumber, etag }] }` joins and checks them
 * - `POST /api/{type}s/{owner}/{name}/commit/{branch}` (NDJSON: header, file, lfsFile, deletedFile)
 *   → `{ success, commitOid, commitUrl, hookOutput }`
 *
 * Every endpoint but the upload href answers 401 unless `Authorization: Bearer <token>` matches.
 */
export async function startFakeHub(options: FakeHubOptions = {}): Promise<FakeHub> {
  const token = options.token ?? `hf_fake${randomBytes(12).toString('hex')}`;
  const lfsThreshold = options.lfsThresholdBytes ?? 10 * 1024 * 1024;
  const repos = new Map<string, FakeHubRepo>();
  const requests: FakeHubRequest[] = [];
  /** LFS objects stored per repo, by sha256. */
  const lfsObjects = new Map<string, Map<string, Buffer>>();
  /** Upload hrefs handed out and not used yet. */
  const pendingUploads = new Map<string, { repo: string; oid: string; size: number; parts?: Map<number, Buffer> }>();
  const store = (id: string, bytes: Buffer) => {
    const pending = pendingUploads.get(id)!;
    if (bytes.length !== pending.size) throw new HttpError(400, `Expected ${pending.size} bytes, got ${bytes.length}`);
    if (createHash('sha256').update(bytes).digest('hex') !== pending.oid) throw new HttpError(400, 'Content does not match the sha256 oid');
    pendingUploads.delete(id);
    lfsObjects.get(pending.repo)!.set(pending.oid, bytes);
  };
  let url = '';

  const readBody = async (req: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
    try {
      return JSON.parse((await readBody(req)).toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new HttpError(400, 'Body is not valid JSON');
    }
  };
  const repoOf = (name: string, type: string): FakeHubRepo => {
    const repo = repos.get(name);
    if (!repo || repo.type !== type) throw new HttpError(404, 'Repository not found');
    return repo;
  };
  const singular = (plural: string): FakeHubRepoType => plural.slice(0, -1) as FakeHubRepoType;

  async function handle(req: IncomingMessage, path: string, method: string): Promise<Reply> {
    // The LFS upload hrefs: authorised by their unguessable id, not by a header (like S3's).
    const upload = /^\/lfs-upload\/([0-9a-f]+)(?:\/part\/(\d+)|\/(complete))?$/.exec(path);
    if (upload) {
      const id = upload[1]!;
      const pending = pendingUploads.get(id);
      if (!pending) throw new HttpError(403, 'Unknown or used upload URL');
      if (method === 'PUT' && !upload[2] && !upload[3] && !pending.parts) {
        store(id, await readBody(req));
        return { status: 200, body: '' };
      }
      if (method === 'PUT' && upload[2] && pending.parts) {
        const bytes = await readBody(req);
        pending.parts.set(Number(upload[2]), bytes);
        return { status: 200, body: '', headers: { etag: `"${createHash('md5').update(bytes).digest('hex')}"` } };
      }
      if (method === 'POST' && upload[3] && pending.parts) {
        const body = (await readJson(req)) as { oid?: string; parts?: { partNumber: number; etag: string }[] };
        if (body.oid !== pending.oid || !Array.isArray(body.parts)) throw new HttpError(400, 'Bad completion request');
        const parts = body.parts.map(({ partNumber, etag }) => {
          const bytes = pending.parts!.get(partNumber);
          if (!bytes || etag !== `"${createHash('md5').update(bytes).digest('hex')}"`) throw new HttpError(400, `Part ${partNumber} is missing or its ETag is wrong`);
          return bytes;
        });
        if (parts.length !== pending.parts.size) throw new HttpError(400, 'Not every uploaded part is in the completion request');
        store(id, Buffer.concat(parts));
        return { status: 200, body: { success: true } };
      }
      throw new HttpError(405, `${method} not allowed on this upload URL`);
    }

    if (req.headers.authorization !== `Bearer ${token}`) {
      throw new HttpError(401, 'Invalid credentials in Authorization header');
    }

    if (method === 'POST' && path === '/api/repos/create') {
      const body = await readJson(req);
      const type = (body.type ?? 'model') as string;
      if (!['model', 'dataset', 'space'].includes(type)) throw new HttpError(400, `Invalid repo type ${type}`);
      if (typeof body.name !== 'string' || typeof body.organization !== 'string') throw new HttpError(400, 'name and organization are required');
      const name = `${body.organization}/${body.name}`;
      const prefix = type === 'model' ? '' : `${type}s/`;
      if (repos.has(name)) return { status: 409, body: { error: `You already created this ${type} repo`, url: `${url}/${prefix}${name}` } };
      repos.set(name, { type: type as FakeHubRepoType, private: body.visibility === 'private' || body.private === true, commits: [] });
      lfsObjects.set(name, new Map());
      return { status: 200, body: { url: `${url}/${prefix}${name}`, name, id: randomBytes(12).toString('hex') } };
    }

    const info = /^\/api\/(models|datasets|spaces)\/([^/]+\/[^/]+)$/.exec(path);
    if (info && method === 'GET') {
      const repo = repoOf(info[2]!, singular(info[1]!));
      const head = repo.commits.at(-1);
      return { status: 200, body: { id: info[2], _id: info[2], private: repo.private, sha: head?.oid, likes: 0 } };
    }

    const preupload = /^\/api\/(models|datasets|spaces)\/([^/]+\/[^/]+)\/preupload\/([^/]+)$/.exec(path);
    if (preupload && method === 'POST') {
      repoOf(preupload[2]!, singular(preupload[1]!));
      const body = (await readJson(req)) as { files?: { path: string; size: number; sample: string }[] };
      if (!Array.isArray(body.files)) throw new HttpError(400, 'files is required');
      return {
        status: 200,
        body: {
          files: body.files.map((file) => {
            const sample = Buffer.from(file.sample, 'base64');
            const lfs = file.size >= lfsThreshold || sample.includes(0) || LFS_EXTENSIONS.test(file.path);
            return { path: file.path, uploadMode: lfs ? 'lfs' : 'regular', shouldIgnore: false };
          }),
        },
      };
    }

    const batch = /^\/(?:(datasets|spaces)\/)?([^/]+\/[^/]+)\.git\/info\/lfs\/objects\/batch$/.exec(path);
    if (batch && method === 'POST') {
      const name = batch[2]!;
      repoOf(name, batch[1] ? singular(batch[1]) : 'model');
      const body = (await readJson(req)) as { operation?: string; transfers?: string[]; objects?: { oid: string; size: number }[] };
      if (body.operation !== 'upload' || !Array.isArray(body.objects)) throw new HttpError(400, 'Only upload batches are supported');
      if (!body.transfers?.includes('basic')) throw new HttpError(400, 'Only the basic transfer is supported');
      const stored = lfsObjects.get(name)!;
      return {
        status: 200,
        contentType: 'application/vnd.git-lfs+json',
        body: {
          transfer: 'basic',
          objects: body.objects.map(({ oid, size }) => {
            if (!/^[0-9a-f]{64}$/.test(oid)) return { oid, size, error: { code: 422, message: 'Invalid oid' } };
            if (stored.has(oid)) return { oid, size };
            const id = randomBytes(16).toString('hex');
            const chunk = options.multipartChunkBytes;
            if (chunk !== undefined && size > chunk) {
              pendingUploads.set(id, { repo: name, oid, size, parts: new Map() });
              const header: Record<string, string> = { chunk_size: String(chunk) };
              for (let part = 1; part <= Math.ceil(size / chunk); part++) header[String(part).padStart(5, '0')] = `${url}/lfs-upload/${id}/part/${part}`;
              return { oid, size, authenticated: true, actions: { upload: { href: `${url}/lfs-upload/${id}/complete`, header, expires_in: 3600 } } };
            }
            pendingUploads.set(id, { repo: name, oid, size });
            return { oid, size, authenticated: true, actions: { upload: { href: `${url}/lfs-upload/${id}`, expires_in: 3600 } } };
          }),
        },
      };
    }

    const commit = /^\/api\/(models|datasets|spaces)\/([^/]+\/[^/]+)\/commit\/([^/]+)$/.exec(path);
    if (commit && method === 'POST') {
      const name = commit[2]!;
      const repo = repoOf(name, singular(commit[1]!));
      const branch = decodeURIComponent(commit[3]!);
      const lines = (await readBody(req))
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line) as { key: string; value: Record<string, unknown> });
      const header = lines[0];
      if (header?.key !== 'header' || typeof header.value.summary !== 'string' || header.value.summary === '') {
        throw new HttpError(400, 'The first line must be the header with a summary');
      }
      const head = repo.commits.filter((c) => c.branch === branch).at(-1);
      if (header.value.parentCommit !== undefined && header.value.parentCommit !== head?.oid) {
        throw new HttpError(412, 'A commit has happened since the parent commit');
      }
      const files = new Map<string, Buffer>();
      const lfsPaths = new Set<string>();
      for (const { key, value } of lines.slice(1)) {
        const filePath = value.path;
        if (typeof filePath !== 'string' || filePath === '') throw new HttpError(400, `${key} without a path`);
        if (key === 'file') {
          if (typeof value.content !== 'string') throw new HttpError(400, `No content for ${filePath}`);
          files.set(filePath, Buffer.from(value.content, value.encoding === 'base64' ? 'base64' : 'utf8'));
        } else if (key === 'lfsFile') {
          const bytes = lfsObjects.get(name)!.get(String(value.oid));
          if (value.algo !== 'sha256' || !bytes || bytes.length !== value.size) {
            throw new HttpError(422, `Your push was rejected because an LFS pointer pointed to a file that does not exist: ${filePath}`);
          }
          files.set(filePath, bytes);
          lfsPaths.add(filePath);
        } else if (key !== 'deletedFile') {
          throw new HttpError(400, `Unknown operation ${key}`);
        }
      }
      const oid = randomBytes(20).toString('hex');
      const description = typeof header.value.description === 'string' ? header.value.description : undefined;
      repo.commits.push({ oid, title: header.value.summary, description, branch, files, lfsPaths });
      const prefix = repo.type === 'model' ? '' : `${repo.type}s/`;
      return { status: 200, body: { success: true, commitOid: oid, commitUrl: `${url}/${prefix}${name}/commit/${oid}`, hookOutput: '' } };
    }

    throw new HttpError(404, `No route for ${method} ${path}`);
  }

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const method = req.method ?? 'GET';
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const authorized = req.headers.authorization === `Bearer ${token}`;
    const send = ({ status, body, contentType, headers }: Reply) => {
      requests.push({ method, path, authorized, status });
      if (options.log) process.stderr.write(`fake-hub: ${method} ${req.url} → ${status} (content-type ${req.headers['content-type'] ?? '-'}, content-length ${req.headers['content-length'] ?? '-'}, transfer-encoding ${req.headers['transfer-encoding'] ?? '-'})\n`);
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': contentType ?? (typeof body === 'string' ? 'text/plain' : 'application/json'), 'x-request-id': randomBytes(6).toString('hex'), ...headers });
      res.end(text);
    };
    handle(req, path, method).then(send, (err: unknown) => {
      req.resume(); // drain what was not read, so the client gets the answer rather than a reset
      if (err instanceof HttpError) send({ status: err.status, body: { error: err.message } });
      else send({ status: 500, body: { error: err instanceof Error ? err.message : String(err) } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    repos,
    requests,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
