import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderNacosExportScript } from "../../components/nacos/backup";
import { Nacos, NacosArgs, validateNacosArgs } from "../../components/nacos";
import { toManifest } from "../../render/stack-runner";
import { runWithStubAws, standInServer } from "../helpers/backup-scripts";
import { register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const storage = {
    endpoint: "https://s3.eu-west-1.amazonaws.com",
    bucket: "dr-backups",
    prefix: "prod/nacos",
    accessKeyId: "AKIA-test",
    secretAccessKey: "s3cr3t-test",
};
const base: NacosArgs = {
    namespace: "cfg",
    authToken: Buffer.alloc(32, 7).toString("base64"),
    identityValue: "identity-value",
    adminPassword: "admin-pw",
};

describe("Nacos configuration backups", () => {
    it("exports the configurations on schedule as the nacos administrator and uploads them", async () => {
        const run = await register(() => new Nacos("nacos", { ...base, backup: { storage, namespaces: ["public", "team-a"] } }));
        const cron = run.named("nacos-backup").inputs as any;
        assert.deepStrictEqual(
            [cron.metadata.name, cron.spec.schedule, cron.metadata.labels["stateful-k8s.io/backup-of"]],
            ["nacos-backup", "0 2 * * *", "nacos"],
        );
        const exporter = cron.spec.jobTemplate.spec.template.spec.initContainers[0];
        assert.deepStrictEqual(exporter.env, [
            { name: "NACOS_PASSWORD", valueFrom: { secretKeyRef: { name: "nacos-auth", key: "admin-password" } } },
        ]);
        assert.match(exporter.command[2], /base='http:\/\/nacos\.cfg\.svc\.cluster\.local:8848'/);
        assert.match(exporter.command[2], /for ns in public team-a; do/);
        assert.ok(secretKeysAreSecret(run.named("nacos-backup-s3"), ["access_key", "secret_key"]));
        for (const name of ["nacos-backup", "nacos-backup-s3"])
            assert.deepStrictEqual(await schemaErrors(toManifest(run.named(name)) as any), [], name);
    });

    it("admits the export pods to the HTTP port when the NetworkPolicy is on", async () => {
        const run = await register(() => new Nacos("nacos", { ...base, backup: { storage }, networkPolicy: { enabled: true } }));
        const rules = (run.named("nacos-netpol").inputs as any).spec.ingress;
        const backupRule = rules.find((r: any) => r.from[0].podSelector?.matchLabels?.["stateful-k8s.io/backup-of"] === "nacos");
        assert.deepStrictEqual(backupRule, {
            from: [{ podSelector: { matchLabels: { "app.kubernetes.io/component": "backup", "stateful-k8s.io/backup-of": "nacos" } } }],
            ports: [{ port: 8848, protocol: "TCP" }],
        });
    });

    it("logs in with the password on stdin, exports each namespace's zip with the token, and packs them into one tar", async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "nacos-export-"));
        const api = await standInServer((req, body) => {
            if (req.method === "POST" && req.url === "/nacos/v3/auth/user/login") {
                const form = new URLSearchParams(body);
                return form.get("username") === "nacos" && form.get("password") === "p@ss w&rd"
                    ? { status: 200, body: '{"accessToken":"tok123","tokenTtl":18000,"globalAdmin":true,"username":"nacos"}' }
                    : { status: 403, body: "unknown user" };
            }
            return req.url?.startsWith("/nacos/v3/admin/cs/config/export?")
                ? { status: 200, body: `zip of ${req.url}` }
                : { status: 404, body: "" };
        });
        try {
            const run = await runWithStubAws(renderNacosExportScript(api.url, ["public", "team-a"], dir), { NACOS_PASSWORD: "p@ss w&rd" });
            assert.strictEqual(run.code, 0, run.stderr);
            assert.deepStrictEqual(
                api.seen.slice(1).map((s) => s.url),
                [
                    "/nacos/v3/admin/cs/config/export?accessToken=tok123&namespaceId=public&ids=",
                    "/nacos/v3/admin/cs/config/export?accessToken=tok123&namespaceId=team-a&ids=",
                ],
            );
            assert.ok(!api.seen.some((s) => s.url.includes("p%40ss") || s.url.includes("p@ss")), "the password must not travel in a URL");
            const listing = execFileSync("tar", ["-tf", path.join(dir, "nacos-configs.tar")], { encoding: "utf8" })
                .trim()
                .split("\n")
                .sort();
            assert.deepStrictEqual(listing, ["nacos-configs/", "nacos-configs/public.zip", "nacos-configs/team-a.zip"]);
            const refused = await runWithStubAws(renderNacosExportScript(api.url, ["public"], dir), { NACOS_PASSWORD: "wrong" });
            assert.notStrictEqual(refused.code, 0);
        } finally {
            api.stop();
            fs.rmSync(dir, { recursive: true });
        }
    });

    it("refuses a backup of a Nacos on MySQL, pointing to the database's own backups, and marks it backed up outside the stack", async () => {
        const mysql = { host: "mysql.db", user: "nacos", password: "db-pw" };
        assert.deepStrictEqual(
            validateNacosArgs("nacos", { ...base, mysql, backup: { storage } }).map((p) => [p.path, p.allowed]),
            [
                [
                    "backup",
                    "nothing while mysql is set: the configurations live in MySQL, so back the database up with its own tooling (see docs/backup.md)",
                ],
            ],
        );
        const run = await register(() => new Nacos("nacos", { ...base, mysql }));
        assert.strictEqual((run.named("nacos-sts").inputs as any).metadata.annotations["stateful-k8s.io/backup"], "external");
    });

    it("names a bad namespace list and storage before registering anything", async () => {
        const bad = { ...base, backup: { storage: { ...storage, accessKeyId: 42 }, namespaces: [] } } as unknown as NacosArgs;
        assert.deepStrictEqual(
            validateNacosArgs("nacos", bad).map((p) => p.path),
            ["backup.storage.accessKeyId", "backup.namespaces"],
        );
        const run = await register(() =>
            assert.throws(() => new Nacos("nacos", bad), /backup\.namespaces: got \[\]; allowed: a non-empty list of namespace ids/),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});
