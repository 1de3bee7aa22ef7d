/**
 * A minimal Redis client for tests that must talk to several servers at once without blocking the
 * event loop (redis-cli per command is too slow to sample a failover): RESP2 over one TCP
 * connection, AUTH on connect, one command at a time, every command bounded by a timeout.
 */
import * as net from "net";

/** A reply: status or bulk string, integer, nil, array, or an error reply. */
export type Reply = string | number | null | Reply[] | RedisError;

/** An error reply (`-ERR ...`, `-READONLY ...`); returned, not thrown. */
export class RedisError {
    constructor(public readonly message: string) {}
    toString(): string {
        return this.message;
    }
}

/** Parses one reply from `buf` at `pos`; returns undefined when the buffer holds only part of it. */
export function parse(buf: Buffer, pos: number): { reply: Reply; next: number } | undefined {
    const eol = buf.indexOf("\r\n", pos);
    if (eol < 0) return undefined;
    const line = buf.toString("utf8", pos + 1, eol);
    switch (String.fromCharCode(buf[pos])) {
        case "+":
            return { reply: line, next: eol + 2 };
        case "-":
            return { reply: new RedisError(line), next: eol + 2 };
        case ":":
            return { reply: Number(line), next: eol + 2 };
        case "$": {
            const len = Number(line);
            if (len < 0) return { reply: null, next: eol + 2 };
            if (buf.length < eol + 2 + len + 2) return undefined;
            return { reply: buf.toString("utf8", eol + 2, eol + 2 + len), next: eol + 2 + len + 2 };
        }
        case "*": {
            const count = Number(line);
            if (count < 0) return { reply: null, next: eol + 2 };
            const items: Reply[] = [];
            let next = eol + 2;
            for (let i = 0; i < count; i++) {
                const item = parse(buf, next);
                if (item === undefined) return undefined;
                items.push(item.reply);
                next = item.next;
            }
            return { reply: items, next };
        }
        default:
            throw new Error(`unexpected RESP type ${JSON.stringify(line)}`);
    }
}

/** One connection to one server. Any failure (refused, timeout, closed) rejects and closes it for good. */
export class RedisClient {
    private buffer = Buffer.alloc(0);
    private pending: { resolve: (r: Reply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
    private closed = false;

    private constructor(
        private readonly socket: net.Socket,
        private readonly timeoutMs: number,
    ) {
        socket.on("data", (chunk) => {
            this.buffer = Buffer.concat([this.buffer, chunk]);
            for (;;) {
                const parsed = parse(this.buffer, 0);
                if (parsed === undefined) break;
                this.buffer = this.buffer.subarray(parsed.next);
                const waiter = this.pending.shift();
                if (waiter === undefined) continue;
                clearTimeout(waiter.timer);
                waiter.resolve(parsed.reply);
            }
        });
        const fail = (err: Error) => this.close(err);
        socket.on("error", fail);
        socket.on("close", () => fail(new Error("connection closed")));
    }

    /** Connects to `host:port` and authenticates with `password`. */
    static async connect(host: string, port: number, password: string, timeoutMs = 1000): Promise<RedisClient> {
        const socket = await new Promise<net.Socket>((resolve, reject) => {
            const s = net.connect({ host, port });
            const timer = setTimeout(() => {
                s.destroy();
                reject(new Error(`connect ${host}:${port} timed out`));
            }, timeoutMs);
            s.once("connect", () => {
                clearTimeout(timer);
                resolve(s);
            });
            s.once("error", (err) => {
                clearTimeout(timer);
                reject(err);
            });
        });
        const client = new RedisClient(socket, timeoutMs);
        const auth = await client.command("AUTH", password);
        if (auth instanceof RedisError) {
            client.close();
            throw new Error(`AUTH at ${host}:${port}: ${auth.message}`);
        }
        return client;
    }

    /** Sends one command and resolves with its reply (error replies included); rejects on I/O failure or timeout. */
    command(...args: (string | number)[]): Promise<Reply> {
        if (this.closed) return Promise.reject(new Error("connection closed"));
        const parts = args.map(String);
        const wire = `*${parts.length}\r\n` + parts.map((p) => `$${Buffer.byteLength(p)}\r\n${p}\r\n`).join("");
        return new Promise<Reply>((resolve, reject) => {
            const timer = setTimeout(() => this.close(new Error(`${parts[0]} timed out`)), this.timeoutMs);
            this.pending.push({ resolve, reject, timer });
            this.socket.write(wire);
        });
    }

    /** True once the connection has failed or been closed. */
    get isClosed(): boolean {
        return this.closed;
    }

    /** Closes the connection; every command still waiting is rejected with `err`. */
    close(err: Error = new Error("connection closed")): void {
        if (this.closed) return;
        this.closed = true;
        this.socket.destroy();
        for (const waiter of this.pending.splice(0)) {
            clearTimeout(waiter.timer);
            waiter.reject(err);
        }
    }
}
