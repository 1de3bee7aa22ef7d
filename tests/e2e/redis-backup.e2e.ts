/**
 * A stack with Redis backups turned on, set up and deployed with the Pulumi CLI in the project folder as a
 * user does it (`config set --path`, `config set --secret`, `pulumi up`) against the local control plane:
 * the backup CronJob exists under its exact name and schedule, the bucket credentials reach the cluster
 * only in their Secret, and a second update changes nothing.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { Project, clusterDown, projectOnLocalCluster } from "./cli";

const NS = "stateful-dev";
const ACCESS_KEY = "e2e-backup-access-key-id";
const SECRET_KEY = "e2e-backup-secret-access-key";

describe("a stack with Redis backups, deployed with the Pulumi CLI", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;

    before(() => {
        project = projectOnLocalCluster("backups");
    });

    after(() => clusterDown());

    it("pulumi up creates the CronJob redis-backup on the configured schedule, with the credentials in redis-backup-s3", () => {
        for (const [key, value] of [
            ["redis.enabled", "true"],
            ["redis.replicas", "2"],
            // The local control plane's StorageClass, as the dev stack names it.
            ["redis.storage.size", "1Gi"],
            ["redis.storage.storageClassName", "standard"],
            ["redis.backup.storage.endpoint", "http://minio.backup.svc:9000"],
            ["redis.backup.storage.bucket", "redis-backups"],
            ["redis.backup.storage.prefix", "dev/redis"],
            ["redis.backup.schedule", "*/30 * * * *"],
            ["redis.backup.keepLast", "4"],
        ]) {
            project.pulumi(["config", "set", "--path", key, value]);
        }
        project.pulumi(["config", "set", "--secret", "backupAccessKeyId", ACCESS_KEY]);
        project.pulumi(["config", "set", "--secret", "backupSecretAccessKey", SECRET_KEY]);
        project.pulumi(["up", "--yes", "--stack", "backups"]);

        const cron = JSON.parse(project.kubectl("get", "cronjob", "redis-backup", "-n", NS, "-o", "json"));
        assert.strictEqual(cron.spec.schedule, "*/30 * * * *");
        assert.strictEqual(cron.spec.concurrencyPolicy, "Forbid");
        const container = cron.spec.jobTemplate.spec.template.spec.containers[0];
        const env = Object.fromEntries(
            container.env.map((e: { name: string; value?: string; valueFrom?: unknown }) => [e.name, e.value ?? e.valueFrom]),
        );
        assert.deepStrictEqual([env.S3_BUCKET, env.S3_PREFIX, env.KEEP_LAST, env.KEEP_DAYS], ["redis-backups", "dev/redis", "4", "7"]);
        assert.deepStrictEqual(env.RCLONE_S3_SECRET_ACCESS_KEY, { secretKeyRef: { name: "redis-backup-s3", key: "secret_key" } });
        const secret = JSON.parse(project.kubectl("get", "secret", "redis-backup-s3", "-n", NS, "-o", "json"));
        assert.strictEqual(Buffer.from(secret.data.secret_key, "base64").toString(), SECRET_KEY);
        assert.deepStrictEqual(
            project.names("configmaps", NS).filter((n) => n.startsWith("redis")),
            ["redis-backup-scripts", "redis-config", "redis-topology"],
        );

        const stateFile = path.join(new URL(project.env.PULUMI_BACKEND_URL).pathname, ".pulumi", "stacks", "stateful-k8s", "backups.json");
        const state = fs.readFileSync(stateFile, "utf8");
        const config = fs.readFileSync(path.join(project.dir, "stacks", "Pulumi.backups.yaml"), "utf8");
        for (const value of [ACCESS_KEY, SECRET_KEY]) {
            assert.ok(!state.includes(value), "a bucket credential is in plain text in the state file");
            assert.ok(!config.includes(value), "a bucket credential is in plain text in the stack's config file");
        }
    });

    it("has no perpetual diff on the CronJob: preview --expect-no-changes passes", () => {
        project.pulumi(["preview", "--expect-no-changes", "--stack", "backups"]);
    });
});
