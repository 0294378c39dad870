// A small closed-loop HTTP/1.1 load generator on raw keep-alive sockets (cheaper than fetch, so the server gets the CPU).
// Each connection sends one request, waits for the answer, sends the next. At the deadline it stops sending and waits
// for the answers in flight, so "acknowledged" is exact: every 200 it counts carried a callback it can name.
import type { Socket } from "bun";

export interface LoadOptions {
  host: string;
  port: number;
  path: string;
  connections: number;
  durationMs: number;
  body: (seq: number) => string; // the request body for the seq-th request
}

export interface LoadResult {
  sent: number;
  ok: number; // status 200
  other: number; // any other status
  errors: number; // connection errors
  elapsedMs: number;
  okSeqs: number[]; // which requests were answered 200
  latenciesMs: Float64Array;
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const r = { sent: 0, ok: 0, other: 0, errors: 0, okSeqs: [] as number[] };
  const latencies: number[] = [];
  const started = performance.now();
  const deadline = started + o.durationMs;
  const conns = Array.from({ length: o.connections }, () => connection(o, r, latencies, deadline));
  await Promise.all(conns);
  return { ...r, elapsedMs: performance.now() - started, latenciesMs: Float64Array.from(latencies) };
}

async function connection(o: LoadOptions, r: { sent: number; ok: number; other: number; errors: number; okSeqs: number[] }, latencies: number[], deadline: number): Promise<void> {
  let buffer = "";
  let sentAt = 0;
  let seq = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => (done = resolve));
  const send = (socket: Socket) => {
    if (performance.now() >= deadline) {
      socket.end();
      return;
    }
    seq = r.sent++;
    const body = o.body(seq);
    sentAt = performance.now();
    socket.write(`POST ${o.path} HTTP/1.1\r\nHost: ${o.host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  await Bun.connect({
    hostname: o.host, port: o.port,
    socket: {
      open: send,
      data(socket, chunk) {
        buffer += chunk.toString();
        const headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0) return;
        const length = Number(/content-length: *(\d+)/i.exec(buffer.slice(0, headEnd))?.[1] ?? 0);
        if (buffer.length < headEnd + 4 + length) return;
        const status = Number(buffer.slice(9, 12));
        buffer = buffer.slice(headEnd + 4 + length);
        latencies.push(performance.now() - sentAt);
        if (status === 200) {
          r.ok++;
          r.okSeqs.push(seq);
        } else r.other++;
        send(socket);
      },
      close: () => done(),
      error: () => {
        r.errors++;
        done();
      },
    },
  }).catch(() => {
    r.errors++;
    done();
  });
  await finished;
}
