import * as assert from "assert";
import { valueOf } from "../../scripts/mock-runtime";
import { Nacos, NacosArgs, validateNacosArgs } from "../../components/nacos";
import { childrenOf, envOf, everythingExcept, register, secretKeysAreSecret } from "../helpers/component";

const token = Buffer.from("0123456789abcdef0123456789abcdef-token").toString("base64");
const base: NacosArgs = { namespace: "cfg", authToken: token, identityValue: "identity-value-xyz" };
const member = (i: number) => `nacos-${i}.nacos-headless.cfg.svc.cluster.local:8848`;

describe("Nacos", () => {
    for (const replicas of [1, 3, 5]) {
        it(`lists one cluster.conf member per replica (${replicas} replicas)`, async () => {
            let nacos: Nacos | undefined;
            const run = await register(() => (nacos = new Nacos("nacos", { ...base, replicas })));
            const expected = Array.from({ length: replicas }, (_, i) => member(i));
            assert.deepStrictEqual(await valueOf(nacos!.clusterMembers), expected);
            const env = envOf(run.named("nacos-sts"));
            assert.strictEqual(env.NACOS_SERVERS, expected.join(" "));
            assert.strictEqual(env.MODE, replicas === 1 ? "standalone" : "cluster");
            assert.strictEqual(env.PREFER_HOST_MODE, "hostname");
        });
    }

    it("publishes the four Nacos ports on the headless Service", async () => {
        const run = await register(() => new Nacos("nacos", base));
        const ports = (run.named("nacos-headless").inputs as any).spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]);
        assert.deepStrictEqual(ports, [
            ["http", 8848],
            ["client-rpc", 9848],
            ["raft-rpc", 9849],
            ["raft", 7848],
        ]);
    });

    it("keeps data on a retained PVC per member at /home/nacos/data", async () => {
        const run = await register(() => new Nacos("nacos", { ...base, storage: { size: "20Gi", storageClassName: "fast" } }));
        const sts = run.named("nacos-sts").inputs as any;
        assert.deepStrictEqual(sts.spec.volumeClaimTemplates[0].spec, {
            accessModes: ["ReadWriteOnce"],
            storageClassName: "fast",
            resources: { requests: { storage: "20Gi" } },
        });
        assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual(sts.spec.template.spec.containers[0].volumeMounts[0], { name: "data", mountPath: "/home/nacos/data" });
        assert.strictEqual(envOf(run.named("nacos-sts")).EMBEDDED_STORAGE, "embedded");
    });

    it("keeps the auth token, identity and MySQL password in a Secret, marked secret and nowhere else", async () => {
        const run = await register(
            () => new Nacos("nacos", { ...base, mysql: { host: "mysql.db", user: "nacos", password: "mysql-pw-123" } }),
        );
        const secret = run.named("nacos-auth");
        assert.strictEqual((secret.inputs.metadata as any).name, "nacos-auth");
        assert.ok(secretKeysAreSecret(secret, ["auth-token", "identity-value", "mysql-password"]));
        const elsewhere = everythingExcept(run, ["nacos-auth"]);
        for (const value of [token, "identity-value-xyz", "mysql-pw-123"]) assert.ok(!elsewhere.includes(value), `${value} leaked`);
        const env = envOf(run.named("nacos-sts"));
        assert.deepStrictEqual(env.NACOS_AUTH_TOKEN, { secretKeyRef: { name: "nacos-auth", key: "auth-token" } });
        assert.deepStrictEqual(env.MYSQL_SERVICE_PASSWORD, { secretKeyRef: { name: "nacos-auth", key: "mysql-password" } });
        assert.strictEqual(env.SPRING_DATASOURCE_PLATFORM, "mysql");
        assert.strictEqual(env.MYSQL_SERVICE_HOST, "mysql.db");
    });

    it("exposes /nacos/actuator/prometheus for scraping", async () => {
        const run = await register(() => new Nacos("nacos", base));
        const sts = run.named("nacos-sts").inputs as any;
        assert.strictEqual(sts.spec.template.metadata.annotations["prometheus.io/path"], "/nacos/actuator/prometheus");
        assert.strictEqual(envOf(run.named("nacos-sts")).MANAGEMENT_ENDPOINTS_WEB_EXPOSURE_INCLUDE, "prometheus,health");
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new Nacos("nacos", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:Nacos"), [
            "kubernetes:apps/v1:StatefulSet::nacos-sts",
            "kubernetes:core/v1:Secret::nacos-auth",
            "kubernetes:core/v1:Service::nacos-client",
            "kubernetes:core/v1:Service::nacos-headless",
            "kubernetes:policy/v1:PodDisruptionBudget::nacos-pdb",
        ]);
    });

    it("refuses an even quorum", () => {
        for (const replicas of [2, 4]) {
            assert.throws(
                () => new Nacos("nacos", { ...base, replicas }),
                /replicas: got \d; allowed: 1 \(standalone\) or an odd whole number >= 3/,
            );
        }
    });

    it("refuses a scale-in of more than one member per update", () => {
        assert.throws(
            () => new Nacos("nacos", { ...base, replicas: 3, currentReplicas: 5 }),
            /replicas: got 3; allowed: at least 4 while 5 members are deployed: scale in one member per update/,
        );
        assert.deepStrictEqual(validateNacosArgs("nacos", { ...base, replicas: 3, currentReplicas: 4 }), []);
    });

    it("refuses a missing or too short auth token", () => {
        assert.deepStrictEqual(
            validateNacosArgs("nacos", { ...base, authToken: "" }).map((p) => p.path),
            ["authToken"],
        );
        assert.deepStrictEqual(
            validateNacosArgs("nacos", { ...base, authToken: "c2hvcnQ=" }).map((p) => p.path),
            ["authToken"],
        );
    });

    it("refuses a malformed storage size and a disruption budget that breaks quorum", () => {
        const problems = validateNacosArgs("nacos", { ...base, storage: { size: "ten gigs" }, scheduling: { maxUnavailable: 2 } });
        assert.deepStrictEqual(
            problems.map((p) => p.path),
            ["storage.size", "scheduling.maxUnavailable"],
        );
    });

    it("refuses autoscaling, saying why", () => {
        const problems = validateNacosArgs("nacos", { ...base, autoscaling: { minReplicas: 3, maxReplicas: 5 } });
        assert.deepStrictEqual(
            problems.map((p) => p.path),
            ["autoscaling"],
        );
        assert.match(
            problems[0].allowed,
            /^nothing: Nacos is not autoscaled, because its JRaft membership \(cluster\.conf\) is derived from replicas/,
        );
    });
});
