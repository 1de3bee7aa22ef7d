import * as assert from "assert";
import { mapSecrets, valueOf } from "../../render/mock-runtime";
import { RabbitMQ, RabbitMQArgs, rabbitmqSeedNode, validateRabbitMQArgs } from "../../components/rabbitmq";
import { childrenOf, envOf, everythingExcept, podSpecOf, register, secretKeysAreSecret } from "../helpers/component";

const base: RabbitMQArgs = { namespace: "mq", erlangCookie: "cookie-value-abc", defaultPassword: "admin-pw-xyz" };

describe("RabbitMQ", () => {
    it("configures the 4.1 Kubernetes peer-discovery backend without the keys 4.1 ignores, and logs to stdout", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        const conf = ((run.named("rabbitmq-config").inputs as any).data["10-stateful-k8s.conf"] as string).split("\n");
        assert.deepStrictEqual(conf, [
            "cluster_name = rabbitmq",
            "cluster_formation.peer_discovery_backend = rabbit_peer_discovery_k8s",
            "cluster_formation.node_cleanup.only_log_warning = true",
            "cluster_partition_handling = pause_minority",
            "queue_leader_locator = balanced",
            "quorum_queue.continuous_membership_reconciliation.enabled = true",
            "quorum_queue.continuous_membership_reconciliation.target_group_size = $(RABBITMQ_QQ_TARGET_GROUP_SIZE)",
            "quorum_queue.continuous_membership_reconciliation.auto_remove = false",
            "log.console = true",
            "auth_mechanisms.1 = PLAIN",
            "auth_mechanisms.2 = AMQPLAIN",
            "listeners.tcp.default = 5672",
            "management.tcp.port = 15672",
            "prometheus.tcp.port = 15692",
            "",
        ]);
    });

    it("lets every node find the seed (ordinal 0) from its own name, as rabbit_peer_discovery_k8s:list_nodes/0 does", async () => {
        let mq: RabbitMQ | undefined;
        await register(() => (mq = new RabbitMQ("rabbitmq", { ...base, replicas: 5 })));
        const nodes = await valueOf(mq!.nodeNames);
        assert.deepStrictEqual(
            nodes.map((n) => rabbitmqSeedNode(n)),
            nodes.map(() => "rabbit@rabbitmq-0.rabbitmq-headless.mq.svc.cluster.local"),
        );
        // A name without the StatefulSet ordinal is what upstream refuses ("doesn't seem to have the expected -ID suffix").
        assert.strictEqual(rabbitmqSeedNode("rabbit@localhost"), undefined);
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

    it("grants nothing: no ServiceAccount, Role or RoleBinding, and no API token in the pods", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        for (const type of [
            "kubernetes:core/v1:ServiceAccount",
            "kubernetes:rbac.authorization.k8s.io/v1:Role",
            "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        ]) {
            assert.deepStrictEqual(run.ofType(type), [], type);
        }
        const pod = podSpecOf(run.named("rabbitmq-sts"));
        assert.strictEqual(pod.serviceAccountName, undefined);
        assert.strictEqual(pod.automountServiceAccountToken, false);
    });

    it("hands the default user to RabbitMQ through RABBITMQ_DEFAULT_USER/PASS, so a password with # survives whole", async () => {
        const password = "pa#ss word;$(x)=\\#end";
        const run = await register(() => new RabbitMQ("rabbitmq", { ...base, defaultUser: "ops", defaultPassword: password }));
        const env = envOf(run.named("rabbitmq-sts"));
        assert.deepStrictEqual(env.RABBITMQ_DEFAULT_USER, { secretKeyRef: { name: "rabbitmq-credentials", key: "username" } });
        assert.deepStrictEqual(env.RABBITMQ_DEFAULT_PASS, { secretKeyRef: { name: "rabbitmq-credentials", key: "password" } });
        // The Secret holds the password exactly; Kubernetes passes an env value byte for byte and
        // rabbit_env.erl turns it into the password with list_to_binary, with no parsing.
        const stringData = mapSecrets((run.named("rabbitmq-credentials").inputs as any).stringData, (inner) => inner) as any;
        assert.deepStrictEqual([stringData.username, stringData.password], ["ops", password]);
        // Nothing of the default user goes through rabbitmq.conf, where "#" would start a comment.
        const conf = (run.named("rabbitmq-config").inputs as any).data["10-stateful-k8s.conf"] as string;
        assert.doesNotMatch(conf, /default_user|default_pass/);
        assert.ok(!Object.keys(env).some((k) => k.startsWith("RABBITMQ_SEED")));
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

    it("drops every capability, keeps the image read-only and bounds the home (the cookie) and /tmp emptyDirs", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        const pod = podSpecOf(run.named("rabbitmq-sts"));
        const hardened = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };
        assert.deepStrictEqual(pod.containers[0].securityContext, hardened);
        assert.deepStrictEqual(pod.initContainers[0].securityContext, hardened);
        assert.deepStrictEqual(
            pod.volumes.filter((v: { emptyDir?: unknown }) => v.emptyDir !== undefined),
            [
                { name: "rabbitmq-home", emptyDir: { sizeLimit: "64Mi" } },
                { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
            ],
        );
        assert.deepStrictEqual(
            pod.containers[0].volumeMounts.map((m: { mountPath: string }) => m.mountPath),
            ["/var/lib/rabbitmq/mnesia", "/var/lib/rabbitmq", "/tmp", "/etc/rabbitmq/conf.d", "/etc/rabbitmq/plugins"],
        );
    });

    it("admits peers on the peer ports, clients from chosen namespaces and Prometheus from the monitoring namespace, on request", async () => {
        const run = await register(
            () => new RabbitMQ("rabbitmq", { ...base, networkPolicy: { enabled: true, clientNamespaces: ["mq", "apps"] } }),
        );
        const np = run.named("rabbitmq-netpol").inputs as any;
        const members = { "app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/instance": "rabbitmq" };
        assert.deepStrictEqual(np.metadata, { name: "rabbitmq", namespace: "mq" });
        assert.deepStrictEqual(np.spec.podSelector, { matchLabels: members });
        assert.deepStrictEqual(np.spec.policyTypes, ["Ingress"]);
        const tcp = (...ports: number[]) => ports.map((port) => ({ protocol: "TCP", port }));
        assert.deepStrictEqual(np.spec.ingress, [
            { from: [{ podSelector: { matchLabels: members } }], ports: tcp(5672, 4369, 25672) },
            {
                from: [
                    {
                        namespaceSelector: {
                            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["mq", "apps"] }],
                        },
                    },
                ],
                ports: tcp(5672, 15672),
            },
            {
                from: [
                    {
                        namespaceSelector: {
                            matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "In", values: ["monitoring"] }],
                        },
                    },
                ],
                ports: tcp(15692),
            },
        ]);
        // The peer ports are the headless Service's, the client ports the client Service's (one list).
        const svcPorts = (n: string) => (run.named(n).inputs as any).spec.ports.map((p: { port: number }) => p.port);
        assert.deepStrictEqual(svcPorts("rabbitmq-headless"), [5672, 4369, 25672]);
        assert.deepStrictEqual(svcPorts("rabbitmq-client"), [5672, 15672, 15692]);
        const none = await register(() => new RabbitMQ("rabbitmq", base));
        assert.deepStrictEqual(none.ofType("kubernetes:networking.k8s.io/v1:NetworkPolicy"), []);
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", { ...base, networkPolicy: { enabled: true, clientNamespaces: ["Apps!"] } }).map(
                (p) => `${p.path}: got ${JSON.stringify(p.value)}`,
            ),
            ['networkPolicy.clientNamespaces[0]: got "Apps!"'],
        );
        assert.deepStrictEqual(
            validateRabbitMQArgs("rabbitmq", { ...base, networkPolicy: { clientNamespaces: [] } }).map((p) => p.allowed),
            ["a non-empty list of namespace names (leave it out for the component's own namespace)"],
        );
    });

    it("parents every child to the component", async () => {
        const run = await register(() => new RabbitMQ("rabbitmq", base));
        assert.deepStrictEqual(childrenOf(run, "stateful-k8s:index:RabbitMQ"), [
            "kubernetes:apps/v1:StatefulSet::rabbitmq-sts",
            "kubernetes:core/v1:ConfigMap::rabbitmq-config",
            "kubernetes:core/v1:Secret::rabbitmq-credentials",
            "kubernetes:core/v1:Service::rabbitmq-client",
            "kubernetes:core/v1:Service::rabbitmq-headless",
            "kubernetes:policy/v1:PodDisruptionBudget::rabbitmq-pdb",
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
