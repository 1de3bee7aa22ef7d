/**
 * `pulumi up`, scale, refresh and destroy of the dev stack (all six systems) with the real Pulumi CLI and
 * Kubernetes provider, against the local control plane of scripts/cluster.sh (etcd, kube-apiserver,
 * kube-controller-manager, kube-scheduler, and kwok's fake node that runs scheduled pods as Ready).
 * Assertions go through the Kubernetes API (kubectl).
 */
import { Stack } from "@pulumi/pulumi/automation";
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { deployStack } from "../../stacks/program";
import { inlineStack, pulumiEnv, PulumiEnv, REPO } from "../../scripts/pulumi-local";

const SECRETS = {
    nacosAuthToken: Buffer.from("e2e-token-e2e-token-e2e-token-e2e-token").toString("base64"),
    nacosIdentityValue: "e2e-identity-value",
    rabbitmqErlangCookie: "e2e-erlang-cookie-value",
    rabbitmqDefaultPassword: "e2e-rabbitmq-password",
    redisPassword: "e2e-redis-password",
};
const NS = "stateful-dev";

describe("the dev stack on a real API server (real CLI and provider)", function () {
    this.timeout(30 * 60 * 1000);
    let env: PulumiEnv;
    let stack: Stack;
    let kubeconfig: string;
    let bin: string;

    const kubectl = (...args: string[]): string =>
        execFileSync(path.join(bin, "kubectl"), ["--kubeconfig", kubeconfig, ...args], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "pipe"],
        });
    const get = (kind: string, namespace = NS): any[] => JSON.parse(kubectl("get", kind, "-n", namespace, "-o", "json")).items;
    const names = (kind: string): string[] =>
        get(kind)
            .map((o) => o.metadata.name as string)
            .sort();
    const waitFor = async (what: string, check: () => boolean): Promise<void> => {
        for (let i = 0; i < 120; i++) {
            if (check()) return;
            await new Promise((r) => setTimeout(r, 500));
        }
        assert.fail(`timed out waiting for ${what}`);
    };

    before(async () => {
        kubeconfig = execFileSync("bash", [path.join(REPO, "scripts", "cluster.sh"), "up"], {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "inherit"],
        })
            .trim()
            .split("\n")
            .pop() as string;
        env = await pulumiEnv();
        bin = path.dirname(env.command.command);
        env.envVars.KUBECONFIG = kubeconfig;
        stack = await inlineStack(env, "dev", () => deployStack(), SECRETS);
    });

    after(() => {
        execFileSync("bash", [path.join(REPO, "scripts", "cluster.sh"), "down"], { stdio: "inherit" });
    });

    it("creates every object of the six systems, with headless Services, Secrets, RBAC and one claim per replica", async () => {
        const result = await stack.up();
        assert.strictEqual(result.summary.result, "succeeded");
        assert.deepStrictEqual(names("statefulsets"), ["eureka", "nacos", "rabbitmq", "redis", "redis-sentinel"]);
        for (const sts of get("statefulsets")) {
            const svc = JSON.parse(kubectl("get", "service", sts.spec.serviceName, "-n", NS, "-o", "json"));
            assert.strictEqual(svc.spec.clusterIP, "None", sts.metadata.name);
            assert.strictEqual(svc.spec.publishNotReadyAddresses, true, sts.metadata.name);
        }
        assert.deepStrictEqual(
            names("secrets").filter((n) => !n.startsWith("default-token")),
            ["nacos-auth", "rabbitmq-credentials", "redis-auth"],
        );
        assert.deepStrictEqual(names("roles"), ["rabbitmq-peer-discovery"]);
        assert.deepStrictEqual(names("rolebindings"), ["rabbitmq-server"]);
        await waitFor("one claim per replica", () => names("persistentvolumeclaims").length === 4);
        assert.deepStrictEqual(names("persistentvolumeclaims"), ["data-nacos-0", "data-rabbitmq-0", "data-redis-0", "data-redis-1"]);
        assert.deepStrictEqual(names("kafkanodepools.kafka.strimzi.io"), ["kafka-broker", "kafka-controller"]);
        assert.deepStrictEqual(names("tidbgroups.core.pingcap.com"), ["tidb-tidb"]);
        const state = fs.readFileSync(path.join(env.dir, "state", ".pulumi", "stacks", "stateful-k8s", "dev.json"), "utf8");
        for (const value of Object.values(SECRETS)) assert.ok(!state.includes(value), "a secret is in plain text in the state file");
    });

    it("has no perpetual diff: preview --expect-no-changes passes, before and after a refresh", async () => {
        await stack.preview({ expectNoChanges: true });
        // Refresh reads every object back: no Kubernetes object may have drifted from what the program wrote.
        const refreshed: string[] = [];
        await stack.refresh({
            onEvent: (e) => {
                const step = e.resOutputsEvent?.metadata;
                if (step !== undefined && step.op !== "same") refreshed.push(`${step.type}::${step.urn.split("::").pop()}`);
            },
        });
        // Only the stack's reference to its own previous outputs (which the first update created) may change.
        assert.deepStrictEqual(
            refreshed.filter((r) => !r.startsWith("pulumi:pulumi:StackReference::")),
            [],
        );
        await stack.preview({ expectNoChanges: true });
    });

    it("scales Eureka and RabbitMQ by config: updates one StatefulSet each, replaces nothing, creates the pods and claims", async () => {
        await stack.setConfig("eureka.replicas", { value: "5" }, true);
        await stack.setConfig("rabbitmq.replicas", { value: "3" }, true);
        const result = await stack.up();
        assert.deepStrictEqual(result.summary.resourceChanges?.update, 2, JSON.stringify(result.summary.resourceChanges));
        assert.strictEqual(result.summary.resourceChanges?.replace, undefined);
        assert.strictEqual(result.summary.resourceChanges?.create, undefined);
        await waitFor("5 Eureka pods and 3 RabbitMQ claims", () => {
            const pods = names("pods");
            return (
                pods.filter((p) => p.startsWith("eureka-")).length === 5 &&
                names("persistentvolumeclaims").filter((p) => p.startsWith("data-rabbitmq-")).length === 3
            );
        });
        const eureka = JSON.parse(kubectl("get", "statefulset", "eureka", "-n", NS, "-o", "json"));
        const env = eureka.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === "SPRING_APPLICATION_JSON");
        assert.strictEqual(JSON.parse(env.value).eureka.client.serviceUrl.defaultZone.split(",").length, 5);
    });

    it("refuses a RabbitMQ scale-in with the component's message and changes nothing", async () => {
        await stack.setConfig("rabbitmq.replicas", { value: "1" }, true);
        await assert.rejects(stack.up(), /replicas: got 1; allowed: at least 3 \(the deployed count\)/);
        assert.strictEqual(JSON.parse(kubectl("get", "statefulset", "rabbitmq", "-n", NS, "-o", "json")).spec.replicas, 3);
        await stack.setConfig("rabbitmq.replicas", { value: "3" }, true);
    });

    it("destroys the stack's objects and, with the default retention, keeps the claims", async () => {
        const claims = names("persistentvolumeclaims");
        await stack.destroy();
        assert.deepStrictEqual(names("statefulsets"), []);
        assert.deepStrictEqual(names("persistentvolumeclaims"), claims);
    });
});
