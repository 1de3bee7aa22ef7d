import * as assert from "assert";
import { valueOf } from "../../scripts/mock-runtime";
import { RabbitMQ, RabbitMQArgs, validateRabbitMQArgs } from "../../components/rabbitmq";
import { childrenOf, envOf, everythingExcept, podSpecOf, register, secretKeysAreSecret } from "../helpers/component";

const base: RabbitMQArgs = { namespace: "mq", erlangCookie: "cookie-value-abc", defaultPassword: "admin-pw-xyz" };

describe("RabbitMQ", () => {
    it("configures the Kubernetes peer-discovery backend with hostname addressing and the headless Service", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        const conf = ((run.named("rabbitmq-config").inputs as any).data["10-stateful-k8s.conf"] as string).split("\n");
        for (const line of [
            "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s",
            "cluster_formation.k8s.address_type = hostname",
            "cluster_formation.k8s.service_name = rabbitmq-headless",
            "cluster_formation.k8s.hostname_suffix = .rabbitmq-headless.mq.svc.cluster.local",
            "cluster_partition_handling = pause_minority",
            "quorum_queue.continuous_membership_reconciliation.enabled = true",
            "quorum_queue.continuous_membership_reconciliation.target_group_size = $(RABBITMQ_QQ_TARGET_GROUP_SIZE)",
            "prometheus.tcp.port = 15692",
        ]) {
            assert.ok(conf.includes(line), `missing: ${line}`);
        }
    });

    it("enables peer discovery, Prometheus and management plugins", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        assert.strictEqual(
            (run.named("rabbitmq-config").inputs as any).data.enabled_plugins,
            "[rabbitmq_peer_discovery_k8s,rabbitmq_prometheus,rabbitmq_management].\n",
        );
    });

    for (const replicas of [1, 3, 5]) {
        it(`names every node by its stable DNS name and grows quorum queues to ${replicas}`, async () => {
            let mq: RabbitMQ | undefined;
            const run = await register(() => (mq = new RabbitMQ("rabbitmq", { ...base, replicas })));
            const expected = Array.from({ length: replicas }, (_, i) => `rabbit@rabbitmq-${i}.rabbitmq-headless.mq.svc.cluster.local`);
            assert.deepStrictEqual(await valueOf(mq!.nodeNames), expected);
            const env = envOf(run.named("rabbitmq-sts"));
            assert.strictEqual(env.RABBITMQ_NODENAME, "rabbit@$(MY_POD_NAME).rabbitmq-headless.mq.svc.cluster.local");
            assert.strictEqual(env.RABBITMQ_USE_LONGNAME, "true");
            assert.strictEqual(env.RABBITMQ_QQ_TARGET_GROUP_SIZE, String(replicas));
        });
    }

    it("grants the peer-discovery plugin exactly: get endpoints, create events", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        assert.deepStrictEqual((run.named("rabbitmq-peer-discovery").inputs as any).rules, [
            { apiGroups: [""], resources: ["endpoints"], verbs: ["get"] },
            { apiGroups: [""], resources: ["events"], verbs: ["create"] },
        ]);
        const binding = run.ofType("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding")[0].inputs as any;
        assert.deepStrictEqual(binding.roleRef, { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: "rabbitmq-peer-discovery" });
        assert.deepStrictEqual(binding.subjects, [{ kind: "ServiceAccount", name: "rabbitmq-server", namespace: "mq" }]);
        assert.strictEqual(podSpecOf(run.named("rabbitmq-sts")).serviceAccountName, "rabbitmq-server");
    });

    it("keeps the Erlang cookie and default password in a Secret, marked secret and nowhere else", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        assert.ok(secretKeysAreSecret(run.named("rabbitmq-credentials"), [".erlang.cookie", "password"]));
        const elsewhere = everythingExcept(run, ["rabbitmq-credentials"]);
        assert.ok(!elsewhere.includes("cookie-value-abc") && !elsewhere.includes("admin-pw-xyz"));
        const init = podSpecOf(run.named("rabbitmq-sts")).initContainers[0];
        assert.match(init.command[2], /chmod 600 \/var\/lib\/rabbitmq\/.erlang.cookie/);
    });

    it("keeps data on a retained PVC at /var/lib/rabbitmq/mnesia and exposes metrics on 15692", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", { ...base, monitoring: { serviceMonitor: true } }));
        const sts = run.named("rabbitmq-sts").inputs as any;
        assert.strictEqual(sts.spec.volumeClaimTemplates[0].spec.resources.requests.storage, "10Gi");
        assert.deepStrictEqual(sts.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
        assert.deepStrictEqual(sts.spec.template.spec.containers[0].volumeMounts[0], {
            name: "data",
            mountPath: "/var/lib/rabbitmq/mnesia",
        });
        assert.deepStrictEqual((run.named("rabbitmq-servicemonitor").inputs as any).spec.endpoints, [
            { port: "prometheus", path: "/metrics", interval: "30s" },
        ]);
        const clientPorts = (run.named("rabbitmq-client").inputs as any).spec.ports.map((p: { port: number }) => p.port);
        assert.deepStrictEqual(clientPorts, [5672, 15672, 15692]);
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:RabbitMQ"), [
            "kubernetes:apps/v1:StatefulSet::rabbitmq-sts",
            "kubernetes:core/v1:ConfigMap::rabbitmq-config",
            "kubernetes:core/v1:Secret::rabbitmq-credentials",
            "kubernetes:core/v1:Service::rabbitmq-client",
            "kubernetes:core/v1:Service::rabbitmq-headless",
            "kubernetes:core/v1:ServiceAccount::rabbitmq-server",
            "kubernetes:policy/v1:PodDisruptionBudget::rabbitmq-pdb",
            "kubernetes:rbac.authorization.k8s.io/v1:Role::rabbitmq-peer-discovery",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding::rabbitmq-server",
        ]);
    });

    it("refuses a scale-in below the deployed count unless explicitly allowed", async () => {
        const run = await register(() =>
            assert.throws(
                () => new RabbitMQ("rabbitmq", { ...base, replicas: 3, currentReplicas: 5 }),
                /replicas: got 3; allowed: at least 5 \(the deployed count\): RabbitMQ cannot remove members by shrinking the StatefulSet/,
            ),
        );
        assert.strictEqual(run.registrations.length, 0);
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", { ...base, replicas: 3, currentReplicas: 5, allowUnsafeScaleIn: true }),
            [],
        );
        assert.deepStrictEqual(validateRabbitMQArgs("rabbitmq", { ...base, replicas: 5, currentReplicas: 3 }), []);
    });

    it("refuses an even node count and a missing secret", () => {
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", { ...base, replicas: 4 }).map((p) => p.path),
            ["replicas"],
        );
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", { ...base, erlangCookie: "" }).map((p) => p.path),
            ["erlangCookie"],
        );
    });
});
