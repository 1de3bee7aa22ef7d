/**
 * Redis's scheduled snapshots and restore, run for real: redis-server and redis-sentinel processes
 * (Debian packages), rclone (Debian's) and an S3-compatible server, versitygw with a POSIX-directory
 * backend (built by `scripts/toolchain.sh versitygw`), all on loopback addresses. The backup Job's and
 * the restore init container's commands, environment and files are taken from the registered CronJob
 * and StatefulSet (tests/helpers/local-pod.ts), so what runs here is what a cluster would run.
 */
import * as assert from "assert";
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Redis, RedisArgs } from "../../components/redis";
import { MockRun, Registration } from "../../render/mock-runtime";
import { register } from "../helpers/component";
import { eventually, killPod, LocalPod, localPod, startPod } from "../helpers/local-pod";
import { RedisClient, Reply } from "../helpers/redis-client";

const PASSWORD = "backup-test-password";
const ACCESS_KEY = "AKIAREDISBACKUPTEST";
const SECRET_KEY = "versitygw-secret-key-for-the-test";
const BUCKET = "backups";
const PREFIX = "prod/cache";
const KEYS = 20000;
// A loopback /24 of its own per run, so that two runs on one machine do not collide.
const NET = `127.${20 + Math.floor(Math.random() * 200)}.${Math.floor(Math.random() * 250)}`;
const nodeIp = (i: number): string => `${NET}.${11 + i}`;
const sentinelIp = (i: number): string => `${NET}.${21 + i}`;
const S3_IP = `${NET}.40`;
const NOTHING_IP = `${NET}.41`;
const ENDPOINT = `http://${S3_IP}:7070`;
const nodeName = (i: number): string => `redis-${i}.redis-headless.cache.svc.cluster.local`;
const sentinelName = (i: number): string => `redis-sentinel-${i}.redis-sentinel-headless.cache.svc.cluster.local`;
const storage = { endpoint: ENDPOINT, bucket: BUCKET, prefix: PREFIX, accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY };
const args: RedisArgs = {
    namespace: "cache",
    password: PASSWORD,
    downAfterMilliseconds: 1000,
    failoverTimeoutMilliseconds: 5000,
    backup: { storage, schedule: "30 2 * * *", retentionDays: 7, keepLast: 2 },
};
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const SNAPSHOT = /^redis-\d{8}T\d{6}Z\.rdb$/;

/** The versitygw binary of the toolchain cache, or a failure that says how to build it. */
function versitygw(): string {
    const cache =
        process.env.STATEFUL_K8S_TOOLCHAIN ??
        path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "stateful-k8s", "toolchain");
    const bin = path.join(cache, "bin", "versitygw");
    if (!fs.existsSync(bin)) {
        throw new Error(
            `versitygw is not in the toolchain cache (${bin}): build it with "bash scripts/toolchain.sh versitygw" (about 2 min cold; .ci/run does it before npm test)`,
        );
    }
    return bin;
}

function cli(ip: string, port: number, ...command: string[]): string[] {
    const out = execFileSync("redis-cli", ["--raw", "-h", ip, "-p", String(port), ...command], {
        env: { ...process.env, REDISCLI_AUTH: PASSWORD },
        timeout: 5000,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
    return out.split("\n").filter((l) => l !== "");
}
const infoField = (ip: string, section: string, key: string): string | undefined =>
    cli(ip, 6379, "INFO", section)
        .find((l) => l.startsWith(`${key}:`))
        ?.split(":")[1]
        ?.trim();

/** A registration whose only container is `container` of `podSpec`: what localPod runs. */
function podOf(source: Registration, podSpec: Record<string, unknown>, container: unknown): Registration {
    return { ...source, inputs: { ...source.inputs, spec: { template: { spec: { ...podSpec, containers: [container] } } } } };
}
/** The backup CronJob's pod, as a Job created from it would run it. */
function backupJob(run: MockRun): Registration {
    const cron = run.ofType("kubernetes:batch/v1:CronJob")[0];
    assert.ok(cron, "backups enabled register a CronJob");
    const podSpec = (cron.inputs.spec as { jobTemplate: { spec: { template: { spec: { containers: unknown[] } } } } }).jobTemplate.spec
        .template.spec;
    return podOf(cron, podSpec, podSpec.containers[0]);
}
/** The nodes' restore init container. */
function restoreInit(run: MockRun): Registration {
    const sts = run.named("redis-sts");
    const podSpec = (sts.inputs.spec as { template: { spec: { initContainers: { name: string }[] } } }).template.spec;
    const init = podSpec.initContainers.find((c) => c.name === "restore");
    assert.ok(init, "restoreFrom adds the restore init container");
    return podOf(sts, podSpec, init);
}

/** Runs a pod's container to completion, as a Job or an init container. */
function runToEnd(pod: LocalPod, timeoutMs = 120_000): { status: number | null; out: string; seconds: number } {
    const started = Date.now();
    const result = spawnSync(pod.command[0], pod.command.slice(1), {
        env: { PATH: process.env.PATH, ...pod.env },
        encoding: "utf8",
        timeout: timeoutMs,
    });
    return { status: result.status, out: `${result.stdout}${result.stderr}`, seconds: (Date.now() - started) / 1000 };
}

describe("Redis snapshots to S3 and restore, on real redis-server, redis-sentinel, rclone and versitygw processes", function () {
    this.timeout(180_000);
    let root: string;
    let s3dir: string;
    let gateway: ChildProcess | undefined;
    let run: MockRun;
    const dns = new Map<string, string>();
    const nodes: LocalPod[] = [];
    const sentinels: LocalPod[] = [];
    const objects = (): string[] => fs.readdirSync(path.join(s3dir, BUCKET, ...PREFIX.split("/"))).sort();
    const dataDir = (i: number): string => path.join(root, `redis-${i}`, "data");
    const master = (): string => cli(sentinelIp(0), 26379, "SENTINEL", "get-master-addr-by-name", "mymaster")[0];
    let snapshotBytes = 0;

    before(async function () {
        const bin = versitygw();
        execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "test-deps.sh")], { stdio: "inherit" });
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-redis-backup-"));
        s3dir = path.join(root, "s3");
        // The POSIX backend serves each directory as a bucket; the bucket exists, as the backup requires.
        fs.mkdirSync(path.join(s3dir, BUCKET), { recursive: true });
        gateway = spawn(bin, ["--access", ACCESS_KEY, "--secret", SECRET_KEY, "--port", `${S3_IP}:7070`, "--quiet", "posix", s3dir], {
            stdio: ["ignore", fs.openSync(path.join(root, "versitygw.log"), "a"), fs.openSync(path.join(root, "versitygw.log"), "a")],
        });
        await eventually("versitygw to answer", 20, () =>
            spawnSync("rclone", ["--config", "/dev/null", "lsd", ":s3:"], {
                env: {
                    PATH: process.env.PATH,
                    RCLONE_S3_PROVIDER: "Other",
                    RCLONE_S3_ENDPOINT: ENDPOINT,
                    RCLONE_S3_ACCESS_KEY_ID: ACCESS_KEY,
                    RCLONE_S3_SECRET_ACCESS_KEY: SECRET_KEY,
                },
                encoding: "utf8",
            }).stdout.includes(BUCKET)
                ? true
                : undefined,
        );
        for (let i = 0; i < 3; i++) {
            dns.set(nodeName(i), nodeIp(i));
            dns.set(sentinelName(i), sentinelIp(i));
        }
    });

    after(async () => {
        for (const pod of [...nodes, ...sentinels]) await killPod(pod);
        gateway?.kill("SIGKILL");
        if (process.env.KEEP_REDIS_LOGS === undefined) fs.rmSync(root, { recursive: true, force: true });
        else console.log(`logs kept in ${root}`);
    });

    /** Starts three nodes and three sentinels of `r` and waits until redis-0 is master with both replicas linked. */
    async function startCluster(r: MockRun): Promise<void> {
        nodes.length = 0;
        sentinels.length = 0;
        for (let i = 0; i < 3; i++) {
            nodes.push(localPod(r, r.named("redis-sts"), `redis-${i}`, nodeIp(i), dns, path.join(root, `redis-${i}`)));
            sentinels.push(
                localPod(
                    r,
                    r.named("redis-sentinel-sts"),
                    `redis-sentinel-${i}`,
                    sentinelIp(i),
                    dns,
                    path.join(root, `redis-sentinel-${i}`),
                ),
            );
        }
        for (const pod of [...nodes, ...sentinels]) startPod(pod);
        await eventually("a master with 2 linked replicas that every sentinel names", 60, () => {
            const m = master();
            const sees = (i: number) => {
                const lines = cli(sentinelIp(i), 26379, "SENTINEL", "MASTER", "mymaster");
                return lines[lines.indexOf("ip") + 1] === m && lines[lines.indexOf("num-slaves") + 1] === "2";
            };
            return infoField(m, "replication", "connected_slaves") === "2" && [0, 1, 2].every(sees) ? true : undefined;
        });
        // The backup Job takes only replicas a sentinel reports healthy, from the INFO it polls every 10 s:
        // one taken while a replica was still linking says "err" until the next poll.
        await eventually("every sentinel reports both replicas healthy (flags slave, link ok)", 30, () => {
            const healthy = (i: number) => {
                const lines = cli(sentinelIp(i), 26379, "SENTINEL", "REPLICAS", "mymaster");
                const value = (key: string) => lines.flatMap((line, j) => (line === key ? [lines[j + 1]] : []));
                return value("flags").filter((f) => f === "slave").length === 2 && value("master-link-status").every((l) => l === "ok");
            };
            return [0, 1, 2].every(healthy) ? true : undefined;
        });
    }

    /** Every known key and value that node `ip` does not hold. */
    async function missingOn(ip: string): Promise<string[]> {
        const client = await RedisClient.connect(ip, 6379, PASSWORD, 5000);
        try {
            const missing: string[] = [];
            for (let i = 0; i < KEYS; i += 1000) {
                const keys = Array.from({ length: 1000 }, (_, j) => `key:${i + j}`);
                const values = (await client.command("MGET", ...keys)) as Reply[];
                keys.forEach((k, j) => values[j] !== `value:${i + j}` && missing.push(k));
            }
            if ((await client.command("HGET", "profile:1", "name")) !== "Ada") missing.push("profile:1");
            if (JSON.stringify(await client.command("LRANGE", "queue", 0, -1)) !== JSON.stringify(["a", "b", "c"])) missing.push("queue");
            return missing;
        } finally {
            client.close();
        }
    }

    it("forms a master with two replicas and writes the known keys", async () => {
        run = await register(() => new Redis("redis", args));
        await startCluster(run);
        const client = await RedisClient.connect(master(), 6379, PASSWORD, 5000);
        for (let i = 0; i < KEYS; i += 1000) {
            await client.command("MSET", ...Array.from({ length: 1000 }, (_, j) => [`key:${i + j}`, `value:${i + j}`]).flat());
        }
        await client.command("HSET", "profile:1", "name", "Ada", "lang", "en");
        await client.command("RPUSH", "queue", "a", "b", "c");
        assert.strictEqual(await client.command("WAIT", 2, 5000), 2);
        client.close();
    });

    it("the backup Job, as rendered, takes the RDB from a replica the sentinels name, never loading the master, and uploads it", async () => {
        const m = master();
        const masterFullSyncs = infoField(m, "stats", "sync_full");
        const job = localPod(run, backupJob(run), "redis-backup-1", `${NET}.50`, dns, path.join(root, "backup-1"));
        const result = runToEnd(job);
        assert.strictEqual(result.status, 0, `the backup Job failed:\n${result.out}`);
        const source = result.out.match(/taking an RDB snapshot from replica (\S+)/)?.[1];
        assert.ok(
            source !== undefined && [0, 1, 2].map(nodeIp).includes(source) && source !== m,
            `snapshot from ${source}, master is ${m}`,
        );
        assert.strictEqual(infoField(m, "stats", "sync_full"), masterFullSyncs, "the master served no full sync");
        const uploaded = objects();
        assert.strictEqual(uploaded.length, 1);
        assert.match(uploaded[0], SNAPSHOT);
        assert.match(
            result.out,
            new RegExp(`uploaded s3://${BUCKET}/${escape(PREFIX)}/${escape(uploaded[0])} \\(\\d+ bytes from ${escape(source)}`),
        );
        snapshotBytes = fs.statSync(path.join(s3dir, BUCKET, PREFIX, uploaded[0])).size;
        console.log(`      backup of ${KEYS + 2} keys (${snapshotBytes} bytes) from replica ${source}: ${result.seconds.toFixed(1)} s`);
    });

    it("keeps the newest keepLast snapshots (all, without keepLast) and none older than retentionDays, and leaves other objects alone", async () => {
        const dir = path.join(s3dir, BUCKET, PREFIX);
        fs.writeFileSync(path.join(dir, "redis-20200101T000000Z.rdb"), "an expired snapshot");
        fs.writeFileSync(path.join(dir, "notes.txt"), "not a snapshot");
        for (const n of [2, 3]) {
            // Snapshot names have a resolution of one second.
            await new Promise((resolve) => setTimeout(resolve, 1100));
            const result = runToEnd(localPod(run, backupJob(run), `redis-backup-${n}`, `${NET}.50`, dns, path.join(root, `backup-${n}`)));
            assert.strictEqual(result.status, 0, result.out);
        }
        const left = objects();
        assert.strictEqual(left.length, 3, left.join(", "));
        assert.strictEqual(left[0], "notes.txt");
        assert.ok(
            left.slice(1).every((o) => SNAPSHOT.test(o) && o > "redis-2020"),
            left.join(", "),
        );

        // Without keepLast only the age limit applies: the two kept snapshots stay beside the new one.
        await new Promise((resolve) => setTimeout(resolve, 1100));
        const { keepLast: _, ...noCount } = args.backup!;
        const ageOnly = await register(() => new Redis("redis", { ...args, backup: noCount }));
        const result = runToEnd(localPod(ageOnly, backupJob(ageOnly), "redis-backup-4", `${NET}.50`, dns, path.join(root, "backup-4")));
        assert.strictEqual(result.status, 0, result.out);
        assert.deepStrictEqual(objects().slice(0, 3), left);
        assert.strictEqual(objects().length, 4);
    });

    it("fails the backup Job loudly when the store does not answer", async () => {
        const down = await register(
            () =>
                new Redis("redis", {
                    ...args,
                    backup: { ...args.backup!, storage: { ...storage, endpoint: `http://${NOTHING_IP}:7070` } },
                }),
        );
        const result = runToEnd(localPod(down, backupJob(down), "redis-backup-down", `${NET}.50`, dns, path.join(root, "backup-down")));
        assert.notStrictEqual(result.status, 0);
        assert.match(result.out, new RegExp(`uploading redis-\\d{8}T\\d{6}Z\\.rdb to s3://${BUCKET}/${escape(PREFIX)} failed`));
    });

    describe("restore into a new cluster (every node's data wiped)", () => {
        let restoring: MockRun;
        const restore = async (extra: { snapshot?: string; storage?: Partial<typeof storage> }, podRoot: string) => {
            const r = await register(
                () => new Redis("redis", { ...args, restoreFrom: { snapshot: extra.snapshot, storage: { ...storage, ...extra.storage } } }),
            );
            return runToEnd(localPod(r, restoreInit(r), "redis-0", nodeIp(0), dns, podRoot));
        };

        before(async () => {
            for (const pod of [...nodes, ...sentinels]) await killPod(pod);
            for (let i = 0; i < 3; i++) fs.rmSync(dataDir(i), { recursive: true, force: true });
            restoring = await register(() => new Redis("redis", { ...args, restoreFrom: { storage } }));
        });

        it("a corrupt newest snapshot fails the restore loudly and leaves the empty data directory untouched", async () => {
            const newest = objects()
                .filter((o) => SNAPSHOT.test(o))
                .pop()!;
            const corrupt = path.join(s3dir, BUCKET, PREFIX, "redis-29991231T235959Z.rdb");
            const bytes = fs.readFileSync(path.join(s3dir, BUCKET, PREFIX, newest));
            fs.writeFileSync(corrupt, Buffer.concat([bytes.subarray(0, bytes.length / 2), Buffer.from("garbage")]));
            try {
                const dir = path.join(root, "failing", "data");
                fs.mkdirSync(dir, { recursive: true });
                const result = await restore({}, path.join(root, "failing"));
                assert.strictEqual(result.status, 1, result.out);
                assert.match(
                    result.out,
                    /snapshot s3:\/\/backups\/prod\/cache\/redis-29991231T235959Z\.rdb does not pass redis-check-rdb: \S+ left empty, Redis not started/,
                );
                assert.deepStrictEqual(fs.readdirSync(dir), []);
            } finally {
                fs.rmSync(corrupt);
            }
        });

        it("a missing snapshot, an empty prefix and an unreachable store fail the restore loudly, the data directory untouched", async () => {
            const dir = path.join(root, "failing", "data");
            const cases: [{ snapshot?: string; storage?: Partial<typeof storage> }, RegExp][] = [
                [
                    { snapshot: "redis-20000101T000000Z.rdb" },
                    /snapshot redis-20000101T000000Z\.rdb is not in s3:\/\/backups\/prod\/cache: \S+ left empty, Redis not started/,
                ],
                [
                    { storage: { prefix: "prod/nothing-here" } },
                    /no snapshot \(<name>-<yyyymmddTHHMMSSZ>\.rdb\) in s3:\/\/backups\/prod\/nothing-here: \S+ left empty, Redis not started/,
                ],
                [
                    { storage: { endpoint: `http://${NOTHING_IP}:7070` } },
                    /listing s3:\/\/backups\/prod\/cache failed: \S+ left empty, Redis not started/,
                ],
            ];
            for (const [extra, message] of cases) {
                const result = await restore(extra, path.join(root, "failing"));
                assert.strictEqual(result.status, 1, `${JSON.stringify(extra)}:\n${result.out}`);
                assert.match(result.out, message);
                assert.deepStrictEqual(fs.readdirSync(dir), [], JSON.stringify(extra));
            }
        });

        it("restores the newest snapshot on every node, and the new cluster serves every key", async () => {
            const started = Date.now();
            let seconds = 0;
            for (let i = 0; i < 3; i++) {
                assert.deepStrictEqual(fs.existsSync(dataDir(i)) ? fs.readdirSync(dataDir(i)) : [], [], "wiped");
                const result = runToEnd(
                    localPod(restoring, restoreInit(restoring), `redis-${i}`, nodeIp(i), dns, path.join(root, `redis-${i}`)),
                );
                assert.strictEqual(result.status, 0, result.out);
                const newest = objects()
                    .filter((o) => SNAPSHOT.test(o))
                    .pop()!;
                assert.match(
                    result.out,
                    new RegExp(`restored s3://backups/prod/cache/${escape(newest)} \\(\\d+ bytes, ${KEYS + 2} keys, aof\\)`),
                );
                assert.deepStrictEqual(fs.readdirSync(dataDir(i)), ["appendonlydir"]);
                seconds = Math.max(seconds, result.seconds);
            }
            await startCluster(restoring);
            const m = master();
            for (const ip of [0, 1, 2].map(nodeIp)) assert.deepStrictEqual(await missingOn(ip), [], `keys missing on ${ip} (master ${m})`);
            console.log(
                `      restore of ${KEYS + 2} keys (${snapshotBytes} bytes): ${seconds.toFixed(1)} s per node (download, redis-check-rdb, AOF); ` +
                    `every key served by all three nodes ${((Date.now() - started) / 1000).toFixed(1)} s after the restore began`,
            );
        });

        it("leaves a node that holds data alone", async () => {
            const before = fs.readdirSync(path.join(dataDir(0), "appendonlydir")).sort();
            const result = runToEnd(localPod(restoring, restoreInit(restoring), "redis-0", nodeIp(0), dns, path.join(root, "redis-0")));
            assert.strictEqual(result.status, 0, result.out);
            assert.match(result.out, /holds data \(appendonlydir\): no restore/);
            assert.deepStrictEqual(fs.readdirSync(path.join(dataDir(0), "appendonlydir")).sort(), before);
        });

        it("refuses to take a snapshot when no replica is healthy: never from the master", async () => {
            const m = master();
            const masterFullSyncs = infoField(m, "stats", "sync_full");
            for (const pod of nodes.filter((p) => p.ip !== m)) await killPod(pod);
            await eventually("the sentinels to see both replicas down", 30, () =>
                cli(sentinelIp(0), 26379, "SENTINEL", "REPLICAS", "mymaster").filter((l) => l.includes("s_down")).length === 2
                    ? true
                    : undefined,
            );
            const before = objects();
            const result = runToEnd(
                localPod(run, backupJob(run), "redis-backup-lonely", `${NET}.50`, dns, path.join(root, "backup-lonely")),
            );
            assert.strictEqual(result.status, 1, result.out);
            assert.match(
                result.out,
                /no sentinel named a healthy replica of mymaster: no snapshot taken \(backups never load the master\)/,
            );
            assert.strictEqual(infoField(m, "stats", "sync_full"), masterFullSyncs);
            assert.deepStrictEqual(objects(), before);
        });
    });
});
