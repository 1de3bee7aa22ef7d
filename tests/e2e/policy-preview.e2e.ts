/**
 * `pulumi preview` with the policy pack, on the real Pulumi CLI (built from Go modules) and the real
 * Kubernetes provider: every stack passes; a broken program fails naming the policy. No cluster is
 * needed for a preview of new objects.
 */
import * as k8s from "@pulumi/kubernetes";
import * as assert from "assert";
import * as path from "path";
import { deployStack } from "../../stacks/program";
import { inlineStack, pulumiEnv, PulumiEnv, REPO } from "../../scripts/pulumi-local";

const SECRETS = {
    nacosAuthToken: Buffer.from("e2e-token-e2e-token-e2e-token-e2e-token").toString("base64"),
    nacosIdentityValue: "e2e-identity",
    rabbitmqErlangCookie: "e2e-cookie",
    rabbitmqDefaultPassword: "e2e-password",
    redisPassword: "e2e-redis",
};
// The CLI here has no Node.js language host (not served by the module proxy), so the pack runs through its
// executable launcher; a CLI with the language host takes the folder itself.
const PACK = path.join(REPO, "policies", "analyzer");

describe("pulumi preview --policy-pack (real CLI and provider)", function () {
    this.timeout(30 * 60 * 1000);
    let env: PulumiEnv;
    before(async () => {
        env = await pulumiEnv();
    });

    for (const name of ["dev", "staging", "prod"]) {
        it(`passes the ${name} stack with no mandatory violation`, async () => {
            const stack = await inlineStack(env, name, () => deployStack(), SECRETS);
            let output = "";
            const result = await stack.preview({
                policyPacks: [PACK],
                policyPackConfigs: name === "prod" ? [path.join(REPO, "policies", "production.json")] : undefined,
                onOutput: (o) => (output += o),
            });
            assert.ok((result.changeSummary.create ?? 0) >= 40, JSON.stringify(result.changeSummary));
            assert.doesNotMatch(output, /\[mandatory\]/);
            if (name === "prod") assert.doesNotMatch(output, /production-data-protected/);
            else assert.match(output, /\[advisory\] {2}production-data-protected/);
        });
    }

    it("fails a program whose StatefulSet has no headless Service, naming the policy", async () => {
        const stack = await inlineStack(env, "broken", async () => {
            new k8s.apps.v1.StatefulSet("db", {
                metadata: { name: "db", namespace: "default" },
                spec: {
                    replicas: 1,
                    serviceName: "db-headless",
                    selector: { matchLabels: { app: "db" } },
                    template: {
                        metadata: { labels: { app: "db" } },
                        spec: {
                            containers: [
                                {
                                    name: "db",
                                    image: "postgres:17.2",
                                    resources: { requests: { cpu: "100m", memory: "128Mi" } },
                                    readinessProbe: { tcpSocket: { port: 5432 } },
                                },
                            ],
                        },
                    },
                    volumeClaimTemplates: [
                        {
                            metadata: { name: "data" },
                            spec: {
                                accessModes: ["ReadWriteOnce"],
                                storageClassName: "standard",
                                resources: { requests: { storage: "1Gi" } },
                            },
                        },
                    ],
                },
            });
        });
        await assert.rejects(stack.preview({ policyPacks: [PACK] }), (err: Error) => {
            assert.match(err.message, /\[mandatory\] {2}statefulset-headless-service/);
            assert.match(err.message, /names Service "db-headless", which is not in this stack's namespace default/);
            return true;
        });
    });
});
