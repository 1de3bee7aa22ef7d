/**
 * The dev stack (all six systems) with the Pulumi CLI in the project folder, as a user runs it:
 * `pulumi up`, `config set --path`, `preview --expect-no-changes`, `refresh`, `destroy`, against the local
 * control plane of scripts/cluster.sh (real API server, controller-manager and scheduler; kwok's fake
 * nodes run scheduled pods as Ready). Assertions go through the Kubernetes API.
 */
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { E2E_SECRETS, Project, clusterDown, initStack, projectOnLocalCluster, waitFor } from "./cli";
import { DEPLOY } from "./commands";

const NS = "stateful-dev";

describe("the dev stack with the Pulumi CLI in the project folder", function () {
    this.timeout(30 * 60 * 1000);
    let project: Project;

    const get = (kind: string): any[] => project.objects(kind, NS);
    const names = (kind: string): string[] => project.names(kind, NS);
    /** The resource changes of the stack's last update, from `pulumi stack history`. */
    const lastChanges = (): Record<string, number> =>
        JSON.parse(project.pulumi(["stack", "history", "--json", "--show-secrets=false"]).stdout)[0].resourceChanges;

    before(() => {
        project = projectOnLocalCluster();
    });

    after(() => clusterDown());

    it("pulumi up (CI's deploy step) creates every object of the six systems, with headless Services, Secrets and one claim per replica", async () => {
        const up = project.shell(DEPLOY, { env: { STACK: "dev" } });
        assert.match(up.stdout, /Loading policy packs\.\.\.: done/);
        assert.match(up.stdout, /Resources:\n\s+\+ \d+ created/);
        assert.deepStrictEqual(names("statefulsets"), ["eureka", "nacos", "rabbitmq", "redis", "redis-sentinel"]);
        for (const sts of get("statefulsets")) {
            const svc = JSON.parse(project.kubectl("get", "service", sts.spec.serviceName, "-n", NS, "-o", "json"));
            assert.strictEqual(svc.spec.clusterIP, "None", sts.metadata.name);
            assert.strictEqual(svc.spec.publishNotReadyAddresses, true, sts.metadata.name);
        }
        assert.deepStrictEqual(
            names("secrets").filter((n) => !n.startsWith("default-token")),
            ["nacos-auth", "rabbitmq-credentials", "redis-auth"],
        );
        await waitFor("one claim per replica", () => names("persistentvolumeclaims").length === 4);
        assert.deepStrictEqual(names("persistentvolumeclaims"), ["data-nacos-0", "data-rabbitmq-0", "data-redis-0", "data-redis-1"]);
        assert.deepStrictEqual(names("kafkanodepools.kafka.strimzi.io"), ["kafka-broker", "kafka-controller"]);
        assert.deepStrictEqual(names("tidbgroups.core.pingcap.com"), ["tidb-tidb"]);
        // The stack's outputs, as `pulumi stack output` shows them to the user.
        const outputs = JSON.parse(project.pulumi(["stack", "output", "--json"]).stdout);
        assert.deepStrictEqual(outputs.eureka.peerUrls, ["http://eureka-0.eureka-headless.stateful-dev.svc.cluster.local:8761/eureka/"]);
        assert.strictEqual(outputs.replicas.redis, 2);
        // Neither the state the engine holds nor the stack's config file has a secret in plain text.
        const stateFile = path.join(new URL(project.env.PULUMI_BACKEND_URL).pathname, ".pulumi", "stacks", "stateful-k8s", "dev.json");
        const state = fs.readFileSync(stateFile, "utf8");
        const config = fs.readFileSync(path.join(project.dir, "stacks", "Pulumi.dev.yaml"), "utf8");
        for (const value of Object.values(E2E_SECRETS)) {
            assert.ok(!state.includes(value), "a secret is in plain text in the state file");
            assert.ok(!config.includes(value), "a secret is in plain text in stacks/Pulumi.dev.yaml");
        }
        assert.match(config, /redisPassword:\n\s+secure: /);
    });

    it("has no perpetual diff: preview --expect-no-changes passes, before and after a refresh", () => {
        project.pulumi(["preview", "--expect-no-changes", "--stack", "dev"]);
        const refresh = project.pulumi(["refresh", "--yes", "--stack", "dev", "--json"]);
        // Refresh reads every object back: nothing Kubernetes holds may differ from what the program wrote.
        // The JSON summary is the first top-level object (indented inside, closed by a "}" in column 0);
        // each step holds the state before and after the read.
        const summary = JSON.parse(refresh.stdout.slice(0, refresh.stdout.indexOf("\n}") + 2));
        const drifted = summary.steps
            .filter(
                (s: any) =>
                    JSON.stringify([s.oldState?.inputs, s.oldState?.outputs]) !== JSON.stringify([s.newState?.inputs, s.newState?.outputs]),
            )
            .map((s: { urn: string }) => s.urn);
        assert.deepStrictEqual(drifted, []);
        assert.deepStrictEqual(
            Object.keys(summary.changeSummary).filter((op) => op !== "same" && op !== "update"),
            [],
        );
        project.pulumi(["preview", "--expect-no-changes", "--stack", "dev"]);
    });

    it("scales Eureka and RabbitMQ by config set --path: one StatefulSet updated each, nothing replaced, pods and claims created", async () => {
        project.pulumi(["config", "set", "--path", "eureka.replicas", "5"]);
        project.pulumi(["config", "set", "--path", "rabbitmq.replicas", "3"]);
        project.pulumi(["up", "--yes", "--stack", "dev"]);
        const changes = lastChanges();
        assert.deepStrictEqual(changes, { same: changes.same, update: 2 });
        await waitFor("5 Eureka pods and 3 RabbitMQ claims", () => {
            const pods = names("pods");
            return (
                pods.filter((p) => p.startsWith("eureka-")).length === 5 &&
                names("persistentvolumeclaims").filter((p) => p.startsWith("data-rabbitmq-")).length === 3
            );
        });
        const eureka = JSON.parse(project.kubectl("get", "statefulset", "eureka", "-n", NS, "-o", "json"));
        const env = eureka.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "SPRING_APPLICATION_JSON");
        assert.strictEqual(JSON.parse(env.value).eureka.client.serviceUrl.defaultZone.split(",").length, 5);
    });

    it("refuses a RabbitMQ scale-in with the component's message and changes nothing", () => {
        project.pulumi(["config", "set", "--path", "rabbitmq.replicas", "1"]);
        const up = project.pulumi(["up", "--yes", "--stack", "dev"], { allowFailure: true });
        assert.notStrictEqual(up.status, 0);
        assert.match(up.stdout + up.stderr, /replicas: got 1; allowed: at least 3 \(the deployed count\)/);
        assert.strictEqual(JSON.parse(project.kubectl("get", "statefulset", "rabbitmq", "-n", NS, "-o", "json")).spec.replicas, 3);
        project.pulumi(["config", "set", "--path", "rabbitmq.replicas", "3"]);
    });

    it("warns when replicas is edited on a system an autoscaler owns, naming the knob that works", () => {
        project.pulumi(["config", "set", "--path", "eureka.autoscaling.minReplicas", "2"]);
        project.pulumi(["config", "set", "--path", "eureka.autoscaling.maxReplicas", "6"]);
        project.pulumi(["up", "--yes", "--stack", "dev"]);
        project.pulumi(["config", "set", "--path", "eureka.replicas", "3"]);
        const preview = project.pulumi(["preview", "--stack", "dev"]);
        assert.match(
            preview.stdout,
            /eureka\.replicas: changed from 5 to 3, which has no effect: eureka\.autoscaling is set, so the HorizontalPodAutoscaler owns the replica count\. Scale with eureka\.autoscaling\.minReplicas and eureka\.autoscaling\.maxReplicas/,
        );
        project.pulumi(["config", "set", "--path", "eureka.replicas", "5"]);
    });

    it("deploys the protected prod stack, scales its Redis (the topology ConfigMap is replaced), and the engine refuses pulumi destroy", () => {
        initStack(project, "prod");
        project.shell(DEPLOY, { env: { STACK: "prod" } });
        // A scale edit replaces Redis's topology ConfigMap (the provider replaces ConfigMaps whose data
        // changes); a protected ConfigMap would make the engine refuse the update.
        project.pulumi(["config", "set", "--path", "redis.replicas", "4", "--stack", "prod"]);
        project.shell(DEPLOY, { env: { STACK: "prod" } });
        // The StatefulSet is updated and the ConfigMap replaced; nothing that names it is replaced with it.
        const changes = lastChanges();
        // (The stack's reference to its own outputs is read again when they changed since the last update.)
        const read = changes.read === undefined ? {} : { read: 1 };
        assert.deepStrictEqual(changes, { same: changes.same, ...read, update: 1, replace: 1 });
        assert.strictEqual(
            JSON.parse(project.kubectl("get", "statefulset", "redis", "-n", "stateful-prod", "-o", "json")).spec.replicas,
            4,
        );
        const topology = JSON.parse(project.kubectl("get", "configmap", "redis-topology", "-n", "stateful-prod", "-o", "json"));
        assert.strictEqual(topology.data["redis-hosts"].split(" ").length, 4);
        const destroy = project.pulumi(["destroy", "--yes", "--stack", "prod"], { allowFailure: true });
        assert.notStrictEqual(destroy.status, 0);
        assert.match(destroy.stdout + destroy.stderr, /cannot be deleted\s+because it is protected/);
        assert.strictEqual(project.names("statefulsets", "stateful-prod").length, 5);
    });

    it("destroys the stack's objects and, with the default retention, keeps the claims", () => {
        const claims = names("persistentvolumeclaims");
        project.pulumi(["destroy", "--yes", "--stack", "dev"]);
        assert.deepStrictEqual(names("statefulsets"), []);
        assert.deepStrictEqual(names("persistentvolumeclaims"), claims);
    });
});
