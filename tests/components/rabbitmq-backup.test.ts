import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { resolveBackupStorage } from "../../components/lib/backup";
import { s3UploadAndPruneScript } from "../../components/lib/backup-cronjob";
import { renderDefinitionsExportScript } from "../../components/rabbitmq/backup";
import { RabbitMQ, RabbitMQArgs, validateRabbitMQArgs } from "../../components/rabbitmq";
import { toManifest } from "../../render/stack-runner";
import { runWithStubAws, standInServer } from "../helpers/backup-scripts";
import { envOf, podSpecOf, register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const storage = {
    endpoint: "http://minio.backup:9000",
    bucket: "dr-backups",
    prefix: "prod/rabbitmq",
    accessKeyId: "AKIA-test",
    secretAccessKey: "s3cr3t-test",
};
const base: RabbitMQArgs = { namespace: "mq", erlangCookie: "cookie-value-abc", defaultPassword: "admin-pw-xyz" };
const s3Env = { BACKUP_BUCKET: "dr-backups", BACKUP_PREFIX: "prod/rabbitmq" };

describe("RabbitMQ definitions backups", () => {
    it("exports the definitions on schedule through the management API and uploads them, credentials only by reference", async () => {
        const run = await register(
            () => new RabbitMQ("rabbitmq", { ...base, backup: { storage, schedule: "15 3 * * *", retentionDays: 30 } }),
        );
        const cron = run.named("rabbitmq-backup").inputs as any;
        assert.deepStrictEqual(
            [cron.metadata.name, cron.metadata.labels["stateful-k8s.io/backup-of"], cron.spec.schedule, cron.spec.concurrencyPolicy],
            ["rabbitmq-backup", "rabbitmq", "15 3 * * *", "Forbid"],
        );
        const pod = cron.spec.jobTemplate.spec.template.spec;
        const [exporter, upload] = [pod.initContainers[0], pod.containers[0]];
        assert.deepStrictEqual([exporter.image, upload.image], ["curlimages/curl:8.11.1", "amazon/aws-cli:2.22.0"]);
        assert.match(
            exporter.command[2],
            /'http:\/\/rabbitmq\.mq\.svc\.cluster\.local:15672\/api\/definitions' -o \/backup\/definitions\.json/,
        );
        assert.deepStrictEqual(
            exporter.env.map((e: any) => [e.name, e.valueFrom.secretKeyRef]),
            [
                ["RABBITMQ_USER", { name: "rabbitmq-credentials", key: "username" }],
                ["RABBITMQ_PASS", { name: "rabbitmq-credentials", key: "password" }],
            ],
        );
        const env = Object.fromEntries(upload.env.map((e: any) => [e.name, e.value ?? e.valueFrom.secretKeyRef]));
        assert.deepStrictEqual(env, {
            AWS_ACCESS_KEY_ID: { name: "rabbitmq-backup-s3", key: "access_key" },
            AWS_SECRET_ACCESS_KEY: { name: "rabbitmq-backup-s3", key: "secret_key" },
            AWS_ENDPOINT_URL: "http://minio.backup:9000",
            AWS_DEFAULT_REGION: "us-east-1",
            BACKUP_BUCKET: "dr-backups",
            BACKUP_PREFIX: "prod/rabbitmq",
            HOME: "/backup",
        });
        assert.match(upload.command[2], /-d "-30 days"/);
        assert.ok(secretKeysAreSecret(run.named("rabbitmq-backup-s3"), ["access_key", "secret_key"]));
        const elsewhere = JSON.stringify(run.registrations.filter((r) => r.name !== "rabbitmq-backup-s3").map((r) => r.inputs));
        assert.ok(!elsewhere.includes("s3cr3t-test") && !elsewhere.includes("AKIA-test"));
        for (const name of ["rabbitmq-backup", "rabbitmq-backup-s3"]) {
            assert.deepStrictEqual(await schemaErrors(toManifest(run.named(name)) as any), [], name);
        }
    });

    it("writes what GET /api/definitions answers, authenticated as the administrator, and fails on an error answer", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "defs-"));
        const api = await standInServer((req) =>
            req.url === "/api/definitions" ? { status: 200, body: '{"rabbit_version":"4.1.4","queues":[]}' } : { status: 404, body: "" },
        );
        try {
            const ok = await runWithStubAws(renderDefinitionsExportScript(api.url, dir), { RABBITMQ_USER: "admin", RABBITMQ_PASS: "pw" });
            assert.strictEqual(ok.code, 0, ok.stderr);
            assert.deepStrictEqual(
                api.seen.map((s) => [s.method, s.url, s.authorization]),
                [["GET", "/api/definitions", `Basic ${Buffer.from("admin:pw").toString("base64")}`]],
            );
            assert.strictEqual(fs.readFileSync(path.join(dir, "definitions.json"), "utf8"), '{"rabbit_version":"4.1.4","queues":[]}');
            const bad = await runWithStubAws(renderDefinitionsExportScript(`${api.url}/nowhere`, dir), {
                RABBITMQ_USER: "admin",
                RABBITMQ_PASS: "pw",
            });
            assert.notStrictEqual(bad.code, 0);
        } finally {
            api.stop();
            fs.rmSync(dir, { recursive: true });
        }
    });

    it("uploads under the prefix, then deletes only objects older than the retention; a failed upload prunes nothing", async () => {
        const script = s3UploadAndPruneScript(
            "/tmp/definitions.json",
            "20261127-031500-definitions.json",
            resolveBackupStorage("rabbitmq", storage),
            7,
        );
        const ok = await runWithStubAws(
            script,
            s3Env,
            "prod/rabbitmq/20261101-031500-definitions.json\tprod/rabbitmq/20261102-031500-definitions.json",
        );
        assert.strictEqual(ok.code, 0, ok.stderr);
        assert.strictEqual(ok.awsCalls[0], "configure set default.s3.addressing_style path");
        assert.strictEqual(ok.awsCalls[1], "s3 cp /tmp/definitions.json s3://dr-backups/prod/rabbitmq/20261127-031500-definitions.json");
        assert.match(
            ok.awsCalls[2],
            /^s3api list-objects-v2 --bucket dr-backups --prefix prod\/rabbitmq\/ --query Contents\[\?LastModified<'[0-9-]{10}T[0-9:]{8}'\]\.Key --output text$/,
        );
        assert.deepStrictEqual(ok.awsCalls.slice(3), [
            "s3 rm s3://dr-backups/prod/rabbitmq/20261101-031500-definitions.json",
            "s3 rm s3://dr-backups/prod/rabbitmq/20261102-031500-definitions.json",
        ]);
        const failed = await runWithStubAws(script, s3Env, "prod/rabbitmq/old.json", true);
        assert.notStrictEqual(failed.code, 0);
        assert.ok(!failed.awsCalls.some((c) => c.startsWith("s3 rm") || c.startsWith("s3api")), failed.awsCalls.join("; "));
    });

    it("on restore, fetches the export before the node starts and imports it at boot with the 4.1 definitions keys", async () => {
        const run = await register(
            () => new RabbitMQ("rabbitmq", { ...base, restore: { storage, object: "20261127-031500-definitions.json" } }),
        );
        const conf = ((run.named("rabbitmq-config").inputs as any).data["10-stateful-k8s.conf"] as string).split("\n");
        assert.deepStrictEqual(conf.slice(-4), [
            "definitions.import_backend = local_filesystem",
            "definitions.local.path = /etc/rabbitmq/definitions/definitions.json",
            "definitions.skip_if_unchanged = true",
            "",
        ]);
        const pod = podSpecOf(run.named("rabbitmq-sts"));
        const fetch = pod.initContainers.find((c: any) => c.name === "fetch-definitions");
        assert.match(
            fetch.command[2],
            /aws s3 cp "s3:\/\/\$BACKUP_BUCKET\/\$BACKUP_PREFIX\/20261127-031500-definitions\.json" \/etc\/rabbitmq\/definitions\/definitions\.json/,
        );
        assert.deepStrictEqual(fetch.env.find((e: any) => e.name === "AWS_SECRET_ACCESS_KEY").valueFrom.secretKeyRef, {
            name: "rabbitmq-restore-backup-s3",
            key: "secret_key",
        });
        assert.deepStrictEqual(
            pod.containers[0].volumeMounts.find((m: any) => m.name === "definitions"),
            { name: "definitions", mountPath: "/etc/rabbitmq/definitions", readOnly: true },
        );
        assert.ok(secretKeysAreSecret(run.named("rabbitmq-restore-backup-s3"), ["access_key", "secret_key"]));
        assert.ok(envOf(run.named("rabbitmq-sts")).RABBITMQ_DEFAULT_USER !== undefined);
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("rabbitmq-sts")) as any), []);
    });

    it("names every bad backup and restore argument before registering anything", async () => {
        const bad = {
            ...base,
            backup: { storage: { ...storage, prefix: "/abs/", region: "" }, schedule: "0 2 * *" },
            restore: { storage: { ...storage, endpiont: "typo" }, object: "definitions.json" },
        } as unknown as RabbitMQArgs;
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", bad).map((p) => p.path),
            ["backup.storage.prefix", "backup.storage.region", "backup.schedule", "restore.storage.endpiont", "restore.object"],
        );
        const run = await register(() =>
            assert.throws(
                () => new RabbitMQ("rabbitmq", bad),
                /backup\.schedule: got "0 2 \* \*"; allowed: a cron schedule of five fields/,
            ),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});
