/**
 * The Redis component's generated scripts and configuration, run by real `redis-server` and
 * `redis-sentinel` processes on loopback addresses (Debian packages; `scripts/test-deps.sh` installs
 * them). Every pod is started from the registered pod spec by tests/helpers/local-pod.ts.
 */
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Redis, RedisArgs } from "../../components/redis";
import { MockRun } from "../../scripts/mock-runtime";
import { register } from "../helpers/component";
import { eventually, killPod, LocalPod, localPod, startPod } from "../helpers/local-pod";

const PASSWORD = 's3cret "quoted" pass';
const args: RedisArgs = {
    namespace: "cache",
    replicas: 3,
    sentinels: 3,
    password: PASSWORD,
    downAfterMilliseconds: 1000,
    failoverTimeoutMilliseconds: 5000,
};
const nodeIp = (i: number): string => `127.0.0.${11 + i}`;
const sentinelIp = (i: number): string => `127.0.0.${21 + i}`;

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

describe("Redis with sentinels, on real redis-server and redis-sentinel processes", function () {
    this.timeout(180_000);
    let root: string;
    let run: MockRun;
    const dns = new Map<string, string>();
    const nodes: LocalPod[] = [];
    const sentinels: LocalPod[] = [];

    before(function () {
        execFileSync("bash", [path.join(__dirname, "..", "..", "scripts", "test-deps.sh")], { stdio: "inherit" });
        root = fs.mkdtempSync(path.join(os.tmpdir(), "stateful-k8s-redis-"));
        for (let i = 0; i < 3; i++) {
            dns.set(`redis-${i}.redis-headless.cache.svc.cluster.local`, nodeIp(i));
            dns.set(`redis-sentinel-${i}.redis-sentinel-headless.cache.svc.cluster.local`, sentinelIp(i));
        }
    });

    after(async () => {
        for (const pod of [...nodes, ...sentinels]) await killPod(pod);
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

    let newMaster = "";
    it("fails over when the master is killed", async () => {
        await killPod(nodes[0]);
        newMaster = await eventually("all sentinels to agree on a new master", 60, () => {
            const seen = [0, 1, 2].map(sentinelMaster);
            return seen.every((m) => m === seen[0]) && seen[0] !== nodeIp(0) && seen[0] !== undefined ? seen[0] : undefined;
        });
        assert.ok([nodeIp(1), nodeIp(2)].includes(newMaster), `new master ${newMaster}`);
        await eventually("the promoted node to act as master", 30, () => (info(newMaster, "role") === "master" ? true : undefined));
    });

    it("brings the restarted old master back as a replica of the new master, with its data", async () => {
        startPod(nodes[0]);
        await eventually("redis-0 to replicate the new master", 60, () =>
            info(nodeIp(0), "role") === "slave" &&
            info(nodeIp(0), "master_host") === newMaster &&
            info(nodeIp(0), "master_link_status") === "up"
                ? true
                : undefined,
        );
        assert.strictEqual(cli(nodeIp(0), 6379, "GET", "greeting")[0], "hello");
        assert.match(
            fs.readFileSync(nodes[0].log, "utf8"),
            new RegExp(`starting ${nodeIp(0).replace(/\./g, "\\.")} as replica of ${newMaster}`),
        );
    });

    it("after a scale-in that removes the master, the reset Job makes every sentinel forget the removed node", async () => {
        // The hardest case: the removed member (the highest ordinal) is the master. Make redis-2 master first.
        for (const i of [0, 1]) cli(nodeIp(i), 6379, "CONFIG", "SET", "replica-priority", "0");
        if (sentinelMaster(0) !== nodeIp(2)) {
            await eventually("sentinel 0 to accept a manual failover", 30, () =>
                cli(sentinelIp(0), 26379, "SENTINEL", "FAILOVER", "mymaster")[0] === "OK" ? true : undefined,
            );
        }
        await eventually("redis-2 to be master with 2 connected replicas", 60, () =>
            [0, 1, 2].every((i) => sentinelMaster(i) === nodeIp(2)) && info(nodeIp(2), "connected_slaves") === "2" ? true : undefined,
        );
        for (const i of [0, 1]) cli(nodeIp(i), 6379, "CONFIG", "SET", "replica-priority", "100");

        // Scale-in: the StatefulSet removes redis-2; the sentinels promote another node.
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
        const reset = localPod(scaled, job, "redis-sentinel-reset", "127.0.0.30", dns, path.join(root, "reset"));
        const result = spawnSync(reset.command[0], reset.command.slice(1), {
            env: { PATH: process.env.PATH, ...reset.env },
            encoding: "utf8",
            timeout: 150_000,
        });
        const output = result.stdout;
        assert.strictEqual(result.status, 0, `the reset Job failed:\n${output}\n${result.stderr}`);
        assert.match(output, /sentinel 127\.0\.0\.23 reset; it sees 1 replicas and 2 other sentinels/);
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
});
