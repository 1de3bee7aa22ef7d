/**
 * The Redis component's generated scripts, probes, preStop hook and configuration, run by real
 * `redis-server` and `redis-sentinel` processes on loopback addresses (Debian packages;
 * `scripts/test-deps.sh` installs them). Every pod is started from the registered pod spec by
 * tests/helpers/local-pod.ts, and stopped the way the kubelet stops it (preStop, SIGTERM) or killed.
 *
 * While masters are restarted, a sentinel-following client writes keys and waits for each with
 * `WAIT 2` (both replicas), and a sampler tries `ROLE` and a write on every node every 50 ms. The
 * guarantees asserted are the ones the component states (docs/real-node.md, README): a planned
 * restart loses no write that one replica acknowledged (`WAIT 1`); a master crash loses no write
 * that every replica acknowledged (`WAIT 2` here); no sample finds two nodes accepting writes, and
 * in a planned handover none finds two nodes whose `ROLE` says master.
 */
import * as assert from "assert";
import { execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { Redis, RedisArgs } from "../../components/redis";
import { MockRun } from "../../render/mock-runtime";
import { register } from "../helpers/component";
import { eventually, killPod, LocalPod, localPod, probe, startPod, stopPod } from "../helpers/local-pod";
import { parse, RedisClient, Reply } from "../helpers/redis-client";

const PASSWORD = 's3cret "quoted" pass';
const args: RedisArgs = {
    namespace: "cache",
    replicas: 3,
    sentinels: 3,
    password: PASSWORD,
    downAfterMilliseconds: 1000,
    failoverTimeoutMilliseconds: 5000,
};
// A loopback /24 of its own per run, so that two runs of this suite on one machine do not collide.
const NET = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`;
const nodeIp = (i: number): string => `${NET}.${11 + i}`;
const sentinelIp = (i: number): string => `${NET}.${21 + i}`;
const spareIp = (i: number): string => `${NET}.${31 + i}`;
const nodeName = (i: number): string => `redis-${i}.redis-headless.cache.svc.cluster.local`;
const sentinelName = (i: number): string => `redis-sentinel-${i}.redis-sentinel-headless.cache.svc.cluster.local`;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One redis-cli call with the password in the environment; returns the raw reply lines. */
function cli(ip: string, port: number, ...command: string[]): string[] {
    const out = execFileSync("redis-cli", ["--raw", "-h", ip, "-p", String(port), ...command], {
        env: { ...process.env, REDISCLI_AUTH: PASSWORD },
        timeout: 3000,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return out.split("\n").filter((l) => l !== "");
}
const field = (lines: string[], key: string): string | undefined => {
    const i = lines.indexOf(key);
    return i >= 0 ? lines[i + 1] : undefined;
};
const info = (ip: string, key: string): string | undefined =>
    cli(ip, 6379, "INFO", "replication")
        .find((l) => l.startsWith(`${key}:`))
        ?.split(":")[1]
        ?.trim();
const sentinelMaster = (i: number): string | undefined => cli(sentinelIp(i), 26379, "SENTINEL", "get-master-addr-by-name", "mymaster")[0];
/** Replicas besides the master: `WAIT` for this many is what makes a write survive a master crash. */
const ALL_REPLICAS = (args.replicas ?? 3) - 1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What a stretch of traffic saw. */
interface TrafficReport {
    /** Keys written to the master the sentinels named and acknowledged by at least one replica (`WAIT 1`). */
    acknowledged: string[];
    /** Those of them that every replica acknowledged (`WAIT 2` returned 2): what survives a master crash. */
    acknowledgedByAll: string[];
    /** Every acknowledged write: where it went, how many replicas `WAIT` counted, and when. */
    acks: { key: string; master: string; replicas: number; at: number }[];
    /** Writes attempted (acknowledged or not). */
    attempted: number;
    /** Moments sampled, and how many of them found two or more nodes accepting a write. */
    samples: number;
    twoWritable: number;
    /** Samples that found exactly one writable node: the sampler does see a writable master. */
    oneWritable: number;
    /** Samples in which two or more nodes answered `ROLE` with master (writable or not). */
    twoRoleMaster: number;
    /** Longest time without an acknowledged write, in seconds: how long writes were unavailable. */
    longestGapSeconds: number;
}

/**
 * A sentinel-following writer and a writability sampler, running until stopped. The writer asks the
 * sentinels for the master before every write, writes a fresh key there and records how many
 * replicas `WAIT 2 250` reports (a short timeout: with one replica down, writes go on at 4 a
 * second); the sampler tries `ROLE` and `SET` on every node at the same moment.
 */
function startTraffic(prefix: string): () => Promise<TrafficReport> {
    let running = true;
    const report: TrafficReport = {
        acknowledged: [],
        acknowledgedByAll: [],
        acks: [],
        attempted: 0,
        samples: 0,
        twoWritable: 0,
        oneWritable: 0,
        twoRoleMaster: 0,
        longestGapSeconds: 0,
    };
    const connections = new Map<string, RedisClient>();
    const connection = async (ip: string, port: number): Promise<RedisClient> => {
        const key = `${ip}:${port}`;
        const existing = connections.get(key);
        if (existing !== undefined && !existing.isClosed) return existing;
        const client = await RedisClient.connect(ip, port, PASSWORD, 500);
        connections.set(key, client);
        return client;
    };
    let lastAck = Date.now();
    const writer = (async () => {
        for (let n = 0; running; n++) {
            try {
                let master: string | undefined;
                for (let i = 0; i < 3 && master === undefined; i++) {
                    const reply = await connection(sentinelIp(i), 26379)
                        .then((s) => s.command("SENTINEL", "get-master-addr-by-name", "mymaster"))
                        .catch(() => undefined);
                    if (Array.isArray(reply) && typeof reply[0] === "string") master = reply[0];
                }
                if (master === undefined) throw new Error("no sentinel answered");
                const client = await connection(master, 6379);
                const key = `${prefix}:${n}`;
                report.attempted++;
                const written = (await client.command("SET", key, key)) === "OK";
                const replicas = written ? ((await client.command("WAIT", ALL_REPLICAS, 250)) as number) : 0;
                if (replicas >= ALL_REPLICAS) report.acknowledgedByAll.push(key);
                if (replicas >= 1) {
                    report.acknowledged.push(key);
                    report.acks.push({ key, master, replicas, at: Date.now() });
                    report.longestGapSeconds = Math.max(report.longestGapSeconds, (Date.now() - lastAck) / 1000);
                    lastAck = Date.now();
                }
            } catch {
                await sleep(50);
            }
            await sleep(10);
        }
    })();
    const samplers = new Map<string, RedisClient>();
    /** Whether the node at `ip` accepts a write, and whether its `ROLE` says master. */
    const sample = async (ip: string): Promise<{ writable: boolean; master: boolean }> => {
        try {
            let client = samplers.get(ip);
            if (client === undefined || client.isClosed) {
                client = await RedisClient.connect(ip, 6379, PASSWORD, 200);
                samplers.set(ip, client);
            }
            const role = (await client.command("ROLE")) as Reply[];
            const writable = (await client.command("SET", "sampler:probe", String(Date.now()))) === "OK";
            return { writable, master: Array.isArray(role) && role[0] === "master" };
        } catch {
            return { writable: false, master: false };
        }
    };
    const sampler = (async () => {
        while (running) {
            const moment = await Promise.all([0, 1, 2].map((i) => sample(nodeIp(i))));
            report.samples++;
            const writableNodes = moment.filter((m) => m.writable).length;
            if (writableNodes >= 2) report.twoWritable++;
            if (writableNodes === 1) report.oneWritable++;
            if (moment.filter((m) => m.master).length >= 2) report.twoRoleMaster++;
            await sleep(50);
        }
    })();
    return async () => {
        running = false;
        await Promise.all([writer, sampler]);
        for (const c of [...connections.values(), ...samplers.values()]) c.close();
        report.longestGapSeconds = Math.max(report.longestGapSeconds, (Date.now() - lastAck) / 1000);
        return report;
    };
}

/** The acknowledged keys that node `ip` does not hold. */
async function missingOn(ip: string, keys: string[]): Promise<string[]> {
    const client = await RedisClient.connect(ip, 6379, PASSWORD, 5000);
    try {
        const missing: string[] = [];
        for (let i = 0; i < keys.length; i += 500) {
            const batch = keys.slice(i, i + 500);
            const values = await client.command("MGET", ...batch);
            // An error reply (-LOADING during a resync) is not a lost key: say so instead of counting it missing.
            if (!Array.isArray(values)) throw new Error(`MGET on ${ip} answered ${String(values)}`);
            batch.forEach((k, j) => {
                if (values[j] !== k) missing.push(k);
            });
        }
        return missing;
    } finally {
        client.close();
    }
}

/** A stand-in sentinel: answers AUTH and `SENTINEL get-master-addr-by-name` with whatever `master()` says. */
async function fakeSentinel(ip: string, master: () => string): Promise<net.Server> {
    const server = net.createServer((socket) => {
        let buffer = Buffer.alloc(0);
        socket.on("error", () => socket.destroy());
        socket.on("data", (chunk) => {
            buffer = Buffer.concat([buffer, chunk]);
            for (let parsed = parse(buffer, 0); parsed !== undefined; parsed = parse(buffer, 0)) {
                buffer = buffer.subarray(parsed.next);
                const argv = (parsed.reply as string[]).map((a) => a.toLowerCase());
                if (argv[0] === "auth") socket.write("+OK\r\n");
                else if (argv[0] === "sentinel" && argv[1] === "get-master-addr-by-name") {
                    const host = master();
                    socket.write(`*2\r\n$${host.length}\r\n${host}\r\n$4\r\n6379\r\n`);
                } else socket.write("-ERR not a real sentinel\r\n");
            }
        });
    });
    await new Promise<void>((resolve) => server.listen(26379, ip, resolve));
    return server;
}

/** A TCP listener that accepts connections and never answers: an address that now belongs to something else. */
async function silentListener(ip: string): Promise<{ server: net.Server; sockets: net.Socket[] }> {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => {
        socket.on("error", () => undefined);
        sockets.push(socket);
    });
    await new Promise<void>((resolve) => server.listen(6379, ip, resolve));
    return { server, sockets };
}

/** Role and replication offsets of every node, as one line: who had what when. */
function offsets(ips: string[]): string {
    return ips
        .map((ip) => {
            try {
                const lines = cli(ip, 6379, "INFO", "replication");
                const get = (k: string) => lines.find((l) => l.startsWith(`${k}:`))?.slice(k.length + 1);
                const replicas = lines.filter((l) => /^slave\d+:/.test(l)).map((l) => l.replace(/^slave\d+:/, ""));
                return `${ip} ${get("role")} offset ${get("master_repl_offset")}${replicas.length ? ` replicas [${replicas.join("; ")}]` : ""}`;
            } catch {
                return `${ip} down`;
            }
        })
        .join("\n        ");
}

/** What a failover did, for a failure message: sentinel events, node resyncs, offsets, and where the lost writes went. */
async function failoverStory(
    logs: string[],
    nodeLogs: string[],
    ips: string[],
    before: string,
    report: TrafficReport,
    since: number,
): Promise<string> {
    const events = logs.flatMap((log, i) =>
        fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter((l) =>
                /[+-](sdown|odown|try-failover|elected-leader|selected-slave|promoted-slave|failover-state|switch-master|tilt|failover-end|failover-abort|convert-to-slave|new-epoch|vote-for-leader|slave-reconf)/.test(
                    l,
                ),
            )
            .slice(-40)
            .map((l) => `sentinel ${i}: ${l}`),
    );
    const resyncs = nodeLogs.flatMap((log, i) =>
        fs
            .readFileSync(log, "utf8")
            .split("\n")
            .filter((l) => /resync|Flushing|MASTER MODE|Discarding|PSYNC|replica of|fenced|Promoted|Setting secondary/i.test(l))
            .slice(-15)
            .map((l) => `redis-${i}: ${l}`),
    );
    const lost: string[] = [];
    for (const ip of ips) {
        try {
            const missing = new Set(await missingOn(ip, report.acknowledged));
            const acks = report.acks.filter((a) => missing.has(a.key));
            const where = [...new Set(acks.map((a) => `${a.master} (WAIT counted ${a.replicas})`))].join(", ");
            lost.push(
                `${ip} misses ${missing.size} acknowledged keys` +
                    (acks.length
                        ? `, written ${((acks[0].at - since) / 1000).toFixed(2)} to ${((acks[acks.length - 1].at - since) / 1000).toFixed(2)} s after the fault to ${where}`
                        : ""),
            );
        } catch (err) {
            lost.push(`${ip}: ${String(err)}`);
        }
    }
    return [
        `offsets at the fault:\n        ${before}`,
        `offsets now:\n        ${offsets(ips)}`,
        ...lost,
        "sentinel events:",
        ...events,
        "node logs:",
        ...resyncs,
    ].join("\n      ");
}

/** One line of numbers per fault; `lostByOne`: writes only one replica acknowledged that the fault lost (allowed after a crash). */
function summary(what: string, r: TrafficReport, extra = "", lostByOne = 0): void {
    console.log(
        `      ${what}: ${r.attempted} writes, ${r.acknowledgedByAll.length} acknowledged by both replicas (0 lost), ` +
            `${r.acknowledged.length - r.acknowledgedByAll.length} by one only (${lostByOne} lost); ` +
            `${r.twoWritable} of ${r.samples} samples with two writable masters (${r.oneWritable} with one), ${r.twoRoleMaster} with two whose ROLE says master; writes unavailable for at most ${r.longestGapSeconds.toFixed(1)} s${extra}`,
    );
}

describe("Redis with sentinels, on real redis-server and redis-sentinel processes", function () {
    this.timeout(180_000);
    let root: string;
    let run: MockRun;
    const dns = new Map<string, string>();
    const nodes: LocalPod[] = [];
    const sentinels: LocalPod[] = [];
    const extra: { kill(): void }[] = [];
    /** Index of the node the sentinels name. */
    const masterIndex = (): number => [0, 1, 2].find((i) => nodeIp(i) === sentinelMaster(0)) ?? -1;
    /** Waits until every sentinel names the same node, which acts as master with both other nodes linked to it. */
    const settled = (what: string, seconds = 60, not?: string): Promise<string> =>
        eventually(what, seconds, () => {
            const seen = [0, 1, 2].map(sentinelMaster);
            const m = seen[0];
            if (m === undefined || m === not || !seen.every((s) => s === m)) return undefined;
            if (info(m, "role") !== "master" || info(m, "connected_slaves") !== "2") return undefined;
            const others = [0, 1, 2].map(nodeIp).filter((ip) => ip !== m);
            return others.every((ip) => info(ip, "master_host") === m && info(ip, "master_link_status") === "up") ? m : undefined;
        });

    /**
     * After a master crash: every write both replicas acknowledged is on the master the sentinels
     * settled on (the guarantee), or the test fails with the failover's story. Writes only one replica
     * acknowledged may be lost (the sentinels may promote the other one); returns how many were.
     */
    const crashVerdict = async (master: string, report: TrafficReport, before: string, since: number): Promise<number> => {
        const byAll = new Set(report.acknowledgedByAll);
        const missingByAll = await missingOn(master, report.acknowledgedByAll);
        const missingByOne = await missingOn(
            master,
            report.acknowledged.filter((k) => !byAll.has(k)),
        );
        if (missingByAll.length + missingByOne.length > 0 || process.env.REDIS_FAILOVER_STORY !== undefined) {
            const story = await failoverStory(
                sentinels.map((p) => p.log),
                nodes.map((p) => p.log),
                [0, 1, 2].map(nodeIp),
                before,
                report,
                since,
            );
            console.log(`      master after the failover ${master}\n      ${story}`);
            assert.deepStrictEqual(missingByAll, [], `writes both replicas acknowledged, missing on ${master}:\n      ${story}`);
        }
        return missingByOne.length;
    };

    /** How far each sentinel's log is now, so that {@link failovers} reads what happened after. */
    const sentinelLogMarks = (): number[] => sentinels.map((p) => fs.statSync(p.log).size);
    /** The promotions the sentinels logged since `marks`: "<sentinel> selected <node>", one per failover. */
    const failovers = (marks: number[]): string[] =>
        sentinels.flatMap((p, i) => {
            const text = fs.readFileSync(p.log, "utf8").slice(marks[i]);
            return [...text.matchAll(/\+selected-slave slave (\S+):6379/g)].map((m) => `sentinel ${i} selected ${m[1]}`);
        });

    before(function () {
        execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "test-deps.sh")], { stdio: "inherit" });
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-redis-"));
        for (let i = 0; i < 3; i++) {
            dns.set(nodeName(i), nodeIp(i));
            dns.set(sentinelName(i), sentinelIp(i));
        }
    });

    after(async () => {
        for (const pod of [...nodes, ...sentinels]) await killPod(pod);
        for (const e of extra) e.kill();
        if (process.env.KEEP_REDIS_LOGS === undefined) fs.rmSync(root, { recursive: true, force: true });
        else console.log(`logs kept in ${root}`);
    });

    it("forms a master, two replicas and three sentinels from the generated scripts", async () => {
        run = await register(() => new Redis("redis", args));
        for (let i = 0; i < 3; i++) {
            nodes.push(localPod(run, run.named("redis-sts"), `redis-${i}`, nodeIp(i), dns, path.join(root, `redis-${i}`)));
            sentinels.push(
                localPod(
                    run,
                    run.named("redis-sentinel-sts"),
                    `redis-sentinel-${i}`,
                    sentinelIp(i),
                    dns,
                    path.join(root, `redis-sentinel-${i}`),
                ),
            );
        }
        // podManagementPolicy Parallel: every pod starts at once.
        for (const pod of [...nodes, ...sentinels]) startPod(pod);

        await eventually("redis-0 to be master with 2 connected replicas", 30, () =>
            info(nodeIp(0), "role") === "master" && info(nodeIp(0), "connected_slaves") === "2" ? true : undefined,
        );
        for (const i of [1, 2]) {
            await eventually(`redis-${i} to replicate redis-0`, 30, () =>
                info(nodeIp(i), "master_host") === nodeIp(0) && info(nodeIp(i), "master_link_status") === "up" ? true : undefined,
            );
        }
        for (let i = 0; i < 3; i++) {
            await eventually(`sentinel ${i} to see the master, 2 replicas and 2 other sentinels`, 30, () => {
                const m = cli(sentinelIp(i), 26379, "SENTINEL", "MASTER", "mymaster");
                return field(m, "ip") === nodeIp(0) && field(m, "num-slaves") === "2" && field(m, "num-other-sentinels") === "2"
                    ? true
                    : undefined;
            });
            assert.strictEqual(field(cli(sentinelIp(i), 26379, "SENTINEL", "MASTER", "mymaster"), "quorum"), "2");
        }
        assert.deepStrictEqual(cli(nodeIp(0), 6379, "SET", "greeting", "hello"), ["OK"]);
        await eventually("the write to reach both replicas", 10, () =>
            cli(nodeIp(1), 6379, "GET", "greeting")[0] === "hello" && cli(nodeIp(2), 6379, "GET", "greeting")[0] === "hello"
                ? true
                : undefined,
        );
    });

    it("refuses clients without the password", () => {
        const out = execFileSync("redis-cli", ["--raw", "-h", nodeIp(0), "-p", "6379", "GET", "greeting"], {
            env: { PATH: process.env.PATH },
            encoding: "utf8",
        });
        assert.match(out, /NOAUTH/);
    });

    it("passes every declared probe on the running nodes and sentinels", async () => {
        for (const pod of nodes) {
            await eventually(`${pod.name} to be ready`, 20, () => (probe(pod, "readinessProbe") ? true : undefined));
            assert.ok(probe(pod, "livenessProbe"), `${pod.name} alive`);
            assert.ok(probe(pod, "startupProbe"), `${pod.name} started`);
        }
        for (const pod of sentinels) {
            for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"] as const)
                assert.ok(probe(pod, kind), `${pod.name} ${kind}`);
        }
    });

    it("refuses a write on the master when no replica acknowledges it (min-replicas-to-write 1)", async () => {
        await killPod(nodes[1]);
        await killPod(nodes[2]);
        await eventually("the master to refuse writes", 20, () =>
            /NOREPLICAS/.test(
                spawnSync("redis-cli", ["-h", nodeIp(0), "SET", "lonely", "1"], {
                    env: { ...process.env, REDISCLI_AUTH: PASSWORD },
                    encoding: "utf8",
                }).stdout,
            )
                ? true
                : undefined,
        );
        startPod(nodes[1]);
        startPod(nodes[2]);
        assert.strictEqual(await settled("both replicas to rejoin redis-0"), nodeIp(0));
        assert.deepStrictEqual(cli(nodeIp(0), 6379, "SET", "lonely", "1"), ["OK"]);
    });

    it("hands the master role over on a planned restart (preStop, SIGTERM), never two writable masters, no acknowledged write lost", async () => {
        const old = masterIndex();
        const stop = startTraffic("planned");
        await sleep(1500);
        const { preStopSeconds, preStopStatus } = await stopPod(nodes[old]);
        assert.strictEqual(preStopStatus, 0, "the preStop hook succeeded");
        const log = fs.readFileSync(nodes[old].log, "utf8");
        const handed = new RegExp(
            `stateful-k8s: (${escape(NET)}\\.\\d+) is master of mymaster; ${escape(nodeIp(old))} is its replica`,
        ).exec(log);
        assert.ok(handed, `the preStop log names the new master:\n${log.slice(-2000)}`);
        const promoted = handed[1];
        assert.notStrictEqual(promoted, nodeIp(old));
        // The stream was kept still during the handover: the other replica continues with a partial resync.
        const other = [0, 1, 2].map(nodeIp).find((ip) => ip !== promoted && ip !== nodeIp(old))!;
        const promotedLog = nodes[[0, 1, 2].find((i) => nodeIp(i) === promoted)!].log;
        await eventually("the other replica to resync partially from the promoted node", 10, () =>
            new RegExp(`Partial resynchronization request from ${escape(other)}:6379 accepted`).test(fs.readFileSync(promotedLog, "utf8"))
                ? true
                : undefined,
        );
        assert.doesNotMatch(fs.readFileSync(promotedLog, "utf8"), new RegExp(`Full resync requested by replica ${escape(other)}:6379`));
        startPod(nodes[old]);
        assert.strictEqual(await settled("the restarted node to rejoin as a replica", 60), promoted);
        await sleep(1000);
        const report = await stop();
        assert.match(
            fs.readFileSync(nodes[old].log, "utf8"),
            new RegExp(`starting ${escape(nodeIp(old))} as replica of ${escape(promoted)}\\n`),
        );
        assert.strictEqual(report.twoWritable, 0, "samples with two writable masters");
        // The old master steps down before the sentinels promote a node: not even a fenced second master.
        assert.strictEqual(report.twoRoleMaster, 0, "samples with two nodes whose ROLE says master");
        assert.match(
            fs.readFileSync(nodes[old].log, "utf8"),
            new RegExp(`${escape(nodeIp(old))} stepped down: replica of \\S+ until the sentinels promote a node`),
        );
        assert.ok(report.oneWritable >= 20, `the sampler found the master writable (${report.oneWritable} of ${report.samples})`);
        assert.ok(report.acknowledged.length > 50, `enough acknowledged writes (${report.acknowledged.length})`);
        for (const ip of [0, 1, 2].map(nodeIp)) {
            await eventually(`${ip} to hold every acknowledged key`, 20, async () =>
                (await missingOn(ip, report.acknowledged)).length === 0 ? true : undefined,
            );
        }
        summary("planned restart of the master", report, `; preStop handover ${preStopSeconds.toFixed(1)} s`);
    });

    it("restarts a replica on a planned restart without a failover", async () => {
        const master = nodeIp(masterIndex());
        const replica = [0, 1, 2].find((i) => nodeIp(i) !== master)!;
        const { preStopStatus } = await stopPod(nodes[replica]);
        assert.strictEqual(preStopStatus, 0);
        assert.match(fs.readFileSync(nodes[replica].log, "utf8"), /is not master: nothing to hand over/);
        startPod(nodes[replica]);
        assert.strictEqual(await settled("the replica to rejoin"), master);
    });

    it("fences a master killed and restarted before the sentinels noticed: it waits for their failover and follows the promoted node, no write both replicas acknowledged is lost", async () => {
        const old = masterIndex();
        const stop = startTraffic("fenced");
        await sleep(3000);
        const before = offsets([0, 1, 2].map(nodeIp));
        const marks = sentinelLogMarks();
        const killedAt = Date.now();
        await killPod(nodes[old]);
        startPod(nodes[old]);
        await eventually("the restarted master to start fenced", 10, () =>
            /fenced, not starting until they promote a replica/.test(fs.readFileSync(nodes[old].log, "utf8")) ? true : undefined,
        );
        const promoted = await settled("the sentinels to promote another node and the old master to follow it", 90, nodeIp(old));
        const failoverSeconds = (Date.now() - killedAt) / 1000;
        await sleep(1000);
        const report = await stop();
        assert.strictEqual(report.twoWritable, 0, "samples with two writable masters");
        assert.ok(report.oneWritable >= 20, `the sampler found the master writable (${report.oneWritable} of ${report.samples})`);
        assert.ok(report.acknowledgedByAll.length > 20, `enough writes acknowledged by both replicas (${report.acknowledgedByAll.length})`);
        const lostByOne = await crashVerdict(promoted, report, before, killedAt);
        for (const ip of [0, 1, 2].map(nodeIp)) {
            await eventually(`${ip} to hold every key both replicas acknowledged`, 20, async () =>
                (await missingOn(ip, report.acknowledgedByAll)).length === 0 ? true : undefined,
            );
        }
        assert.notStrictEqual(promoted, nodeIp(old));
        summary(
            "master killed and restarted at once (fenced)",
            report,
            `; sentinels failed over in ${failoverSeconds.toFixed(1)} s (${failovers(marks).join(", ")})`,
            lostByOne,
        );
    });

    let newMaster = "";
    let lostMaster = -1;
    it("fails over when the master is killed and stays down, losing no write both replicas acknowledged", async () => {
        lostMaster = masterIndex();
        const stop = startTraffic("killed");
        await sleep(3000);
        const before = offsets([0, 1, 2].map(nodeIp));
        const marks = sentinelLogMarks();
        const killedAt = Date.now();
        await killPod(nodes[lostMaster]);
        newMaster = await eventually("all sentinels to agree on a new master", 60, () => {
            const seen = [0, 1, 2].map(sentinelMaster);
            return seen.every((m) => m === seen[0]) && seen[0] !== nodeIp(lostMaster) && seen[0] !== undefined ? seen[0] : undefined;
        });
        const failoverSeconds = (Date.now() - killedAt) / 1000;
        await sleep(1500);
        const report = await stop();
        // The master the sentinels settled on once traffic stopped (a second failover would show here).
        newMaster = await eventually("the sentinels to agree on a master with the remaining replica linked", 60, () => {
            const seen = [0, 1, 2].map(sentinelMaster);
            const m = seen[0];
            if (m === undefined || m === nodeIp(lostMaster) || !seen.every((x) => x === m) || info(m, "role") !== "master")
                return undefined;
            const other = [0, 1, 2].map(nodeIp).find((ip) => ip !== m && ip !== nodeIp(lostMaster))!;
            return info(other, "master_host") === m && info(other, "master_link_status") === "up" ? m : undefined;
        });
        assert.strictEqual(report.twoWritable, 0, "samples with two writable masters");
        assert.ok(report.oneWritable >= 20, `the sampler found the master writable (${report.oneWritable} of ${report.samples})`);
        assert.ok(report.acknowledgedByAll.length > 20, `enough writes acknowledged by both replicas (${report.acknowledgedByAll.length})`);
        const lostByOne = await crashVerdict(newMaster, report, before, killedAt);
        summary(
            "master killed for good",
            report,
            `; sentinels agreed on a new master ${failoverSeconds.toFixed(1)} s after the kill, settled on ${newMaster} (${failovers(marks).join(", ")})`,
            lostByOne,
        );
    });

    it("brings the restarted old master back as a replica of the new master, with its data", async () => {
        startPod(nodes[lostMaster]);
        const ip = nodeIp(lostMaster);
        await eventually("the old master to replicate the new master", 60, () =>
            info(ip, "role") === "slave" && info(ip, "master_host") === newMaster && info(ip, "master_link_status") === "up"
                ? true
                : undefined,
        );
        assert.strictEqual(cli(ip, 6379, "GET", "greeting")[0], "hello");
        assert.match(
            fs.readFileSync(nodes[lostMaster].log, "utf8"),
            new RegExp(`starting ${escape(ip)} as replica of ${escape(newMaster)}\\n`),
        );
    });

    it("after a scale-in that removes the master, the reset Job makes every sentinel forget the removed node", async () => {
        await settled("the sentinels to settle");
        // The hardest case: the removed member (the highest ordinal) is the master. Make redis-2 master first.
        for (const i of [0, 1]) cli(nodeIp(i), 6379, "CONFIG", "SET", "replica-priority", "0");
        // Sentinel reads priorities from INFO every 10 s: fail over only once sentinel 0 knows them.
        await eventually("sentinel 0 to see replica-priority 0 on redis-0 and redis-1", 30, () => {
            const lines = cli(sentinelIp(0), 26379, "SENTINEL", "REPLICAS", "mymaster");
            const priority = new Map<string, string>();
            let ip = "";
            for (let j = 0; j + 1 < lines.length; j++) {
                if (lines[j] === "ip") ip = lines[j + 1];
                if (lines[j] === "slave-priority") priority.set(ip, lines[j + 1]);
            }
            return [0, 1].every((i) => sentinelMaster(0) === nodeIp(i) || priority.get(nodeIp(i)) === "0") ? true : undefined;
        });
        if (sentinelMaster(0) !== nodeIp(2)) {
            await eventually("sentinel 0 to accept a manual failover", 30, () =>
                cli(sentinelIp(0), 26379, "SENTINEL", "FAILOVER", "mymaster")[0] === "OK" ? true : undefined,
            );
        }
        await eventually("redis-2 to be master with 2 connected replicas", 60, () =>
            [0, 1, 2].every((i) => sentinelMaster(i) === nodeIp(2)) && info(nodeIp(2), "connected_slaves") === "2" ? true : undefined,
        );
        for (const i of [0, 1]) cli(nodeIp(i), 6379, "CONFIG", "SET", "replica-priority", "100");

        // Scale-in: the StatefulSet removes redis-2 (SIGKILL: the worst case, no handover); the sentinels promote another node.
        await killPod(nodes[2]);
        await eventually("a master among the remaining nodes", 60, () => {
            const seen = [0, 1, 2].map(sentinelMaster);
            return seen.every((m) => m === seen[0]) && [nodeIp(0), nodeIp(1)].includes(seen[0] ?? "") ? seen[0] : undefined;
        });
        const before = cli(sentinelIp(0), 26379, "SENTINEL", "MASTER", "mymaster");
        assert.strictEqual(field(before, "num-slaves"), "2", "the removed node still counts before the reset");

        const scaled = await register(() => new Redis("redis", { ...args, replicas: 2, currentReplicas: 3 }));
        const job = scaled.ofType("kubernetes:batch/v1:Job")[0];
        assert.ok(job, "a scale-in registers the reset Job");
        const reset = localPod(scaled, job, "redis-sentinel-reset", spareIp(9), dns, path.join(root, "reset"));
        const result = spawnSync(reset.command[0], reset.command.slice(1), {
            env: { PATH: process.env.PATH, ...reset.env },
            encoding: "utf8",
            timeout: 150_000,
        });
        const output = result.stdout;
        assert.strictEqual(result.status, 0, `the reset Job failed:\n${output}\n${result.stderr}`);
        assert.match(output, new RegExp(`sentinel ${escape(sentinelIp(2))} reset; it sees 1 replicas and 2 other sentinels`));
        // The sentinels may have needed more than one failover attempt: take the master they settled on.
        const master = field(cli(sentinelIp(0), 26379, "SENTINEL", "MASTER", "mymaster"), "ip");
        assert.ok([nodeIp(0), nodeIp(1)].includes(master ?? ""), `master ${master} is a remaining node`);
        for (let i = 0; i < 3; i++) {
            const m = cli(sentinelIp(i), 26379, "SENTINEL", "MASTER", "mymaster");
            assert.strictEqual(field(m, "ip"), master);
            assert.strictEqual(field(m, "num-slaves"), "1");
            assert.strictEqual(field(m, "num-other-sentinels"), "2");
            const replicas = cli(sentinelIp(i), 26379, "SENTINEL", "REPLICAS", "mymaster");
            assert.deepStrictEqual(
                replicas.filter((_, j) => replicas[j - 1] === "ip"),
                [[nodeIp(0), nodeIp(1)].find((ip) => ip !== master)],
            );
        }
    });

    it("scales out again with one edit that restarts no running process: the topology files change, redis-2 joins", async () => {
        const two = await register(() => new Redis("redis", { ...args, replicas: 2 }));
        const three = await register(() => new Redis("redis", { ...args, replicas: 3, currentReplicas: 2 }));
        const template = (run: MockRun, sts: string) => JSON.stringify((run.named(sts).inputs.spec as { template: unknown }).template);
        for (const sts of ["redis-sts", "redis-sentinel-sts"])
            assert.strictEqual(template(three, sts), template(two, sts), `${sts} template`);
        const running = [nodes[0], nodes[1], ...sentinels].map((pod) => [pod, pod.process!.pid] as const);
        // The kubelet refreshes the ConfigMap volumes of the running pods; nothing restarts.
        for (const i of [0, 1]) localPod(three, three.named("redis-sts"), `redis-${i}`, nodeIp(i), dns, path.join(root, `redis-${i}`));
        for (let i = 0; i < 3; i++) {
            localPod(
                three,
                three.named("redis-sentinel-sts"),
                `redis-sentinel-${i}`,
                sentinelIp(i),
                dns,
                path.join(root, `redis-sentinel-${i}`),
            );
        }
        assert.strictEqual(fs.readFileSync(path.join(root, "redis-0", "topology", "redis-hosts"), "utf8"), [0, 1, 2].map(nodeIp).join(" "));
        // The StatefulSet creates redis-2 again, on its retained claim (its old data directory).
        nodes[2] = localPod(three, three.named("redis-sts"), "redis-2", nodeIp(2), dns, path.join(root, "redis-2"));
        startPod(nodes[2]);
        const master = await settled("redis-2 to join the master and every sentinel to agree");
        assert.notStrictEqual(master, nodeIp(2));
        for (let i = 0; i < 3; i++) {
            await eventually(`sentinel ${i} to count 2 replicas`, 30, () =>
                field(cli(sentinelIp(i), 26379, "SENTINEL", "MASTER", "mymaster"), "num-slaves") === "2" ? true : undefined,
            );
        }
        assert.strictEqual(cli(nodeIp(2), 6379, "GET", "greeting")[0], "hello");
        for (const [pod, pid] of running) {
            assert.strictEqual(pod.process!.pid, pid, `${pod.name} kept its process`);
            assert.strictEqual(pod.process!.exitCode, null, `${pod.name} is still running`);
        }
    });
});

describe("Redis pods facing slow DNS and slow loads, on real processes", function () {
    this.timeout(120_000);
    let root: string;
    let run: MockRun;
    const dns = new Map<string, string>();
    const stops: (() => void)[] = [];
    const pods: LocalPod[] = [];
    /** What the stand-in for sentinel 0 names as master. */
    let named = "";

    before(async function () {
        execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "test-deps.sh")], { stdio: "inherit" });
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-redis-dns-"));
        // The pods under test are redis-3 and redis-sentinel-3; sentinel-0 is a stand-in, the other names answer nothing.
        dns.set(nodeName(3), spareIp(0));
        dns.set(sentinelName(3), spareIp(1));
        dns.set(sentinelName(0), spareIp(2));
        dns.set(sentinelName(1), spareIp(3));
        dns.set(sentinelName(2), spareIp(4));
        for (let i = 0; i < 3; i++) dns.set(nodeName(i), spareIp(5 + i));
        run = await register(() => new Redis("redis", { ...args, replicas: 4, sentinels: 5 }));
        const sentinel = await fakeSentinel(spareIp(2), () => named);
        stops.push(() => sentinel.close());
    });

    after(async () => {
        for (const pod of pods) await killPod(pod);
        for (const stop of stops) stop();
        if (process.env.KEEP_REDIS_LOGS === undefined) fs.rmSync(root, { recursive: true, force: true });
    });

    /** A standalone redis-server with the component's password on `ip`. */
    const server = (ip: string, dir: string, ...extra: string[]) => {
        fs.mkdirSync(dir, { recursive: true });
        const child = spawn(
            "redis-server",
            ["--bind", ip, "--port", "6379", "--dir", dir, "--requirepass", PASSWORD, "--save", "", ...extra],
            {
                stdio: "ignore",
            },
        );
        stops.push(() => child.kill("SIGKILL"));
        return child;
    };

    it("starts a replica only once its master's address answers, then links at once instead of hanging until repl-timeout", async () => {
        // The sentinels name a master whose name still resolves to an address that accepts connections and never answers.
        const masterIp = spareIp(8);
        named = masterIp;
        const stale = await silentListener(masterIp);
        const pod = localPod(run, run.named("redis-sts"), "redis-3", spareIp(0), dns, path.join(root, "redis-3"));
        pods.push(pod);
        startPod(pod);
        const started = Date.now();
        await eventually("the node to wait for its master", 15, () =>
            new RegExp(`waiting for master ${escape(masterIp)} to resolve and answer \\(\\d+ s\\)`).test(fs.readFileSync(pod.log, "utf8"))
                ? true
                : undefined,
        );
        await sleep(Math.max(0, started + 8000 - Date.now()));
        assert.ok(
            !fs.readFileSync(pod.log, "utf8").includes("starting"),
            "after 8 s, redis-server has still not started against the stale address",
        );
        // The name now resolves to the real master.
        for (const s of stale.sockets) s.destroy();
        await new Promise((resolve) => stale.server.close(resolve));
        server(masterIp, path.join(root, "master"));
        const masterUp = Date.now();
        await eventually("the replica to link to the master", 20, () =>
            info(spareIp(0), "master_link_status") === "up" && info(spareIp(0), "master_host") === masterIp ? true : undefined,
        );
        const linkSeconds = (Date.now() - masterUp) / 1000;
        assert.ok(linkSeconds < 10, `linked ${linkSeconds} s after the master answered (repl-timeout is 60 s)`);
        console.log(`      replica linked ${linkSeconds.toFixed(1)} s after its master's address answered`);
    });

    it("starts a sentinel only once the master's name resolves, and exits with a clear message when it never does", async () => {
        // sentinel-0's stand-in names a master whose name does not resolve yet.
        named = "redis-9.redis-headless.cache.svc.cluster.local";
        const pod = localPod(run, run.named("redis-sentinel-sts"), "redis-sentinel-3", spareIp(1), dns, path.join(root, "sentinel-3"));
        pods.push(pod);
        startPod(pod);
        await eventually("the sentinel to wait for the name, and still wait 5 s later", 20, () =>
            (
                fs
                    .readFileSync(pod.log, "utf8")
                    .match(/waiting for the master's name redis-9\.redis-headless\.cache\.svc\.cluster\.local to resolve \(\d+ s\)/g) ?? []
            ).length >= 2
                ? true
                : undefined,
        );
        assert.strictEqual(pod.process?.exitCode, null, "still running, not crash-looping on a fatal config error");
        named = spareIp(8);
        await eventually("the sentinel to monitor the master", 15, () =>
            field(cli(spareIp(1), 26379, "SENTINEL", "MASTER", "mymaster"), "ip") === spareIp(8) ? true : undefined,
        );
        assert.ok(probe(pod, "startupProbe"));
        await killPod(pod);

        named = "redis-9.redis-headless.cache.svc.cluster.local";
        const impatient = { ...pod, env: { ...pod.env, RESOLVE_TIMEOUT_SECONDS: "2" }, log: path.join(root, "impatient.log") };
        // Run asynchronously: the stand-in sentinel answers from this process's event loop.
        startPod(impatient);
        const status = await new Promise<number | null>((resolve) => impatient.process!.once("exit", resolve));
        assert.strictEqual(status, 1);
        assert.match(
            fs.readFileSync(impatient.log, "utf8"),
            /the master's name redis-9\.redis-headless\.cache\.svc\.cluster\.local did not resolve in 2 s; exiting/,
        );
    });

    it("keeps a node that is loading its dataset alive (liveness) but not ready (readiness)", async () => {
        const ip = spareIp(9);
        const dir = path.join(root, "loading");
        const pod = { ...localPod(run, run.named("redis-sts"), "redis-3", spareIp(0), dns, path.join(root, "probe")), ip };
        pod.env = { ...pod.env, POD_IP: ip };
        const first = server(ip, dir, "--enable-debug-command", "local");
        await eventually("the server to answer", 10, () => (cli(ip, 6379, "PING")[0] === "PONG" ? true : undefined));
        cli(ip, 6379, "DEBUG", "POPULATE", "20000");
        cli(ip, 6379, "SAVE");
        first.kill("SIGKILL");
        await new Promise((resolve) => first.once("exit", resolve));
        // 20000 keys at 300 microseconds each: about 6 s of -LOADING.
        // Loading answers clients every 1 KiB read (2 MiB by default, more than this whole dataset).
        server(ip, dir, "--key-load-delay", "300", "--loading-process-events-interval-bytes", "1024");
        const loading = await eventually("the node to answer -LOADING", 10, () =>
            /LOADING/.test(
                spawnSync("redis-cli", ["-h", ip, "PING"], { env: { ...process.env, REDISCLI_AUTH: PASSWORD }, encoding: "utf8" }).stdout,
            )
                ? true
                : undefined,
        );
        assert.ok(loading);
        assert.strictEqual(probe(pod, "livenessProbe"), true, "a loading node is alive");
        assert.strictEqual(probe(pod, "startupProbe"), true, "a loading node has started");
        assert.strictEqual(probe(pod, "readinessProbe"), false, "a loading node is not ready");
        await eventually("the load to finish", 30, () => (probe(pod, "readinessProbe") ? true : undefined));
        assert.strictEqual(cli(ip, 6379, "DBSIZE")[0], "20000");
    });
});
