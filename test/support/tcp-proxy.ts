// A TCP proxy the test controls, put between the server and MariaDB to cut the database away and bring it back
// (the machine's MariaDB itself is never stopped).
import type { Socket, TCPSocketListener } from "bun";

interface Pair {
  client: Socket<Pair>;
  upstream?: Socket<Pair>;
  toUpstream: Buffer[];
  unread: Buffer; // the client's bytes not yet read as whole MySQL packets
}

export interface TcpProxy {
  port: number;
  cut(): void; // drop every connection and refuse new ones
  restore(): void;
  stop(): void;
  /** The text of every query command (COM_QUERY) clients sent through, in order: one per round trip. */
  readonly queries: string[];
}

export const COM_QUERY = 0x03; // the MySQL command that carries a query text

// MySQL packets: a 3-byte length, a sequence number, the payload. A command starts an exchange: sequence 0.
function readCommands(pair: Pair, chunk: Buffer, queries: string[]): void {
  let buf = pair.unread.length === 0 ? chunk : Buffer.concat([pair.unread, chunk]);
  while (buf.length >= 4) {
    const length = buf[0]! | (buf[1]! << 8) | (buf[2]! << 16);
    if (buf.length < 4 + length) break;
    if (buf[3] === 0 && buf[4] === COM_QUERY) queries.push(buf.subarray(5, 4 + length).toString());
    buf = buf.subarray(4 + length);
  }
  pair.unread = Buffer.from(buf);
}

function write(socket: Socket<Pair>, queue: Buffer[], data: Buffer): void {
  if (queue.length > 0) return void queue.push(data);
  const n = socket.write(data);
  if (n < data.length) queue.push(data.subarray(n));
}

function flush(socket: Socket<Pair>, queue: Buffer[]): void {
  while (queue.length > 0) {
    const head = queue[0] as Buffer;
    const n = socket.write(head);
    if (n < head.length) return void (queue[0] = head.subarray(n));
    queue.shift();
  }
}

export function startTcpProxy(targetHost: string, targetPort: number): TcpProxy {
  const pairs = new Set<Pair>();
  let listener: TCPSocketListener<Pair> | undefined;
  let port = 0;
  const fromUpstream = new WeakMap<Pair, Buffer[]>();
  const queries: string[] = [];

  const listen = () => {
    listener = Bun.listen<Pair>({
      hostname: "127.0.0.1", port,
      socket: {
        open(client) {
          const pair: Pair = { client, toUpstream: [], unread: Buffer.alloc(0) };
          client.data = pair;
          pairs.add(pair);
          fromUpstream.set(pair, []);
          void Bun.connect<Pair>({
            hostname: targetHost, port: targetPort, data: pair,
            socket: {
              open(up) { pair.upstream = up; flush(up, pair.toUpstream); },
              data(_up, chunk) { write(pair.client, fromUpstream.get(pair) ?? [], Buffer.from(chunk)); },
              drain(up) { flush(up, pair.toUpstream); },
              close() { pair.client.end(); pairs.delete(pair); },
              error() { pair.client.end(); },
            },
          }).catch(() => client.end());
        },
        data(client, chunk) {
          const pair = client.data;
          readCommands(pair, Buffer.from(chunk), queries);
          if (pair.upstream) write(pair.upstream, pair.toUpstream, Buffer.from(chunk));
          else pair.toUpstream.push(Buffer.from(chunk));
        },
        drain(client) { flush(client, fromUpstream.get(client.data) ?? []); },
        close(client) { client.data.upstream?.end(); pairs.delete(client.data); },
        error(client) { client.data.upstream?.end(); },
      },
    });
    port = listener.port;
  };
  listen();
  const cut = () => {
    listener?.stop(true);
    listener = undefined;
    for (const p of pairs) {
      p.client.terminate();
      p.upstream?.terminate();
    }
    pairs.clear();
  };
  return { get port() { return port; }, cut, restore: listen, stop: cut, queries };
}
