/**
 * `pulumi package get-schema` with the real CLI on this repository's component package: the schema
 * other languages' SDKs are generated from.
 */
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { pulumiEnv, PulumiEnv, REPO } from "../../scripts/pulumi-local";

describe("pulumi package get-schema (real CLI)", function () {
    this.timeout(10 * 60 * 1000);
    let env: PulumiEnv;
    before(async () => {
        env = await pulumiEnv();
    });

    it("lists all six components with their documented inputs", () => {
        // Through the executable launcher: this CLI has no Node.js language host to start plugin/ itself.
        const out = execFileSync(
            env.command.command,
            ["package", "get-schema", path.join(REPO, "scripts", "pulumi-resource-stateful-k8s")],
            {
                cwd: env.dir,
                env: { ...process.env, ...env.envVars },
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        const schema = JSON.parse(out);
        assert.strictEqual(schema.name, "stateful-k8s");
        assert.deepStrictEqual(
            Object.keys(schema.resources).sort(),
            ["Eureka", "Kafka", "Nacos", "RabbitMQ", "Redis", "TiDB"].map((c) => `stateful-k8s:index:${c}`),
        );
        assert.strictEqual(
            schema.resources["stateful-k8s:index:Redis"].inputProperties.sentinels.description,
            "Number of sentinels; odd and at least 3, so that a majority can authorise a failover.",
        );
        assert.deepStrictEqual(schema.resources["stateful-k8s:index:RabbitMQ"].requiredInputs.sort(), ["defaultPassword", "erlangCookie"]);
        assert.ok(schema.resources["stateful-k8s:index:Eureka"].properties.peerUrls, "Eureka outputs its peer URLs");
    });
});
