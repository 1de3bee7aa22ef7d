import * as assert from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import { createServer } from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { resolveBackupStorage } from "../../components/lib/backup";
import { renderTiDBBackupScript, tidbFullBackupManifest } from "../../components/tidb/backup-script";
import { TiDB, TiDBArgs, validateTiDBArgs } from "../../components/tidb";
import { toManifest } from "../../render/stack-runner";
import { optionsRecorder, register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const storage = {
    endpoint: "http://minio.backup:9000",
    bucket: "dr-backups",
    prefix: "prod/tidb",
    accessKeyId: "AKIA-test",
    secretAccessKey: "s3cr3t-test",
};
const base: TiDBArgs = { namespace: "sql" };
const cr = (run: Awaited<ReturnType<typeof register>>, name: string): any => run.named(name).inputs;

interface Seen {
    method: string;
    url: string;
    body: string;
}

/** Runs the schedule script against a fake Kubernetes API that lists `items` as the cluster's snapshot Backups. */
async function runSchedule(items: object[]): Promise<{ seen: Seen[]; code: number; stdout: string; stderr: string }> {
    const seen: Seen[] = [];
    const server = createServer((req, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", url: req.url ?? "", body });
            res.setHeader("content-type", "application/json");
            res.end(req.method === "GET" ? JSON.stringify({ kind: "BackupList", items }) : "{}");
        });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const sa = fs.mkdtempSync(path.join(os.tmpdir(), "sa-"));
    fs.writeFileSync(path.join(sa, "token"), "test-token");
    fs.writeFileSync(path.join(sa, "ca.crt"), "");
    const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const script = renderTiDBBackupScript("tidb", "sql", resolveBackupStorage("tidb", storage), 7, api, sa);
    try {
        return await new Promise((done) =>
            execFile("sh", ["-c", script], (err, stdout, stderr) =>
                done({ seen, code: err === null ? 0 : ((err as { code?: number }).code ?? -1), stdout, stderr }),
            ),
        );
    } finally {
        server.close();
        fs.rmSync(sa, { recursive: true });
    }
}

const daysAgo = (n: number) => new Date(Date.now() - n * 86400_000).toISOString().replace(/\.[0-9]+Z$/, "Z");
const backupItem = (name: string, age: number, phase: string) => ({
    metadata: { name, creationTimestamp: daysAgo(age) },
    status: { phase },
});

describe("TiDB backups", () => {
    it("schedules snapshots with a CronJob that creates BR Backups, and streams a log Backup, with the credentials only in a Secret", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, backup: { storage, schedule: "30 1 * * *", retentionDays: 14 } }));
        const cron = cr(run, "tidb-backup");
        assert.deepStrictEqual(
            [cron.metadata.name, cron.spec.schedule, cron.spec.concurrencyPolicy],
            ["tidb-backup", "30 1 * * *", "Forbid"],
        );
        const pod = cron.spec.jobTemplate.spec.template.spec;
        assert.strictEqual(pod.serviceAccountName, "tidb-br");
        assert.match(pod.containers[0].command[2], /--data .*backups' >\/dev\/null/);
        assert.match(pod.containers[0].command[2], /- 14 \* 86400/);
        const log = cr(run, "tidb-log-backup");
        assert.deepStrictEqual(
            [log.kind, log.metadata.name, log.spec.backupMode, log.spec.logSubcommand, log.spec.br, log.spec.s3],
            [
                "Backup",
                "tidb-log",
                "log",
                "log-start",
                { cluster: "tidb", clusterNamespace: "sql" },
                {
                    provider: "ceph",
                    endpoint: "http://minio.backup:9000",
                    region: "us-east-1",
                    bucket: "dr-backups",
                    prefix: "prod/tidb/log",
                    secretName: "tidb-backup-s3",
                },
            ],
        );
        assert.strictEqual(cr(run, "tidb-tikv").spec.template.spec.config, "log-backup.enable = true\n");
        const secret = run.named("tidb-backup-s3");
        const data = secret.inputs.stringData as { value?: object };
        assert.deepStrictEqual(Object.keys(data.value ?? data).sort(), ["access_key", "secret_key"]);
        assert.ok(secretKeysAreSecret(secret, ["access_key", "secret_key"]));
        const elsewhere = JSON.stringify(run.registrations.filter((r) => r.name !== "tidb-backup-s3").map((r) => r.inputs));
        assert.ok(!elsewhere.includes("s3cr3t-test") && !elsewhere.includes("AKIA-test"), "credentials appear outside the Secret");
    });

    it("has every backup object, and the Backup each run creates, valid against the v2.0.1 BR CRDs and Kubernetes schemas", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, backup: { storage } }));
        const names = ["tidb-backup", "tidb-log-backup", "tidb-backup-s3", "tidb-br"];
        const objects = run.registrations.filter((r) => names.includes(r.name));
        assert.strictEqual(objects.length, 6, objects.map((r) => `${r.type}::${r.name}`).join(", "));
        for (const r of objects) assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], `${r.type} ${r.name}`);
        const perRun = JSON.parse(
            JSON.stringify(tidbFullBackupManifest("tidb", "sql", resolveBackupStorage("tidb", storage))).replace(
                /__STAMP__/g,
                "20261127-020000",
            ),
        );
        assert.deepStrictEqual(await schemaErrors(perRun), []);
        assert.strictEqual(perRun.spec.s3.prefix, "prod/tidb/full/20261127-020000");
        assert.strictEqual(perRun.spec.cleanPolicy, "Delete");
    });

    it("creates this run's Backup and deletes snapshots past the retention once a newer one has completed", async () => {
        const { seen, code, stderr, stdout } = await runSchedule([
            backupItem("tidb-full-old", 9, "Complete"),
            backupItem("tidb-full-recent", 1, "Complete"),
        ]);
        assert.strictEqual(code, 0, stderr);
        const created = JSON.parse(seen[0].body);
        assert.deepStrictEqual([seen[0].method, seen[0].url], ["POST", "/apis/br.pingcap.com/v1alpha1/namespaces/sql/backups"]);
        assert.match(created.metadata.name, /^tidb-full-[0-9]{8}-[0-9]{6}$/);
        assert.strictEqual(created.spec.s3.prefix, `prod/tidb/full/${created.metadata.name.slice("tidb-full-".length)}`);
        assert.deepStrictEqual(
            seen.slice(1).map((s) => `${s.method} ${s.url}`),
            [
                "GET /apis/br.pingcap.com/v1alpha1/namespaces/sql/backups?labelSelector=stateful-k8s.io%2Ffull-backup-of%3Dtidb",
                "DELETE /apis/br.pingcap.com/v1alpha1/namespaces/sql/backups/tidb-full-old",
            ],
        );
        assert.match(stdout, /deleted Backup tidb-full-old \(older than 7 days\)/);
    });

    it("keeps old snapshots when none within the retention has completed", async () => {
        const { seen, code, stdout } = await runSchedule([
            backupItem("tidb-full-old", 9, "Complete"),
            backupItem("tidb-full-recent", 1, "Failed"),
        ]);
        assert.strictEqual(code, 0);
        assert.deepStrictEqual(
            seen.map((s) => s.method),
            ["POST", "GET"],
        );
        assert.match(stdout, /no completed snapshot since .*: keeping the older ones/);
    });

    it("restores into the new cluster before the SQL layer exists, and to a point in time from the log backup", async () => {
        const rec = optionsRecorder();
        const restore = { storage, fullBackup: "20261127-020000", pointInTime: "2026-11-27 09:30:00" };
        const run = await register(() => new TiDB("tidb", { ...base, restore }, rec.opts));
        const r = cr(run, "tidb-restore");
        assert.deepStrictEqual(
            [r.kind, r.metadata.name, r.metadata.annotations["pulumi.com/waitFor"], r.spec.restoreMode, r.spec.pitrRestoredTs],
            ["Restore", "tidb-restore", "jsonpath={.status.phase}=Complete", "pitr", "2026-11-27 09:30:00"],
        );
        assert.deepStrictEqual(
            [r.spec.s3.prefix, r.spec.pitrFullBackupStorageProvider.s3.prefix],
            ["prod/tidb/log", "prod/tidb/full/20261127-020000"],
        );
        assert.strictEqual(r.spec.s3.secretName, "tidb-restore-backup-s3");
        assert.ok(rec.dependsOnNames("tidb-tidb").includes("tidb-restore"), "the TiDBGroup must wait for the restore");
        assert.ok(rec.dependsOnNames("tidb-restore").includes("tidb-tikv"));
        assert.deepStrictEqual(rec.of("tidb-restore").customTimeouts, { create: "720m", update: "720m" });
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("tidb-restore")) as any), []);
    });

    it("restores a snapshot alone when no point in time is given", async () => {
        const run = await register(() => new TiDB("tidb", { ...base, restore: { storage, fullBackup: "20261127-020000" } }));
        const r = cr(run, "tidb-restore");
        assert.deepStrictEqual(
            [r.spec.restoreMode, r.spec.backupType, r.spec.s3.prefix],
            ["snapshot", "full", "prod/tidb/full/20261127-020000"],
        );
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("tidb-restore")) as any), []);
    });

    it("names every bad backup and restore argument before registering anything", async () => {
        const bad = {
            ...base,
            backup: { storage: { ...storage, endpoint: "minio:9000", bucket: "Bad_Bucket" }, schedule: "every day", retentionDays: 0 },
            restore: { storage: { ...storage, secretAccessKey: "" }, fullBackup: "yesterday", pointInTime: "9:30" },
        } as TiDBArgs;
        assert.deepStrictEqual(
            validateTiDBArgs("tidb", bad).map((p) => p.path),
            [
                "backup.storage.endpoint",
                "backup.storage.bucket",
                "backup.schedule",
                "backup.retentionDays",
                "restore.storage.secretAccessKey",
                "restore.fullBackup",
                "restore.pointInTime",
            ],
        );
        const run = await register(() =>
            assert.throws(
                () => new TiDB("tidb", bad),
                /Invalid TiDB "tidb" arguments:\n {2}- backup\.storage\.endpoint: got "minio:9000"; allowed: an http\(s\) URL/,
            ),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});
