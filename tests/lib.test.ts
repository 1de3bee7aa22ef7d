import * as assert from "assert";
import { ArgProblem, ArgsError, checkImage, checkReplicas, checkStorageSize } from "../components/lib/validation";
import { recommendedLabels } from "../components/lib/labels";
import { memberDnsNames } from "../components/lib/naming";
import { resolveResources } from "../components/lib/resources";
import { resolveStorage } from "../components/lib/statefulset/args";

const problemsOf = (fn: (p: ArgProblem[]) => void): ArgProblem[] => {
    const problems: ArgProblem[] = [];
    fn(problems);
    return problems;
};

describe("shared building blocks", () => {
    it("names every member by ordinal under the headless Service", () => {
        assert.deepStrictEqual(memberDnsNames("mq", 3, "mq-headless", "ns", "cluster.local"), [
            "mq-0.mq-headless.ns.svc.cluster.local",
            "mq-1.mq-headless.ns.svc.cluster.local",
            "mq-2.mq-headless.ns.svc.cluster.local",
        ]);
    });

    it("selects pods by name and instance only, so a version bump never changes the selector", () => {
        const labels = recommendedLabels("rabbitmq", "mq", "rabbitmq:4.1.4-management");
        assert.deepStrictEqual(labels.selector, { "app.kubernetes.io/name": "rabbitmq", "app.kubernetes.io/instance": "mq" });
        assert.strictEqual(labels.all["app.kubernetes.io/version"], "4.1.4-management");
        assert.strictEqual(labels.all["app.kubernetes.io/managed-by"], "pulumi");
    });

    it("retains claims by default and keeps an explicit Delete", () => {
        assert.deepStrictEqual(resolveStorage(undefined, "5Gi"), {
            size: "5Gi",
            storageClassName: undefined,
            whenDeleted: "Retain",
            whenScaled: "Retain",
        });
        assert.strictEqual(resolveStorage({ whenDeleted: "Delete" }, "5Gi").whenDeleted, "Delete");
    });

    it("defaults the memory limit to the memory request", () => {
        assert.deepStrictEqual(resolveResources({ memoryRequest: "2Gi" }, { cpuRequest: "1", memoryRequest: "1Gi" }), {
            cpuRequest: "1",
            memoryRequest: "2Gi",
            cpuLimit: undefined,
            memoryLimit: "2Gi",
            ephemeralStorageRequest: undefined,
            ephemeralStorageLimit: undefined,
        });
    });

    it("refuses an even quorum", () => {
        assert.deepStrictEqual(
            problemsOf((p) => checkReplicas(p, "replicas", 4, "odd")).map((p) => p.allowed),
            ["an odd whole number (1, 3, 5, ...): an even quorum tolerates no more failures than the odd number below it"],
        );
        assert.deepStrictEqual(
            problemsOf((p) => checkReplicas(p, "replicas", 3, "odd")),
            [],
        );
    });

    it("accepts Kubernetes quantities and refuses malformed sizes", () => {
        for (const ok of ["1Gi", "500Mi", "20G", "1.5Ti"])
            assert.deepStrictEqual(
                problemsOf((p) => checkStorageSize(p, "s", ok)),
                [],
            );
        for (const bad of ["10 GB", "ten", "0Gi", "-1Gi", 10])
            assert.strictEqual(problemsOf((p) => checkStorageSize(p, "s", bad)).length, 1);
    });

    it("refuses latest and untagged images, accepts registry ports and digests", () => {
        assert.strictEqual(problemsOf((p) => checkImage(p, "image", "redis:latest")).length, 1);
        assert.strictEqual(problemsOf((p) => checkImage(p, "image", "registry:5000/redis")).length, 1);
        assert.deepStrictEqual(
            problemsOf((p) => checkImage(p, "image", "registry:5000/redis:8.2.1")),
            [],
        );
        assert.deepStrictEqual(
            problemsOf((p) => checkImage(p, "image", "redis@sha256:0123")),
            [],
        );
    });

    it("writes one message naming each bad argument, its value and what is allowed", () => {
        const err = new ArgsError('Eureka "e" arguments', [{ path: "replicas", value: 0, allowed: "a whole number >= 1" }], "x:");
        assert.strictEqual(err.message, 'Invalid Eureka "e" arguments:\n  - x:replicas: got 0; allowed: a whole number >= 1');
        assert.deepStrictEqual(err.problems, [{ path: "x:replicas", value: 0, allowed: "a whole number >= 1" }]);
    });
});
