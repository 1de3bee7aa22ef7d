import * as assert from "assert";
import { execFile } from "child_process";
import { mkdtempSync, writeFileSync } from "fs";
import { createServer, IncomingMessage } from "http";
import { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { valueOf } from "../../render/mock-runtime";
import { Nacos, NacosArgs, nacosJvmSizes, renderNacosAdminInitScript, validateNacosArgs } from "../../components/nacos";
import { toManifest } from "../../render/stack-runner";
import { childrenOf, envOf, everythingExcept, optionsRecorder, register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";

const token = Buffer.from("0123456789abcdef0123456789abcdef-token").toString("base64");
const base: NacosArgs = { namespace: "cfg", authToken: token, identityValue: "identity-value-xyz", adminPassword: "admin-pw-secret" };

/** One request the fake Nacos received. */
interface Seen {
    method: string;
    path: string;
    contentType: string | undefined;
    body: string;
}

/**
 * Runs the admin-init script against a local HTTP server that answers the readiness probe with 503
 * once, then 200, and the admin API with `adminAnswer`; returns what the server saw and the exit code.
 */
async function runAdminInit(
    password: string,
    adminAnswer: string,
): Promise<{ seen: Seen[]; code: number; stdout: string; stderr: string }> {
    const seen: Seen[] = [];
    let readinessCalls = 0;
    const server = createServer((req: IncomingMessage, res) => {
        let body = "";
        req.on("data", (c) => (body += c));
        req.on("end", () => {
            seen.push({ method: req.method ?? "", path: req.url ?? "", contentType: req.headers["content-type"], body });
            if (req.url === "/nacos/v3/admin/core/state/readiness") {
                res.statusCode = readinessCalls++ === 0 ? 503 : 200;
                res.end();
            } else {
                res.setHeader("content-type", "application/json");
                res.end(adminAnswer);
            }
        });
    });
    await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
    const dir = mkdtempSync(join(tmpdir(), "nacos-admin-"));
    const file = join(dir, "password");
    writeFileSync(file, password);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
        return await new Promise((done) =>
            execFile("sh", ["-c", renderNacosAdminInitScript(url, file, 5, 1)], (err, stdout, stderr) =>
                done({ seen, code: err === null ? 0 : ((err as { code?: number }).code ?? -1), stdout, stderr }),
            ),
        );
    } finally {
        server.close();
    }
}
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
            ["server-rpc", 9849],
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
            "kubernetes:batch/v1:Job::nacos-admin-init",
            "kubernetes:core/v1:Secret::nacos-auth",
            "kubernetes:core/v1:Service::nacos-client",
            "kubernetes:core/v1:Service::nacos-headless",
            "kubernetes:policy/v1:PodDisruptionBudget::nacos-pdb",
        ]);
    });

    it("claims the administrator with POST /nacos/v3/auth/user/admin and a form parameter password, as UserControllerV3 (3.0.1) takes it", async () => {
        const password = "p#ss w0rd&x=1+%2F";
        const created = await runAdminInit(
            password,
            '{"code":0,"message":"success","data":{"username":"nacos","password":"' + password + '"}}',
        );
        assert.strictEqual(created.code, 0, created.stderr);
        // It waited for readiness (503 first), then made exactly one request to the admin API.
        assert.deepStrictEqual(
            created.seen.map((r) => `${r.method} ${r.path}`),
            ["GET /nacos/v3/admin/core/state/readiness", "GET /nacos/v3/admin/core/state/readiness", "POST /nacos/v3/auth/user/admin"],
        );
        const post = created.seen[2];
        assert.strictEqual(post.contentType, "application/x-www-form-urlencoded");
        assert.deepStrictEqual([...new URLSearchParams(post.body).entries()], [["password", password]]);
        assert.strictEqual(created.stdout.trim(), "created the nacos administrator");
        assert.ok(!created.stdout.includes(password) && !created.stderr.includes(password), "the password was printed");
    });

    it("leaves an existing administrator alone (code 409), and fails on any other answer without printing the password", async () => {
        const again = await runAdminInit("pw", '{"message":"have admin user cannot use it.","data":null,"code":409}');
        assert.strictEqual(again.code, 0);
        assert.strictEqual(again.stdout.trim(), "an administrator exists already: left unchanged");
        const odd = await runAdminInit("pw-xyz", '{"code":501,"message":"nope","data":{"username":"nacos","password":"pw-xyz"}}');
        assert.strictEqual(odd.code, 1);
        assert.match(odd.stderr, /unexpected answer from POST \/nacos\/v3\/auth\/user\/admin: .*"code":501.*"password":"\(redacted\)"/);
        assert.ok(!odd.stderr.includes("pw-xyz"));
    });

    it("runs that script in a Job against the client Service, with the password from the Secret as a file", async () => {
        const rec = optionsRecorder();
        const run = await register(() => new Nacos("nacos", base, { ...rec.opts, protect: true }));
        // Protected like the rest of a production stack, except the Job, which holds no data and is replaced on upgrades.
        assert.strictEqual(rec.of("nacos-admin-init").protect, false);
        const job = run.named("nacos-admin-init").inputs as any;
        assert.strictEqual(job.metadata.name, "nacos-admin-init");
        const pod = job.spec.template.spec;
        assert.deepStrictEqual(pod.containers[0].command, [
            "sh",
            "-c",
            renderNacosAdminInitScript("http://nacos.cfg.svc.cluster.local:8848"),
        ]);
        assert.strictEqual(pod.containers[0].image, "nacos/nacos-server:v3.0.1");
        assert.deepStrictEqual(pod.volumes[0].secret, {
            secretName: "nacos-auth",
            items: [{ key: "admin-password", path: "password" }],
            defaultMode: 0o440,
        });
        assert.deepStrictEqual(pod.containers[0].volumeMounts, [{ name: "admin-password", mountPath: "/etc/nacos-admin", readOnly: true }]);
        assert.strictEqual(pod.restartPolicy, "OnFailure");
        assert.ok(secretKeysAreSecret(run.named("nacos-auth"), ["admin-password"]));
        assert.ok(!everythingExcept(run, ["nacos-auth"]).includes("admin-pw-secret"), "the admin password leaked");
        assert.deepStrictEqual(
            validateNacosArgs("nacos", { ...base, adminPassword: "" }).map((p) => [p.path, p.allowed]),
            [["adminPassword", "a non-empty secret: without it, anyone who reaches the cluster first can claim the Nacos administrator"]],
        );
    });

    it("sets the port the image reads (NACOS_APPLICATION_PORT), not NACOS_SERVER_PORT, and sizes the heap from the memory request", async () => {
        for (const [memoryRequest, xmx, xmn] of [
            ["2Gi", "1024m", "512m"],
            ["1Gi", "512m", "256m"],
            ["4Gi", "2048m", "1024m"],
            ["3000M", "1430m", "715m"],
        ]) {
            const run = await register(() => new Nacos("nacos", { ...base, replicas: 3, resources: { memoryRequest } }));
            const env = envOf(run.named("nacos-sts"));
            assert.deepStrictEqual([env.JVM_XMS, env.JVM_XMX, env.JVM_XMN], [xmx, xmx, xmn], memoryRequest);
            assert.strictEqual(env.NACOS_APPLICATION_PORT, "8848");
            assert.strictEqual(env.NACOS_SERVER_PORT, undefined);
        }
        assert.deepStrictEqual(nacosJvmSizes("512Mi"), { JVM_XMS: "256m", JVM_XMX: "256m", JVM_XMN: "128m" });
        assert.deepStrictEqual(
            validateNacosArgs("nacos", { ...base, resources: { memoryRequest: "768Mi" } }).map(
                (p) => `${p.path}: got ${JSON.stringify(p.value)}; ${p.allowed}`,
            ),
            [
                'resources.memoryRequest: got "768Mi"; at least "1Gi": the JVM heap is half the memory request, and Nacos needs 512m (the image\'s own default is 1g)',
            ],
        );
        assert.deepStrictEqual(validateNacosArgs("nacos", { ...base, resources: { memoryRequest: "1Gi" } }), []);
    });

    it("lets MySQL 8 authenticate without SSL (allowPublicKeyRetrieval=true in the default JDBC parameters)", async () => {
        const run = await register(() => new Nacos("nacos", { ...base, mysql: { host: "mysql.db", user: "nacos", password: "pw" } }));
        assert.strictEqual(
            envOf(run.named("nacos-sts")).MYSQL_SERVICE_DB_PARAM,
            "characterEncoding=utf8&connectTimeout=1000&socketTimeout=3000&autoReconnect=true&useSSL=false&allowPublicKeyRetrieval=true",
        );
    });

    it("runs as root, as the image must, but with no capability and a read-only image; logs/, conf/ and /tmp are bounded emptyDirs", async () => {
        const run = await register(() => new Nacos("nacos", base));
        const pod = (run.named("nacos-sts").inputs as any).spec.template.spec;
        const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
        assert.strictEqual(pod.securityContext.runAsUser, undefined);
        assert.deepStrictEqual(pod.containers[0].securityContext, hardened);
        assert.deepStrictEqual(pod.volumes, [
            { name: "logs", emptyDir: { sizeLimit: "2Gi" } },
            { name: "conf", emptyDir: { sizeLimit: "16Mi" } },
            { name: "tmp", emptyDir: { sizeLimit: "256Mi" } },
        ]);
        assert.deepStrictEqual(pod.containers[0].volumeMounts, [
            { name: "data", mountPath: "/home/nacos/data" },
            { name: "logs", mountPath: "/home/nacos/logs" },
            { name: "conf", mountPath: "/home/nacos/conf" },
            { name: "tmp", mountPath: "/tmp" },
        ]);
        // conf/ starts as the image's own (application.properties, nacos-logback.xml); cluster.conf is written into it.
        assert.deepStrictEqual(pod.initContainers, [
            {
                name: "conf",
                image: "nacos/nacos-server:v3.0.1",
                command: ["sh", "-c", "cp -R /home/nacos/conf/. /seed/"],
                env: [],
                ports: [],
                volumeMounts: [{ name: "conf", mountPath: "/seed" }],
                resources: { requests: { cpu: "50m", memory: "32Mi", "ephemeral-storage": "64Mi" }, limits: { memory: "64Mi" } },
                securityContext: hardened,
            },
        ]);
        assert.strictEqual(envOf(run.named("nacos-sts")).JAVA_TOOL_OPTIONS, "-Dderby.stream.error.file=/home/nacos/logs/derby.log");
    });

    it("admits the members, the clients, the admin Job and Prometheus with a NetworkPolicy, on request; the Job's pod is not a member", async () => {
        const run = await register(
            () => new Nacos("nacos", { ...base, networkPolicy: { enabled: true, clientPodLabels: { app: "shop" } } }),
        );
        const np = run.named("nacos-netpol").inputs as any;
        const members = { "app.kubernetes.io/name": "nacos", "app.kubernetes.io/instance": "nacos" };
        const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
        assert.deepStrictEqual(np.spec.ingress, [
            { from: [{ podSelector: { matchLabels: members } }], ports: tcp(8848, 9848, 9849, 7848) },
            {
                from: [
                    {
                        ...{
                            namespaceSelector: {
                                matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["cfg"] }],
                            },
                        },
                        podSelector: { matchLabels: { app: "shop" } },
                    },
                ],
                ports: tcp(8848, 9848, 8080),
            },
            { from: [{ podSelector: { matchLabels: { "stateful-k8s.io/job": "nacos-admin-init" } } }], ports: tcp(8848) },
            {
                from: [
                    {
                        namespaceSelector: {
                            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }],
                        },
                    },
                ],
                ports: tcp(8848),
            },
        ]);
        const jobPodLabels = (run.named("nacos-admin-init").inputs as any).spec.template.metadata.labels;
        assert.deepStrictEqual(jobPodLabels, { "stateful-k8s.io/job": "nacos-admin-init" });
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("nacos-netpol")) as any), []);
        assert.deepStrictEqual(await schemaErrors(toManifest(run.named("nacos-admin-init")) as any), []);
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
