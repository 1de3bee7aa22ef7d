import * as assert from "assert";
import { spawnSync } from "child_process";
import { MockRun, valueOf } from "../../render/mock-runtime";
import { Redis, RedisArgs, validateRedisArgs } from "../../components/redis";
import { childrenOf, envOf, everythingExcept, podSpecOf, register, secretKeysAreSecret } from "../helpers/component";
import { schemaErrors } from "../helpers/schemas";
import { toManifest } from "../../render/stack-runner";

const base: RedisArgs = { namespace: "cache", password: "redis-pw-123" };
const node = (i: number): string => `redis-${i}.redis-headless.cache.svc.cluster.local`;
const sentinel = (i: number): string => `redis-sentinel-${i}.redis-sentinel-headless.cache.svc.cluster.local`;

describe("Redis", () => {
    for (const [replicas, sentinels] of [
        [2, 3],
        [3, 3],
        [5, 5],
    ]) {
        it(`derives the node and sentinel lists from replicas (${replicas} nodes, ${sentinels} sentinels)`, async () => {
            let redis: Redis | undefined;
            const run = await register(() => (redis = new Redis("redis", { ...base, replicas, sentinels })));
            const nodes = Array.from({ length: replicas }, (_, i) => node(i));
            const sentinelHosts = Array.from({ length: sentinels }, (_, i) => sentinel(i));
            assert.deepStrictEqual((run.named("redis-topology").inputs as any).data, {
                "redis-hosts": nodes.join(" "),
                "sentinel-hosts": sentinelHosts.join(" "),
                quorum: String(Math.floor(sentinels / 2) + 1),
            });
            for (const sts of ["redis-sts", "redis-sentinel-sts"]) {
                const env = envOf(run.named(sts));
                assert.strictEqual(env.TOPOLOGY_DIR, "/etc/redis-topology");
                assert.strictEqual(env.REDIS_HOSTS, undefined);
                assert.strictEqual(env.SENTINEL_HOSTS, undefined);
                assert.strictEqual(env.SEED_HOST, node(0));
                assert.strictEqual(env.MASTER_NAME, "mymaster");
            }
            assert.strictEqual(envOf(run.named("redis-sts")).SELF_HOST, "$(POD_NAME).redis-headless.cache.svc.cluster.local");
            assert.strictEqual(
                envOf(run.named("redis-sentinel-sts")).SELF_HOST,
                "$(POD_NAME).redis-sentinel-headless.cache.svc.cluster.local",
            );
            assert.strictEqual((run.named("redis-sts").inputs as any).spec.replicas, replicas);
            assert.strictEqual((run.named("redis-sentinel-sts").inputs as any).spec.replicas, sentinels);
            assert.deepStrictEqual(await valueOf(redis!.memberDnsNames), nodes);
            assert.deepStrictEqual(await valueOf(redis!.sentinelDnsNames), sentinelHosts);
            assert.strictEqual(await valueOf(redis!.sentinelEndpoint), "redis-sentinel.cache.svc.cluster.local:26379");
        });
    }

    /** Every registration as `name -> inputs` JSON, to compare two runs. */
    const snapshot = (run: MockRun): Map<string, string> => new Map(run.registrations.map((r) => [r.name, JSON.stringify(r.inputs)]));
    const changedBetween = (a: MockRun, b: MockRun): string[] => {
        const before = snapshot(a);
        const after = snapshot(b);
        assert.deepStrictEqual([...after.keys()].sort(), [...before.keys()].sort());
        return [...after.keys()].filter((name) => after.get(name) !== before.get(name)).sort();
    };

    for (const [what, from, to, statefulSet] of [
        ["nodes 2 -> 3", { replicas: 2 }, { replicas: 3 }, "redis-sts"],
        ["sentinels 3 -> 5", { sentinels: 3 }, { sentinels: 5 }, "redis-sentinel-sts"],
    ] as const) {
        it(`changes only one StatefulSet's replicas and the topology ConfigMap on a scale edit (${what}), so no pod restarts`, async () => {
            const before = await register(() => new Redis("redis", { ...base, ...from }));
            const after = await register(() => new Redis("redis", { ...base, ...to }));
            assert.deepStrictEqual(changedBetween(before, after), ["redis-topology", statefulSet].sort());
            const spec = (run: MockRun) => (run.named(statefulSet).inputs as any).spec;
            assert.deepStrictEqual({ ...spec(after), replicas: spec(before).replicas }, spec(before));
            assert.deepStrictEqual(spec(after).template, spec(before).template);
        });
    }

    it("mounts the topology ConfigMap as a directory (never subPath), outside the pods' config checksum", async () => {
        const run = await register(() => new Redis("redis", base));
        for (const sts of ["redis-sts", "redis-sentinel-sts"]) {
            const pod = podSpecOf(run.named(sts));
            assert.deepStrictEqual(
                pod.volumes.find((v: { name: string }) => v.name === "topology"),
                { name: "topology", configMap: { name: "redis-topology" } },
            );
            assert.deepStrictEqual(
                pod.containers[0].volumeMounts.find((m: { name: string }) => m.name === "topology"),
                { name: "topology", mountPath: "/etc/redis-topology" },
            );
        }
        const checksum = (replicas: number) =>
            register(() => new Redis("redis", { ...base, replicas })).then(
                (r) => (r.named("redis-sts").inputs as any).spec.template.metadata.annotations["stateful-k8s.io/config-checksum"],
            );
        assert.strictEqual(await checksum(2), await checksum(5));
    });

    it("hands the master role over in a preStop hook within a grace period that covers it", async () => {
        const run = await register(() => new Redis("redis", base));
        const pod = podSpecOf(run.named("redis-sts"));
        assert.deepStrictEqual(pod.containers[0].lifecycle, { preStop: { exec: { command: ["sh", "/scripts/redis-handover.sh"] } } });
        assert.strictEqual(pod.terminationGracePeriodSeconds, 65);
        assert.strictEqual(envOf(run.named("redis-sts")).HANDOVER_TIMEOUT_SECONDS, "45");
        assert.strictEqual(envOf(run.named("redis-sts")).MASTER_WAIT_SECONDS, "60");
        const handover: string = (run.named("redis-config").inputs as any).data["redis-handover.sh"];
        for (const line of [
            "self CONFIG SET min-replicas-to-write 1000000 min-replicas-max-lag 10 >/dev/null",
            'reply=$(cli "$s" "$SENTINEL_PORT" SENTINEL FAILOVER "$MASTER_NAME") || continue',
            'self REPLICAOF "$new" "$REDIS_PORT" >/dev/null',
            "self ACL SETUSER default -publish >/dev/null",
            "self CONFIG SET repl-ping-replica-period 3600 >/dev/null",
        ]) {
            assert.ok(
                handover.split("\n").some((l) => l.trim() === line),
                line,
            );
        }
        assert.strictEqual(podSpecOf(run.named("redis-sentinel-sts")).containers[0].lifecycle, undefined);
    });

    it("separates liveness (PONG or -LOADING) from readiness (PONG, and master or linked replica), with a startup budget", async () => {
        const run = await register(() => new Redis("redis", base));
        const main = podSpecOf(run.named("redis-sts")).containers[0];
        assert.deepStrictEqual(main.readinessProbe, {
            exec: { command: ["sh", "/scripts/redis-probe.sh", "ready"] },
            periodSeconds: 5,
            timeoutSeconds: 5,
            failureThreshold: 2,
        });
        assert.deepStrictEqual(main.livenessProbe, {
            exec: { command: ["sh", "/scripts/redis-probe.sh", "alive"] },
            periodSeconds: 10,
            timeoutSeconds: 5,
            failureThreshold: 6,
        });
        assert.deepStrictEqual(main.startupProbe, {
            exec: { command: ["sh", "/scripts/redis-probe.sh", "alive"] },
            periodSeconds: 5,
            timeoutSeconds: 5,
            failureThreshold: 60,
        });
        const probe: string = (run.named("redis-config").inputs as any).data["redis-probe.sh"];
        assert.match(probe, /^ {8}case "\$reply" in PONG \| LOADING\*\) exit 0 ;; esac$/m);
        const sentinelPing = [
            "sh",
            "-c",
            'REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli --no-auth-warning -h "$POD_IP" -p 26379 ping | grep -qx PONG',
        ];
        const sentinelMain = podSpecOf(run.named("redis-sentinel-sts")).containers[0];
        assert.deepStrictEqual(sentinelMain.startupProbe, {
            exec: { command: sentinelPing },
            periodSeconds: 5,
            timeoutSeconds: 5,
            failureThreshold: 30,
        });
        assert.deepStrictEqual(sentinelMain.readinessProbe.exec.command, sentinelPing);
        assert.deepStrictEqual(sentinelMain.livenessProbe.exec.command, sentinelPing);
        // The startup budget (150 s) covers the sentinel's wait for the master's name (120 s).
        assert.strictEqual(envOf(run.named("redis-sentinel-sts")).RESOLVE_TIMEOUT_SECONDS, "120");
    });

    it("offers no Service that spreads clients over the nodes: only the exporter's port, and the sentinels on 26379", async () => {
        const run = await register(() => new Redis("redis", base));
        const ports = (name: string) =>
            (run.named(name).inputs as any).spec.ports.map((p: { name: string; port: number }) => `${p.name}:${p.port}`);
        assert.strictEqual((run.named("redis-client").inputs as any).metadata.name, "redis-metrics");
        assert.deepStrictEqual(ports("redis-client"), ["metrics:9121"]);
        assert.deepStrictEqual(ports("redis-sentinel-client"), ["sentinel:26379"]);
        assert.deepStrictEqual(ports("redis-headless"), ["redis:6379"]);
    });

    it("admits 6379 and 26379 only from its own pods and the client namespaces, and 9121 only from monitoring", async () => {
        const off = await register(() => new Redis("redis", base));
        assert.deepStrictEqual(off.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), []);
        const run = await register(
            () =>
                new Redis("redis", {
                    ...base,
                    networkPolicy: { enabled: true, clientNamespaces: ["shop"], clientPodLabels: { redis: "client" } },
                }),
        );
        const own = {
            podSelector: {
                matchExpressions: [
                    { key: "app.kubernetes.io/name", operator: "In", values: ["redis"] },
                    { key: "app.kubernetes.io/instance", operator: "In", values: ["redis", "redis-sentinel", "redis-sentinel-reset"] },
                ],
            },
        };
        const clients = {
            namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["shop"] }] },
            podSelector: { matchLabels: { redis: "client" } },
        };
        const monitoring = {
            namespaceSelector: { matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }] },
        };
        const nodes = (run.named("redis-netpol").inputs as any).spec;
        assert.deepStrictEqual(nodes.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "redis" },
        });
        assert.deepStrictEqual(nodes.policyTypes, ["Ingress"]);
        assert.deepStrictEqual(nodes.ingress, [
            { from: [own, clients], ports: [{ protocol: "TCP", port: 6379 }] },
            { from: [monitoring], ports: [{ protocol: "TCP", port: 9121 }] },
        ]);
        const sentinels = (run.named("redis-sentinel-netpol").inputs as any).spec;
        assert.deepStrictEqual(sentinels.podSelector, {
            matchLabels: { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "redis-sentinel" },
        });
        assert.deepStrictEqual(sentinels.ingress, [{ from: [own, clients], ports: [{ protocol: "TCP", port: 26379 }] }]);
        // The reset Job's pod carries the instance label the rules admit, and no label the nodes' selector matches.
        const job = await register(
            () => new Redis("redis", { ...base, replicas: 3, currentReplicas: 4, networkPolicy: { enabled: true } }),
        );
        const jobPod = (job.ofType("kubernetes:batch/v1:Job")[0].inputs as any).spec.template.metadata.labels;
        assert.deepStrictEqual(jobPod, { "app.kubernetes.io/name": "redis", "app.kubernetes.io/instance": "redis-sentinel-reset" });
    });

    it("refuses more nodes than the member lists can carry", () => {
        assert.deepStrictEqual(validateRedisArgs("redis", { ...base, replicas: 2 ** 31 }), [
            { path: "replicas", value: 2 ** 31, allowed: "at most 1000 (member lists in the pods' configuration grow with the count)" },
        ]);
    });

    it("refuses a malformed networkPolicy, naming it", () => {
        const problems = validateRedisArgs("redis", { ...base, networkPolicy: { enabled: "yes" as never, clientNamespaces: [] } });
        assert.deepStrictEqual(
            problems.map((p) => p.path),
            ["networkPolicy.enabled", "networkPolicy.clientNamespaces"],
        );
    });

    it("has every script parse as POSIX sh (dash) and call no nslookup", async () => {
        const run = await register(() => new Redis("redis", base));
        const data = (run.named("redis-config").inputs as any).data as Record<string, string>;
        const scripts = Object.keys(data).filter((f) => f.endsWith(".sh"));
        assert.deepStrictEqual(scripts.sort(), [
            "redis-handover.sh",
            "redis-node.sh",
            "redis-probe.sh",
            "sentinel-reset.sh",
            "sentinel.sh",
        ]);
        for (const file of scripts) {
            const check = spawnSync("dash", ["-n"], { input: data[file], encoding: "utf8" });
            assert.strictEqual(check.status, 0, `${file}: ${check.stderr}`);
            assert.ok(!data[file].includes("nslookup"), file);
        }
    });

    it("enables hostname resolution and announcement before the monitor line", async () => {
        const run = await register(() => new Redis("redis", { ...base, downAfterMilliseconds: 3000 }));
        const data = (run.named("redis-config").inputs as any).data;
        assert.match(data["sentinel-global.conf"], /^sentinel resolve-hostnames yes$/m);
        assert.match(data["sentinel-global.conf"], /^sentinel announce-hostnames yes$/m);
        assert.strictEqual(
            data["sentinel-master.conf"],
            "sentinel down-after-milliseconds mymaster 3000\nsentinel failover-timeout mymaster 60000\nsentinel parallel-syncs mymaster 1\n",
        );
        const script: string = data["sentinel.sh"];
        assert.ok(script.indexOf("sentinel-global.conf") < script.indexOf("sentinel monitor"));
    });

    it("persists with AOF by default and with RDB snapshots on request", async () => {
        const aof = await register(() => new Redis("redis", base));
        assert.match((aof.named("redis-config").inputs as any).data["redis.conf"], /^appendonly yes\nappendfsync everysec\nsave ""$/m);
        assert.match(
            (aof.named("redis-config").inputs as any).data["redis.conf"],
            /^repl-diskless-sync yes\nrepl-diskless-sync-delay 1\nmin-replicas-to-write 1\nmin-replicas-max-lag 10$/m,
        );
        const unguarded = await register(() => new Redis("redis", { ...base, minReplicasToWrite: 0 }));
        assert.match((unguarded.named("redis-config").inputs as any).data["redis.conf"], /^min-replicas-to-write 0$/m);
        const rdb = await register(() => new Redis("redis", { ...base, persistence: "rdb" }));
        assert.match((rdb.named("redis-config").inputs as any).data["redis.conf"], /^appendonly no\nsave 3600 1 300 100 60 10000$/m);
    });

    it("keeps the password in a Secret, marked secret and nowhere else", async () => {
        const run = await register(() => new Redis("redis", base));
        assert.ok(secretKeysAreSecret(run.named("redis-auth"), ["password"]));
        assert.ok(!everythingExcept(run, ["redis-auth"]).includes("redis-pw-123"));
        for (const container of podSpecOf(run.named("redis-sts")).containers) {
            const pw = container.env.find((e: { name: string }) => e.name === "REDIS_PASSWORD");
            assert.deepStrictEqual(pw.valueFrom, { secretKeyRef: { name: "redis-auth", key: "password" } });
        }
    });

    it("runs redis_exporter on 9121 beside every node and scrapes it", async () => {
        const run = await register(() => new Redis("redis", { ...base, monitoring: { serviceMonitor: true } }));
        const pod = podSpecOf(run.named("redis-sts"));
        assert.deepStrictEqual(
            pod.containers.map((c: { name: string; image: string }) => [c.name, c.image]),
            [
                ["redis", "redis:7.0.15"],
                ["exporter", "oliver006/redis_exporter:v1.77.0"],
            ],
        );
        assert.deepStrictEqual(pod.containers[1].ports, [{ name: "metrics", containerPort: 9121 }]);
        assert.deepStrictEqual(pod.containers[0].ports, [{ name: "redis", containerPort: 6379 }]);
        const exporterEnv = Object.fromEntries(pod.containers[1].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
        assert.strictEqual(exporterEnv.REDIS_ADDR, "redis://$(POD_IP):6379");
        // A static binary in a scratch image (Dockerfile at v1.77.0) that writes no file.
        assert.deepStrictEqual(pod.containers[1].securityContext, {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        const annotations = (run.named("redis-sts").inputs as any).spec.template.metadata.annotations;
        assert.strictEqual(annotations["prometheus.io/port"], "9121");
        assert.deepStrictEqual((run.named("redis-servicemonitor").inputs as any).spec.endpoints, [
            { port: "metrics", path: "/metrics", interval: "30s" },
        ]);
        assert.deepStrictEqual(
            (run.named("redis-sentinel-client").inputs as any).spec.ports.map((p: { name: string; port: number }) => [p.name, p.port]),
            [["sentinel", 26379]],
        );
    });

    it("keeps node data on retained PVCs at /data; sentinels keep none", async () => {
        const run = await register(() => new Redis("redis", { ...base, storage: { size: "20Gi" } }));
        const sts = run.named("redis-sts").inputs as any;
        assert.strictEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "20Gi");
        assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual(sts.spec.template.spec.containers[0].volumeMounts[0], { name: "data", mountPath: "/data" });
        assert.strictEqual((run.named("redis-sentinel-sts").inputs as any).spec.volumeClaimTemplates, undefined);
    });

    it("runs the nodes, the sentinels and the reset Job on read-only root file systems (they write only /data and /run/redis)", async () => {
        const run = await register(() => new Redis("redis", { ...base, replicas: 2, currentReplicas: 3 }));
        const readOnly = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
        for (const sts of ["redis-sts", "redis-sentinel-sts"]) {
            const pod = (run.named(sts).inputs as any).spec.template.spec;
            assert.deepStrictEqual(pod.containers[0].securityContext, readOnly, sts);
            assert.ok(
                pod.volumes.some((v: any) => v.name === "run" && v.emptyDir !== undefined),
                `${sts} mounts /run/redis as an emptyDir`,
            );
        }
        const job = run.ofType("kubernetes:batch/v1:Job")[0].inputs as any;
        assert.deepStrictEqual(job.spec.template.spec.containers[0].securityContext, readOnly);
    });

    it("registers the sentinel reset Job only after a scale-in of nodes or sentinels", async () => {
        const steady = await register(() => new Redis("redis", { ...base, replicas: 3, currentReplicas: 3, currentSentinels: 3 }));
        assert.strictEqual(steady.ofType("kubernetes:batch/v1:Job").length, 0);
        const out = await register(() => new Redis("redis", { ...base, replicas: 4, currentReplicas: 3 }));
        assert.strictEqual(out.ofType("kubernetes:batch/v1:Job").length, 0);
        for (const scaleIn of [
            { replicas: 2, currentReplicas: 3 },
            { sentinels: 3, currentSentinels: 5 },
        ]) {
            const run = await register(() => new Redis("redis", { ...base, ...scaleIn }));
            const job = run.ofType("kubernetes:batch/v1:Job")[0].inputs as any;
            const env = Object.fromEntries(job.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
            assert.strictEqual(env.EXPECTED_REPLICAS, String(scaleIn.replicas ?? 3));
            assert.strictEqual(env.EXPECTED_SENTINELS, String(scaleIn.sentinels ?? 3));
            assert.deepStrictEqual(job.spec.template.spec.containers[0].command, ["sh", "/scripts/sentinel-reset.sh"]);
        }
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new Redis("redis", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:Redis"), [
            "kubernetes:apps/v1:StatefulSet::redis-sentinel-sts",
            "kubernetes:apps/v1:StatefulSet::redis-sts",
            "kubernetes:core/v1:ConfigMap::redis-config",
            "kubernetes:core/v1:ConfigMap::redis-topology",
            "kubernetes:core/v1:Secret::redis-auth",
            "kubernetes:core/v1:Service::redis-client",
            "kubernetes:core/v1:Service::redis-headless",
            "kubernetes:core/v1:Service::redis-sentinel-client",
            "kubernetes:core/v1:Service::redis-sentinel-headless",
            "kubernetes:policy/v1:PodDisruptionBudget::redis-pdb",
            "kubernetes:policy/v1:PodDisruptionBudget::redis-sentinel-pdb",
        ]);
    });

    it("emits only objects the official schemas accept", async () => {
        const run = await register(
            () => new Redis("redis", { ...base, replicas: 2, currentReplicas: 3, monitoring: { serviceMonitor: true } }),
        );
        for (const r of run.kubernetesObjects()) {
            assert.deepStrictEqual(await schemaErrors(toManifest(r) as any), [], r.name);
        }
    });

    it("refuses a single node, an even or too small sentinel count, a minority quorum and autoscaling", async () => {
        const paths = (a: Partial<RedisArgs>) => validateRedisArgs("redis", { ...base, ...a }).map((p) => `${p.path}: ${p.allowed}`);
        assert.deepStrictEqual(paths({ replicas: 1 }), ["replicas: at least 2: a master and a replica the sentinels can promote"]);
        assert.match(paths({ sentinels: 4 })[0], /^sentinels: an odd whole number/);
        assert.deepStrictEqual(paths({ sentinels: 1 }), [
            "sentinels: an odd whole number >= 3: a single sentinel is a single point of failure",
        ]);
        assert.deepStrictEqual(paths({ sentinels: 5, quorum: 2 }), ["quorum: a whole number from 3 to 5"]);
        assert.deepStrictEqual(paths({ persistence: "none" as RedisArgs["persistence"] }), ['persistence: one of "aof", "rdb"']);
        assert.deepStrictEqual(paths({ replicas: 3, minReplicasToWrite: 3 }), ["minReplicasToWrite: a whole number from 0 to 2"]);
        assert.match(
            paths({ autoscaling: { minReplicas: 2, maxReplicas: 5 } })[0],
            /^autoscaling: nothing: Redis \(sentinel mode\) is not autoscaled, because it has one writable master/,
        );
        const run = await register(() =>
            assert.throws(() => new Redis("redis", { ...base, password: "" }), /password: got ""; allowed: a non-empty secret/),
        );
        assert.strictEqual(run.registrations.length, 0);
    });
});
