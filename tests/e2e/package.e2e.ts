/**
 * The component package from another language, with the CLI as a user runs it: `pulumi package
 * get-schema ./plugin` (the schema every language's SDK is generated from), and the Pulumi YAML example
 * (examples/yaml), which names the package folder under `packages:` and deploys Eureka and Redis through
 * their type tokens on the local control plane.
 */
import * as assert from "assert";
import * as path from "path";
import { STATEFUL_SYSTEMS } from "../../components/systems";
import { NO_CLUSTER, Project, clusterDown, clusterUp, toolchainBin, waitFor } from "./cli";

describe("the component package from another language (the CLI with the Node.js and YAML hosts)", function () {
    this.timeout(30 * 60 * 1000);

    before(() => toolchainBin());

    it("pulumi package get-schema ./plugin lists all six components with their documented inputs", () => {
        const project = Project.copy(NO_CLUSTER);
        const schema = JSON.parse(project.pulumi(["package", "get-schema", "./plugin"]).stdout);
        assert.strictEqual(schema.name, "stateful-k8s");
        assert.deepStrictEqual(
            Object.keys(schema.resources).sort(),
            STATEFUL_SYSTEMS.map((s) => `stateful-k8s:index:${s.component.name}`).sort(),
        );
        for (const [token, resource] of Object.entries<any>(schema.resources)) {
            for (const [input, spec] of Object.entries<any>(resource.inputProperties)) {
                assert.ok((spec.description ?? "").length > 0, `${token} input ${input} has no description`);
            }
        }
        assert.strictEqual(
            schema.resources["stateful-k8s:index:Redis"].inputProperties.sentinels.description,
            "Number of sentinels; odd and at least 3, so that a majority can authorise a failover.",
        );
        assert.ok(schema.resources["stateful-k8s:index:Eureka"].properties.peerUrls, "Eureka outputs its peer URLs");
    });

    describe("the Pulumi YAML example on the local control plane", () => {
        let project: Project;
        const NS = "stateful-yaml";
        const PASSWORD = "yaml-example-redis-password";

        before(() => {
            clusterUp();
            const copy = Project.copy();
            project = new Project(path.join(copy.dir, "examples", "yaml"), copy.env);
            project.pulumi(["stack", "select", "dev", "--create"]);
            project.pulumi(["config", "set", "--secret", "redisPassword", PASSWORD]);
        });

        after(() => clusterDown());

        it("deploys Eureka and Redis through their type tokens and reads their outputs", () => {
            project.pulumi(["up", "--yes"]);
            const outputs = JSON.parse(project.pulumi(["stack", "output", "--json"]).stdout);
            assert.deepStrictEqual(outputs.eurekaPeerUrls, [`http://eureka-0.eureka-headless.${NS}.svc.cluster.local:8761/eureka/`]);
            assert.strictEqual(outputs.redisSentinelEndpoint, `redis-sentinel.${NS}.svc.cluster.local:26379`);
            assert.strictEqual(outputs.redisMasterName, "mymaster");
            const statefulSets = JSON.parse(project.kubectl("get", "statefulsets", "-n", NS, "-o", "json")).items.map(
                (s: any) => s.metadata.name,
            );
            assert.deepStrictEqual(statefulSets.sort(), ["eureka", "redis", "redis-sentinel"]);
            // The secret came from the YAML program's own secret config, and is nowhere in plain text.
            assert.ok(!project.state("dev").includes(PASSWORD));
            const secret = JSON.parse(project.kubectl("get", "secret", "redis-auth", "-n", NS, "-o", "json"));
            assert.strictEqual(Buffer.from(Object.values<string>(secret.data)[0], "base64").toString(), PASSWORD);
        });

        it("scales Eureka by a config edit", async () => {
            project.pulumi(["config", "set", "eurekaReplicas", "3"]);
            project.pulumi(["up", "--yes"]);
            const outputs = JSON.parse(project.pulumi(["stack", "output", "--json"]).stdout);
            assert.strictEqual(outputs.eurekaPeerUrls.length, 3);
            await waitFor("3 Eureka pods", () => {
                const pods = JSON.parse(project.kubectl("get", "pods", "-n", NS, "-o", "json")).items;
                return pods.filter((p: any) => p.metadata.name.startsWith("eureka-")).length === 3;
            });
        });

        it("is destroyed", () => {
            project.pulumi(["destroy", "--yes"]);
            assert.deepStrictEqual(JSON.parse(project.kubectl("get", "statefulsets", "-n", NS, "-o", "json")).items, []);
        });
    });
});
