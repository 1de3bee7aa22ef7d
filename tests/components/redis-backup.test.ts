/**
 * What Redis's backup and restore arguments render: the CronJob, its credentials, the restore init
 * container, and the argument checks. The scripts themselves run for real in redis-backup.real.test.ts.
 */
import * as assert from "assert";
import { spawnSync } from "child_process";
import { Redis, RedisArgs, validateRedisArgs } from "../../components/redis";
import { ArgsError } from "../../components/lib/validation";
import { loadStackConfig, runStack, toManifest } from "../../render/stack-runner";
import { parseStackConfig } from "../../stacks/config";
import { everythingExcept, podSpecOf, register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";
import { backupSchedule } from "../../policies/backup";
import { TYPES } from "../../policies/lib/k8s";
import { resource, runPolicy } from "../helpers/policy";

const base: RedisArgs = { namespace: "cache", password: "redis-pw-123" };
const storage = {
    endpoint: "https://s3.eu-west-1.amazonaws.com",
    bucket: "acme-backups",
    prefix: "prod/cache",
    region: "eu-west-1",
    accessKeyId: "AKIA-backup-key-id",
    secretAccessKey: "backup-secret-access-key",
};
const withBackup: RedisArgs = { ...base, backup: { storage, schedule: "15 */6 * * *", retentionDays: 14, keepLast: 20 } };
const withRestore: RedisArgs = {
    ...base,
    restoreFrom: { storage: { ...storage, accessKeyId: "AKIA-restore-key-id", secretAccessKey: "restore-secret-access-key" } },
};
const envMap = (env: { name: string; value?: string; valueFrom?: unknown }[]): Record<string, unknown> =>
    Object.fromEntries(env.map((e) => [e.name, e.value ?? e.valueFrom]));

describe("Redis backups and restore", () => {
    it("renders the CronJob redis-backup on the given schedule, one run at a time, with the retention and location", async () => {
        const run = await register(() => new Redis("redis", withBackup));
        const cron = run.named("redis-backup");
        const spec = cron.inputs.spec as any;
        assert.strictEqual((cron.inputs.metadata as any).name, "redis-backup");
        assert.strictEqual((cron.inputs.metadata as any).labels["stateful-k8s.io/backup-of"], "redis");
        assert.strictEqual(spec.schedule, "15 */6 * * *");
        assert.strictEqual(spec.concurrencyPolicy, "Forbid");
        const pod = spec.jobTemplate.spec.template.spec;
        assert.strictEqual(pod.restartPolicy, "Never");
        const container = pod.containers[0];
        assert.deepStrictEqual(container.command, ["sh", "/backup-scripts/redis-backup.sh"]);
        const env = envMap(container.env);
        assert.deepStrictEqual(
            [env.BACKUP_NAME, env.KEEP_LAST, env.KEEP_DAYS, env.S3_BUCKET, env.S3_PREFIX, env.RCLONE_S3_ENDPOINT, env.RCLONE_S3_REGION],
            ["redis", "20", "14", "acme-backups", "prod/cache", "https://s3.eu-west-1.amazonaws.com", "eu-west-1"],
        );
        assert.deepStrictEqual(env.RCLONE_S3_ACCESS_KEY_ID, { secretKeyRef: { name: "redis-backup-s3", key: "access_key" } });
        assert.deepStrictEqual(env.RCLONE_S3_SECRET_ACCESS_KEY, { secretKeyRef: { name: "redis-backup-s3", key: "secret_key" } });
        assert.deepStrictEqual(env.REDIS_PASSWORD, { secretKeyRef: { name: "redis-auth", key: "password" } });
        assert.strictEqual(env.TOPOLOGY_DIR, "/etc/redis-topology");
        assert.deepStrictEqual(
            pod.volumes.map((v: { name: string }) => v.name),
            ["backup-scripts", "topology", "scratch"],
        );
    });

    it("satisfies the backup-schedule policy with its CronJob, which flags the same Redis without backups", async () => {
        const policyView = async (a: RedisArgs) => {
            const run = await register(() => new Redis("redis", a));
            return runPolicy(backupSchedule, [
                resource(TYPES.statefulSet, "redis-sts", run.named("redis-sts").inputs),
                resource(TYPES.statefulSet, "redis-sentinel-sts", run.named("redis-sentinel-sts").inputs),
                ...run.ofType(TYPES.cronJob).map((r) => resource(TYPES.cronJob, r.name, r.inputs)),
            ]);
        };
        assert.deepStrictEqual(await policyView(withBackup), []);
        assert.match(
            (await policyView(base))[0],
            /^StatefulSet cache\/redis keeps data and nothing in the stack backs it up on a schedule/,
        );
    });

    it("defaults to a daily backup at 02:00 kept 7 days, under the component's name, with no count limit", async () => {
        const { prefix: _p, ...plain } = storage;
        const run = await register(() => new Redis("redis", { ...base, backup: { storage: plain } }));
        const spec = run.named("redis-backup").inputs.spec as any;
        assert.strictEqual(spec.schedule, "0 2 * * *");
        const env = envMap(spec.jobTemplate.spec.template.spec.containers[0].env);
        assert.deepStrictEqual([env.KEEP_DAYS, env.KEEP_LAST, env.S3_PREFIX], ["7", "0", "redis"]);
    });

    it("keeps the bucket credentials in Secrets, marked secret and nowhere else", async () => {
        const run = await register(() => new Redis("redis", { ...withBackup, restoreFrom: withRestore.restoreFrom }));
        assert.ok(secretKeysAreSecret(run.named("redis-backup-s3"), ["access_key", "secret_key"]));
        assert.ok(secretKeysAreSecret(run.named("redis-restore-backup-s3"), ["access_key", "secret_key"]));
        const rest = everythingExcept(run, ["redis-backup-s3", "redis-restore-backup-s3", "redis-auth"]);
        for (const value of ["AKIA-backup-key-id", "backup-secret-access-key", "AKIA-restore-key-id", "restore-secret-access-key"]) {
            assert.ok(!rest.includes(value), value);
        }
    });

    it("changes no pod template and no existing object when backups are turned on: no Redis pod restarts", async () => {
        const before = await register(() => new Redis("redis", base));
        const after = await register(() => new Redis("redis", withBackup));
        for (const r of before.registrations) {
            assert.deepStrictEqual(JSON.stringify(after.named(r.name).inputs), JSON.stringify(r.inputs), r.name);
        }
        assert.deepStrictEqual(
            after.registrations
                .filter((r) => !before.registrations.some((b) => b.name === r.name))
                .map((r) => `${r.type}::${r.name}`)
                .sort(),
            [
                "kubernetes:batch/v1:CronJob::redis-backup",
                "kubernetes:core/v1:ConfigMap::redis-backup-scripts",
                "kubernetes:core/v1:Secret::redis-backup-s3",
            ],
        );
    });

    it("adds a restore init container that reads the snapshot location and the nodes' persistence", async () => {
        const run = await register(() => new Redis("redis", { ...withRestore, persistence: "rdb" }));
        const pod = podSpecOf(run.named("redis-sts"));
        assert.deepStrictEqual(
            pod.initContainers.map((c: { name: string }) => c.name),
            ["restore"],
        );
        const init = pod.initContainers[0];
        assert.deepStrictEqual(init.command, ["sh", "/restore-scripts/redis-restore.sh"]);
        assert.deepStrictEqual(init.volumeMounts[0], { name: "data", mountPath: "/data" });
        const env = envMap(init.env);
        assert.deepStrictEqual([env.DATA_DIR, env.PERSISTENCE, env.RESTORE_SNAPSHOT, env.S3_PREFIX], ["/data", "rdb", "", "prod/cache"]);
        assert.deepStrictEqual(env.RCLONE_S3_ACCESS_KEY_ID, { secretKeyRef: { name: "redis-restore-backup-s3", key: "access_key" } });
        assert.deepStrictEqual(init.resources, podSpecOf(run.named("redis-sts")).containers[0].resources);
        const plain = await register(() => new Redis("redis", base));
        assert.deepStrictEqual(podSpecOf(plain.named("redis-sts")).initContainers, []);
    });

    it("has both scripts parse as POSIX sh (dash)", async () => {
        const run = await register(() => new Redis("redis", { ...withBackup, restoreFrom: withRestore.restoreFrom }));
        for (const [map, file] of [
            ["redis-backup-scripts", "redis-backup.sh"],
            ["redis-restore-scripts", "redis-restore.sh"],
        ]) {
            const text = (run.named(map).inputs.data as Record<string, string>)[file];
            const check = spawnSync("dash", ["-n"], { input: text, encoding: "utf8" });
            assert.strictEqual(check.status, 0, `${file}: ${check.stderr}`);
        }
    });

    it("emits only objects the official schemas accept", async () => {
        const run = await register(() => new Redis("redis", { ...withBackup, restoreFrom: withRestore.restoreFrom }));
        for (const r of run.kubernetesObjects()) {
            assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], r.name);
        }
    });

    it("refuses bad backup and restore arguments, naming each, before registering anything", async () => {
        const problems = (a: Partial<RedisArgs>) => validateRedisArgs("redis", { ...base, ...a }).map((p) => `${p.path}: ${p.allowed}`);
        assert.deepStrictEqual(problems({ backup: { storage, keepLast: 0 } }), ["backup.keepLast: a whole number from 1 to 10000"]);
        assert.match(problems({ backup: { storage, schedule: "daily" } })[0], /^backup\.schedule: a cron schedule of five fields/);
        assert.match(
            problems({ backup: { storage: { ...storage, endpoint: "s3.amazonaws.com" } } })[0],
            /^backup\.storage\.endpoint: an http\(s\) URL/,
        );
        assert.match(
            problems({ backup: { storage: { ...storage, bucket: "Acme_Backups" } } })[0],
            /^backup\.storage\.bucket: an S3 bucket name/,
        );
        assert.deepStrictEqual(problems({ backup: { storage, keep: 3 } as never }), [
            "backup.keep: one of the keys storage, schedule, retentionDays, keepLast, image",
        ]);
        assert.deepStrictEqual(problems({ backup: {} as never }), [
            "backup.storage: an object with the keys endpoint, bucket, prefix, region, forcePathStyle, accessKeyId, secretAccessKey",
        ]);
        assert.deepStrictEqual(problems({ restoreFrom: { storage: { ...storage, secretAccessKey: "" } } }), [
            "restoreFrom.storage.secretAccessKey: a secret access key (a secret)",
        ]);
        assert.match(
            problems({ restoreFrom: { storage, snapshot: "../etc/passwd" } })[0],
            /^restoreFrom\.snapshot: an object name under the prefix ending in "\.rdb"/,
        );
        const run = await register(() =>
            assert.throws(() => new Redis("redis", { ...base, backup: { storage, retentionDays: 0 } }), /backup\.retentionDays: got 0/),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});

describe("Redis backups in stack config", () => {
    const location = { endpoint: "https://s3.eu-west-1.amazonaws.com", bucket: "acme-backups", prefix: "dev/redis" };
    const backup = { storage: location, keepLast: 5 };

    it("leaves backups off in the dev stack", async () => {
        const { run } = await runStack("dev");
        assert.deepStrictEqual(run.ofType("kubernetes:batch/v1:CronJob"), []);
        assert.deepStrictEqual(podSpecOf(run.named("redis-sts")).initContainers, []);
    });

    it("accepts redis.backup and redis.restoreFrom, with the credentials as secret keys of their own", async () => {
        const { run } = await runStack("dev", {
            overrides: {
                "stateful-k8s:redis": JSON.stringify({
                    enabled: true,
                    replicas: 2,
                    backup,
                    restoreFrom: { ...backup, keepLast: undefined },
                }),
            },
        });
        const cron = run.named("redis-backup");
        assert.strictEqual((cron.inputs.spec as any).schedule, "0 2 * * *");
        assert.ok(secretKeysAreSecret(run.named("redis-backup-s3"), ["access_key", "secret_key"]));
        const data = JSON.stringify(run.named("redis-backup-s3").inputs.stringData);
        assert.match(data, /render-placeholder-backupAccessKeyId/);
        assert.match(JSON.stringify(run.named("redis-restore-backup-s3").inputs.stringData), /render-placeholder-restoreSecretAccessKey/);
        assert.deepStrictEqual(
            podSpecOf(run.named("redis-sts")).initContainers.map((c: { name: string }) => c.name),
            ["restore"],
        );
    });

    it("refuses credentials set inside the group and a missing credentials key, naming the key to set", () => {
        const config = (redis: object, drop?: string): Record<string, string> => {
            const all: Record<string, string> = {
                ...loadStackConfig("dev"),
                "stateful-k8s:redisPassword": "pw",
                "stateful-k8s:nacosAuthToken": Buffer.from("a-real-looking-token-of-thirty-two-bytes!").toString("base64"),
                "stateful-k8s:nacosIdentityValue": "identity",
                "stateful-k8s:nacosAdminPassword": "admin-password",
                "stateful-k8s:rabbitmqErlangCookie": "cookie",
                "stateful-k8s:rabbitmqDefaultPassword": "password",
                "stateful-k8s:backupAccessKeyId": "id",
                "stateful-k8s:backupSecretAccessKey": "secret",
                "stateful-k8s:redis": JSON.stringify({ enabled: true, replicas: 2, ...redis }),
            };
            if (drop !== undefined) delete all[drop];
            return all;
        };
        const error = (all: Record<string, string>): string => {
            try {
                parseStackConfig(all);
            } catch (err) {
                assert.ok(err instanceof ArgsError);
                return err.message;
            }
            return assert.fail("accepted");
        };
        assert.doesNotThrow(() => parseStackConfig(config({ backup })));
        assert.match(
            error(config({ backup }, "stateful-k8s:backupSecretAccessKey")),
            /- stateful-k8s:backupSecretAccessKey: got nothing \(the value is missing\); allowed: a secret: pulumi config set --secret backupSecretAccessKey <value>/,
        );
        assert.match(
            error(config({ backup: { ...backup, accessKeyId: "inline" } })),
            /- stateful-k8s:redis\.backup\.accessKeyId: got "inline"; allowed: one of the keys storage, schedule, retentionDays, keepLast, image/,
        );
        assert.match(
            error(config({ backup: { ...backup, keepLast: -1 } })),
            /- stateful-k8s:redis\.backup\.keepLast: got -1; allowed: a whole number from 1 to 10000/,
        );
    });
});
