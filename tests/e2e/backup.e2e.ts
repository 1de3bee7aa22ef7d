/**
 * Backups, deployed: a stack whose config turns on Nacos's, RabbitMQ's and TiDB's backups goes up with the
 * Pulumi CLI on the local control plane, and the API server then holds the backup CronJobs with the
 * configured schedules, the TiDB log Backup (validated by the API server against tidb-operator v2.0.1's BR
 * CRD) and the bucket's credentials Secrets, whose values never reach the state in plain text. No container
 * runs here (kwok's nodes), so the jobs' scripts are tested on their own in the unit tests.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { E2E_SECRETS, Project, clusterDown, clusterUp, initStack, toolchainBin } from "./cli";

const NS = "stateful-bk";
const STACK = "backups";
const storage = (system: string) => `{ endpoint: "http://minio.backup.svc:9000", bucket: stateful-e2e-backups, prefix: e2e/${system} }`;
const STACK_CONFIG = `config:
    stateful-k8s:environment: dev
    stateful-k8s:namespace: ${NS}
    stateful-k8s:nacos:
        enabled: true
        replicas: 1
        storage: { size: 1Gi, storageClassName: standard }
        resources: { cpuRequest: 100m, memoryRequest: 1Gi }
        backup: { storage: ${storage("nacos")}, schedule: "0 2 * * *", retentionDays: 14, namespaces: [public] }
    stateful-k8s:rabbitmq:
        enabled: true
        replicas: 1
        storage: { size: 1Gi, storageClassName: standard }
        resources: { cpuRequest: 100m, memoryRequest: 512Mi }
        backup: { storage: ${storage("rabbitmq")}, schedule: "10 2 * * *", retentionDays: 30 }
    stateful-k8s:tidb:
        enabled: true
        replicas: 1
        pdReplicas: 1
        tikvReplicas: 1
        regionReplicas: 1
        pdStorage: { size: 1Gi }
        tikvStorage: { size: 5Gi }
        backup: { storage: ${storage("tidb")}, schedule: "0 3 * * *", retentionDays: 7 }
`;

describe("backups enabled in a stack, deployed with the Pulumi CLI", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;
    const json = (...args: string[]): any => JSON.parse(project.kubectl(...args, "-n", NS, "-o", "json"));

    before(() => {
        toolchainBin();
        clusterUp();
        project = Project.copy();
        fs.writeFileSync(path.join(project.dir, "stacks", `Pulumi.${STACK}.yaml`), STACK_CONFIG);
        initStack(project, STACK);
    });

    after(() => clusterDown());

    it("pulumi up creates a backup CronJob per system with the configured schedule, each labelled with what it backs up", () => {
        const up = project.pulumi(["up", "--yes", "--skip-preview", "--stack", STACK]);
        assert.match(up.stdout, /Resources:\n\s+\+ \d+ created/);
        const crons = json("get", "cronjobs").items.map((c: any) => [
            c.metadata.name,
            c.spec.schedule,
            c.spec.concurrencyPolicy,
            c.metadata.labels["stateful-k8s.io/backup-of"],
        ]);
        assert.deepStrictEqual(crons, [
            ["nacos-backup", "0 2 * * *", "Forbid", "nacos"],
            ["rabbitmq-backup", "10 2 * * *", "Forbid", "rabbitmq"],
            ["tidb-backup", "0 3 * * *", "Forbid", "tidb"],
        ]);
        const rabbit = json("get", "cronjob", "rabbitmq-backup").spec.jobTemplate.spec.template.spec;
        assert.deepStrictEqual(
            rabbit.containers[0].env.find((e: any) => e.name === "BACKUP_PREFIX"),
            { name: "BACKUP_PREFIX", value: "e2e/rabbitmq" },
        );
    });

    it("starts TiDB's log backup for point-in-time recovery as a BR Backup the API server accepted", () => {
        const backups = json("get", "backups.br.pingcap.com").items;
        assert.deepStrictEqual(
            backups.map((b: any) => [b.metadata.name, b.spec.backupMode, b.spec.logSubcommand, b.spec.s3.prefix, b.spec.s3.secretName]),
            [["tidb-log", "log", "log-start", "e2e/tidb/log", "tidb-backup-s3"]],
        );
        assert.strictEqual(json("get", "serviceaccount", "tidb-br").metadata.name, "tidb-br");
    });

    it("keeps the bucket's credentials in one Secret per system and never in plain text in the state", () => {
        for (const name of ["nacos-backup-s3", "rabbitmq-backup-s3", "tidb-backup-s3"]) {
            const secret = json("get", "secret", name);
            assert.deepStrictEqual(Object.keys(secret.data).sort(), ["access_key", "secret_key"], name);
            assert.strictEqual(Buffer.from(secret.data.secret_key, "base64").toString(), E2E_SECRETS.backupSecretAccessKey, name);
        }
        const state = project.state(STACK);
        for (const key of ["backupAccessKeyId", "backupSecretAccessKey"])
            assert.ok(!state.includes(E2E_SECRETS[key]), `${key} in the state`);
    });
});
