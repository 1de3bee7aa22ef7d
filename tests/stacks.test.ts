import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as yaml from "js-yaml";
import * as os from "os";
import * as path from "path";
import { ArgsError } from "../components/lib/validation";
import { parseStackConfig } from "../stacks/config";
import { REDACTED, loadStackConfig, manifestFileName, manifests, runStack } from "../render/stack-runner";
import { schemaErrors } from "./helpers/schemas";

const STACKS = ["dev", "staging", "prod"];
const replicasOf = (run: Awaited<ReturnType<typeof runStack>>["run"], sts: string) =>
    (run.named(`${sts}-sts`).inputs.spec as { replicas: number }).replicas;

/** Runs parseStackConfig and returns the error's message (or fails when it did not throw). */
function configError(config: Record<string, string>): string {
    try {
        parseStackConfig({ ...loadStackConfig("dev"), ...secrets, ...config });
    } catch (err) {
        assert.ok(err instanceof ArgsError);
        return err.message;
    }
    assert.fail("the config was accepted");
}
const secrets = {
    "stateful-k8s:redisPassword": "redis-password",
    "stateful-k8s:nacosAuthToken": Buffer.from("a-real-looking-token-of-thirty-two-bytes!").toString("base64"),
    "stateful-k8s:nacosIdentityValue": "identity",
    "stateful-k8s:nacosAdminPassword": "admin-password",
    "stateful-k8s:rabbitmqErlangCookie": "cookie",
    "stateful-k8s:rabbitmqDefaultPassword": "password",
};

describe("stacks", () => {
    it("deploys small systems in dev and production-sized ones in prod", async () => {
        const dev = await runStack("dev");
        assert.deepStrictEqual(
            ["eureka", "nacos", "rabbitmq"].map((s) => replicasOf(dev.run, s)),
            [1, 1, 1],
        );
        const staging = await runStack("staging");
        assert.deepStrictEqual(
            ["eureka", "nacos", "rabbitmq"].map((s) => replicasOf(staging.run, s)),
            [2, 3, 3],
        );
        const prod = await runStack("prod");
        assert.deepStrictEqual(
            ["eureka", "nacos", "rabbitmq"].map((s) => replicasOf(prod.run, s)),
            [3, 3, 3],
        );
        const ns = (r: typeof prod.run) => (r.named("rabbitmq-sts").inputs.metadata as { namespace: string }).namespace;
        assert.deepStrictEqual([ns(dev.run), ns(staging.run), ns(prod.run)], ["stateful-dev", "stateful-staging", "stateful-prod"]);
        const size = (r: typeof prod.run) =>
            (r.named("rabbitmq-sts").inputs.spec as any).volumeClaimTemplates[0].spec.resources.requests.storage;
        assert.deepStrictEqual([size(dev.run), size(staging.run), size(prod.run)], ["1Gi", "10Gi", "100Gi"]);
        assert.deepStrictEqual(prod.outputs.replicas, {
            eureka: 3,
            nacos: 3,
            rabbitmq: 3,
            redis: 3,
            redisSentinels: 3,
            kafka: 3,
            kafkaControllers: 3,
            tidb: 3,
        });
        const crReplicas = (r: typeof prod.run, name: string) => (r.named(name).inputs.spec as { replicas: number }).replicas;
        assert.deepStrictEqual(
            [dev.run, staging.run, prod.run].map((r) => [
                replicasOf(r, "redis"),
                replicasOf(r, "redis-sentinel"),
                crReplicas(r, "kafka-broker-pool"),
                crReplicas(r, "kafka-controller-pool"),
                crReplicas(r, "tidb-pd"),
                crReplicas(r, "tidb-tikv"),
                crReplicas(r, "tidb-tidb"),
            ]),
            [
                [2, 3, 1, 1, 1, 1, 1],
                [3, 3, 3, 3, 3, 3, 2],
                [3, 3, 3, 3, 3, 3, 3],
            ],
        );
    });

    it("scales a system with one config value: only its StatefulSet changes", async () => {
        const before = manifests((await runStack("prod")).run);
        const cfg = JSON.parse(loadStackConfig("prod")["stateful-k8s:eureka"]);
        const after = manifests(
            (await runStack("prod", { overrides: { "stateful-k8s:eureka": JSON.stringify({ ...cfg, replicas: 5 }) } })).run,
        );
        const changed = after.filter((m, i) => JSON.stringify(m) !== JSON.stringify(before[i])).map((m) => `${m.kind}/${m.metadata.name}`);
        assert.deepStrictEqual(changed, ["StatefulSet/eureka"]);
        const sts = after.find((m) => m.kind === "StatefulSet" && m.metadata.name === "eureka") as any;
        const env = sts.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "SPRING_APPLICATION_JSON");
        assert.strictEqual(JSON.parse(env.value).eureka.client.serviceUrl.defaultZone.split(",").length, 5);
    });

    for (const [system, expected] of [
        ["nacos", ["StatefulSet/nacos"]],
        ["rabbitmq", ["StatefulSet/rabbitmq"]],
        // The node list lives in the topology ConfigMap, outside every pod template: no pod restarts.
        ["redis", ["StatefulSet/redis", "ConfigMap/redis-topology"]],
        ["kafka", ["KafkaNodePool/kafka-broker"]],
        ["tidb", ["TiDBGroup/tidb-tidb"]],
    ] as const) {
        it(`scales ${system} from 3 to 5 with one config value, changing only ${expected.join(" and ")}`, async () => {
            const before = manifests((await runStack("prod")).run);
            const cfg = JSON.parse(loadStackConfig("prod")[`stateful-k8s:${system}`]);
            const after = manifests(
                (await runStack("prod", { overrides: { [`stateful-k8s:${system}`]: JSON.stringify({ ...cfg, replicas: 5 }) } })).run,
            );
            assert.strictEqual(after.length, before.length);
            const changed = after
                .filter((m, i) => JSON.stringify(m) !== JSON.stringify(before[i]))
                .map((m) => `${m.kind}/${m.metadata.name}`);
            assert.deepStrictEqual(changed.sort(), [...expected].sort());
        });
    }

    it("learns the deployed replica count from the stack's previous outputs and refuses a RabbitMQ scale-in", async () => {
        await assert.rejects(
            runStack("prod", { previousReplicas: { eureka: 3, nacos: 3, rabbitmq: 5 } }),
            /Invalid RabbitMQ "rabbitmq" arguments:\n {2}- replicas: got 3; allowed: at least 5 \(the deployed count\)/,
        );
        const ok = await runStack("prod", { previousReplicas: { eureka: 3, nacos: 3, rabbitmq: 3 } });
        assert.strictEqual(replicasOf(ok.run, "rabbitmq"), 3);
        assert.strictEqual(ok.run.ofType("pulumi:pulumi:StackReference")[0].inputs.name, "organization/stateful-k8s/prod");
    });

    it("warns when replicas is edited on a system an autoscaler owns, naming the knob that works", async () => {
        const warnings: string[] = [];
        const warn = console.warn;
        console.warn = (msg: string) => warnings.push(msg);
        try {
            // staging autoscales TiDB's SQL layer (2 to 4) and deployed it with replicas 2; the edit to 3 is void.
            await runStack("staging", {
                previousReplicas: { eureka: 2, nacos: 3, rabbitmq: 3, redis: 3, redisSentinels: 3, tidb: 3 },
            });
            await runStack("staging", {
                previousReplicas: { eureka: 2, nacos: 3, rabbitmq: 3, redis: 3, redisSentinels: 3, tidb: 2 },
            });
        } finally {
            console.warn = warn;
        }
        assert.deepStrictEqual(warnings, [
            "warning: [runtime] tidb.replicas: changed from 3 to 2, which has no effect: tidb.autoscaling is set, so the " +
                "HorizontalPodAutoscaler owns the replica count. Scale with tidb.autoscaling.minReplicas and " +
                "tidb.autoscaling.maxReplicas (pulumi config set --path tidb.autoscaling.minReplicas <n>).",
        ]);
    });

    it("protects prod's data but never its ConfigMaps and Secrets, which the provider replaces when they change", async () => {
        const { options } = await runStack("prod");
        const protectedBy = (type: string) =>
            [...options.entries()].filter(([key]) => key.startsWith(`${type}::`)).map(([key, o]) => `${key.split("::")[1]}=${o.protect}`);
        assert.deepStrictEqual(protectedBy("kubernetes:core/v1:ConfigMap").sort(), [
            "kafka-metrics=false",
            "rabbitmq-config=false",
            "redis-config=false",
            "redis-topology=false",
        ]);
        assert.deepStrictEqual(protectedBy("kubernetes:core/v1:Secret").sort(), [
            "nacos-auth=false",
            "nacos-backup-s3=false",
            "rabbitmq-backup-s3=false",
            "rabbitmq-credentials=false",
            "redis-auth=false",
            "tidb-backup-s3=false",
        ]);
        assert.ok(protectedBy("kubernetes:apps/v1:StatefulSet").every((entry) => entry.endsWith("=true")));
        assert.strictEqual(protectedBy("kubernetes:apps/v1:StatefulSet").length, 5);
    });

    it("names the config path, the bad value and what is allowed", () => {
        assert.match(
            configError({ "stateful-k8s:eureka": JSON.stringify({ replicas: 0 }) }),
            /- stateful-k8s:eureka\.replicas: got 0; allowed: a whole number >= 1/,
        );
        assert.match(
            configError({ "stateful-k8s:eureka": JSON.stringify({ replicas: "three" }) }),
            /- stateful-k8s:eureka\.replicas: got "three"; allowed: a whole number >= 1/,
        );
        assert.match(
            configError({ "stateful-k8s:nacos": JSON.stringify({ replicas: 4 }) }),
            /- stateful-k8s:nacos\.replicas: got 4; allowed: 1 \(standalone\) or an odd whole number >= 3/,
        );
        assert.match(
            configError({ "stateful-k8s:rabbitmq": JSON.stringify({ storage: { size: "10 gigs" } }) }),
            /- stateful-k8s:rabbitmq\.storage\.size: got "10 gigs"; allowed: a positive Kubernetes quantity/,
        );
        assert.match(
            configError({ "stateful-k8s:rabbitmq": JSON.stringify({ replica: 3 }) }),
            /- stateful-k8s:rabbitmq\.replica: got 3; allowed: one of the keys enabled, allowUnsafeScaleIn, clusterDomain, defaultUser, image, namespace, quorumQueueTargetGroupSize, replicas, /,
        );
        assert.match(
            configError({ "stateful-k8s:mongodb": JSON.stringify({ replicas: 3 }) }),
            /- stateful-k8s:mongodb: got \{"replicas":3\}; allowed: a known key: eureka, nacos, rabbitmq, redis, kafka, tidb/,
        );
        assert.match(
            configError({ "stateful-k8s:rabbitmq": JSON.stringify({ autoscaling: { minReplicas: 3, maxReplicas: 5 } }) }),
            /- stateful-k8s:rabbitmq\.autoscaling: got \{"minReplicas":3,"maxReplicas":5\}; allowed: nothing: RabbitMQ is not autoscaled, because a scale-in leaves the removed nodes in the cluster/,
        );
        assert.match(
            configError({ "stateful-k8s:kafka": JSON.stringify({ replicas: 3, controllers: 2 }) }),
            /- stateful-k8s:kafka\.controllers: got 2; allowed: an odd whole number/,
        );
        assert.match(
            configError({ "stateful-k8s:tidb": JSON.stringify({ tikvReplicas: 2 }) }),
            /- stateful-k8s:tidb\.tikvReplicas: got 2; allowed: at least regionReplicas \(3\)/,
        );
    });

    it("accepts every Redis setting the docs offer, minReplicasToWrite included", async () => {
        const { run } = await runStack("dev", {
            overrides: { "stateful-k8s:redis": JSON.stringify({ enabled: true, replicas: 2, minReplicasToWrite: 0 }) },
        });
        const conf = (run.named("redis-config").inputs as { data: Record<string, string> }).data["redis.conf"];
        assert.match(conf, /^min-replicas-to-write 0$/m);
    });

    it("refuses a missing secret, naming the key to set", () => {
        const all = { ...loadStackConfig("dev"), ...secrets };
        delete (all as Record<string, string>)["stateful-k8s:rabbitmqErlangCookie"];
        assert.throws(
            () => parseStackConfig(all),
            /- stateful-k8s:rabbitmqErlangCookie: got nothing \(the value is missing\); allowed: a secret: pulumi config set --secret rabbitmqErlangCookie <value>/,
        );
    });

    it("takes each system's backup from stack config, with the bucket's credentials from the secret keys only", async () => {
        const prod = loadStackConfig("prod");
        const all = { ...prod, ...secrets };
        delete (all as Record<string, string>)["stateful-k8s:backupSecretAccessKey"];
        assert.throws(
            () => parseStackConfig(all),
            /- stateful-k8s:backupSecretAccessKey: got nothing \(the value is missing\); allowed: a secret: pulumi config set --secret backupSecretAccessKey <value> \(needed by nacos\)/,
        );
        const typo = JSON.stringify({ backup: { storage: { endpoint: "http://minio:9000", bucket: "dr-backups", endpiont: "x" } } });
        assert.match(
            configError({ "stateful-k8s:rabbitmq": typo }),
            /- stateful-k8s:rabbitmq\.backup\.storage\.endpiont: got "x"; allowed: one of the keys endpoint, bucket, prefix, region, forcePathStyle, accessKeyId, secretAccessKey/,
        );
        assert.match(
            configError({
                "stateful-k8s:tidb": JSON.stringify({
                    backup: { storage: { endpoint: "http://minio:9000", bucket: "dr-backups" }, keep: 3 },
                }),
            }),
            /- stateful-k8s:tidb\.backup\.keep: got 3; allowed: one of the keys storage, logBackup, schedule, retentionDays/,
        );
        const { run } = await runStack("prod");
        const cron = run.named("tidb-backup").inputs as any;
        assert.deepStrictEqual([cron.spec.schedule, cron.metadata.labels["stateful-k8s.io/backup-of"]], ["0 3 * * *", "tidb"]);
        assert.strictEqual((run.named("tidb-log-backup").inputs as any).spec.s3.prefix, "prod/tidb/log");
    });

    it("registers nothing in Kubernetes when the config is invalid", async () => {
        const bad = JSON.stringify({ replicas: 2 });
        await assert.rejects(runStack("dev", { overrides: { "stateful-k8s:rabbitmq": bad } }), ArgsError);
    });

    it("skips a disabled system", async () => {
        const { run } = await runStack("dev", { overrides: { "stateful-k8s:nacos": JSON.stringify({ enabled: false }) } });
        assert.deepStrictEqual(run.ofType("stateful-k8s:index:Nacos"), []);
    });

    for (const stack of STACKS) {
        it(`renders only objects that the official Kubernetes and CRD schemas accept (${stack})`, async () => {
            const objects = manifests((await runStack(stack)).run);
            assert.ok(objects.length >= 19);
            for (const m of objects) {
                assert.deepStrictEqual(await schemaErrors(m), [], `${m.kind}/${m.metadata.name}`);
            }
        });
    }

    it("catches a schema violation (the validator can fail)", async () => {
        const sts = manifests((await runStack("dev")).run).find((m) => m.kind === "StatefulSet") as any;
        sts.spec.replicas = "one";
        assert.notDeepStrictEqual(await schemaErrors(sts), []);
    });

    it("npm run render writes exactly what the program registers, one file per object, secrets redacted", async () => {
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "render-"));
        execFileSync(process.execPath, [
            require.resolve("ts-node/dist/bin"),
            "--transpile-only",
            path.join(__dirname, "..", "scripts", "render.ts"),
            "staging",
            out,
        ]);
        const expected = manifests((await runStack("staging")).run);
        assert.deepStrictEqual(fs.readdirSync(out).sort(), expected.map(manifestFileName).sort());
        for (const m of expected) {
            assert.deepStrictEqual(yaml.load(fs.readFileSync(path.join(out, manifestFileName(m)), "utf8")), m);
        }
        const secret = yaml.load(fs.readFileSync(path.join(out, "stateful-staging.secret.rabbitmq-credentials.yaml"), "utf8")) as any;
        assert.strictEqual(secret.stringData.password, REDACTED);
        assert.ok(!fs.readdirSync(out).some((f) => fs.readFileSync(path.join(out, f), "utf8").includes("render-placeholder")));
    });
});
