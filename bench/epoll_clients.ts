/**
 * Thousands of TCP clients read in one loop over Linux's `epoll`, through libc by FFI: a read
 * costs one system call, where `Deno.Conn.read` costs an async op and a promise each. With
 * 5,000 streams at 20 updates a second that is 100,000 reads a second, and on a machine whose
 * cores the dashboard shares with its load generator, the generator's CPU is taken from the
 * server it measures. Linux on x86-64 only; needs `--allow-ffi`.
 */

const libc = Deno.dlopen("libc.so.6", {
  socket: { parameters: ["i32", "i32", "i32"], result: "i32" },
  connect: { parameters: ["i32", "buffer", "u32"], result: "i32" },
  write: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  read: { parameters: ["i32", "buffer", "usize"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  epoll_create1: { parameters: ["i32"], result: "i32" },
  epoll_ctl: { parameters: ["i32", "i32", "i32", "buffer"], result: "i32" },
  // On a thread of its own: the loop awaits it without blocking the process's other work.
  epoll_wait: { parameters: ["i32", "buffer", "i32", "i32"], result: "i32", nonblocking: true },
  __errno_location: { parameters: [], result: "pointer" },
});

const AF_INET = 2;
const SOCK_STREAM = 1;
/** Not inherited by a child process (for sockets and for the epoll set alike). */
const CLOEXEC = 0x80000;
const EPOLL_CTL_ADD = 1;
const EPOLLIN = 0x001;
/** `struct epoll_event` is packed on x86-64: a u32 of events, then a u64 of data. */
const EVENT_SIZE = 12;
const MAX_EVENTS = 1024;
/** How long a wait may last, so that a stop is seen. */
const WAIT_MS = 100;
const MAX_FAILED_WAITS = 10;

/** What the reading loop tells a client's owner. */
export interface ClientHandler {
  /** Bytes that arrived for `client`, read at `arrivedAt` (ms since the epoch). */
  onData(client: number, bytes: Uint8Array, arrivedAt: number): void;
  /** The server closed `client`'s connection, or reading it failed. */
  onEnd(client: number, reason: string): void;
}

/** Clients connected and sending their requests; {@link EpollClients.read} reads them. */
export interface EpollClients {
  /** Reads every client until {@link EpollClients.close}; resolves once the loop has stopped. */
  read(handler: ClientHandler): Promise<void>;
  /** Stops the loop and closes every socket. */
  close(): void;
}

function errno(): number {
  const at = libc.symbols.__errno_location();
  return at === null ? -1 : new Deno.UnsafePointerView(at).getInt32();
}

/** `struct sockaddr_in` of an IPv4 address and port. */
function ipv4Address(hostname: string, port: number): Uint8Array<ArrayBuffer> {
  const host = hostname === "localhost" ? "127.0.0.1" : hostname;
  const parts = host.split(".").map(Number);
  if (parts.length !== 4 || parts.some((part) => !Number.isInteger(part) || part > 255)) {
    throw new Error(`not an IPv4 address: ${hostname}`);
  }
  const address = new Uint8Array(16);
  address[0] = AF_INET; // sa_family, little-endian
  address[2] = port >> 8; // sin_port, network order
  address[3] = port & 0xff;
  address.set(parts, 4);
  return address;
}

/**
 * Connects `count` clients to `hostname:port` (an IPv4 address) and sends each `request`.
 * Blocking sockets: each is read only when `epoll` says it has bytes, once per report, so a
 * read never waits.
 */
export function connectClients(
  hostname: string,
  port: number,
  count: number,
  request: string,
): EpollClients {
  if (Deno.build.os !== "linux" || Deno.build.arch !== "x86_64") {
    throw new Error("the epoll clients need Linux on x86-64 (the layout of struct epoll_event)");
  }
  const { symbols } = libc;
  const address = ipv4Address(hostname, port);
  const requestBytes = new TextEncoder().encode(request);
  const epoll = symbols.epoll_create1(CLOEXEC);
  if (epoll < 0) throw new Error(`epoll_create1 failed: errno ${errno()}`);
  const sockets: number[] = [];
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    sockets.forEach((socket, client) => {
      if (socket >= 0) symbols.close(socket);
      sockets[client] = -1;
    });
  };
  try {
    const event = new Uint8Array(EVENT_SIZE);
    const eventView = new DataView(event.buffer);
    eventView.setUint32(0, EPOLLIN, true);
    for (let client = 0; client < count; client++) {
      const socket = symbols.socket(AF_INET, SOCK_STREAM | CLOEXEC, 0);
      if (socket < 0) throw new Error(`socket failed: errno ${errno()}`);
      sockets.push(socket);
      if (symbols.connect(socket, address, address.length) < 0) {
        throw new Error(`connecting to ${hostname}:${port} failed: errno ${errno()}`);
      }
      if (
        symbols.write(socket, requestBytes, BigInt(requestBytes.length)) !== requestBytes.length
      ) {
        throw new Error(`sending the request failed: errno ${errno()}`);
      }
      eventView.setUint32(4, client, true);
      if (symbols.epoll_ctl(epoll, EPOLL_CTL_ADD, socket, event) < 0) {
        throw new Error(`epoll_ctl failed: errno ${errno()}`);
      }
    }
  } catch (error) {
    close();
    symbols.close(epoll);
    throw error;
  }
  return {
    async read(handler) {
      const events = new Uint8Array(EVENT_SIZE * MAX_EVENTS);
      const view = new DataView(events.buffer);
      const chunk = new Uint8Array(64 * 1024);
      const chunkLength = BigInt(chunk.length);
      // A wait cut by a signal (EINTR) is waited again; one failing on and on is a fault.
      let failedWaits = 0;
      try {
        while (!closed) {
          const ready = await symbols.epoll_wait(epoll, events, MAX_EVENTS, WAIT_MS);
          if (closed) break;
          if (ready < 0) {
            if (++failedWaits > MAX_FAILED_WAITS) throw new Error("epoll_wait keeps failing");
            continue;
          }
          failedWaits = 0;
          const arrivedAt = performance.timeOrigin + performance.now();
          for (let i = 0; i < ready && !closed; i++) {
            const client = view.getUint32(i * EVENT_SIZE + 4, true);
            const socket = sockets[client];
            if (socket < 0) continue;
            const got = symbols.read(socket, chunk, chunkLength);
            if (got > 0) {
              handler.onData(client, chunk.subarray(0, got), arrivedAt);
              continue;
            }
            // Closing the socket also takes it out of the epoll set.
            const reason = got === 0 ? "the server closed the stream" : `errno ${errno()}`;
            symbols.close(socket);
            sockets[client] = -1;
            handler.onEnd(client, reason);
          }
        }
      } finally {
        close();
        symbols.close(epoll);
      }
    },
    close,
  };
}
